import Foundation
import SurveyEngine
#if canImport(Glibc)
import Glibc
#endif

/// The journal of an unfinished `survey take` session: one JSON line per answer, appended and fsynced before
/// the screen moves on, so that a killed terminal or a power cut loses nothing and the session resumes.
///
/// It lives at `<store>/<questionnaire-id>/sessions/<key>.jsonl`, where the key is a hex SHA-256 of the
/// respondent's name (and stage) or a random session id: names never become paths. The first line records
/// who answers and on which version of the definition; every later line is one answer (a later line for the
/// same item replaces an earlier one, which is how going back and changing an answer is recorded):
/// ```
/// {"journal":1,"questionnaire":"teacher-deficits","version":"1","respondent":"Иванова А.А.","stage":null,"session":null,"started":"…"}
/// {"item":"d1","value":4}
/// {"item":"comment","text":"…"}
/// {"item":"d7","skip":true}
/// ```
/// A torn last line (a write cut short) is ignored and cut off before the next append. Folders are 0700 and
/// files 0600, like the store: the journal holds a name. While a session is open its file is `flock`ed, so
/// one person's session cannot be open in two terminals at once.
public final class SessionJournal {
    /// Who answers, recorded in the first line.
    public struct Header: Sendable, Equatable {
        public var questionnaireID: String
        public var version: String
        public var respondent: String?
        public var stage: String?
        /// The random id of an anonymous session; nil when the session is keyed by a name.
        public var session: String?

        public init(questionnaireID: String, version: String, respondent: String?, stage: String?, session: String?) {
            self.questionnaireID = questionnaireID
            self.version = version
            self.respondent = respondent
            self.stage = stage
            self.session = session
        }
    }

    /// One recorded answer.
    public enum Answer: Sendable, Equatable {
        case value(Double)
        case text(String)
        case skip
    }

    /// What was found in an existing journal.
    public struct Contents: Sendable {
        public var header: Header?
        /// Item id → the latest answer recorded for it.
        public var answers: [String: Answer] = [:]
        /// Lines that could not be read and were left out (a torn last line is not counted).
        public var unreadableLines = 0
    }

    public let path: String
    private let fd: Int32

    // MARK: - Naming

    /// The journal key of a named respondent: hex SHA-256 of the name folded (case, runs of spaces, ё/е: the
    /// one rule for a name everywhere) and the stage, so every spelling of a name finds the same session.
    public static func key(respondent: String, stage: String?) -> String {
        legacyKey(respondent: TextFolding.fold(respondent), stage: stage)
    }

    /// The key journals had before names were folded: SHA-256 of the name as typed (trimmed). Still looked
    /// for (`SessionJournal+Names.swift`), so no unfinished session is lost.
    public static func legacyKey(respondent: String, stage: String?) -> String {
        SHA256.hex(Array("survey-take|\(respondent)|\(stage ?? "")".utf8))
    }

