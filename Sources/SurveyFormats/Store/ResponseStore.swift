import Foundation
import SurveyEngine
#if canImport(Glibc)
import Glibc
#endif

/// The embedded response store: one folder per questionnaire holding an append-only JSON Lines log.
///
/// Every import (or finished terminal session) is one *batch*: its response lines, then a commit line.
/// Readers count only committed batches, so a crash or power cut mid-write leaves at most an uncommitted
/// tail, which the next writer truncates (and says so). Writers hold an exclusive `flock`, so two imports
/// or terminals never interleave; data is fsynced before success is reported. Folders are 0700 and files
/// 0600: the log holds names.
public struct ResponseStore: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// `--data DIR`, else `$SURVEY_DATA`, else `./survey-data`.
    public static func root(option: String?, environment: [String: String]) -> String {
        option ?? environment["SURVEY_DATA"] ?? "survey-data"
    }

    public func folder(for questionnaireID: String) -> String { (root as NSString).appendingPathComponent(questionnaireID) }
    public func logPath(for questionnaireID: String) -> String { (folder(for: questionnaireID) as NSString).appendingPathComponent("responses.jsonl") }

    /// A response as stored, with the batch it came in.
    public struct Entry: Sendable, Equatable {
        public var response: Response
        public var batch: String
    }

    /// What a committed batch recorded.
    public struct BatchInfo: Sendable, Equatable {
        public var id: String
        public var count: Int
        public var source: String
        public var checksum: String?
        public var at: String
    }

    /// The store's contents for one questionnaire: committed entries in order (a later response of the same
    /// respondent and stage supersedes an earlier one), the batches, and uncommitted lines seen at the end.
    public struct Contents: Sendable {
        public var entries: [Entry] = []
        public var batches: [BatchInfo] = []
        /// Lines after the last commit: an import cut off by a crash.
        public var uncommittedLines = 0
        /// Byte length of the committed part of the log.
        public var committedLength = 0

        /// The current responses: the latest per respondent (and stage); anonymous ones all count.
        public var current: [Response] {
            var latest: [String: Int] = [:]
            for (index, entry) in entries.enumerated() {
                if let identity = entry.response.identity { latest[identity] = index }
            }
            return entries.enumerated().compactMap { index, entry in
                guard let identity = entry.response.identity else { return entry.response }
                return latest[identity] == index ? entry.response : nil
            }
        }
    }

    // MARK: - Reading

    /// Reads the committed log of a questionnaire (an empty result if nothing is stored yet).
    public func read(_ questionnaireID: String) throws(StoreError) -> Contents {
        let path = logPath(for: questionnaireID)
        guard FileIO.exists(path) else { return Contents() }
        let bytes: [UInt8]
        do throws(FileError) { bytes = try FileIO.readAll(path: path, limit: Int.max) } catch { throw .file(error) }
        return try Self.parse(bytes, path: path)
    }

    static func parse(_ bytes: [UInt8], path: String) throws(StoreError) -> Contents {
        var contents = Contents()
        var pending: [Entry] = []
        var pendingBatch: String?
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            guard let newline = bytes[lineStart...].firstIndex(of: 0x0A) else {
                // A last line with no newline is torn: a write cut short. It is never part of a commit.
                contents.uncommittedLines += pending.count + 1
                return contents
            }
            lineNumber += 1
            let line = Array(bytes[lineStart..<newline])
            lineStart = newline + 1
            guard let node = try? JSONTreeParser.parse(line), case .object(let members) = node.value else {
                throw .corrupt(path: path, line: lineNumber, reason: "not a JSON object")
            }
            let fields = Dictionary(members.map { ($0.key, $0.value.value) }, uniquingKeysWith: { a, _ in a })
            switch fields["type"] {
            case .string("response"):
                guard case .string(let batch) = fields["batch"] else { throw .corrupt(path: path, line: lineNumber, reason: "response without batch") }
                if pendingBatch != nil && pendingBatch != batch { throw .corrupt(path: path, line: lineNumber, reason: "batches interleave") }
                pendingBatch = batch
                pending.append(Entry(response: decodeResponse(fields), batch: batch))
            case .string("commit"):
                guard case .string(let batch) = fields["batch"], case .number(let count) = fields["count"] else {
                    throw .corrupt(path: path, line: lineNumber, reason: "commit without batch or count")
                }
                // Int(exactly:): a count such as 1e300 or 2.5 in a damaged log is a mismatch, not a trap.
                guard pendingBatch == nil || pendingBatch == batch, Int(exactly: count) == pending.count else {
                    throw .corrupt(path: path, line: lineNumber, reason: "commit of \(batch) does not match its \(pending.count) response line(s)")
                }
                contents.entries += pending
                contents.batches.append(BatchInfo(
                    id: batch, count: pending.count, source: fields["source"]?.stringValue ?? "",
                    checksum: fields["checksum"]?.stringValue, at: fields["at"]?.stringValue ?? ""))
                pending = []
                pendingBatch = nil
                contents.committedLength = lineStart
            case .string("forget"):
                guard case .string(let respondent) = fields["respondent"] else { throw .corrupt(path: path, line: lineNumber, reason: "forget without respondent") }
                contents.entries.removeAll { $0.response.respondent == respondent }
                contents.committedLength = lineStart
            default:
                throw .corrupt(path: path, line: lineNumber, reason: "unknown record type")
            }
        }
        contents.uncommittedLines = pending.count
        return contents
    }

    private static func decodeResponse(_ fields: [String: JSONValue]) -> Response {
        var response = Response(respondent: fields["respondent"]?.stringValue, stage: fields["stage"]?.stringValue)
        if case .object(let values) = fields["values"] {
            for (key, node) in values { if case .number(let v) = node.value { response.values[key] = v } }
        }
        if case .object(let texts) = fields["texts"] {
            for (key, node) in texts { if case .string(let t) = node.value { response.texts[key] = t } }
        }
        if case .object(let attributes) = fields["attributes"] {
            for (key, node) in attributes { if case .string(let t) = node.value { response.attributes[key] = t } }
        }
        return response
    }

    /// One response as its log line, appended to `out` as bytes: keys in order, numbers as `JSONOutput`
    /// writes them, strings escaped as it does. Built without Strings, because `import` pays it per row; a
    /// test holds it to the `JSONOutput` rendering of the same object.
    static func encode(_ response: Response, batch: String, into out: inout [UInt8]) {
        @inline(__always) func literal(_ text: StaticString) {
            text.withUTF8Buffer { out.append(contentsOf: $0) }
        }
        func string(_ text: String) {
            var text = text
            let plain = text.withUTF8 { bytes in
                // Nothing to escape: no control byte, quote, backslash, or U+2028/U+2029 (E2 80 A8/A9).
                !bytes.indices.contains { k in
                    let b = bytes[k]
                    return b < 0x20 || b == 0x22 || b == 0x5C
                        || (b == 0xE2 && k + 2 < bytes.count && bytes[k + 1] == 0x80 && (bytes[k + 2] == 0xA8 || bytes[k + 2] == 0xA9))
                }
            }
            if plain {
                out.append(0x22)
                text.withUTF8 { out.append(contentsOf: $0) }
                out.append(0x22)
            } else {
                var escaped = ""
                JSONOutput.writeString(text, to: &escaped)
                out.append(contentsOf: escaped.utf8)
            }
        }
        func strings(_ members: [String: String]) {
            out.append(0x7B)
            for (k, (key, value)) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if k > 0 { out.append(0x2C) }
                string(key)
                out.append(0x3A)
                string(value)
            }
            out.append(0x7D)
        }
        literal(#"{"type":"response","batch":"#)
        string(batch)
        literal(#","respondent":"#)
        if let respondent = response.respondent { string(respondent) } else { literal("null") }
        literal(#","stage":"#)
        if let stage = response.stage { string(stage) } else { literal("null") }
        literal(#","values":{"#)
        for (k, (key, value)) in response.values.sorted(by: { $0.key < $1.key }).enumerated() {
            if k > 0 { out.append(0x2C) }
            string(key)
            out.append(0x3A)
            if value.rounded() == value && abs(value) < 1e15 {
                var whole = Int(value)
                if whole < 0 { out.append(0x2D); whole = -whole }
                if whole < 10 { out.append(0x30 + UInt8(whole)) } else { out.append(contentsOf: String(whole).utf8) }
            } else {
                out.append(contentsOf: JSONOutput.format(value).utf8)
            }
        }
        literal(#"},"texts":"#)
        strings(response.texts)
        if !response.attributes.isEmpty {
            literal(#","attributes":"#)
            strings(response.attributes)
        }
        literal("}\n")
    }

    /// One response as its log line (with the newline).
    static func encode(_ response: Response, batch: String) -> String {
        var bytes: [UInt8] = []
        encode(response, batch: batch, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Writing

    /// What a commit did.
    public struct CommitResult: Sendable {
        public var batch: String
        public var stored: Int
        /// Respondents whose earlier response (at the same stage) this batch replaces.
        public var replaced: [String]
        /// A message when an unfinished earlier write was found and removed.
        public var repaired: String?
    }

    /// Appends a batch atomically. Under the lock it repairs a torn tail, refuses a checksum seen before
    /// (the same file imported twice), writes the responses and the commit line, and fsyncs.
    public func commit(_ responses: [Response], questionnaireID: String, source: String, checksum: String?,
                       now: Date = Date()) throws(StoreError) -> CommitResult {
        let writer = try beginBatch(questionnaireID: questionnaireID, source: source, checksum: checksum, now: now)
        do throws(StoreError) {
            for response in responses { try writer.append(response) }
            return try commit(writer, now: now)
        } catch {
            writer.discard()
            throw error
        }
    }

    /// Starts a batch that is spooled to a private file beside the log as it is built, so that an import of
    /// any size holds one row in memory at a time; `commit(_:)` then appends it whole.
    public func beginBatch(questionnaireID: String, source: String, checksum: String?, now: Date = Date()) throws(StoreError) -> BatchWriter {
        try ensureFolder(questionnaireID)
        return try BatchWriter(folder: folder(for: questionnaireID), questionnaireID: questionnaireID,
                               batch: Self.batchID(source: source, checksum: checksum, now: now), source: source, checksum: checksum)
    }

    /// Appends a spooled batch: under the lock, repairs a torn tail, refuses a file imported before, copies the
    /// spool to the log, writes the commit line and fsyncs. The spool is removed either way.
    public func commit(_ writer: BatchWriter, now: Date = Date()) throws(StoreError) -> CommitResult {
        defer { writer.discard() }
        try writer.finish()
        return try withLock(writer.questionnaireID) { () throws(StoreError) -> CommitResult in
            let path = logPath(for: writer.questionnaireID)
            let (contents, repaired) = try openForAppend(path)
            if let checksum = writer.checksum, let earlier = contents.batches.first(where: { $0.checksum == checksum }) {
                throw .alreadyImported(source: earlier.source, at: earlier.at, count: earlier.count)
            }
            let existing = Set(contents.current.compactMap(\.identity))
            let replaced = writer.identities.filter { existing.contains($0.key) }.map(\.value).sorted()
            let commitLine = JSONOutput.object([
                ("type", .string("commit")), ("batch", .string(writer.batch)), ("count", .integer(writer.count)),
                ("source", .string(writer.source)), ("checksum", .optional(writer.checksum)), ("at", .string(Self.timestamp(now))),
            ]).compact() + "\n"
            try appendSpool(writer.path, then: Array(commitLine.utf8), to: path)
            return CommitResult(batch: writer.batch, stored: writer.count, replaced: replaced, repaired: repaired)
        }
    }

    /// Removes every response of a respondent: the log is rewritten without them (atomically, by rename),
    /// so the name is gone from the disk, not merely hidden.
    public func forget(_ respondent: String, questionnaireID: String) throws(StoreError) -> Int {
        let path = logPath(for: questionnaireID)
        guard FileIO.exists(path) else { return 0 }
        return try withLock(questionnaireID) { () throws(StoreError) -> Int in
            _ = try openForAppend(path)
            let bytes: [UInt8]
            do throws(FileError) { bytes = try FileIO.readAll(path: path, limit: Int.max) } catch { throw .file(error) }
            let contents = try Self.parse(bytes, path: path)
            let removed = contents.entries.filter { $0.response.respondent == respondent }.count
            guard removed > 0 else { return 0 }
            // Re-encode batch by batch, leaving the respondent out and recounting each commit.
            var text = ""
            for batch in contents.batches {
                let kept = contents.entries.filter { $0.batch == batch.id && $0.response.respondent != respondent }
                for entry in kept { text += Self.encode(entry.response, batch: batch.id) }
                text += JSONOutput.object([
                    ("type", .string("commit")), ("batch", .string(batch.id)), ("count", .integer(kept.count)),
                    ("source", .string(batch.source)), ("checksum", .optional(batch.checksum)), ("at", .string(batch.at)),
                ]).compact() + "\n"
            }
            try replaceFile(path, with: Array(text.utf8))
            return removed
        }
    }

    // MARK: - File mechanics

    private func ensureFolder(_ questionnaireID: String) throws(StoreError) {
        guard QuestionnaireValidator.isSafeIdentifier(questionnaireID) else { throw .unsafeName(questionnaireID) }
        for path in [root, folder(for: questionnaireID)] where !FileIO.isDirectory(path) {
            if mkdir(path, 0o700) != 0 && errno != EEXIST { throw .file(FileError(path: path, errno: errno)) }
            chmod(path, 0o700)
        }
    }

    /// Runs `body` holding an exclusive lock on the questionnaire's folder.
    private func withLock<T>(_ questionnaireID: String, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        let lockPath = (folder(for: questionnaireID) as NSString).appendingPathComponent("lock")
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .file(FileError(path: lockPath, errno: errno)) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw .file(FileError(path: lockPath, errno: errno)) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Reads the log and truncates anything after the last commit; returns the contents and what was repaired.
    private func openForAppend(_ path: String) throws(StoreError) -> (Contents, String?) {
        guard FileIO.exists(path) else { return (Contents(), nil) }
        let bytes: [UInt8]
        do throws(FileError) { bytes = try FileIO.readAll(path: path, limit: Int.max) } catch { throw .file(error) }
        let contents = try Self.parse(bytes, path: path)
        guard contents.committedLength < bytes.count else { return (contents, nil) }
        guard truncate(path, off_t(contents.committedLength)) == 0 else { throw .file(FileError(path: path, errno: errno)) }
        let removed = bytes.count - contents.committedLength
        return (contents, "\(path): removed an unfinished write of \(removed) byte(s) at the end (an import or session cut off by a crash or power cut); committed data is intact")
    }

    /// Appends the spool's bytes, then `tail`, to the log, and fsyncs.
    private func appendSpool(_ spool: String, then tail: [UInt8], to path: String) throws(StoreError) {
        let created = !FileIO.exists(path)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .file(FileError(path: path, errno: errno)) }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let input = open(spool, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .file(FileError(path: spool, errno: errno)) }
        defer { close(input) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw .file(FileError(path: spool, errno: errno)) }
            if n == 0 { break }
            try writeAll(fd, Array(buffer[0..<n]), path: path)
        }
        try writeAll(fd, tail, path: path)
        guard fsync(fd) == 0 else { throw .file(FileError(path: path, errno: errno)) }
        if created { syncFolder(of: path) }
    }

    private func replaceFile(_ path: String, with bytes: [UInt8]) throws(StoreError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .file(FileError(path: temporary, errno: errno)) }
        do throws(StoreError) {
            try writeAll(fd, bytes, path: temporary)
            guard fsync(fd) == 0 else { throw .file(FileError(path: temporary, errno: errno)) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw .file(FileError(path: path, errno: errno)) }
        syncFolder(of: path)
    }

    fileprivate func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StoreError) {
        do throws(FileError) { try FileIO.writeAll(fd, bytes[...], path: path) } catch { throw .file(error) }
    }

    /// A new file's name is durable only once its folder is synced.
    private func syncFolder(of path: String) {
        let fd = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    static func batchID(source: String, checksum: String?, now: Date) -> String {
        "b" + String(SHA256.hex(Array("\(source)|\(checksum ?? "")|\(now.timeIntervalSince1970)|\(getpid())|\(UInt64.random(in: 0...UInt64.max))".utf8)).prefix(12))
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// A batch being built: response lines go to a private spool file (`incoming-…` in the questionnaire's
/// folder) through a buffer, so memory stays flat however many rows an import has.
public final class BatchWriter {
    public let questionnaireID: String
    public let batch: String
    public let source: String
    /// The source file's checksum, set before the commit so that the same file is not stored twice.
    public var checksum: String?
    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    public private(set) var count = 0
    /// Identity → name of the named respondents in the batch, to report whom it replaces.
    private(set) var identities: [String: String] = [:]

    init(folder: String, questionnaireID: String, batch: String, source: String, checksum: String?) throws(StoreError) {
        self.questionnaireID = questionnaireID
        self.batch = batch
        self.source = source
        self.checksum = checksum
        path = (folder as NSString).appendingPathComponent("incoming-\(batch).jsonl")
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .file(FileError(path: path, errno: errno)) }
        buffer.reserveCapacity(1 << 20)
    }

    deinit { close(fd) }

    public func append(_ response: Response) throws(StoreError) {
        ResponseStore.encode(response, batch: batch, into: &buffer)
        count += 1
        if let identity = response.identity { identities[identity] = response.respondent }
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(StoreError) {
        do throws(FileError) { try FileIO.writeAll(fd, buffer[...], path: path) } catch { throw .file(error) }
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws(StoreError) { try flush() }

    /// Removes the spool (after a commit, or when the import is abandoned).
    public func discard() { unlink(path) }
}

/// Why the store refused or failed.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case file(FileError)
    case corrupt(path: String, line: Int, reason: String)
    case alreadyImported(source: String, at: String, count: Int)
    case unsafeName(String)

    public var description: String {
        switch self {
        case .file(let error): error.description
        case .corrupt(let path, let line, let reason): "\(path):\(line): the store is damaged: \(reason)"
        case .alreadyImported(let source, let at, let count): "this file was already imported (as \(source), \(at), \(count) response(s)); nothing stored twice"
        case .unsafeName(let name): "'\(name)' cannot name a store folder"
        }
    }
}

extension JSONValue {
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
