import Foundation
import SurveyEngine
import SurveyFormats

let encodingOption = OptionSpec.value("--encoding", "ENC", "auto (default), utf-8, cp1251 or utf-16.", choices: ["auto", "utf-8", "cp1251", "utf-16"])
let delimiterOption = OptionSpec.value("--delimiter", "SEP", "auto (default), ',', ';' or tab.", choices: ["auto", ",", ";", "tab"])
let idColumnOption = OptionSpec.value("--id-column", "NAME", "The column that names the respondent (default: id, respondent, №, номер, анкета, ФИО, ребёнок).")
let stageOption = OptionSpec.value("--stage", "STAGE", "The monitoring stage of the sheet: start, mid or final.")

/// `survey import ID FILE`: validate a whole answer file, then store it atomically (or nothing).
let importCommand = Command(
    name: "import", summary: "Import an answer file (CSV from Excel or paper forms) into the response store.",
    usage: "ID FILE [--encoding auto|utf-8|cp1251|utf-16] [--delimiter auto|,|;|tab] [--stage start|mid|final] [--dry-run] [--skip-invalid --rejects FILE] [--id-column NAME]",
    discussion: """
    The whole file is checked first. By default it is all or nothing: any bad cell refuses the file (exit 1),
    every problem is listed with its line, column and item, and nothing is stored. With --skip-invalid the
    good rows are stored and the bad ones are written, each with its reason, to the --rejects file, which can
    be fixed and imported again as it is (its «Ошибка» column is ignored). Importing the same file twice
    stores nothing the second time.
    Columns name items by id, number or text; cells hold a label (case, spaces, ё/е and the scale's aliases
    forgiven), the option's value, or for levels I/II/III (Latin or Cyrillic). A Latin letter that looks like
    a Russian one («Cогласен») is read as that letter when only one reading fits. A row-number column («№ п/п»)
    beside the names is ignored. A row with fewer cells than the header (or more, not empty) is refused, never
    shifted. Names compare folded: a name already stored under another spelling is the same person.
    """,
    arguments: [("ID", "The questionnaire."), ("FILE", "The answer file: one row per respondent, a header row naming the items.")],
    options: [encodingOption, delimiterOption, stageOption, idColumnOption,
              .flag("--dry-run", "Check the file and print the summary; store nothing."),
              .flag("--skip-invalid", "Store the valid rows; write the others to --rejects."),
              .value("--rejects", "FILE", "Where --skip-invalid writes the refused rows (CSV with a reason column)."),
              .value("--max-errors", "N", "How many problems to list before counting the rest (default 30)."),
              OptionSpec(name: "--keep", value: "COLUMN", help: "Keep this extra column (a school, a role) with each response, for 'tabulate --by'. Repeatable.", repeatable: true)],
    positionals: 2...2,
    examples: ["survey import preschool-staff-survey answers.csv",
               "survey import preschool-monitoring group-sept.csv --stage start --encoding cp1251",
               "survey import teacher-deficits forms.csv --skip-invalid --rejects to-fix.csv"]
) { invocation throws(CLIError) in
    let q = try invocation.questionnaire(invocation.positionals[0])
    let path = invocation.positionals[1]
    let l = invocation.language
    let stage = try stageArgument(invocation, q)
    let skipInvalid = invocation.has("--skip-invalid")
    let rejectsPath = invocation.value("--rejects")
    if skipInvalid != (rejectsPath != nil) { throw .usage(Messages.skipInvalidWithRejects.text(l)) }
    let maxErrors = try invocation.integer("--max-errors", default: 30, range: 1...100_000) ?? 30

    let file = try openAnswerFile(invocation, q, path: path, stage: stage)
    let dryRun = invocation.has("--dry-run")
    // Valid rows are spooled beside the store as they are read (nothing is visible until the commit).
    let batch: BatchWriter?
    do throws(StoreError) {
        batch = dryRun ? nil : try invocation.store.beginBatch(questionnaireID: q.id, source: (path as NSString).lastPathComponent, checksum: nil)
    } catch { throw .from(error) }
    defer { batch?.discard() }
    // A regular file is read on every core when its rows allow it (`AnswerFile.readInParallel`).
    let parts = ProcessInfo.processInfo.activeProcessorCount
    if let batch {
        ImportInterrupt.arm(spool: batch.spoolPaths + batch.partSpoolPaths(2 * parts), message: "\n" + Messages.importInterrupted.text(l) + "\n")
    }
    // The checksum (to recognise the same file imported twice) is computed on another core while the rows
    // are read: it reads every byte again, from the page cache. A pipe can be read only once, by the rows,
    // so piped input has no checksum and is never taken for an earlier import.
    let checksum = dryRun || isSpecialFile(path) ? nil
        : BackgroundChecksum(path: path, salt: stage ?? "", sha256: invocation.store.holdsSHA256Checksums(q.id))
    var good = 0
    var spoolError: StoreError?
    var rejected: [AnswerRow] = []
    var problems: [Diagnostic] = []
    let progress = Progress(console: invocation.console, total: file.reader.totalBytes, language: invocation.language)
    do {
        // Common rows go straight into the batch (`ImportShortcut`); SURVEY_NO_SHORTCUT=1 reads every row
        // the general way (the equivalence tests compare the two stores).
        let shortcut = ProcessInfo.processInfo.environment["SURVEY_NO_SHORTCUT"] == nil
        try file.forEachRow(into: batch, shortcut: shortcut, parts: parts, progress: { progress.update(done: $0, rows: $1) }) { row in
            progress.update(done: file.reader.bytesRead, rows: file.rowsRead)
            if row.isValid {
                good += 1
                do throws(StoreError) { try batch?.append(row.response) } catch { spoolError = error }
            } else {
                rejected.append(row)
                problems += row.problems
            }
        }
    } catch let error as CSVError {
        progress.finish()
        throw csvRefusal(error, path: path, invocation.language, nothingStored: true)
    } catch {
        progress.finish()
        throw .internal("\(error)")
    }
    progress.finish()
    good += file.rowsTaken
    if let spoolError = spoolError ?? file.shortcutError { throw .from(spoolError) }
    if !file.headerProblems.isEmpty {
        printLimited(file.headerProblems, max: maxErrors, console: invocation.console, language: invocation.language)
        throw .message(Messages.headerDoesNotMatch(path, questionnaire: q.id, nothingStored: true))
    }

    let summary = ImportSummary(file: file, stored: 0, rejected: rejected.count, language: invocation.language)
    if !problems.isEmpty && !skipInvalid {
        printLimited(problems, max: maxErrors, console: invocation.console, language: invocation.language)
        invocation.console.out(summary.text(stored: 0))
        throw .message(Messages.rowsHaveProblems(rejected.count, of: file.rowsRead), hint: Messages.hintSkipInvalid)
    }
    if dryRun {
        printLimited(problems, max: maxErrors, console: invocation.console, language: invocation.language)
        invocation.console.out(Messages.dryRun.text(l) + "\n" + summary.text(stored: 0))
        return problems.isEmpty ? 0 : 1
    }
    if let rejectsPath, !rejected.isEmpty {
        printLimited(problems, max: maxErrors, console: invocation.console, language: invocation.language)
        try writeRejects(rejected, header: file.header, to: rejectsPath)
    }
    guard let batch else { return 0 }
    file.releaseDuplicateCheck()  // its memory is not needed for the commit
    do throws(FileError) {
        let checksums = try checksum?.value()
        batch.checksum = checksums?.xxh64
        batch.sha256Checksum = checksums?.sha256
    } catch { throw .from(error) }
    ImportInterrupt.holdForCommit()
    do throws(StoreError) {
        let result = try invocation.store.commit(batch)
        invocation.report(result.notes)
        if result.replacedCount > 0 {
            let names = result.replaced.joined(separator: ", ") + (result.replacedCount > result.replaced.count ? " …" : "")
            invocation.console.out(q.kind == .monitoring
                ? Messages.replacedStageData(result.replacedCount, names: names).text(l) + "\n"
                : Messages.alreadyHadResponse(result.replacedCount, names: names).text(l) + "\n")
        }
    } catch {
        if case .alreadyImported(let source, let at, let count) = error {
            invocation.console.out(Messages.alreadyImportedNote(source: source, at: at, count: count).text(l) + "\n")
            return 0
        }
        throw .from(error)
    }
    invocation.console.out(summary.text(stored: good) + (rejectsPath.map { rejected.isEmpty ? "" : Messages.rejectedRows($0).text(l) + "\n" } ?? ""))
    return 0
}

