import Foundation
import SurveyEngine
import SurveyFormats

/// `survey tabulate ID`: per-statement tables, participation, positive share, reliability, comments.
let tabulateCommand = Command(
    name: "tabulate", summary: "Tabulate a survey: counts and percents per statement, positive share, reliability, comments.",
    usage: "ID [--from-csv FILE] [--population N] [--format text|md|csv|json|html] [--out FILE]",
    discussion: """
    Reads the stored responses, or with --from-csv an answer file directly (checked exactly as import checks
    it; nothing is stored). Percents are of those who answered the statement and add up to 100 per statement
    (largest remainder). Positive = the favourable options (top two of four), with reverse-keyed statements
    counted the other way round. Cronbach's alpha is over respondents who answered every statement (listwise).
    """,
    arguments: [("ID", "The questionnaire.")],
    options: [.value("--from-csv", "FILE", "Tabulate an answer file instead of the store."),
              .value("--population", "N", "How many were asked (staff, parents), for the participation share."),
              .value("--format", "FORMAT", "text (default), md, csv, json or html.", choices: ["text", "md", "csv", "json", "html"]),
              .value("--out", "FILE", "Write to FILE instead of standard output."),
              encodingOption, delimiterOption],
    positionals: 1...1,
    examples: ["survey tabulate preschool-staff-survey --population 4",
               "survey tabulate preschool-parent-survey --format html --out parents.html",
               "survey tabulate preschool-staff-survey --from-csv answers.csv --format json"]
) { invocation throws(CLIError) in
    let q = try invocation.questionnaire(invocation.positionals[0])
    guard q.kind == .likert else {
        throw .usage("tabulate is for surveys; '\(q.id)' is \(q.kind.rawValue)", hint: q.kind == .deficits ? "see 'survey profile' and 'survey group'" : "see 'survey monitor'")
    }
    let population = try invocation.integer("--population", range: 1...100_000_000)
    var accumulator = TabulationAccumulator(questionnaire: q)
    if let path = invocation.value("--from-csv") {
        let file = try openAnswerFile(invocation, q, path: path, stage: nil)
        var problems: [Diagnostic] = []
        let progress = Progress(console: invocation.console, total: file.reader.totalBytes)
        do {
            try file.forEachRow { row in
                if row.isValid { accumulator.add(row.response) } else { problems += row.problems }
                progress.update(done: file.reader.bytesRead, rows: file.rowsRead)
            }
        } catch let error as CSVError {
            progress.finish()
            throw .refused([Diagnostic(file: path, line: error.line, path: error.column.map { "column \($0)" }, message: error.message, hint: error.hint)])
        } catch { throw .internal("\(error)") }
        progress.finish()
        if !file.headerProblems.isEmpty { throw .refused(file.headerProblems, summary: "the header of \(path) does not match '\(q.id)'") }
        if !problems.isEmpty {
            printLimited(problems, max: 30, console: invocation.console)
            throw .failed("\(path) has \(problems.count) problem(s); nothing tabulated", hint: "fix them, or import with --skip-invalid and tabulate the store")
        }
    } else {
        let responses: [Response]
        do { responses = try invocation.store.read(q.id).current } catch { throw .failed("\(error)") }
        if responses.isEmpty {
            throw .failed("no responses of '\(q.id)' in \(invocation.store.root)", hint: "import some with 'survey import \(q.id) FILE', or use --from-csv FILE")
        }
        for response in responses { accumulator.add(response) }
    }
    let tabulation = accumulator.result(population: population)
    if let population, tabulation.respondents > population {
        invocation.console.err("warning: \(tabulation.respondents) respondents but --population \(population)\n")
    }
    let rendering = TabulationRendering(tabulation, language: invocation.language)
    let output: String
    switch invocation.value("--format") ?? "text" {
    case "json": output = rendering.json().rendered()
    case "md": output = rendering.markdown()
    case "csv": output = rendering.csv()
    case "html": output = rendering.html(generatedAt: ISO8601DateFormatter().string(from: Date()))
    default: output = rendering.text(width: terminalWidth())
    }
    let sink = try OutputSink(path: invocation.value("--out"))
    try sink.write(output, encoding: .utf8)
    try sink.close()
    return 0
}

/// The terminal's width for text tables (COLUMNS, else the tty's, else 100).
func terminalWidth() -> Int {
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns >= 40 { return columns }
    var size = winsize()
    if Console.isTerminal(1), ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 { return Int(size.ws_col) }
    return 100
}
