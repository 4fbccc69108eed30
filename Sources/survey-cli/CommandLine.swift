import Foundation
import SurveyEngine
import SurveyFormats

/// One option a command takes: `--format json`, `--dry-run`.
struct OptionSpec: Sendable {
    var name: String
    /// The value's placeholder (`FORMAT`); nil for a flag.
    var value: String?
    var help: String
    /// The values allowed, checked at parse time; empty = any.
    var choices: [String] = []
    /// May be given more than once (values accumulate).
    var repeatable = false

    static func flag(_ name: String, _ help: String) -> OptionSpec { OptionSpec(name: name, value: nil, help: help) }
    static func value(_ name: String, _ placeholder: String, _ help: String, choices: [String] = []) -> OptionSpec {
        OptionSpec(name: name, value: placeholder, help: help, choices: choices)
    }
}

/// A command of `survey`: its words, its help, and what it does.
struct Command: Sendable {
    var name: String
    var summary: String
    /// Usage after `survey NAME`, e.g. `ID [--format text|json]`.
    var usage: String
    var discussion: String = ""
    var arguments: [(name: String, help: String)] = []
    var options: [OptionSpec] = []
    /// How many positional arguments it takes.
    var positionals: ClosedRange<Int> = 0...0
    var examples: [String] = []
    var run: @Sendable (Invocation) throws(CLIError) -> Int32
}

/// Options every command accepts, before or after the command's name.
let globalOptions: [OptionSpec] = [
    .value("--questionnaires", "DIR", "The questionnaires folder (default: $SURVEY_QUESTIONNAIRES, else ./questionnaires)."),
    .value("--data", "DIR", "The response store (default: $SURVEY_DATA, else ./survey-data)."),
    .value("--lang", "LANG", "Language of human-facing output: ru (default) or en.", choices: ["ru", "en"]),
    .flag("--help", "Show help for this command."),
]

/// A failure that ends a command, mapped to the contract's exit codes in one place.
enum CLIError: Error {
    /// Wrong words on the command line: exit 64.
    case usage(String, hint: String? = nil)
    /// The input was refused (validation), nothing changed: exit 1. The diagnostics are printed.
    case refused([Diagnostic], summary: String? = nil)
    /// A single refusal with a place: exit 1.
    case failed(String, hint: String? = nil)
    /// A bug or an unexpected system state: exit 70.
    case `internal`(String)

    var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .refused, .failed: 1
        case .internal: 70
        }
    }
}

/// The parsed command line of one run, plus the environment it runs in.
struct Invocation: Sendable {
    var command: Command
    var positionals: [String]
    var values: [String: [String]]
    var flags: Set<String>
    var environment: [String: String]
    var console: Console

    func value(_ name: String) -> String? { values[name]?.last }
    func has(_ flag: String) -> Bool { flags.contains(flag) }

    var language: Language { Language(rawValue: value("--lang") ?? environment["SURVEY_LANG"] ?? "ru") ?? .ru }

    var store: ResponseStore {
        ResponseStore(root: ResponseStore.root(option: value("--data"), environment: environment))
    }

    var library: QuestionnaireLibrary {
        QuestionnaireLibrary(folder: QuestionnaireLibrary.folder(option: value("--questionnaires"), environment: environment))
    }

