import Foundation
import SurveyEngine
import SurveyFormats

let formatTextJSON = OptionSpec.value("--format", "FORMAT", "Output format: text (default) or json.", choices: ["text", "json"])

/// `survey list`: the questionnaires in the folder.
let listCommand = Command(
    name: "list", summary: "List the questionnaires in the questionnaires folder.", usage: "[--format text|json]",
    discussion: "Definitions that fail validation are named on stderr; run 'survey validate' for their problems.",
    options: [formatTextJSON],
    examples: ["survey list", "survey list --format json"]
) { invocation throws(CLIError) in
    let library = invocation.library
    let all: [(path: String, outcome: DefinitionLoader.Outcome)]
    do throws(FileError) { all = try library.loadAll() } catch { throw .from(error) }
    let valid = all.flatMap(\.outcome.variants)
    for (path, outcome) in all where outcome.questionnaire == nil {
        invocation.console.err("warning: " + Messages.notListed(path, problems: outcome.problems.count).text(invocation.language) + "\n")
    }
    if invocation.value("--format") == "json" {
        invocation.console.out(QuestionnaireRendering.listJSON(valid).rendered())
    } else {
        invocation.console.out(QuestionnaireRendering.listText(valid, language: invocation.language))
    }
    return 0
}

/// `survey show ID`: one questionnaire in full.
let showCommand = Command(
    name: "show", summary: "Show a questionnaire: scales, areas, items and scoring rules.", usage: "ID [--format text|json] [--keys]",
    discussion: "Test tasks are shown without their keys unless --keys is given (for the methodist, not the teacher).",
    arguments: [("ID", "A questionnaire id (see 'survey list') or the path to its file.")],
    options: [formatTextJSON, .flag("--keys", "Show which options of the test tasks are correct.")], positionals: 1...1,
    examples: ["survey show preschool-staff-survey", "survey show teacher-deficits --format json", "survey show teacher-deficits --keys"]
) { invocation throws(CLIError) in
    let q = try invocation.questionnaire(invocation.positionals[0])
    let keys = invocation.has("--keys")
    if invocation.value("--format") == "json" {
        invocation.console.out(QuestionnaireRendering.showJSON(q, keys: keys).rendered())
    } else {
        invocation.console.out(QuestionnaireRendering.showText(q, language: invocation.language, keys: keys))
    }
    return 0
}

/// `survey validate [PATH ...]`: checks definitions and reports every problem with its place.
let validateCommand = Command(
    name: "validate", summary: "Check questionnaire definitions and report every problem with its place.",
    usage: "[PATH ...]",
    discussion: """
    Checks each file (or every *.json in each folder; by default the questionnaires folder) and prints every
    problem as FILE:LINE:COLUMN: $.json.path: message. Exits 1 when any file has a problem.
    """,
    arguments: [("PATH", "Definition files or folders (default: the questionnaires folder).")],
    positionals: 0...Int.max,
    examples: ["survey validate", "survey validate my-survey.json"]
) { invocation throws(CLIError) in
    var paths = invocation.positionals
    if paths.isEmpty { paths = [invocation.library.folder] }
    var files: [String] = []
    for path in paths {
        if FileIO.isDirectory(path) {
            do throws(FileError) { files += try QuestionnaireLibrary(folder: path).files() } catch { throw .from(error) }
        } else if FileIO.exists(path) {
            files.append(path)
        } else {
            throw .message(Messages.noSuchFileOrFolder(path))
        }
    }
    var problems: [Diagnostic] = []
    var firstFileOfID: [String: String] = [:]
    var valid = 0
    var checkedCatalogues = 0
    for file in files {
        let outcome = DefinitionLoader.load(path: file)
        problems += outcome.problems
        guard let q = outcome.questionnaire else { continue }
        // Ids name questionnaires everywhere, so two files may not share one.
        if let other = firstFileOfID[q.id] {
            problems.append(Diagnostic(file: file, path: "$.id", Messages.idUsedBy(q.id, other: other)))
            continue
        }
        firstFileOfID[q.id] = file
        valid += 1
        // Earlier versions kept for old stores must load too, or their answers could no longer be scored.
        let folder = (file as NSString).deletingLastPathComponent
        let versions = ((folder as NSString).appendingPathComponent("versions") as NSString).appendingPathComponent(q.id)
        if FileIO.isDirectory(versions), let earlier = try? QuestionnaireLibrary(folder: versions).files() {
            for path in earlier {
                let old = DefinitionLoader.load(path: path)
                problems += old.problems
                if let version = old.questionnaire, version.id != q.id || version.version == q.version {
                    problems.append(Diagnostic(file: path, path: "$.version", Messages.earlierVersion(q.id, version: q.version)))
                }
                checkedCatalogues += 1
            }
        }
        // A catalogue beside the definition is checked against it.
        let catalogue = CatalogueLoader.path(for: q.id, folder: (file as NSString).deletingLastPathComponent)
        if FileIO.exists(catalogue) {
            problems += CatalogueLoader.load(path: catalogue, questionnaire: q).problems
            checkedCatalogues += 1
        }
    }
    let l = invocation.language
    if problems.isEmpty {
        invocation.console.out(Messages.validatedClean(files: files.count + checkedCatalogues).text(l) + "\n")
        return 0
    }
    SurveyCLI.printDiagnostics(problems, console: invocation.console, language: invocation.language)
    invocation.console.out(Messages.validated(files: files.count, valid: valid, problems: problems.count).text(l) + "\n")
    return 1
}
