import Foundation

extension SessionJournal {
    /// Deletes the unfinished sessions of a respondent (every stage, and the name as typed or trimmed);
    /// returns how many there were.
    public static func forgetAll(store: ResponseStore, questionnaireID: String, respondent: String, stages: [String]) -> Int {
        let names = Set([respondent, respondent.trimmingCharacters(in: .whitespacesAndNewlines)])
        var removed = 0
        for name in names {
            for stage in [nil] + stages.map(Optional.some) {
                let path = Self.path(store: store, questionnaireID: questionnaireID, key: key(respondent: name, stage: stage))
                if FileManager.default.fileExists(atPath: path), (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
            }
        }
        return removed
    }
}