    /// A fresh random id for an anonymous session: 12 hex digits.
    public static func newSessionID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<6).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Whether text can be a journal key or session id (hex only, so it cannot climb out of the folder).
    public static func isValidKey(_ key: String) -> Bool {
        (8...64).contains(key.count) && key.allSatisfy { $0.isHexDigit && ($0.isNumber || $0.isLowercase) }
    }

    public static func folder(store: ResponseStore, questionnaireID: String) -> String {
        (store.folder(for: questionnaireID) as NSString).appendingPathComponent("sessions")
    }

    public static func path(store: ResponseStore, questionnaireID: String, key: String) -> String {
        (folder(store: store, questionnaireID: questionnaireID) as NSString).appendingPathComponent("\(key).jsonl")
    }

    // MARK: - Opening

    /// Opens (creating if needed) the journal for `key`, locks it, reads what it holds and cuts off a torn
    /// last line. A new journal gets `header` as its first line. `create: false` refuses a journal that does
    /// not exist yet (resuming an anonymous session by its id).
    public static func open(store: ResponseStore, header: Header, key: String, create: Bool = true) throws(StoreError) -> (SessionJournal, Contents) {
        guard QuestionnaireValidator.isSafeIdentifier(header.questionnaireID) else { throw .unsafeName(header.questionnaireID) }
        guard isValidKey(key) else { throw .unsafeName(key) }
        let folder = Self.folder(store: store, questionnaireID: header.questionnaireID)
        for dir in [store.root, store.folder(for: header.questionnaireID), folder] where !FileIO.isDirectory(dir) {
            if mkdir(dir, 0o700) != 0 && errno != EEXIST { throw .file(FileError(path: dir, errno: errno)) }
            chmod(dir, 0o700)
        }
        let path = Self.path(store: store, questionnaireID: header.questionnaireID, key: key)
        let existed = FileIO.exists(path)
        if !existed && !create { throw .file(FileError(path: path, reason: Messages.noSuchSession)) }
        let fd = Glibc.open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .file(FileError(path: path, errno: errno)) }
        fchmod(fd, 0o600)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let code = errno
            Glibc.close(fd)
            if code == EWOULDBLOCK { throw .file(FileError(path: path, reason: Messages.sessionOpenElsewhere)) }
            throw .file(FileError(path: path, errno: code))
        }
        let journal = SessionJournal(path: path, fd: fd)
        do throws(StoreError) {
            let bytes: [UInt8]
            do throws(FileError) { bytes = try FileIO.readAll(path: path, limit: 64 << 20) } catch { throw .file(error) }
            var contents = parse(bytes)
            // Cut a torn last line, so the next answer starts on a line of its own.
            let complete = bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            if complete < bytes.count {
                guard ftruncate(fd, off_t(complete)) == 0 else { throw .file(FileError(path: path, errno: errno)) }
            }
            if contents.header == nil {
                if complete > 0 { guard ftruncate(fd, 0) == 0 else { throw .file(FileError(path: path, errno: errno)) } }
                try journal.appendLine(encode(header))
                contents = Contents(header: header)
                if !existed { syncFolder(folder) }
            }
            return (journal, contents)
        } catch {
            journal.close()
            throw error
        }
    }

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close() }

    private var closed = false

    /// Releases the lock and the file.
    public func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }

    // MARK: - Writing

    /// Records an answer; returns once it is on the disk.
    public func record(item: String, _ answer: Answer) throws(StoreError) {
        try appendLine(Self.encode(item: item, answer))
    }

    /// Deletes the journal (the session was committed to the store).
    public func remove() {
        unlink(path)
        close()
        Self.syncFolder((path as NSString).deletingLastPathComponent)
    }

    private func appendLine(_ line: String) throws(StoreError) {
        do throws(FileError) { try FileIO.writeAll(fd, Array((line + "\n").utf8)[...], path: path) } catch { throw .file(error) }
        while fsync(fd) != 0 {
            if errno != EINTR { throw .file(FileError(path: path, errno: errno)) }
        }
    }

    private static func syncFolder(_ folder: String) {
        let fd = Glibc.open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); Glibc.close(fd) }
    }

    // MARK: - Encoding

    static func encode(_ header: Header) -> String {
        JSONOutput.object([
            ("journal", .integer(1)), ("questionnaire", .string(header.questionnaireID)), ("version", .string(header.version)),
            ("respondent", .optional(header.respondent)), ("stage", .optional(header.stage)),
            ("session", .optional(header.session)), ("started", .string(ResponseStore.timestamp(Date()))),
        ]).compact()
    }

    static func encode(item: String, _ answer: Answer) -> String {
        switch answer {
        case .value(let value): JSONOutput.object([("item", .string(item)), ("value", .number(value))]).compact()
        case .text(let text): JSONOutput.object([("item", .string(item)), ("text", .string(text))]).compact()
        case .skip: JSONOutput.object([("item", .string(item)), ("skip", .bool(true))]).compact()
        }
    }

    /// Reads a journal's bytes: the header, then answers (the latest per item wins). A last line without its
    /// newline is a torn write and is ignored.
    public static func parse(_ bytes: [UInt8]) -> Contents {
        var contents = Contents()
        var start = 0
        var first = true
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else { break }
            let line = Array(bytes[start..<newline])
            start = newline + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            guard let node = try? JSONTreeParser.parse(line), case .object(let members) = node.value else {
                contents.unreadableLines += 1
                first = false
                continue
            }
            let fields = Dictionary(members.map { ($0.key, $0.value.value) }, uniquingKeysWith: { a, _ in a })
            if first, case .string(let id) = fields["questionnaire"] {
                contents.header = Header(
                    questionnaireID: id, version: fields["version"]?.stringValue ?? "1",
                    respondent: fields["respondent"]?.stringValue, stage: fields["stage"]?.stringValue,
                    session: fields["session"]?.stringValue)
                first = false
                continue
            }
            first = false
            guard case .string(let item) = fields["item"] else { contents.unreadableLines += 1; continue }
            if case .number(let value) = fields["value"] {
                contents.answers[item] = .value(value)
            } else if case .string(let text) = fields["text"] {
                contents.answers[item] = .text(text)
            } else if case .bool(true) = fields["skip"] {
                contents.answers[item] = .skip
            } else {
                contents.unreadableLines += 1
            }
        }
        return contents
    }
}
