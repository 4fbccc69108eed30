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
              .value("--min-group", "N", "Hide groups smaller than N (default 3), and beside one the smallest shown group too (else the totals give it away), so answers cannot be traced to a person."),
              encodingOption, delimiterOption, idColumnOption],
    positionals: 1...1,
    examples: ["survey tabulate preschool-staff-survey --population 4",
               "survey tabulate preschool-parent-survey --format html --out parents.html",
               "survey tabulate preschool-staff-survey --from-csv answers.csv --format json"]
) { invocation throws(CLIError) in
    let q = try invocation.questionnaire(invocation.positionals[0])
    guard q.kind == .likert else {
        let l = invocation.language
        throw .usage(Messages.commandIsFor("tabulate", kind: Messages.surveysPlural, questionnaire: q.id, kindName: Messages.kindName(q.kind)).text(l),
                     hint: (q.kind == .deficits ? Messages.seeProfileAndGroup : Messages.seeMonitor).text(l))
    }
    let population = try invocation.integer("--population", range: 1...100_000_000)
    let by = invocation.value("--by")
    let minimumGroup = try invocation.integer("--min-group", default: 3, range: 1...1_000_000) ?? 3
    var accumulator = TabulationAccumulator(questionnaire: q)
    var groups: [String: TabulationAccumulator] = [:]
    if let path = invocation.value("--from-csv") {
        (accumulator, groups) = try tabulateFile(path, q, invocation)
    } else {
        (accumulator, groups) = try tabulateStore(q, invocation, by: by)
    }
    let tabulation = accumulator.result(population: population)
    // More answers than people asked cannot be a participation share: «30 — 1000 %» is refused, not printed.
    if let population, tabulation.respondents > population {
        throw .usage(Messages.populationTooSmall(population, respondents: tabulation.respondents).text(invocation.language),
                     hint: Messages.hintPopulation(tabulation.respondents).text(invocation.language))
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
    let sink = try OutputSink(path: invocation.value("--out"), language: invocation.language)
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

/// `--from-csv`: the byte-level path, every cell checked, nothing stored. A regular file is parsed on
/// every core (split at record boundaries, parts merged in file order: the result is the same as one pass);
/// a pipe or device is read in one pass.
func tabulateFile(_ path: String, _ q: Questionnaire, _ invocation: Invocation) throws(CLIError) -> (TabulationAccumulator, [String: TabulationAccumulator]) {
    var options = CSVOptions()
    if let encoding = invocation.value("--encoding") { options.encoding = CSVEncoding(rawValue: encoding) ?? .auto }
    if let delimiter = invocation.value("--delimiter") { options.delimiter = CSVDelimiter.parse(delimiter) ?? nil }
    func refused(_ error: CSVError) -> CLIError { csvRefusal(error, path: path, invocation.language, nothingStored: false) }
    let idColumn = invocation.value("--id-column"), by = invocation.value("--by")
    func start(_ header: [String], line: Int) throws(CLIError) -> [TabulationPart.Role] {
        let (roles, problems) = TabulationPart.roles(header: header, questionnaire: q, idColumn: idColumn, by: by, language: invocation.language)
        if !problems.isEmpty {
            printLimited(problems.map { Diagnostic(file: path, line: line, path: $0.column > 0 ? Messages.column($0.column).text(invocation.language) : nil, message: $0.message, hint: $0.hint) },
                         max: 30, console: invocation.console, canListMore: false, language: invocation.language)
            throw .message(Messages.headerDoesNotMatch(path, questionnaire: q.id, nothingStored: false))
        }
        return roles
    }
    var result: TabulationPart
    if !isSpecialFile(path) {
        let layout: CSVReader.Layout, header: [String]
        do { (layout, header) = try CSVReader.layout(path: path, options: options) } catch { throw refused(error) }
        guard !header.isEmpty else { throw .message(Messages.emptyAnswerFile(path)) }
        let roles = try start(header, line: max(1, layout.dataStartLine - 1))
        // The parts check UTF-8 cell by cell as they decode (TabulationPart), so the reader need not.
        var partOptions = options
        partOptions.validatesUTF8 = false
        var parts: [TabulationPart]
        do {
            parts = try CSVReader.parallelForEach(path: path, layout: layout, parts: ProcessInfo.processInfo.activeProcessorCount, options: partOptions,
                                                  make: { TabulationPart(questionnaire: q, roles: roles, file: path, delimiter: layout.delimiter, language: invocation.language) },
                                                  shortcut: { part, bytes, count, limit, line in part.take(bytes, count: count, limit: limit, line: line) },
                                                  renumber: { part, lines, _ in part.renumber(lines: lines) },
                                                  consume: { part, record in part.consume(record) })
        } catch let error as CSVError { throw refused(error) } catch { throw .internal("\(error)") }
        // Each part sorts its respondents' fingerprints on its own core; the merged list is then sorted runs.
        parts.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let each = buffer
            DispatchQueue.concurrentPerform(iterations: each.count) { each[$0].sortNamed() }
        }
        guard var merged = parts.first else { throw .internal("no parts") }
        for part in parts.dropFirst() { merged.merge(part) }
        do { try merged.findDuplicates(path: path, options: options) } catch let error as CSVError { throw refused(error) } catch { throw .internal("\(error)") }
        result = merged
    } else {
        let reader: CSVReader
        do { reader = try CSVReader(path: path, options: options) } catch { throw refused(error) }
        var part: TabulationPart?
        var roles: [TabulationPart.Role]?
        var headerError: CLIError?
        do {
            let shortcut: CSVReader.Shortcut = { bytes, count, limit, line in part?.take(bytes, count: count, limit: limit, line: line) ?? (0, 0) }
            try reader.forEach(shortcut: shortcut) { record in
                guard headerError == nil else { return }
                guard part != nil else {
                    do throws(CLIError) {
                        roles = try start(record.strings, line: record.line)
                        part = TabulationPart(questionnaire: q, roles: roles ?? [], file: path, delimiter: reader.delimiter, language: invocation.language)
                    } catch { headerError = error }
                    return
                }
                part?.consume(record)
            }
        } catch let error as CSVError { throw refused(error) } catch { throw .internal("\(error)") }
        if let headerError { throw headerError }
        guard var part else { throw .message(Messages.emptyAnswerFile(path)) }
        // A pipe cannot be read twice: repeated names are counted, not named.
        part.reportDuplicatesUnnamed()
        result = part
    }
    if result.problemCount > 0 {
        printLimited(result.problems, max: 30, console: invocation.console, canListMore: false, language: invocation.language)
        throw .message(Messages.fileProblemsNothingTabulated(path, problems: result.problemCount), hint: Messages.hintFixOrSkipInvalid)
    }
    return (result.accumulator, result.groups)
}