/// `--stage`: required for monitoring sheets, refused for other kinds, checked against the definition.
func stageArgument(_ invocation: Invocation, _ q: Questionnaire) throws(CLIError) -> String? {
    let stage = invocation.value("--stage")
    if q.kind == .monitoring {
        guard let stage else { throw .usage(Messages.monitoringNeedsStage(q.stages.map(\.id)).text(invocation.language)) }
        guard q.stages.contains(where: { $0.id == stage }) else {
            throw .usage(Messages.unknownStage(stage, questionnaire: q.id, stages: q.stages.map(\.id)).text(invocation.language))
        }
        return stage
    }
    if stage != nil { throw .usage(Messages.stageOnlyForMonitoring(q.id, kind: q.kind).text(invocation.language)) }
    return nil
}

/// Opens an answer file with the command's --encoding, --delimiter and --id-column.
func openAnswerFile(_ invocation: Invocation, _ q: Questionnaire, path: String, stage: String?) throws(CLIError) -> AnswerFile {
    var options = CSVOptions()
    if let encoding = invocation.value("--encoding") { options.encoding = CSVEncoding(rawValue: encoding) ?? .auto }
    if let delimiter = invocation.value("--delimiter") { options.delimiter = CSVDelimiter.parse(delimiter) ?? nil }
    do {
        return try AnswerFile(path: path, questionnaire: q, options: options, idColumn: invocation.value("--id-column"), stage: stage,
                              keep: invocation.values["--keep"] ?? [], language: invocation.language)
    } catch {
        throw csvRefusal(error, path: path, invocation.language, nothingStored: false)
    }
}

