import Foundation
import SurveyEngine

/// The questionnaires folder: every `*.json` directly inside it is a definition. Subfolders hold data that
/// definitions use (activity catalogues) and are not listed.
public struct QuestionnaireLibrary: Sendable {
    public let folder: String

    public init(folder: String) { self.folder = folder }

    /// `--questionnaires DIR`, else `$SURVEY_QUESTIONNAIRES`, else `./questionnaires`.
    public static func folder(option: String?, environment: [String: String]) -> String {
        option ?? environment["SURVEY_QUESTIONNAIRES"] ?? "questionnaires"
    }

    /// Definition files in name order.
    public func files() throws(FileError) -> [String] {
        guard FileIO.isDirectory(folder) else {
            throw FileError(path: folder, reason: Messages.noQuestionnairesFolder)
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch _ {
            throw FileError(path: folder, reason: Messages.cannotBeRead)
        }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
            .map { (folder as NSString).appendingPathComponent($0) }
            .filter { !FileIO.isDirectory($0) }
    }

    /// Loads every definition; the outcomes keep their paths so a broken one can be named.
    public func loadAll() throws(FileError) -> [(path: String, outcome: DefinitionLoader.Outcome)] {
        try files().map { ($0, DefinitionLoader.load(path: $0)) }
    }

    /// A questionnaire by id (`teacher-deficits`) or by a path to its file (anything with `/` or `.json`).
    public func resolve(_ reference: String) throws(LookupError) -> Questionnaire {
        if reference.contains("/") || reference.hasSuffix(".json") {
            let outcome = DefinitionLoader.load(path: reference)
            guard let q = outcome.questionnaire, outcome.problems.isEmpty else { throw .invalid(outcome.problems) }
            return q
        }
        // Most definitions live in a file named by their id: read that one alone (every command starts
        // here, and reading and checking the whole folder took ~40 ms of a 0.3 s tabulation). Anything else —
        // a variant in another file, an id not found, a broken file — goes through the whole folder as before.
        let own = (folder as NSString).appendingPathComponent(reference + ".json")
        if FileIO.exists(own) {
            let outcome = DefinitionLoader.load(path: own)
            if let q = outcome.variants.first(where: { $0.id == reference }) { return q }
        }
        let all: [(path: String, outcome: DefinitionLoader.Outcome)]
        do throws(FileError) { all = try loadAll() } catch { throw .folder(error) }
        var ids: [String] = []
        for (path, outcome) in all {
            if outcome.questionnaire != nil {
                for q in outcome.variants {
                    ids.append(q.id)
                    if q.id == reference { return q }
                }
            } else if ((path as NSString).lastPathComponent as NSString).deletingPathExtension == reference {
                throw .invalid(outcome.problems)
            }
        }
        throw .unknown(reference, suggestion: TextFolding.nearest(reference, among: ids), known: ids)
    }

    public enum LookupError: Error, Sendable {
        case folder(FileError)
        case invalid([Diagnostic])
        case unknown(String, suggestion: String?, known: [String])
    }
}

extension QuestionnaireLibrary {
    /// Earlier versions of a definition, kept so that answers stored under them are still scored as they were
    /// given: `versions/ID/VERSION.json` inside the folder. Broken or foreign files are left out.
    public func earlierVersions(of id: String) -> [Questionnaire] {
        let folder = ((self.folder as NSString).appendingPathComponent("versions") as NSString).appendingPathComponent(id)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().compactMap { name in
            let q = DefinitionLoader.load(path: (folder as NSString).appendingPathComponent(name)).questionnaire
            return q?.id == id ? q : nil
        }
    }
}
