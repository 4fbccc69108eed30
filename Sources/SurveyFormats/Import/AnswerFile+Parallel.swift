import Foundation
import SurveyEngine
#if canImport(Glibc)
import Glibc
#endif

/// An import read on several cores: the file is cut at record boundaries (`CSVReader.parallelForEach`), each
/// part's rows go through its own `ImportShortcut` into a spool of its own, and the parts' spools are appended
/// to the batch in file order. Only for files whose every row the shortcut takes: at the first row that needs
/// the general path (a problem to name, a comment, a quote inside quotes…), or a respondent named in two
/// parts, the attempt is dropped — its spools deleted — and the file is read again in one pass, which
/// reports and stores exactly as before. So a clean district file costs its cores, and a file with problems
/// costs one more pass over the rows before the problem. Names are not checked as the parts go: the batch's
/// identities, sorted once (the commit needs them sorted anyway), show a name given twice.
extension AnswerFile {
    /// Files smaller than this are read in one pass (starting threads costs more than it saves).
    static let parallelThreshold = 4 << 20

    /// True when every row was taken and stored in `writer`; false (nothing stored, state as before) when the
    /// file must be read in one pass.
    func readInParallel(into writer: BatchWriter, parts: Int, progress: ((_ bytes: Int, _ rows: Int) -> Void)?,
                        minimumBytes: Int = parallelThreshold) throws -> Bool {
        guard let total = reader.totalBytes, total >= minimumBytes,
              let (layout, header) = try? CSVReader.layout(path: fileName, options: options), !header.isEmpty else { return false }
        readHeader(header, line: max(1, layout.dataStartLine - 1))
        // Registers the batch's tables as the parts will build theirs (same columns, codes in option order,
        // keys); nil when the file's columns need the general path.
        guard headerProblems.isEmpty,
              ImportShortcut(questionnaire: questionnaire, roles: roles, stage: stage, delimiter: layout.delimiter, writer: writer) != nil else {
            return false
        }
        let registry = PartRegistry(main: writer, questionnaire: questionnaire, roles: roles, stage: stage, delimiter: layout.delimiter,
                                    limit: 2 * parts, progress: progress, parts: parts)
        var options = self.options
        options.encoding = layout.encoding
        // The shortcut checks every byte it takes as UTF-8 (and any row it does not take sends the file to the
        // one-pass reading, whose reader checks), so the parts' readers need not.
        options.validatesUTF8 = false
        let results: [ImportPart]
        do {
            results = try CSVReader.parallelForEach(path: fileName, layout: layout, parts: parts, options: options,
                                                    make: { registry.make() },
                                                    shortcut: { part, bytes, count, limit, line in part.take(bytes, count: count, limit: limit, line: line) },
                                                    consume: { _, _ in throw NeedsOnePass() })
        } catch {
            registry.discardAll()
            return false
        }
        for part in results where part.writer == nil || part.shortcut?.error != nil {
            registry.discardAll()
            return false
        }
        for part in results {
            guard let partWriter = part.writer else { continue }
            do throws(StoreError) {
                guard try writer.absorb(partWriter) else {
                    registry.discardAll()
                    throw StoreError.damaged(path: partWriter.path, offset: 0, reason: Messages.importPartOtherTables)
                }
            } catch {
                registry.discardAll()
                throw error
            }
        }
        // A respondent named twice (in one part or two): the one-pass reading names both lines. The batch's
        // identities are sorted for this once, and the commit uses that order.
        if try writer.repeatsAnIdentity() {
            registry.discardAll()
            try writer.reset()
            return false
        }
        for part in results {
            guard let shortcut = part.shortcut else { continue }
            rowsRead += shortcut.rows
            rowsTaken += shortcut.rows
            mergeBlanks(of: shortcut)
        }
        registry.discardAll()
        return true
    }
}

/// Thrown by a part at a row the shortcut does not take: the parallel attempt is dropped.
struct NeedsOnePass: Error {}

/// One part of a parallel import: its shortcut, its spool, its duplicate check.
final class ImportPart: @unchecked Sendable {
    let writer: BatchWriter?
    let shortcut: ImportShortcut?
    /// Parts do not check names as they go (`ImportShortcut.checksDuplicates`): the batch does, once.
    private var unused = FingerprintTable()
    private let reportsProgress: Bool
    private let parts: Int
    private let progress: ((_ bytes: Int, _ rows: Int) -> Void)?
    private var bytesTaken = 0

    init(writer: BatchWriter?, shortcut: ImportShortcut?, reportsProgress: Bool, parts: Int,
         progress: ((_ bytes: Int, _ rows: Int) -> Void)?) {
        self.writer = writer
        self.shortcut = shortcut
        self.reportsProgress = reportsProgress
        self.parts = parts
        self.progress = progress
    }

    func take(_ bytes: UnsafePointer<UInt8>, count: Int, limit: Int, line: Int) -> (bytes: Int, records: Int) {
        guard let shortcut else { return (0, 0) }
        let taken = shortcut.take(bytes, count: count, limit: limit, line: line, seen: &unused)
        bytesTaken += taken.bytes
        // One part speaks for all (they move at about the same pace): an estimate, from one thread.
        if reportsProgress && taken.records > 0 { progress?(bytesTaken * parts, shortcut.rows * parts) }
        return taken
    }
}

/// Makes the parts (each with a spool of its own, numbered p1, p2…) and keeps them, so that every spool
/// made — including those of parts dropped or parsed again — is deleted in the end.
final class PartRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var made: [ImportPart] = []
    private let main: BatchWriter
    private let questionnaire: Questionnaire
    private let roles: [ColumnRole]
    private let stage: String?
    private let delimiter: UInt8
    private let limit: Int
    private let parts: Int
    private let progress: ((_ bytes: Int, _ rows: Int) -> Void)?

    init(main: BatchWriter, questionnaire: Questionnaire, roles: [ColumnRole], stage: String?, delimiter: UInt8,
         limit: Int, progress: ((_ bytes: Int, _ rows: Int) -> Void)?, parts: Int) {
        self.main = main
        self.questionnaire = questionnaire
        self.roles = roles
        self.stage = stage
        self.delimiter = delimiter
        self.limit = limit
        self.progress = progress
        self.parts = parts
    }

    /// A new part; one without a writer (past the limit of spools named for the interrupt handler, or one
    /// that could not be created) takes no row, so the attempt falls back to one pass.
    func make() -> ImportPart {
        lock.lock()
        defer { lock.unlock() }
        let number = made.count + 1
        let writer = number <= limit ? try? main.part(number) : nil
        let shortcut = writer.flatMap { ImportShortcut(questionnaire: questionnaire, roles: roles, stage: stage, delimiter: delimiter, writer: $0, checksDuplicates: false) }
        let part = ImportPart(writer: writer, shortcut: shortcut, reportsProgress: number == 1, parts: parts, progress: progress)
        made.append(part)
        return part
    }

    /// Deletes every part's spool (absorbed ones are gone already).
    func discardAll() {
        lock.lock()
        defer { lock.unlock() }
        for part in made { part.writer?.discard() }
    }
}