func printLimited(_ problems: [Diagnostic], max: Int, console: Console, canListMore: Bool = true, language: Language) {
    SurveyCLI.printDiagnostics(Array(problems.prefix(max)), console: console, language: language)
    if problems.count > max {
        let more = problems.count - max
        console.err("error: " + Messages.moreProblems(more, canListMore: canListMore).text(language) + "\n")
    }
}

/// The refused rows as a CSV a person can fix in Excel and import again: the original header and cells,
/// plus a last column with the reasons («Ошибка», which import recognises and ignores: `HeaderMatcher.rejectReasonHeaders`).
func writeRejects(_ rows: [AnswerRow], header: [String], to path: String) throws(CLIError) {
    var writer = CSVWriter(delimiter: ";", bom: true)
    writer.row(header + ["Ошибка"], defuse: Set(0...header.count))
    for row in rows {
        let reasons = row.problems.map { ($0.path.map { "\($0): " } ?? "") + $0.message }.joined(separator: "; ")
        // The reason goes in the reason column whatever the row's length: a short row is padded, and the
        // empty cells Excel leaves past the header are dropped (cells with something in them are kept).
        var cells = row.cells
        while cells.count > header.count, let last = cells.last, last.allSatisfy(\.isWhitespace) { cells.removeLast() }
        cells += Array(repeating: "", count: max(0, header.count - cells.count))
        writer.row(cells + [reasons], defuse: Set(0...cells.count))
    }
    do { try writePrivateFile(path, Array(writer.text.utf8)) } catch { throw .from(error) }
}

/// Writes a file that may hold names: created 0600, replaced atomically.
func writePrivateFile(_ path: String, _ bytes: [UInt8]) throws(FileError) {
    if isSpecialFile(path) {
        guard let handle = FileHandle(forWritingAtPath: path) else { throw FileError(path: path, reason: Messages.cannotBeWritten) }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: bytes) } catch { throw FileError(path: path, reason: error.localizedDescription) }
        return
    }
    let temporary = path + ".tmp-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
        throw FileError(path: path, reason: Messages.cannotBeWritten)
    }
    guard rename(temporary, path) == 0 else {
        unlink(temporary)
        throw FileError(path: path, errno: errno)
    }
}

/// `fileChecksums` on a thread of its own, started at once; `value()` waits for it.
final class BackgroundChecksum: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private var result: Result<FileChecksums, FileError> = .failure(FileError(path: "", reason: Message(verbatim: "—")))

    init(path: String, salt: String, sha256: Bool) {
        DispatchQueue.global().async {
            self.result = Result { () throws(FileError) in try fileChecksums(path, salt: salt, sha256: sha256) }
            self.finished.signal()
        }
    }

    func value() throws(FileError) -> FileChecksums {
        finished.wait()
        return try result.get()
    }
}

/// A file's checksum as the store keeps it (`xxh64:`), and its SHA-256 (`sha256:`) when the store holds
/// checksums of that kind from earlier versions.
struct FileChecksums {
    var xxh64: String
    var sha256: String?
}

