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
            throw .usage(language.t("\(name) принимает целое число от \(range.lowerBound) до \(range.upperBound); '\(text)' не подходит",
                                    "\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'"))
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
                throw .refused(problems, summary: language.t(
                    "в описании анкеты '\(reference)' есть ошибки; исправьте их (survey validate) и повторите",
                    "the definition of '\(reference)' has problems; fix them (survey validate) and try again"))
            case .unknown(let id, let suggestion, let known):
                let l = language
                let hint = suggestion.map { l.t("может быть, '\($0)'?", "did you mean '\($0)'?") }
                    ?? (known.isEmpty ? nil : l.t("известные анкеты: ", "known questionnaires: ") + known.joined(separator: ", "))
                throw .failed(l.t("неизвестная анкета '\(id)' в папке \(library.folder)", "unknown questionnaire '\(id)' in \(library.folder)"), hint: hint)
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
                let hint = TextFolding.nearest(name, among: specs.map(\.name)).map { l.t("может быть, '\($0)'?", "did you mean '\($0)'?") }
                let context = command.map { "survey \($0.name)" } ?? "survey"
                throw .usage(l.t("неизвестный параметр '\(name)' для '\(context)'", "unknown option '\(name)' for '\(context)'"),
                             hint: hint ?? l.t("параметры: '\(context) --help'.", "see '\(context) --help'."))
            }
            if spec.value == nil {
                if inline != nil { throw .usage(l.t("\(name) не принимает значения", "\(name) takes no value")) }
                flags.insert(name)
                continue
            }
            guard let value = inline ?? words.popFirst() else {
                let placeholder = spec.value ?? "VALUE"
                throw .usage(l.t("после \(name) нужно значение (\(placeholder))", "\(name) needs a value (\(placeholder))"))
            }
            if !spec.choices.isEmpty && !spec.choices.contains(value) {
                let choices = spec.choices.joined(separator: ", ")
                throw .usage(l.t("\(name) принимает одно из значений: \(choices); '\(value)' не подходит",
                                 "\(name) takes one of \(choices), not '\(value)'"))
            }
            if values[name] != nil && !spec.repeatable {
                throw .usage(l.t("\(name) указан дважды", "\(name) is given twice"))
            }
            values[name, default: []].append(value)
        }

        guard let command else { return nil }
        if !flags.contains("--help") && !command.positionals.contains(positionals.count) {
            let range = command.positionals
            let expected = range.lowerBound == range.upperBound
                ? l.count(range.lowerBound, ru: ("аргумент", "аргумента", "аргументов"), en: ("argument(s)", "argument(s)"))
                : range.upperBound == Int.max
                    ? l.t("не менее " + l.count(range.lowerBound, ru: ("аргумента", "аргументов", "аргументов"), en: ("", "")),
                          "\(range.lowerBound) or more argument(s)")
                    : l.t("от \(range.lowerBound) до \(range.upperBound) аргументов", "\(range.lowerBound)–\(range.upperBound) argument(s)")
            let got = positionals.count > range.upperBound
                ? l.t("лишний аргумент '\(positionals[range.upperBound])'", "unexpected argument '\(positionals[range.upperBound])'")
                : l.t("не хватает аргумента", "missing argument")
            throw .usage(l.t("\(got): 'survey \(command.name)' принимает \(expected)", "\(got): 'survey \(command.name)' takes \(expected)"),
                         hint: l.t("использование: ", "usage: ") + "survey \(command.name) \(command.usage)")
        }
        return Invocation(command: command, positionals: positionals, values: values, flags: flags,
                          environment: environment, console: console)
    }

    /// `survey lst`, `survey help lst`: the nearest command as a hint.
    static func unknownCommand(_ word: String, among commands: [Command], _ l: Language) -> CLIError {
        let hint = TextFolding.nearest(word, among: commands.map(\.name))
            .map { l.t("может быть, '\($0)'? Список команд: 'survey --help'.", "did you mean '\($0)'? See 'survey --help'.") }
            ?? l.t("список команд: 'survey --help'.", "see 'survey --help' for the commands.")
        return .usage(l.t("неизвестная команда '\(word)'", "unknown command '\(word)'"), hint: hint)
    }
}

