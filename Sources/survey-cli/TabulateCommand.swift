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
              .value("--by", "COLUMN", "Break results down by a column (kept with 'import --keep', or in the --from-csv file)."),
              .value("--min-group", "N", "Hide groups smaller than N (default 3), so answers cannot be traced to a person."),
              encodingOption, delimiterOption, idColumnOption],
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
    let by = invocation.value("--by")
    let minimumGroup = try invocation.integer("--min-group", default: 3, range: 1...1_000_000) ?? 3
    var accumulator = TabulationAccumulator(questionnaire: q)
    var groups: [String: TabulationAccumulator] = [:]
    if let path = invocation.value("--from-csv") {
        (accumulator, groups) = try tabulateFile(path, q, invocation)
    } else {
        let responses: [Response]
        do { responses = try invocation.store.read(q.id).current } catch { throw .failed("\(error)") }
        if responses.isEmpty {
            throw .failed("no responses of '\(q.id)' in \(invocation.store.root)", hint: "import some with 'survey import \(q.id) FILE', or use --from-csv FILE")
        }
        for response in responses { accumulator.add(response) }
        if let by {
            // Column names compare folded, as headers do: --keep школа and --by Школа name one column.
            let key = TextFolding.fold(by)
            func group(of response: Response) -> String? { response.attributes.first { TextFolding.fold($0.key) == key }?.value }
            guard responses.contains(where: { group(of: $0) != nil }) else {
                throw .failed("no stored response has a «\(by)» column", hint: "import the file again with --keep \"\(by)\", or tabulate it with --from-csv FILE --by \"\(by)\"")
            }
            for response in responses {
                let name = group(of: response) ?? ""
                if groups[name] == nil { groups[name] = TabulationAccumulator(questionnaire: q) }
                groups[name]?.add(response)
            }
        }
    }
    let tabulation = accumulator.result(population: population)
    if let population, tabulation.respondents > population {
        invocation.console.err("warning: \(tabulation.respondents) respondents but --population \(population)\n")
    }
    var rendering = TabulationRendering(tabulation, language: invocation.language)
    if let by { rendering.setGroups(groups, by: by, minimum: minimumGroup) }
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

/// `--from-csv`: the byte-level path, every cell checked, nothing stored.
func tabulateFile(_ path: String, _ q: Questionnaire, _ invocation: Invocation) throws(CLIError) -> (TabulationAccumulator, [String: TabulationAccumulator]) {
    var options = CSVOptions()
    if let encoding = invocation.value("--encoding") { options.encoding = CSVEncoding(rawValue: encoding) ?? .auto }
    if let delimiter = invocation.value("--delimiter") { options.delimiter = CSVDelimiter.parse(delimiter) ?? nil }
    let reader: CSVReader
    do { reader = try CSVReader(path: path, options: options) } catch {
        throw .refused([Diagnostic(file: path, line: error.line > 0 ? error.line : nil, message: error.message, hint: error.hint)], summary: "\(path) cannot be read")
    }
    var part: TabulationPart?
    var headerProblems: [Diagnostic] = []
    let progress = Progress(console: invocation.console, total: reader.totalBytes)
    do {
        try reader.forEach { record in
            guard part != nil else {
                let (roles, problems) = TabulationPart.roles(header: record.strings, questionnaire: q, idColumn: invocation.value("--id-column"), by: invocation.value("--by"))
                headerProblems = problems.map { Diagnostic(file: path, line: record.line, path: $0.column > 0 ? "column \($0.column)" : nil, message: $0.message, hint: $0.hint) }
                part = TabulationPart(questionnaire: q, roles: roles, file: path)
                return
            }
            guard headerProblems.isEmpty else { return }
            part?.consume(record)
            if record.index & 0x3FFF == 0 { progress.update(done: reader.bytesRead, rows: part?.rows ?? 0) }
        }
    } catch let error as CSVError {
        progress.finish()
        throw .refused([Diagnostic(file: path, line: error.line, path: error.column.map { "column \($0)" }, message: error.message, hint: error.hint)])
    } catch { throw .internal("\(error)") }
    progress.finish()
    guard let part else { throw .failed("\(path) is empty: a header row naming the items is expected") }
    if !headerProblems.isEmpty { throw .refused(headerProblems, summary: "the header of \(path) does not match '\(q.id)'") }
    if part.problemCount > 0 {
        printLimited(part.problems, max: 30, console: invocation.console)
        throw .failed("\(path) has \(part.problemCount) problem(s); nothing tabulated", hint: "fix them, or import with --skip-invalid and tabulate the store")
    }
    return (part.accumulator, part.groups)
}
