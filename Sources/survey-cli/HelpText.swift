import Foundation
import SurveyFormats

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