/// Help text in the layout of swift-argument-parser: OVERVIEW, USAGE, ARGUMENTS, OPTIONS, EXAMPLES.
/// Russian comes from `HelpCatalogue`, English from the command definitions.
enum HelpText {
    static func overview(_ commands: [Command], language: Language = .ru) -> String {
        let l = language
        var text = l.t("""
        ОБЗОР: Опросы, самодиагностика профессиональных дефицитов педагогов и мониторинг развития детей.

        Загружает описания анкет, принимает ответы в терминале или из файлов CSV, сохранённых в Excel,
        и превращает их в таблицы, профили, маршруты (ИОМ) и отчёты.

        ИСПОЛЬЗОВАНИЕ: survey <команда> [параметры]

        КОМАНДЫ:

        """, """
        OVERVIEW: Surveys, deficit self-diagnosis and child monitoring for schools.

        Loads questionnaire definitions, takes answers at a terminal or from CSV files exported by Excel,
        and turns them into tables, profiles, routes and reports.

        USAGE: survey <command> [options]

        COMMANDS:

        """)
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        for command in commands {
            text += "  " + command.name.padding(toLength: width, withPad: " ", startingAt: 0)
                + HelpCatalogue.summary(command, l) + "\n"
        }
        text += "\n" + l.t("ОБЩИЕ ПАРАМЕТРЫ:", "GLOBAL OPTIONS:") + "\n" + optionLines(globalOptions, of: nil, l)
        text += "\n  " + l.t("Параметры одной команды: 'survey help <команда>'.", "See 'survey help <command>' for a command's options.") + "\n"
        return text
    }

    static func command(_ command: Command, language: Language = .ru) -> String {
        let l = language
        var text = l.t("ОБЗОР: ", "OVERVIEW: ") + HelpCatalogue.summary(command, l) + "\n"
        let discussion = HelpCatalogue.discussion(command, l)
        if !discussion.isEmpty { text += "\n\(discussion)\n" }
        text += "\n" + l.t("ИСПОЛЬЗОВАНИЕ: ", "USAGE: ") + "survey \(command.name) \(command.usage)\n"
        if !command.arguments.isEmpty {
            text += "\n" + l.t("АРГУМЕНТЫ:", "ARGUMENTS:") + "\n"
            let width = (command.arguments.map(\.name.count).max() ?? 0) + 2
            for (name, help) in command.arguments {
                text += "  " + name.padding(toLength: width, withPad: " ", startingAt: 0)
                    + HelpCatalogue.argument(name, help: help, of: command, l) + "\n"
            }
        }
        text += "\n" + l.t("ПАРАМЕТРЫ:", "OPTIONS:") + "\n"
            + optionLines(command.options, of: command, l, alignedWith: globalOptions) + optionLines(globalOptions, of: nil, l, alignedWith: command.options)
        if !command.examples.isEmpty {
            text += "\n" + l.t("ПРИМЕРЫ:", "EXAMPLES:") + "\n" + command.examples.map { "  \($0)\n" }.joined()
        }
        return text
    }

    private static func head(_ option: OptionSpec) -> String { option.value.map { "\(option.name) \($0)" } ?? option.name }

    /// One line per option, help aligned in a column wide enough for these options and `alignedWith`.
    private static func optionLines(_ options: [OptionSpec], of command: Command?, _ language: Language,
                                    alignedWith others: [OptionSpec] = []) -> String {
        let width = ((options + others).map { head($0).count }.max() ?? 0) + 2
        return options.map { option in
            "  " + head(option).padding(toLength: width, withPad: " ", startingAt: 0)
                + HelpCatalogue.option(option, of: command, language) + "\n"
        }.joined()
    }
}
