import Foundation
import SurveyEngine
#if canImport(Glibc)
import Glibc
#endif

extension ResponseStore {
    /// What `sweep` found besides the records: files removed, and files that still hold a name.
    public struct Sweep: Sendable {
        /// Unfinished-session journals of the person that were deleted.
        public var journals: [String] = []
        /// Spools of imports cut off by a crash (never stored) that were deleted.
        public var spools: [String] = []
        /// Files that still contain one of the names and could not be removed (a session open in a terminal,
        /// an import running now, a file the store does not know).
        public var leftovers: [String] = []
    }

    /// After `forget`: searches every file the questionnaire's folder keeps. Journals whose header names a
    /// matching respondent are deleted (unless a terminal holds them open); spools left by a crash are
    /// deleted (they were never stored and may hold the name); every other file is searched byte for byte
    /// for `names`, and the ones that still hold one are reported.
    public func sweep(questionnaireID: String, matching matches: (String) -> Bool, names: [String]) -> Sweep {
        var sweep = Sweep()
        let folder = folder(for: questionnaireID)
        guard QuestionnaireValidator.isSafeIdentifier(questionnaireID), FileIO.isDirectory(folder) else { return sweep }
        let sessions = (folder as NSString).appendingPathComponent("sessions")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: sessions)) ?? []).sorted() where name.hasSuffix(".jsonl") {
            let path = (sessions as NSString).appendingPathComponent(name)
            guard let bytes = try? FileIO.readAll(path: path, limit: 64 << 20),
                  let respondent = SessionJournal.parse(bytes).header?.respondent, matches(respondent) else { continue }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            let free = flock(fd, LOCK_EX | LOCK_NB) == 0
            if free && unlink(path) == 0 { sweep.journals.append(path) }
            close(fd)
        }
        if !sweep.journals.isEmpty { syncFolder(sessions) }
        for note in removeStaleSpools(questionnaireID) {
            if case .staleSpool(let path, _) = note { sweep.spools.append(path) }
        }
        let needles = Set(names.filter { !$0.isEmpty }).map { Array($0.utf8) }
        guard !needles.isEmpty, let files = FileManager.default.enumerator(atPath: folder) else { return sweep }
        // The log, the index and the runs were rewritten by exact match (a longer name that contains this
        // one is someone else's and stays).
        let rewritten: Set<String> = [logPath(for: questionnaireID), indexPath(for: questionnaireID)]
        for case let file as String in files {
            let path = (folder as NSString).appendingPathComponent(file)
            if rewritten.contains(path) || file.hasPrefix("identities/") { continue }
            guard !FileIO.isDirectory(path), let bytes = try? FileIO.readAll(path: path, limit: Int.max) else { continue }
            if needles.contains(where: { bytes.contains(subsequence: $0) }) { sweep.leftovers.append(path) }
        }
        return sweep
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in the bytes.
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= count else { return false }
        return withUnsafeBufferPointer { hay in
            var i = 0
            let last = hay.count - needle.count
            while i <= last {
                if hay[i] == first {
                    var k = 1
                    while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                    if k == needle.count { return true }
                }
                i += 1
            }
            return false
        }
    }
}