    /// A whole number option, refused with exit 64 when it is not one.
    func integer(_ name: String, default fallback: Int? = nil, range: ClosedRange<Int> = 0...Int.max) throws(CLIError) -> Int? {
        guard let text = value(name) else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw .usage("\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }

    /// Loads the questionnaire a command names, turning lookup failures into user-facing errors.
    func questionnaire(_ reference: String) throws(CLIError) -> Questionnaire {
        do throws(QuestionnaireLibrary.LookupError) {
            return try library.resolve(reference)
        } catch {
            switch error {
            case .folder(let fileError):
                throw .failed(fileError.description)
            case .invalid(let problems):
                throw .refused(problems, summary: "the definition of '\(reference)' has problems; fix them (survey validate) and try again")
            case .unknown(let id, let suggestion, let known):
                let hint = suggestion.map { "did you mean '\($0)'?" }
                    ?? (known.isEmpty ? nil : "known questionnaires: \(known.joined(separator: ", "))")
                throw .failed("unknown questionnaire '\(id)' in \(library.folder)", hint: hint)
            }
        }
    }
}

/// Splits arguments into the command, its options and positionals, refusing unknown options with a hint.
struct ArgumentParser {
    let commands: [Command]

    func parse(_ arguments: [String], environment: [String: String], console: Console) throws(CLIError) -> Invocation? {
        var words = arguments[...]
        var values: [String: [String]] = [:]
        var flags = Set<String>()
        var command: Command?
        var positionals: [String] = []
        var onlyPositionals = false

        while let word = words.popFirst() {
            if onlyPositionals || !word.hasPrefix("--") || word == "--" {
                if word == "--" && !onlyPositionals { onlyPositionals = true; continue }
                if command == nil {
                    guard let found = commands.first(where: { $0.name == word }) else {
                        let names = commands.map(\.name)
                        let hint = TextFolding.nearest(word, among: names).map { "did you mean '\($0)'? See 'survey --help'." }
                            ?? "see 'survey --help' for the commands."
                        throw .usage("unknown command '\(word)'", hint: hint)
                    }
                    command = found
                } else {
                    positionals.append(word)
                }
                continue
            }
            // --name=value or --name value
            var name = word, inline: String?
            if let eq = word.firstIndex(of: "=") {
                name = String(word[..<eq])
                inline = String(word[word.index(after: eq)...])
            }
            let specs = globalOptions + (command?.options ?? [])
            guard let spec = specs.first(where: { $0.name == name }) else {
                let hint = TextFolding.nearest(name, among: specs.map(\.name)).map { "did you mean '\($0)'?" }
                let context = command.map { "survey \($0.name)" } ?? "survey"
                throw .usage("unknown option '\(name)' for '\(context)'", hint: hint ?? "see '\(context) --help'.")
            }
            if spec.value == nil {
                if inline != nil { throw .usage("\(name) takes no value") }
                flags.insert(name)
                continue
            }
            guard let value = inline ?? words.popFirst() else {
                throw .usage("\(name) needs a value (\(spec.value ?? "VALUE"))")
            }
            if !spec.choices.isEmpty && !spec.choices.contains(value) {
                throw .usage("\(name) takes one of \(spec.choices.joined(separator: ", ")), not '\(value)'")
            }
            if values[name] != nil && !spec.repeatable {
                throw .usage("\(name) is given twice")
            }
            values[name, default: []].append(value)
        }

        guard let command else { return nil }
        if !flags.contains("--help") && !command.positionals.contains(positionals.count) {
            let expected = command.positionals.lowerBound == command.positionals.upperBound
                ? "\(command.positionals.lowerBound)" : "\(command.positionals.lowerBound)–\(command.positionals.upperBound)"
            let got = positionals.count > command.positionals.upperBound
                ? "unexpected argument '\(positionals[command.positionals.upperBound])'" : "missing argument"
            throw .usage("\(got): 'survey \(command.name)' takes \(expected) argument(s)",
                         hint: "usage: survey \(command.name) \(command.usage)")
        }
        return Invocation(command: command, positionals: positionals, values: values, flags: flags,
                          environment: environment, console: console)
    }
}

/// Help text in the layout of swift-argument-parser: OVERVIEW, USAGE, ARGUMENTS, OPTIONS, EXAMPLES.
enum HelpText {
    static func overview(_ commands: [Command]) -> String {
        var text = """
        OVERVIEW: Surveys, deficit self-diagnosis and child monitoring for schools.

        Loads questionnaire definitions, takes answers at a terminal or from CSV files exported by Excel,
        and turns them into tables, profiles, routes and reports.

        USAGE: survey <command> [options]

        COMMANDS:

        """
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        for command in commands {
            text += "  " + command.name.padding(toLength: width, withPad: " ", startingAt: 0) + command.summary + "\n"
        }
        text += "\nGLOBAL OPTIONS:\n" + optionLines(globalOptions)
        text += "\n  See 'survey help <command>' for a command's options.\n"
        return text
    }

    static func command(_ command: Command) -> String {
        var text = "OVERVIEW: \(command.summary)\n"
        if !command.discussion.isEmpty { text += "\n\(command.discussion)\n" }
        text += "\nUSAGE: survey \(command.name) \(command.usage)\n"
        if !command.arguments.isEmpty {
            text += "\nARGUMENTS:\n"
            let width = (command.arguments.map(\.name.count).max() ?? 0) + 2
            for (name, help) in command.arguments {
                text += "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + help + "\n"
            }
        }
        text += "\nOPTIONS:\n" + optionLines(command.options + globalOptions)
        if !command.examples.isEmpty {
            text += "\nEXAMPLES:\n" + command.examples.map { "  \($0)\n" }.joined()
        }
        return text
    }

    private static func optionLines(_ options: [OptionSpec]) -> String {
        let heads = options.map { option in option.value.map { "\(option.name) \($0)" } ?? option.name }
        let width = (heads.map(\.count).max() ?? 0) + 2
        return zip(heads, options).map { head, option in
            "  " + head.padding(toLength: width, withPad: " ", startingAt: 0) + option.help + "\n"
        }.joined()
    }
}
