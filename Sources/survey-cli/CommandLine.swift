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
    /// A refusal from the message catalogue, rendered in the reader's language: exit 1.
    case message(Message, hint: Message? = nil)
    /// A bug or an unexpected system state: exit 70.
    case `internal`(String)

    /// A library's error as a refusal (exit 1) in the reader's language.
    static func from(_ error: any Error) -> CLIError {
        if let error = error as? any MessageError { return .message(error.problem, hint: error.hintMessage) }
        return .failed("\(error)")
    }

    var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .refused, .failed, .message: 1
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
            throw .usage(Messages.optionWholeNumber(name, range: range, given: text).text(language))
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
                throw .from(fileError)
            case .invalid(let problems):
                throw .refused(problems, summary: Messages.definitionHasProblems(reference).text(language))
            case .unknown(let id, let suggestion, let known):
                let hint = suggestion.map { Messages.didYouMean($0) } ?? (known.isEmpty ? nil : Messages.knownQuestionnaires(known))
                throw .message(Messages.unknownQuestionnaire(id, folder: library.folder), hint: hint)
            }
        }
    }
}

/// Splits arguments into the command, its options and positionals, refusing unknown options with a hint.
struct ArgumentParser {
    let commands: [Command]

    /// The language of a command line before it is parsed (usage errors need it): `--lang`, then
    /// `$SURVEY_LANG`, then Russian — the same order as `Invocation.language`.
    static func language(of arguments: [String], environment: [String: String]) -> Language {
        var requested: String?
        var words = arguments[...]
        while let word = words.popFirst(), word != "--" {
            if word == "--lang" { requested = words.popFirst() ?? requested }
            else if word.hasPrefix("--lang=") { requested = String(word.dropFirst("--lang=".count)) }
        }
        return Language(rawValue: requested ?? environment["SURVEY_LANG"] ?? "ru") ?? .ru
    }

    func parse(_ arguments: [String], environment: [String: String], console: Console) throws(CLIError) -> Invocation? {
        let l = Self.language(of: arguments, environment: environment)
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
                        throw Self.unknownCommand(word, among: commands, l)
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
                let context = command.map { "survey \($0.name)" } ?? "survey"
                let hint = TextFolding.nearest(name, among: specs.map(\.name)).map { Messages.didYouMean($0) } ?? Messages.seeHelp(context)
                throw .usage(Messages.unknownOption(name, context: context).text(l), hint: hint.text(l))
            }
            if spec.value == nil {
                if inline != nil { throw .usage(Messages.optionTakesNoValue(name).text(l)) }
                flags.insert(name)
                continue
            }
            guard let value = inline ?? words.popFirst() else {
                let placeholder = spec.value ?? "VALUE"
                throw .usage(Messages.optionNeedsValue(name, placeholder: placeholder).text(l))
            }
            if !spec.choices.isEmpty && !spec.choices.contains(value) {
                throw .usage(Messages.optionChoices(name, choices: spec.choices, given: value).text(l))
            }
            if values[name] != nil && !spec.repeatable {
                throw .usage(Messages.optionTwice(name).text(l))
            }
            values[name, default: []].append(value)
        }

        guard let command else { return nil }
        if !flags.contains("--help") && !command.positionals.contains(positionals.count) {
            let range = command.positionals
            let extra = positionals.count > range.upperBound ? positionals[range.upperBound] : nil
            throw .usage(Messages.argumentCount(command.name, takes: range, unexpected: extra).text(l),
                         hint: Messages.usage("survey \(command.name) \(command.usage)").text(l))
        }
        return Invocation(command: command, positionals: positionals, values: values, flags: flags,
                          environment: environment, console: console)
    }

    /// `survey lst`, `survey help lst`: the nearest command as a hint.
    static func unknownCommand(_ word: String, among commands: [Command], _ l: Language) -> CLIError {
        let hint = Messages.commandList(suggestion: TextFolding.nearest(word, among: commands.map(\.name)))
        return .usage(Messages.unknownCommand(word).text(l), hint: hint.text(l))
    }
}