/// XXH64 of a file's bytes followed by `|` and the stage it is imported as (docs/STORE.md), streamed in
/// chunks; SHA-256 of the same bytes too when asked.
func fileChecksums(_ path: String, salt: String, sha256 wantsSHA256: Bool) throws(FileError) -> FileChecksums {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw FileError(path: path, reason: Messages.cannotBeOpened) }
    defer { try? handle.close() }
    var fast = XXH64()
    var sha = wantsSHA256 ? SHA256() : nil
    while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
        chunk.withUnsafeBytes { fast.update($0) }
        sha?.update(chunk)
    }
    let tail = Array("|\(salt)".utf8)
    fast.update(tail)
    sha?.update(tail)
    var sha256: String?
    if var sha { sha256 = "sha256:" + sha.finalize().map { String(format: "%02x", $0) }.joined() }
    return FileChecksums(xxh64: "xxh64:" + fast.hex(), sha256: sha256)
}

/// The end-of-import report: rows read, stored, rejected, blanks per item.
struct ImportSummary {
    let file: AnswerFile
    let stored: Int
    let rejected: Int
    let language: Language

    func text(stored: Int) -> String {
        let l = language
        let delimiter = file.reader.delimiter == 0x09 ? "tab" : String(UnicodeScalar(file.reader.delimiter))
        var out = Messages.importFile(file.fileName, encoding: file.reader.encoding.rawValue, delimiter: delimiter).text(l) + "\n"
        out += Messages.rowsRead(file.rowsRead, stored: stored, rejected: rejected).text(l) + "\n"
        // A monitoring sheet's «Мероприятия» columns are optional notes, not answers: never reported as missing.
        let items = file.questionnaire.items.filter { !(file.questionnaire.kind == .monitoring && $0.isFreeText) }
        let present = Set(file.roles.compactMap { role -> String? in if case .item(let index) = role { return file.questionnaire.items[index].id }; return nil })
        let absent = items.filter { !present.contains($0.id) }.map(\.number)
        if !absent.isEmpty && !file.roles.isEmpty {
            out += Messages.noColumnBlankForEveryone.text(l) + numberRanges(absent) + "\n"
        }
        // Monitoring criteria are known by their codes (5-Ф.6), other items by their numbers.
        let byCode = file.questionnaire.kind == .monitoring
        let blanks = items.filter { present.contains($0.id) }.compactMap { item in file.blanks[item.id].map { (byCode ? item.id : String(item.number), $0) } }.filter { $0.1 > 0 }
        if !blanks.isEmpty {
            out += Messages.blanks(byCode: byCode).text(l)
                + blanks.map { "\($0.0) — \($0.1)" }.joined(separator: ", ") + "\n"
        }
        let context = file.questionnaire.context
        if !context.isEmpty && !file.roles.isEmpty {
            let given = Set(file.roles.compactMap { role -> Int? in if case .context(let index) = role { return index }; return nil })
            let missing = context.indices.filter { !given.contains($0) && !context[$0].optional }.map { context[$0].label }
            if !missing.isEmpty {
                out += Messages.noTeacherColumns(missing).text(l) + "\n"
            }
        }
        if !file.notApplicable.isEmpty {
            let numbers = items.filter { file.notApplicable[$0.id] != nil }.map(\.number)
            let count = file.notApplicable.values.reduce(0, +)
            out += Messages.notApplicableLeftOut(count, items: numberRanges(numbers)).text(l) + "\n"
        }
        return out
    }
}

/// A progress line on stderr for long files, when stderr is a terminal; silent otherwise.
final class Progress {
    private let console: Console
    private let total: Int?
    private let enabled: Bool
    private var last = Date.distantPast
    private var shown = false
    private let language: Language

    init(console: Console, total: Int?, language: Language) {
        self.console = console
        self.language = language
        self.total = total
        self.enabled = Console.isTerminal(2) && (total ?? 0) > 2_000_000
    }

    func update(done: Int, rows: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(last) > 0.2 else { return }
        last = now
        let percent = total.map { $0 > 0 ? " \(done * 100 / $0) %" : "" } ?? ""
        console.err("\r\u{1B}[K…\(percent) — " + Messages.progressRows(rows).text(language))
        shown = true
    }

    func finish() {
        if shown { console.err("\r\u{1B}[K") }
        shown = false
    }
}

/// «1–3, 5, 7–9».
func numberRanges(_ numbers: [Int]) -> String {
    var parts: [String] = []
    var index = 0
    let sorted = numbers.sorted()
    while index < sorted.count {
        var end = index
        while end + 1 < sorted.count && sorted[end + 1] == sorted[end] + 1 { end += 1 }
        parts.append(end > index ? "\(sorted[index])–\(sorted[end])" : "\(sorted[index])")
        index = end + 1
    }
    return parts.joined(separator: ", ")
}
