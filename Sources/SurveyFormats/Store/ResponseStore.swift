import Foundation
import SurveyEngine
#if canImport(Glibc)
import Glibc
#endif

/// The embedded response store, format 2 (docs/STORE.md): per questionnaire a folder holding
/// - `responses.bin`: the records, append-only, batch after batch, an option code per item (`StoreRecord`);
/// - `index.jsonl`: one line per committed batch — its place in the log, its tables, its source file's
///   checksum, and the earlier records it supersedes (the same respondent, and stage, answering again);
/// - `identities/*.bin`: sorted (fingerprint, offset) runs, to find a respondent's latest record without
///   reading the log.
///
/// An append (an import, a finished `take`) costs the batch: under an exclusive `flock` it copies its spool
/// to the end of the log, probes the runs for the respondents it brings, writes a run of its own and one
/// index line, fsyncing each before the next. The index line is the commit: bytes after the last committed
/// batch are a write cut short, cut off by the next writer (and said so). Readers never wait for a writer:
/// they read the committed index and the log up to its end. Folders are 0700 and files 0600: the log holds names.
public struct ResponseStore: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// `--data DIR`, else `$SURVEY_DATA`, else `./survey-data`.
    public static func root(option: String?, environment: [String: String]) -> String {
        option ?? environment["SURVEY_DATA"] ?? "survey-data"
    }

    public func folder(for questionnaireID: String) -> String { (root as NSString).appendingPathComponent(questionnaireID) }
    func path(_ questionnaireID: String, _ name: String) -> String { (folder(for: questionnaireID) as NSString).appendingPathComponent(name) }
    /// The records (format 2).
    public func logPath(for questionnaireID: String) -> String { path(questionnaireID, "responses.bin") }
    public func indexPath(for questionnaireID: String) -> String { path(questionnaireID, "index.jsonl") }
    /// The format-1 log, converted at the first opening.
    func legacyLogPath(for questionnaireID: String) -> String { path(questionnaireID, "responses.jsonl") }

    /// Whether files were imported into this questionnaire's store under SHA-256 checksums (before XXH64):
    /// an import then computes that checksum too, so that a file imported before is still recognised.
    public func holdsSHA256Checksums(_ questionnaireID: String) -> Bool {
        if FileManager.default.fileExists(atPath: legacyLogPath(for: questionnaireID)) { return true }
        guard let index = FileManager.default.contents(atPath: indexPath(for: questionnaireID)) else { return false }
        return index.range(of: Data("\"checksum\":\"sha256:".utf8)) != nil
    }
    func runsFolder(for questionnaireID: String) -> String { path(questionnaireID, "identities") }

    static let magic: [UInt8] = Array("SVSTORE2".utf8)
    static let formatVersion = 2

    /// A response as stored, with the batch it came in.
    public struct Entry: Sendable, Equatable {
        public var response: Response
        public var batch: String
    }

    /// What a committed batch recorded (one line of the index).
    public struct BatchInfo: Sendable, Equatable {
        public var id: String
        public var count: Int
        public var source: String
        public var checksum: String?
        public var at: String
        /// Where the batch's records are in `responses.bin`, and their length in bytes.
        public var offset: Int = 0
        public var length: Int = 0
        public var tables = BatchTables()
        /// Offsets of earlier records (or earlier in this batch) that this batch supersedes.
        public var superseded: [Int] = []
        /// The identity runs in force after this batch.
        public var runs: [String] = []
    }

    /// The store's contents for one questionnaire, all in memory: for small stores and tests. Commands
    /// read through `snapshot(_:)`, which streams.
    public struct Contents: Sendable {
        public var entries: [Entry] = []
        public var batches: [BatchInfo] = []
        /// Whether each entry is current (not superseded by a later answer of the same respondent and stage).
        public var isCurrent: [Bool] = []

        /// The current responses: the latest per respondent (and stage); anonymous ones all count.
        public var current: [Response] { zip(entries, isCurrent).filter(\.1).map(\.0.response) }
    }

    // MARK: - Reading

    /// Reads every committed record into memory (tests, small stores). Streams nothing; see `snapshot(_:)`.
    public func read(_ questionnaireID: String) throws(StoreError) -> Contents {
        let snapshot = try self.snapshot(questionnaireID)
        var contents = Contents()
        contents.batches = snapshot.batches
        try snapshot.forEach { record throws(StoreError) in
            contents.entries.append(Entry(response: try record.response(), batch: snapshot.batches[record.batch].id))
            contents.isCurrent.append(record.isCurrent)
        }
        return contents
    }

    /// Opens the committed state for reading: the index, and the log as it is now. Later appends are not
    /// seen; a `forget` that replaces the files does not disturb a snapshot already open (it holds the old
    /// log open). A format-1 store is converted first; a spool left by a crash is removed (`notes` says so).
    public func snapshot(_ questionnaireID: String) throws(StoreError) -> StoreSnapshot {
        guard QuestionnaireValidator.isSafeIdentifier(questionnaireID) else { throw .unsafeName(questionnaireID) }
        var notes: [StoreNote] = []
        guard FileIO.isDirectory(folder(for: questionnaireID)) else { return StoreSnapshot(empty: ()) }
        if FileIO.exists(legacyLogPath(for: questionnaireID)) {
            try withLock(questionnaireID) { () throws(StoreError) in
                if let note = try migrateIfNeeded(questionnaireID) { notes.append(note) }
            }
        }
        notes += removeStaleSpools(questionnaireID)
        return try withSnapshotLock(questionnaireID, shared: true) { () throws(StoreError) -> StoreSnapshot in
            let index = try readIndex(questionnaireID)
            let logPath = logPath(for: questionnaireID)
            guard !index.batches.isEmpty else { return StoreSnapshot(empty: (), notes: notes) }
            let fd = open(logPath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .file(FileError(path: logPath, errno: errno)) }
            return StoreSnapshot(fd: fd, path: logPath, batches: index.batches, committedLength: index.committedLength, notes: notes)
        }
    }

    /// The committed index: its batches and where the committed log ends. A torn last line is left out.
    struct Index {
        var batches: [BatchInfo] = []
        var committedLength = ResponseStore.magic.count
        /// Byte length of the complete lines (a torn last line starts here).
        var validLength = 0
        var fileLength = 0
        var runs: [String] { batches.last?.runs ?? [] }
    }

    func readIndex(_ questionnaireID: String) throws(StoreError) -> Index {
        let path = indexPath(for: questionnaireID)
        guard FileIO.exists(path) else { return Index() }
        let bytes: [UInt8]
        do throws(FileError) { bytes = try FileIO.readAll(path: path, limit: Int.max) } catch { throw .file(error) }
        return try StoreIndex.parse(bytes, path: path)
    }

    // MARK: - Writing

    /// What a commit did.
    public struct CommitResult: Sendable {
        public var batch: String
        public var stored: Int
        /// How many respondents already had a response (at the same stage) that this batch replaces.
        public var replacedCount: Int
        /// The first of them by name (at most `BatchWriter.namedReplacements`), sorted.
        public var replaced: [String]
        /// What was repaired or converted on the way (an unfinished earlier write, a format-1 store).
        public var notes: [StoreNote]
    }

    /// Appends a batch atomically (all or nothing).
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

    /// Starts a batch that is spooled to a private, locked file beside the log as it is built, so that an
    /// import of any size holds little in memory; `commit(_:)` then appends it whole.
    public func beginBatch(questionnaireID: String, source: String, checksum: String?, now: Date = Date()) throws(StoreError) -> BatchWriter {
        try ensureFolder(questionnaireID)
        return try BatchWriter(folder: folder(for: questionnaireID), questionnaireID: questionnaireID,
                               batch: Self.batchID(source: source, checksum: checksum, now: now), source: source, checksum: checksum)
    }

    /// Appends a spooled batch: under the lock, converts a format-1 store, repairs a torn tail, refuses a
    /// file imported before, copies the spool to the log, writes the batch's identity run and index line,
    /// fsyncing each. The spool is removed either way.
    public func commit(_ writer: BatchWriter, now: Date = Date()) throws(StoreError) -> CommitResult {
        defer { writer.discard() }
        try writer.finish()
        let id = writer.questionnaireID
        return try withLock(id) { () throws(StoreError) -> CommitResult in
            var notes: [StoreNote] = []
            if let note = try migrateIfNeeded(id) { notes.append(note) }
            let (index, repaired) = try repairTail(id)
            if let repaired { notes.append(repaired) }
            notes += removeStaleSpools(id)
            let checksums = Set([writer.checksum, writer.sha256Checksum].compactMap { $0 })
            if let earlier = index.batches.first(where: { $0.checksum.map(checksums.contains) ?? false }) {
                throw .alreadyImported(source: earlier.source, at: earlier.at, count: earlier.count)
            }
            let offset = index.committedLength
            let logPath = logPath(for: id)
            let log = try LogFile(path: logPath)
            defer { log.close() }

            // Who this batch replaces: earlier in the batch, then earlier batches through the runs.
            let runs = IdentityRuns(folder: runsFolder(for: id), names: index.runs)
            let fresh = try writer.sortedIdentities(base: offset)
            // Fingerprints of the batch that the runs hold too: only those (and repeats inside the batch)
            // need their records read.
            let known = try runs.present(fresh)
            var superseded: [Int] = []
            var replacedNames: [String] = []
            var replacedCount = 0
            var k = 0
            while k < fresh.count {
                var end = k + 1
                while end < fresh.count && fresh[end].fingerprint == fresh[k].fingerprint { end += 1 }
                if end - k == 1 && !known.contains(fresh[k].fingerprint) { k = end; continue }
                // Entries with one fingerprint, in batch order: group them by the identity they really hold.
                var latestInBatch: [String: Int] = [:]
                var typed: [String: String] = [:]
                for entry in fresh[k..<end] {
                    let identity = writer.identity(atSpoolOffset: entry.offset - offset) ?? ""
                    if let earlier = latestInBatch[identity] { superseded.append(earlier) }
                    latestInBatch[identity] = entry.offset
                    typed[identity] = writer.name(atSpoolOffset: entry.offset - offset)
                }
                for identity in latestInBatch.keys.sorted() {
                    if let old = try runs.latest(fresh[k].fingerprint, identity: identity, log: log) {
                        superseded.append(old)
                        replacedCount += 1
                        if replacedNames.count < BatchWriter.namedReplacements {
                            replacedNames.append(typed[identity] ?? String(identity.split(separator: "\u{1F}", omittingEmptySubsequences: false).first ?? ""))
                        }
                    }
                }
                k = end
            }
            superseded.sort()

            try log.append(spool: writer.path, at: offset)
            try ensureRunsFolder(id)
            let newRuns = try runs.adding(sorted: fresh)
            let info = BatchInfo(id: writer.batch, count: writer.count, source: writer.source, checksum: writer.checksum,
                                 at: Self.timestamp(now), offset: offset, length: writer.length, tables: writer.tables,
                                 superseded: superseded, runs: newRuns.names)
            try StoreIndex.append(info, to: indexPath(for: id), questionnaireID: id, existingLength: index.validLength)
            runs.removeUnused(keeping: newRuns.names)
            return CommitResult(batch: writer.batch, stored: writer.count, replacedCount: replacedCount,
                                replaced: replacedNames.sorted(), notes: notes)
        }
    }

    /// What `forget` removed.
    public struct ForgetResult: Sendable {
        /// Records removed from the log, and the distinct names they held.
        public var removed = 0
        public var names: [String] = []
    }

    /// Removes every record whose respondent `matches`: the log, the index and the runs are rewritten without
    /// them (each atomically, by rename), so the name is gone from the disk, not merely hidden.
    public func forget(questionnaireID: String, matching matches: (String) -> Bool) throws(StoreError) -> ForgetResult {
        guard QuestionnaireValidator.isSafeIdentifier(questionnaireID) else { throw .unsafeName(questionnaireID) }
        guard FileIO.isDirectory(folder(for: questionnaireID)) else { return ForgetResult() }
        return try withLock(questionnaireID) { () throws(StoreError) -> ForgetResult in
            _ = try migrateIfNeeded(questionnaireID)
            _ = try repairTail(questionnaireID)
            let index = try readIndex(questionnaireID)
            guard !index.batches.isEmpty else { return ForgetResult() }
            let snapshot = try withSnapshotLock(questionnaireID, shared: true) { () throws(StoreError) -> StoreSnapshot in
                let path = logPath(for: questionnaireID)
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw .file(FileError(path: path, errno: errno)) }
                return StoreSnapshot(fd: fd, path: path, batches: index.batches, committedLength: index.committedLength, notes: [])
            }
            // First pass: does anyone match? (Nothing is rewritten for a name that is not there.)
            var result = ForgetResult()
            var names = Set<String>()
            try snapshot.forEach { record throws(StoreError) in
                if let name = record.respondent(), matches(name) { result.removed += 1; names.insert(name) }
            }
            guard result.removed > 0 else { return result }
            result.names = names.sorted()
            // The rewrite compares identities, which hold the name folded.
            let folded = Set(names.map(TextFolding.fold))
            try rewrite(questionnaireID, from: snapshot, dropping: { folded.contains(TextFolding.fold($0)) })
            return result
        }
    }

    /// Writes the log, index and runs again from `snapshot` without the records whose respondent `drop`s,
    /// and renames them into place together (under the snapshot lock, so a reader sees old or new).
    private func rewrite(_ id: String, from snapshot: StoreSnapshot, dropping drop: (String) -> Bool) throws(StoreError) {
        let suffix = ".tmp-\(getpid())"
        let logTemp = logPath(for: id) + suffix, indexTemp = indexPath(for: id) + suffix
        let writer = try LogFile(path: logTemp, truncate: true)
        var batches: [BatchInfo] = []
        var identities: [(UInt64, UInt64)] = []
        // Old offset → new offset, for the superseded records that are kept.
        let supersededOld = Set(snapshot.batches.flatMap(\.superseded))
        var moved: [Int: Int] = [:]
        var buffer: [UInt8] = Self.magic
        var position = Self.magic.count
        var current: BatchInfo?
        func closeBatch() {
            if var batch = current {
                batch.length = position - batch.offset
                batches.append(batch)
            }
        }
        do throws(StoreError) {
            try snapshot.forEachRecord { record throws(StoreError) in
                if current?.id != snapshot.batches[record.batch].id {
                    closeBatch()
                    var batch = snapshot.batches[record.batch]
                    batch.offset = position
                    batch.count = 0
                    current = batch
                }
                let identity = record.identity()
                if let identity, let name = identity.split(separator: "\u{1F}", omittingEmptySubsequences: false).first, drop(String(name)) { return }
                if supersededOld.contains(record.offset) { moved[record.offset] = position }
                if let identity { identities.append((StoreRecord.fingerprint(identity), UInt64(position))) }
                record.withBytes { buffer.append(contentsOf: $0) }
                position += record.byteCount
                current?.count += 1
                if buffer.count >= 1 << 20 { try writer.write(buffer); buffer.removeAll(keepingCapacity: true) }
            }
            // Batches that had no records at all are kept as they were (an empty file imported).
            closeBatch()
            try writer.write(buffer)
            try writer.sync()
            writer.close()
            // Empty batches and batches left empty keep their line: the checksum still refuses the file twice.
            var byID = Dictionary(batches.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var all: [BatchInfo] = []
            var end = Self.magic.count
            for old in snapshot.batches {
                var batch = byID.removeValue(forKey: old.id) ?? { var b = old; b.count = 0; b.length = 0; return b }()
                if batch.length == 0 { batch.offset = end }
                end = batch.offset + batch.length
                batch.superseded = old.superseded.compactMap { moved[$0] }
                all.append(batch)
            }
            try ensureRunsFolder(id)
            let runs = IdentityRuns(folder: runsFolder(for: id), names: [])
            let rebuilt = try runs.adding(identities)
            identities = []
            for i in all.indices { all[i].runs = rebuilt.names }
            try StoreIndex.write(all, to: indexTemp, questionnaireID: id)
            try withSnapshotLock(id, shared: false) { () throws(StoreError) in
                guard rename(logTemp, logPath(for: id)) == 0 else { throw .file(FileError(path: logPath(for: id), errno: errno)) }
                guard rename(indexTemp, indexPath(for: id)) == 0 else { throw .file(FileError(path: indexPath(for: id), errno: errno)) }
            }
            syncFolder(folder(for: id))
            runs.removeUnused(keeping: rebuilt.names)
        } catch {
            writer.close()
            unlink(logTemp)
            unlink(indexTemp)
            throw error
        }
    }

    // MARK: - Conversion from format 1

    /// Converts `responses.jsonl` (format 1) into format 2, once, atomically: the new files are written
    /// beside it and renamed into place, then the old log is removed. A crash before that removal leaves
    /// the old log, and the conversion runs again from it. Call with the writer lock held.
    func migrateIfNeeded(_ id: String) throws(StoreError) -> StoreNote? {
        let legacy = legacyLogPath(for: id)
        guard FileIO.exists(legacy) else { return nil }
        let bytes: [UInt8]
        do throws(FileError) { bytes = try FileIO.readAll(path: legacy, limit: Int.max) } catch { throw .file(error) }
        let old = try StoreV1.parse(bytes, path: legacy)
        let suffix = ".tmp-\(getpid())"
        let logTemp = logPath(for: id) + suffix, indexTemp = indexPath(for: id) + suffix
        var log: [UInt8] = Self.magic
        var batches: [BatchInfo] = []
        var identities: [(UInt64, UInt64)] = []
        var latest: [String: Int] = [:]
        var entryIndex = 0
        for batch in old.batches {
            var tables = BatchTables()
            var info = BatchInfo(id: batch.id, count: batch.count, source: batch.source, checksum: batch.checksum, at: batch.at, offset: log.count)
            var count = 0
            for entry in old.entries[entryIndex...].prefix(while: { $0.batch == batch.id }) {
                let position = log.count
                count += 1
                StoreRecord.encode(entry.response, tables: &tables, into: &log)
                if let identity = entry.response.identity {
                    if let earlier = latest[identity] { info.superseded.append(earlier) }
                    latest[identity] = position
                    identities.append((StoreRecord.fingerprint(identity), UInt64(position)))
                }
                entryIndex += 1
            }
            info.count = count
            info.length = log.count - info.offset
            info.tables = tables
            info.superseded.sort()
            batches.append(info)
        }
        do throws(StoreError) {
            try ensureRunsFolder(id)
            let runs = IdentityRuns(folder: runsFolder(for: id), names: [])
            let built = try runs.adding(identities)
            for i in batches.indices { batches[i].runs = built.names }
            try writePrivate(logTemp, log)
            try StoreIndex.write(batches, to: indexTemp, questionnaireID: id)
            try withSnapshotLock(id, shared: false) { () throws(StoreError) in
                guard rename(logTemp, logPath(for: id)) == 0 else { throw .file(FileError(path: logPath(for: id), errno: errno)) }
                guard rename(indexTemp, indexPath(for: id)) == 0 else { throw .file(FileError(path: indexPath(for: id), errno: errno)) }
                syncFolder(folder(for: id))
                guard unlink(legacy) == 0 else { throw .file(FileError(path: legacy, errno: errno)) }
            }
            syncFolder(folder(for: id))
        } catch {
            unlink(logTemp)
            unlink(indexTemp)
            throw error
        }
        return .converted(folder: folder(for: id), responses: old.entries.count, batches: old.batches.count,
                          tornBytes: bytes.count - old.committedLength)
    }

    // MARK: - File mechanics

    /// Under the writer lock: cuts a torn index line and log bytes after the last committed batch.
    private func repairTail(_ id: String) throws(StoreError) -> (Index, StoreNote?) {
        var index = try readIndex(id)
        var removed: [String] = []
        var bytes = 0
        if index.validLength < index.fileLength {
            let path = indexPath(for: id)
            guard truncate(path, off_t(index.validLength)) == 0 else { throw .file(FileError(path: path, errno: errno)) }
            removed.append(path)
            bytes += index.fileLength - index.validLength
            index.fileLength = index.validLength
        }
        let log = logPath(for: id)
        var info = stat()
        if stat(log, &info) == 0, Int(info.st_size) > index.committedLength {
            let keep = index.batches.isEmpty ? 0 : index.committedLength
            guard truncate(log, off_t(keep)) == 0 else { throw .file(FileError(path: log, errno: errno)) }
            removed.append(log)
            bytes += Int(info.st_size) - keep
        }
        guard !removed.isEmpty else { return (index, nil) }
        return (index, .repaired(files: removed, bytes: bytes))
    }

    /// Spools (`incoming-…`) that no running import holds locked were left by a crash: they hold names and
    /// were never committed, so they are removed. Returns a message per file removed.
    public func removeStaleSpools(_ id: String) -> [StoreNote] {
        let folder = folder(for: id)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var notes: [StoreNote] = []
        for name in names.sorted() where name.hasPrefix("pending-") {
            // A crash's side file of fingerprints (no names): removed without a word.
            let path = (folder as NSString).appendingPathComponent(name)
            if BatchWriter.isStale(path) { unlink(path) }
        }
        for name in names.sorted() where name.hasPrefix("incoming-") {
            let path = (folder as NSString).appendingPathComponent(name)
            guard BatchWriter.isStale(path) else { continue }
            var info = stat()
            let size = stat(path, &info) == 0 ? Int(info.st_size) : 0
            if unlink(path) == 0 {
                notes.append(.staleSpool(path: path, bytes: size))
            }
        }
        return notes
    }

    func ensureFolder(_ questionnaireID: String) throws(StoreError) {
        guard QuestionnaireValidator.isSafeIdentifier(questionnaireID) else { throw .unsafeName(questionnaireID) }
        for path in [root, folder(for: questionnaireID)] where !FileIO.isDirectory(path) {
            if mkdir(path, 0o700) != 0 && errno != EEXIST { throw .file(FileError(path: path, errno: errno)) }
            chmod(path, 0o700)
        }
    }

    private func ensureRunsFolder(_ id: String) throws(StoreError) {
        let path = runsFolder(for: id)
        if !FileIO.isDirectory(path) {
            if mkdir(path, 0o700) != 0 && errno != EEXIST { throw .file(FileError(path: path, errno: errno)) }
            chmod(path, 0o700)
        }
    }

    /// Runs `body` holding the exclusive writer lock of the questionnaire's folder.
    func withLock<T>(_ questionnaireID: String, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try locked(path(questionnaireID, "lock"), LOCK_EX, body)
    }

    /// The snapshot lock: readers hold it shared while they read the index and open the log; a rewrite
    /// (forget, conversion) holds it exclusively only while it renames the new files into place.
    func withSnapshotLock<T>(_ questionnaireID: String, shared: Bool, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try locked(path(questionnaireID, "snapshot.lock"), shared ? LOCK_SH : LOCK_EX, body)
    }

    private func locked<T>(_ lockPath: String, _ operation: Int32, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .file(FileError(path: lockPath, errno: errno)) }
        defer { close(fd) }
        while flock(fd, operation) != 0 {
            if errno != EINTR { throw .file(FileError(path: lockPath, errno: errno)) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    func writePrivate(_ path: String, _ bytes: [UInt8]) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .file(FileError(path: path, errno: errno)) }
        defer { close(fd) }
        fchmod(fd, 0o600)
        do throws(FileError) { try FileIO.writeAll(fd, bytes[...], path: path) } catch { throw .file(error) }
        guard fsync(fd) == 0 else { throw .file(FileError(path: path, errno: errno)) }
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

/// A new file's name is durable only once its folder is synced.
func syncFolder(_ folder: String) {
    let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 { fsync(fd); close(fd) }
}

/// The log opened for appending at its committed end.
final class LogFile {
    let path: String
    let fd: Int32
    private(set) var length: Int
    private var closed = false

    init(path: String, truncate: Bool = false) throws(StoreError) {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0o600)
        guard fd >= 0 else { throw .file(FileError(path: path, errno: errno)) }
        fchmod(fd, 0o600)
        var info = stat()
        length = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }

    func write(_ bytes: [UInt8]) throws(StoreError) {
        guard !bytes.isEmpty else { return }
        guard lseek(fd, off_t(length), SEEK_SET) >= 0 else { throw .file(FileError(path: path, errno: errno)) }
        do throws(FileError) { try FileIO.writeAll(fd, bytes[...], path: path) } catch { throw .file(error) }
        length += bytes.count
    }

    func sync() throws(StoreError) {
        while fsync(fd) != 0 { if errno != EINTR { throw .file(FileError(path: path, errno: errno)) } }
    }

    /// Appends the spool's bytes at `offset`, the committed end (after the magic, if the log is new), and fsyncs.
    func append(spool: String, at offset: Int) throws(StoreError) {
        let created = length == 0
        if length == 0 { try write(ResponseStore.magic) }
        guard length == offset else {
            throw .damaged(path: path, offset: length, reason: Messages.storeLogEnds(length: Int(length), index: Int(offset)))
        }
        let input = open(spool, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .file(FileError(path: spool, errno: errno)) }
        defer { Glibc.close(input) }
        var info = stat()
        guard fstat(input, &info) == 0 else { throw .file(FileError(path: spool, errno: errno)) }
        guard lseek(fd, off_t(length), SEEK_SET) >= 0 else { throw .file(FileError(path: path, errno: errno)) }
        do throws(FileError) { try FileIO.copy(input, offset: 0, count: Int(info.st_size), to: fd, from: spool, to: path) } catch { throw .file(error) }
        length += Int(info.st_size)
        try sync()
        if created { syncFolder((path as NSString).deletingLastPathComponent) }
    }

    /// Reads `count` bytes at `offset` (to check an identity), or nil.
    func read(at offset: Int, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        return n == count ? bytes : nil
    }

    /// The identity held by the record at `offset`.
    func identity(at offset: Int) -> String? {
        guard let head = read(at: offset, count: 4) else { return nil }
        let length = (0..<4).reduce(0) { $0 | Int(head[$1]) << (8 * $1) }
        guard length >= 3, length < 1 << 30, let body = read(at: offset + 4, count: length) else { return nil }
        return body.withUnsafeBytes { StoreRecord.View(body: $0).identity() }
    }
}

/// A batch being built: records go to a private spool file (`incoming-…` in the questionnaire's folder,
/// locked while the import runs) through a buffer, so memory stays flat however many rows an import has;
/// for each named respondent a fixed-size (fingerprint, offset) pair is kept to settle supersession.
public final class BatchWriter {
    /// How many replaced respondents a commit names (the rest are counted).
    static let namedReplacements = 10

    public let questionnaireID: String
    public let batch: String
    public let source: String
    /// The source file's checksum, set before the commit so that the same file is not stored twice.
    public var checksum: String?
    /// The file's SHA-256 checksum, as earlier versions stored it: compared at the commit, not stored.
    public var sha256Checksum: String?
    let path: String
    /// The spool file and its side file, deleted by `discard()` (and by an interrupted import's signal handler).
    public var spoolPaths: [String] { [path, identitiesPath] }
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var written = 0
    public private(set) var count = 0
    private(set) var tables = BatchTables()
    /// The named rows' (fingerprint, spool offset) pairs, 16 bytes each, go to a side file (`pending-…`) as
    /// they come, so that an import's memory does not grow with its rows; the commit reads them back once.
    let identitiesPath: String
    private let identitiesFD: Int32
    private var identityBuffer: [UInt8] = []
    private var identityCount = 0

    init(folder: String, questionnaireID: String, batch: String, source: String, checksum: String?) throws(StoreError) {
        self.questionnaireID = questionnaireID
        self.batch = batch
        self.source = source
        self.checksum = checksum
        path = (folder as NSString).appendingPathComponent("incoming-\(batch).bin")
        identitiesPath = (folder as NSString).appendingPathComponent("pending-\(batch).ids")
        // Held until the process ends: a spool nobody holds was left by a crash (`isStale`). Each file is
        // created under a name no sweep looks at, locked, and only then given its name — so another command's
        // sweep can never find it unlocked and delete a live import's spool.
        fd = try Self.createLocked(path)
        do { identitiesFD = try Self.createLocked(identitiesPath) } catch {
            Glibc.close(fd)
            unlink(path)
            throw error
        }
        buffer.reserveCapacity(1 << 20)
        identityBuffer.reserveCapacity(1 << 16)
    }

    deinit {
        Glibc.close(fd)
        Glibc.close(identitiesFD)
    }

    /// Creates `path` (0600) locked by this process: made as a hidden `.creating-` file, locked, then renamed.
    static func createLocked(_ path: String) throws(StoreError) -> Int32 {
        let folder = (path as NSString).deletingLastPathComponent, name = (path as NSString).lastPathComponent
        let hidden = (folder as NSString).appendingPathComponent(".creating-" + name)
        let fd = open(hidden, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .file(FileError(path: path, errno: errno)) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0, rename(hidden, path) == 0 else {
            let code = errno
            Glibc.close(fd)
            unlink(hidden)
            throw .file(FileError(path: path, errno: code))
        }
        return fd
    }

    /// Whether a spool file is left over: no process holds its lock.
    static func isStale(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) == 0
    }

    /// The spool's length in bytes once finished.
    var length: Int { written + buffer.count }

    public func append(_ response: Response) throws(StoreError) {
        let offset = written + buffer.count
        StoreRecord.encode(response, tables: &tables, into: &buffer)
        count += 1
        if let identity = response.identity {
            withUnsafeBytes(of: StoreRecord.fingerprint(identity).littleEndian) { identityBuffer.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(offset).littleEndian) { identityBuffer.append(contentsOf: $0) }
            identityCount += 1
            if identityBuffer.count >= 1 << 16 { try flushIdentities() }
        }
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// The batch column of an item id and the code of a value in it, for callers that encode records
    /// themselves (`ImportShortcut`): registered as `append` would register them.
    func column(_ id: String) -> Int { tables.column(id) }
    func code(column: Int, value: Double) -> UInt8 { tables.code(column: column, value: value) }
    func key(_ name: String) -> Int { tables.key(name) }

    /// Appends a record whose codes are already the batch's (column 0…n−1, no escapes), with the name, stage
    /// and kept columns as bytes (`kept`: key index and bytes, in key-name order) — the record `append`
    /// would write for the same response, built without a `Response`. `fingerprint`: the identity's.
    func appendCoded(_ codes: UnsafeBufferPointer<UInt8>, respondent: UnsafeBufferPointer<UInt8>?, stage: [UInt8]?,
                     kept: ArraySlice<(key: Int, bytes: UnsafeBufferPointer<UInt8>)>, fingerprint: UInt64?) throws(StoreError) {
        let offset = written + buffer.count
        StoreRecord.encodeCoded(codes, respondent: respondent, stage: stage, kept: kept, into: &buffer)
        count += 1
        if let fingerprint {
            withUnsafeBytes(of: fingerprint.littleEndian) { identityBuffer.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(offset).littleEndian) { identityBuffer.append(contentsOf: $0) }
            identityCount += 1
            if identityBuffer.count >= 1 << 16 { try flushIdentities() }
        }
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(StoreError) {
        do throws(FileError) { try FileIO.writeAll(fd, buffer[...], path: path) } catch { throw .file(error) }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    private func flushIdentities() throws(StoreError) {
        do throws(FileError) { try FileIO.writeAll(identitiesFD, identityBuffer[...], path: identitiesPath) } catch { throw .file(error) }
        identityBuffer.removeAll(keepingCapacity: true)
    }

    func finish() throws(StoreError) {
        try flush()
        try flushIdentities()
    }

    /// The batch's (fingerprint, absolute offset) pairs, read back from the side file, sorted by fingerprint
    /// then offset (one array of exactly their number, sorted in place).
    func sortedIdentities(base: Int) throws(StoreError) -> [(fingerprint: UInt64, offset: Int)] {
        if var sorted = sortedCache, sorted.count == identityCount {
            sortedCache = nil
            if base != 0 { for k in sorted.indices { sorted[k].offset += base } }
            return sorted
        }
        var pairs = [(fingerprint: UInt64, offset: Int)](repeating: (0, 0), count: identityCount)
        let bytes = identityCount * 16
        let got = pairs.withUnsafeMutableBytes { raw -> Int in
            var done = 0
            while done < bytes {
                let n = pread(identitiesFD, raw.baseAddress! + done, bytes - done, off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                done += n
            }
            return done
        }
        guard got == bytes else { throw .file(FileError(path: identitiesPath, reason: Messages.storeIdentitiesUnreadable)) }
        // Each tuple is two words, written little-endian.
        for k in pairs.indices {
            pairs[k].fingerprint = UInt64(littleEndian: pairs[k].fingerprint)
            pairs[k].offset = Int(littleEndian: pairs[k].offset) + base
        }
        sortIdentityPairs(&pairs)
        return pairs
    }

    /// The name as typed in the spooled record at `offset` (after `finish()`), for messages.
    func name(atSpoolOffset offset: Int) -> String? {
        spooledRecord(at: offset).flatMap { body in body.withUnsafeBytes { StoreRecord.View(body: $0).name() } }
    }

    private func spooledRecord(at offset: Int) -> [UInt8]? {
        var head = [UInt8](repeating: 0, count: 4)
        guard head.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, 4, off_t(offset)) }) == 4 else { return nil }
        let length = (0..<4).reduce(0) { $0 | Int(head[$1]) << (8 * $1) }
        var body = [UInt8](repeating: 0, count: length)
        guard length >= 3, body.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, length, off_t(offset + 4)) }) == length else { return nil }
        return body
    }

    /// The identity of the spooled record at `offset` (after `finish()`).
    func identity(atSpoolOffset offset: Int) -> String? {
        var head = [UInt8](repeating: 0, count: 4)
        guard head.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, 4, off_t(offset)) }) == 4 else { return nil }
        let length = (0..<4).reduce(0) { $0 | Int(head[$1]) << (8 * $1) }
        var body = [UInt8](repeating: 0, count: length)
        guard length >= 3, body.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, length, off_t(offset + 4)) }) == length else { return nil }
        return body.withUnsafeBytes { StoreRecord.View(body: $0).identity() }
    }

    // MARK: Parts (an import read on several cores)

    /// The spool and side-file paths of parts 1…`count` of this batch (`incoming-<batch>.p1.bin`…): named
    /// before the parts exist, so that an interrupt can remove whichever of them were made.
    public func partSpoolPaths(_ count: Int) -> [String] {
        let folder = (path as NSString).deletingLastPathComponent
        return (1...max(1, count)).flatMap { k in
            [(folder as NSString).appendingPathComponent("incoming-\(batch).p\(k).bin"), (folder as NSString).appendingPathComponent("pending-\(batch).p\(k).ids")]
        }
    }

    /// A writer for part `k` of this batch: its own spool beside this one (locked, swept like any spool
    /// after a crash), later appended to this batch by `absorb`.
    func part(_ k: Int) throws(StoreError) -> BatchWriter {
        try BatchWriter(folder: (path as NSString).deletingLastPathComponent, questionnaireID: questionnaireID,
                        batch: "\(batch).p\(k)", source: source, checksum: nil)
    }

    /// Appends a part's records (its spool copied after this one's, its identities with their offsets moved
    /// by this spool's length) and removes the part. False, with nothing appended, when the part's tables
    /// are not this batch's (its codes would mean other values).
    func absorb(_ part: BatchWriter) throws(StoreError) -> Bool {
        guard part.tables == tables else { return false }
        try part.finish()
        try flush()
        try flushIdentities()
        let base = written
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        /// Reads `n` bytes of `file` at `offset` into `chunk`.
        func read(_ file: Int32, _ name: String, _ n: Int, at offset: Int) throws(StoreError) {
            var done = 0
            while done < n {
                let got = chunk.withUnsafeMutableBytes { pread(file, $0.baseAddress! + done, n - done, off_t(offset + done)) }
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { throw .file(FileError(path: name, reason: Messages.importPartUnreadable)) }
                done += got
            }
        }
        do throws(FileError) { try FileIO.copy(part.fd, offset: 0, count: part.written, to: fd, from: part.path, to: path) } catch { throw .file(error) }
        written += part.written
        // Identities: (fingerprint, offset) pairs, the offsets moved by `base`.
        var at = 0
        let pairs = part.identityCount * 16
        while at < pairs {
            let n = min(chunk.count, pairs - at)
            try read(part.identitiesFD, part.identitiesPath, n, at: at)
            for k in stride(from: 0, to: n, by: 16) {
                let offset = chunk.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: k + 8, as: UInt64.self)) }
                identityBuffer.append(contentsOf: chunk[k..<k + 8])
                withUnsafeBytes(of: (offset + UInt64(base)).littleEndian) { identityBuffer.append(contentsOf: $0) }
            }
            if identityBuffer.count >= 1 << 16 { try flushIdentities() }
            at += n
        }
        identityCount += part.identityCount
        count += part.count
        part.discard()
        return true
    }

    /// The batch's identities sorted by `repeatsAnIdentity`, kept for the commit (which sorts them anyway).
    private var sortedCache: [(fingerprint: UInt64, offset: Int)]?

    /// Whether two records of the batch have one identity fingerprint (a respondent named twice in a file
    /// read in parts). The sorted pairs are kept for the commit.
    func repeatsAnIdentity() throws(StoreError) -> Bool {
        try finish()
        let sorted = try sortedIdentities(base: 0)
        sortedCache = sorted
        var k = 1
        while k < sorted.count {
            if sorted[k].fingerprint == sorted[k - 1].fingerprint { return true }
            k += 1
        }
        return false
    }

    /// Empties the spool and its side file (the tables stay): a parallel attempt dropped for one pass.
    func reset() throws(StoreError) {
        buffer.removeAll(keepingCapacity: true)
        identityBuffer.removeAll(keepingCapacity: true)
        sortedCache = nil
        // Truncated and rewound (writes go on at the file offset).
        guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else { throw .file(FileError(path: path, errno: errno)) }
        guard ftruncate(identitiesFD, 0) == 0, lseek(identitiesFD, 0, SEEK_SET) == 0 else { throw .file(FileError(path: identitiesPath, errno: errno)) }
        written = 0
        count = 0
        identityCount = 0
    }

    /// Removes the spool and its side file (after a commit, or when the import is abandoned).
    public func discard() {
        unlink(path)
        unlink(identitiesPath)
    }
}

/// Why the store refused or failed.
public enum StoreError: MessageError, Sendable, CustomStringConvertible {
    case file(FileError)
    case corrupt(path: String, line: Int, reason: Message)
    case alreadyImported(source: String, at: String, count: Int)
    case unsafeName(String)
    case damaged(path: String, offset: Int, reason: Message)

    public var problem: Message {
        switch self {
        case .file(let error): error.problem
        case .corrupt(let path, let line, let reason): Messages.storeCorrupt(path: path, line: line, reason)
        case .alreadyImported(let source, let at, let count): Messages.alreadyImported(source: source, at: at, count: count)
        case .unsafeName(let name): Messages.unsafeStoreName(name)
        case .damaged(let path, let offset, let reason): Messages.storeDamaged(path: path, offset: offset, reason)
        }
    }

    public var description: String { problem.en }
}

extension JSONValue {
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
