import Foundation
import SurveyEngine
import SurveyFormats

/// The `survey` program: finds the command, runs it, and turns every failure into a message on stderr
/// and the contract's exit code (0 done, 1 refused, 64 usage, 70 internal).
enum SurveyCLI {
    static let commands: [Command] = [
        listCommand, showCommand, validateCommand, importCommand, takeCommand, exportCommand, tabulateCommand, profileCommand, routeCommand, groupCommand, monitorCommand, sampleCommand, benchCommand, forgetCommand, helpCommand,
    ]

    static func run(_ arguments: [String], environment: [String: String]) -> Int32 {
        let console = Console()
        do {
            guard let invocation = try ArgumentParser(commands: commands).parse(arguments, environment: environment, console: console) else {
                // `survey`, `survey --help`: the overview.
                console.out(HelpText.overview(commands, language: ArgumentParser.language(of: arguments, environment: environment)))
                return arguments.isEmpty || arguments.contains("--help") ? 0 : 64
            }
            if invocation.has("--help") {
                console.out(HelpText.command(invocation.command, language: invocation.language))
                return 0
            }
            return try invocation.command.run(invocation)
        } catch {
            report(error, console: console, language: ArgumentParser.language(of: arguments, environment: environment))
            return error.exitCode
        }
    }

    static func report(_ error: CLIError, console: Console, language: Language = .ru) {
        switch error {
        case .usage(let message, let hint):
            console.err("error: \(message)\n" + (hint.map { "hint: \($0)\n" } ?? ""))
        case .failed(let message, let hint):
            console.err("error: \(message)\n" + (hint.map { "hint: \($0)\n" } ?? ""))
        case .message(let message, let hint):
            console.err("error: \(message.text(language))\n" + (hint.map { "hint: \($0.text(language))\n" } ?? ""))
        case .refused(let diagnostics, let summary):
            printDiagnostics(diagnostics, console: console, language: language)
            if let summary { console.err("error: \(summary)\n") }
        case .internal(let message):
            console.err("error: internal: \(message)\nhint: " + Messages.internalErrorHint.text(language) + "\n")
        }
    }

    /// Diagnostics as `error: file:line:col: path: message`, one per line, hints indented below.
    static func printDiagnostics(_ diagnostics: [Diagnostic], console: Console, language: Language) {
        var text = ""
        for d in diagnostics {
            text += "error: \(d.location): \(d.text.text(language))\n"
            if let hint = d.hintText { text += "  hint: \(hint.text(language))\n" }
        }
        console.err(text)
    }
}

/// `survey help [COMMAND]`.
let helpCommand = Command(
    name: "help", summary: "Show help for survey or one of its commands.", usage: "[COMMAND]",
    arguments: [("COMMAND", "The command to explain.")], positionals: 0...1,
    examples: ["survey help import"]
) { invocation throws(CLIError) in
    guard let name = invocation.positionals.first else {
        invocation.console.out(HelpText.overview(SurveyCLI.commands, language: invocation.language))
        return 0
    }
    guard let command = SurveyCLI.commands.first(where: { $0.name == name }) else {
        throw ArgumentParser.unknownCommand(name, among: SurveyCLI.commands, invocation.language)
    }
    invocation.console.out(HelpText.command(command, language: invocation.language))
    return 0
}
