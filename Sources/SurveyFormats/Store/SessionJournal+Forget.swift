import Foundation
import SurveyEngine

extension SessionJournal {
    /// Deletes the unfinished sessions of a respondent, every stage, whatever spelling they were started with
    /// (names compare folded: case, runs of spaces, ё/е): the folded and the old unfolded keys, and any journal
    /// whose first line names the person. Returns how many there were.
    /// Removes every journal of the person (by the folded key, the old unfolded keys, or the name inside);
    /// the paths removed, so that `forget` can say what it deleted.
    public static func forgetAll(store: ResponseStore, questionnaireID: String, respondent: String, stages: [String]) -> [String] {
        let trimmed = respondent.trimmingCharacters(in: .whitespacesAndNewlines)
        var keys = Set<String>()
        for stage in [nil] + stages.map(Optional.some) {
            keys.insert(key(respondent: trimmed, stage: stage))
            for name in Set([respondent, trimmed]) { keys.insert(legacyKey(respondent: name, stage: stage)) }
        }
        keys.formUnion(namedJournals(store: store, questionnaireID: questionnaireID, respondent: trimmed).map(\.key))
        var removed: [String] = []
        for key in keys.sorted() {
            let path = Self.path(store: store, questionnaireID: questionnaireID, key: key)
            if FileManager.default.fileExists(atPath: path), (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }
}
