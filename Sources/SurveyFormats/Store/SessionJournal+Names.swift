import Foundation
import SurveyEngine

extension SessionJournal {
    /// An unfinished named session found on disk: its key (the file name) and the name as it was stored.
    public struct Found: Sendable, Equatable {
        public var key: String
        public var respondent: String
    }

    /// The unfinished session of `respondent` at `stage`, whatever the spelling it was started with: the
    /// folded key first, then journals written under the old unfolded key (found by reading each journal's
    /// first line and comparing its name folded). Nil when there is none.
    public static func findNamed(store: ResponseStore, questionnaireID: String, respondent: String, stage: String?) -> Found? {
        let key = key(respondent: respondent, stage: stage)
        if let header = header(store: store, questionnaireID: questionnaireID, key: key), let name = header.respondent {
            return Found(key: key, respondent: name)
        }
        return namedJournals(store: store, questionnaireID: questionnaireID, respondent: respondent)
            .first { $0.header.stage == stage }.map { Found(key: $0.key, respondent: $0.header.respondent ?? respondent) }
    }

    /// Every journal whose first line names `respondent` (folded), at any stage.
    static func namedJournals(store: ResponseStore, questionnaireID: String, respondent: String) -> [(key: String, header: Header)] {
        let folded = TextFolding.fold(respondent)
        let folder = folder(store: store, questionnaireID: questionnaireID)
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return files.sorted().compactMap { file -> (key: String, header: Header)? in
            guard file.hasSuffix(".jsonl") else { return nil }
            let key = String(file.dropLast(".jsonl".count))
            guard isValidKey(key), let header = header(store: store, questionnaireID: questionnaireID, key: key),
                  let name = header.respondent, TextFolding.fold(name) == folded else { return nil }
            return (key, header)
        }
    }

    /// The first line of a journal, read without taking its lock (it is written once, before any answer).
    static func header(store: ResponseStore, questionnaireID: String, key: String) -> Header? {
        let path = path(store: store, questionnaireID: questionnaireID, key: key)
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 64 << 10) else { return nil }
        let bytes = Array(head)
        guard let newline = bytes.firstIndex(of: 0x0A) else { return nil }
        return parse(Array(bytes[...newline])).header
    }
}
