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
                console.out(HelpText.overview(commands))
                return arguments.isEmpty || arguments.contains("--help") ? 0 : 64
            }
            if invocation.has("--help") {
                console.out(HelpText.command(invocation.command))
                return 0
            }
            return try invocation.command.run(invocation)
        } catch {
            report(error, console: console)
            return error.exitCode
        }
    }

    static func report(_ error: CLIError, console: Console) {
        switch error {
        case .usage(let message, let hint):
            console.err("error: \(message)\n" + (hint.map { "hint: \($0)\n" } ?? ""))
        case .failed(let message, let hint):
            console.err("error: \(message)\n" + (hint.map { "hint: \($0)\n" } ?? ""))
        case .refused(let diagnostics, let summary):
            printDiagnostics(diagnostics, console: console)
            if let summary { console.err("error: \(summary)\n") }
        case .internal(let message):
            console.err("error: internal: \(message)\nhint: this is a bug; please report it with the command you ran.\n")
        }
    }

    /// Diagnostics as `error: file:line:col: path: message`, one per line, hints indented below.
    static func printDiagnostics(_ diagnostics: [Diagnostic], console: Console) {
        var text = ""
        for d in diagnostics {
            text += "error: \(d.location): \(d.message)\n"
            if let hint = d.hint { text += "  hint: \(hint)\n" }
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
        invocation.console.out(HelpText.overview(SurveyCLI.commands))
        return 0
    }
    guard let command = SurveyCLI.commands.first(where: { $0.name == name }) else {
        let hint = TextFolding.nearest(name, among: SurveyCLI.commands.map(\.name)).map { "did you mean '\($0)'?" }
        throw .usage("unknown command '\(name)'", hint: hint ?? "see 'survey --help'.")
    }
    invocation.console.out(HelpText.command(command))
    return 0
}
