import Foundation
import SurveyEngine
import SurveyFormats

/// `survey sample ID --count N`: a realistic synthetic answer file, streamed.
let sampleCommand = Command(
    name: "sample", summary: "Write a realistic synthetic answer file for a questionnaire (demos, tests, benchmarks).",
    usage: "ID --count N [--seed S] [--out FILE] [--encoding utf-8|cp1251] [--stage start|mid|final] [--blanks SHARE] [--with-id] [--with-group NAME]",
    discussion: """
    Respondents answer consistently (a latent level per person and per area), about 5 % of cells are blank,
    and labels come in the spellings people type: lower or upper case, extra spaces, aliases, bare values,
    Cyrillic Roman numerals. The same --seed gives the same file. Written with ';' and CRLF, as Excel does.
    """,
    arguments: [("ID", "The questionnaire.")],
    options: [.value("--count", "N", "How many respondents (rows)."),
              .value("--seed", "S", "The random seed (default 1)."),
              .value("--out", "FILE", "Write to FILE instead of standard output."),
              .value("--encoding", "ENC", "utf-8 (default) or cp1251 (as Excel on Russian Windows saves).", choices: ["utf-8", "cp1251"]),
              .value("--stage", "STAGE", "For monitoring: the stage, later stages have higher levels."),
              .value("--blanks", "SHARE", "The share of blank cells, 0–1 (default 0.05)."),
              .flag("--with-id", "Add a first column «id» numbering the respondents (the shape of files with a respondent column)."),
              .value("--with-group", "NAME", "Add a column NAME with one of 20 schools per row (for 'import --keep NAME', 'tabulate --by NAME').")],
    positionals: 1...1,
    examples: ["survey sample preschool-staff-survey --count 30 --out answers.csv",
               "survey sample preschool-staff-survey --count 1000 --with-id --with-group Школа --out schools.csv",
               "survey sample preschool-staff-survey --count 1000000 --seed 7 --out big.csv"]
) { invocation throws(CLIError) in
    let q = try invocation.questionnaire(invocation.positionals[0])
    guard let count = try invocation.integer("--count", range: 0...100_000_000) else { throw .usage(Messages.sampleNeedsCount.text(invocation.language)) }
    let seed = try invocation.integer("--seed", default: 1) ?? 1
    var generator = SampleGenerator(questionnaire: q, seed: UInt64(seed))
    if let blanks = invocation.value("--blanks") {
        guard let share = Double(blanks), (0...1).contains(share) else { throw .usage(Messages.blanksShare(blanks).text(invocation.language)) }
        generator.blankRate = share
    }
    if let stage = invocation.value("--stage") {
        guard let index = q.stages.firstIndex(where: { $0.id == stage }) else {
            let l = invocation.language
            throw .usage(Messages.unknownStage(stage, questionnaire: q.id, stages: q.stages.map(\.id)).text(l))
        }
        generator.stageShift = Double(index) * 0.35
    }
    let encoding = OutputEncoding(rawValue: invocation.value("--encoding") ?? "utf-8") ?? .utf8
    let sink = try OutputSink(path: invocation.value("--out"), language: invocation.language)
    // Extra leading columns: a respondent number and a school, as administrators' files have them.
    let withID = invocation.has("--with-id") && !generator.isNamed
    let group = invocation.value("--with-group")
    let extra = (withID ? 1 : 0) + (group == nil ? 0 : 1)
    var writer = CSVWriter(delimiter: ";")
    // cp1251 cannot hold every code (the Kazakh «Ә» of 5-Ә.1): such a code is written in a form import takes back.
    let header: [String]
    switch CodeRecovery.headerRow(generator.header, in: q, encoding: encoding) {
    case .success(let row): header = row
    case .failure(let problem): throw .from(problem)
    }
    writer.row((withID ? ["id"] : []) + (group.map { [$0] } ?? []) + header)
    for index in 0..<count {
        let lead = (withID ? [String(index + 1)] : []) + (group == nil ? [] : ["Школа \((index * 7) % 20 + 1)"])
        writer.row(lead + generator.nextRow(), defuse: generator.isNamed ? [extra] : [])
        if index % 4096 == 4095 || index == count - 1 {
            try sink.write(writer.text, encoding: encoding)
            writer = CSVWriter(delimiter: ";")
        }
    }
    if count == 0 { try sink.write(writer.text, encoding: encoding) }
    try sink.close()
    return 0
}

/// `survey export ID`: the stored responses as CSV (re-importable) or JSON.
let exportCommand = Command(
    name: "export", summary: "Export stored responses as CSV (re-importable, Excel-safe) or JSON.",
    usage: "ID [--format csv|json] [--values] [--excel] [--anonymize] [--stage STAGE] [--encoding utf-8|cp1251] [--out FILE]",
    discussion: """
    CSV has a respondent column and one column per item (by id), so the file imports again unchanged.
    Text cells that Excel would run as a formula (starting with =, +, -, @) get a leading apostrophe.
    --anonymize replaces names with stable pseudonyms (the same name gives the same pseudonym in every export
    from this store; the key is kept in the store, so they cannot be reversed from the file alone).
    """,
    arguments: [("ID", "The questionnaire.")],
    options: [.value("--format", "FORMAT", "csv (default) or json.", choices: ["csv", "json"]),
              .flag("--values", "Write option values (4) instead of labels («Полностью согласен»)."),
              .flag("--excel", "UTF-8 with a byte-order mark and ';', so Russian Excel opens it correctly."),
              .flag("--anonymize", "Replace respondent names with stable pseudonyms."),
              .value("--stage", "STAGE", "Monitoring: the stage to export (CSV needs one: a sheet is one stage)."),
              .value("--encoding", "ENC", "CSV: utf-8 (default) or cp1251 (as Excel on Russian Windows saves; ';').", choices: ["utf-8", "cp1251"]),
              .value("--out", "FILE", "Write to FILE (created private, 0600) instead of standard output.")],
    positionals: 1...1,
    examples: ["survey export preschool-staff-survey --excel --out staff.csv",
               "survey export teacher-deficits --format json --anonymize"]
) { invocation throws(CLIError) in
    let q = try invocation.questionnaire(invocation.positionals[0])
    let encoding = OutputEncoding(rawValue: invocation.value("--encoding") ?? "utf-8") ?? .utf8
    let stage = invocation.value("--stage")
    if let stage, !q.stages.contains(where: { $0.id == stage }) {
        throw .usage(Messages.unknownStage(stage, questionnaire: q.id, stages: q.stages.map(\.id)).text(invocation.language))
    }
    let json = invocation.value("--format") == "json"
    var codes: [String: String] = [:]
    if !json {
        if q.kind == .monitoring && stage == nil {
            throw .usage(Messages.monitoringCSVNeedsStage(q.stages.map(\.id)).text(invocation.language))
        }
        if encoding == .cp1251 && invocation.has("--excel") { throw .usage(Messages.excelWithCP1251.text(invocation.language)) }
        if encoding == .cp1251 {
            switch CodeRecovery.headerRow(q.items.map(\.id), in: q, encoding: encoding) {
            case .success(let header): codes = Dictionary(zip(q.items.map(\.id), header), uniquingKeysWith: { a, _ in a })
            case .failure(let problem): throw .from(problem)
            }
        }
    }
    let key: [UInt8]?
    if invocation.has("--anonymize") {
        do { key = try PseudonymKey.load(storeRoot: invocation.store.root) } catch { throw .from(error) }
    } else {
        key = nil
    }
    let snapshot = try invocation.snapshot(q.id)
    let sink = try OutputSink(path: invocation.value("--out"), language: invocation.language)
    let outputEncoding = json ? .utf8 : encoding
    // Written a piece at a time (about 1 MB), one response decoded at a time: memory stays flat whatever the
    // store holds. --anonymize keeps a key per response (pseudonym, stage, record offset) to order them by
    // pseudonym, then reads the records back in that order.
    var pending = ""
    func emit(_ text: String) throws(CLIError) {
        pending += text
        if pending.utf8.count >= 1 << 20 {
            try sink.write(pending, encoding: outputEncoding)
            pending = ""
        }
    }
    func eachResponse(_ body: (Response, _ offset: Int) throws(CLIError) -> Void) throws(CLIError) {
        var failure: CLIError?
        do throws(StoreError) {
            try snapshot.forEachCurrent { record throws(StoreError) in
                guard failure == nil else { return }
                let response = try record.response()
                if let stage, response.stage != stage { return }
                do throws(CLIError) { try body(response, record.offset) } catch { failure = error }
            }
        } catch { throw .from(error) }
        if let failure { throw failure }
    }
    var named = !json && q.kind != .likert
    if !json && !named {
        // Whether any response has a name (the column is left out otherwise): a pass over the names only.
        do throws(StoreError) {
            try snapshot.forEachCurrent { record throws(StoreError) in if !named && record.respondent() != nil { named = true } }
        } catch { throw .from(error) }
    }
    var csv = ResponseExport.CSVStream(questionnaire: q, values: invocation.has("--values"), excel: invocation.has("--excel"),
                                       codes: codes, delimiter: encoding == .cp1251 ? ";" : nil, named: named, language: invocation.language)
    var document = ResponseExport.JSONStream(questionnaire: q)
    try emit(json ? document.header() : csv.header())
    func write(_ response: Response) throws(CLIError) { try emit(json ? document.element(response) : csv.row(response)) }
    if let key {
        var keys: [(respondent: String?, stage: Int, offset: Int)] = []
        let stageOrder = Dictionary(q.stages.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        try eachResponse { response, offset throws(CLIError) in
            keys.append((response.respondent.map { Pseudonym.make($0, key: key) }, response.stage.flatMap { stageOrder[$0] } ?? -1, offset))
        }
        // Ordered by pseudonym (then stage), never in the store's order, which follows the real names' lists.
        keys.sort { x, y in
            if x.respondent != y.respondent { return (x.respondent ?? "") < (y.respondent ?? "") }
            return x.stage != y.stage ? x.stage < y.stage : x.offset < y.offset
        }
        var failure: CLIError?
        do throws(StoreError) {
            var next = 0
            try snapshot.forEach(at: keys.map(\.offset)) { record throws(StoreError) in
                var response = try record.response()
                response.respondent = keys[next].respondent
                next += 1
                guard failure == nil else { return }
                do throws(CLIError) { try write(response) } catch { failure = error }
            }
        } catch { throw .from(error) }
        if let failure { throw failure }
    } else {
        try eachResponse { response, _ throws(CLIError) in try write(response) }
    }
    if json { try emit(document.footer()) }
    try sink.write(pending, encoding: outputEncoding)
    try sink.close()
    return 0
}

/// Standard output, or a file: a new or regular file is written private and atomically (a temporary file
/// renamed on close); a device or pipe that exists (`/dev/null`, `/dev/stdout`) is written in place, never replaced.
final class OutputSink {
    private let path: String?
    private let temporary: String?
    private let handle: FileHandle?

    init(path: String?, language: Language) throws(CLIError) {
        let unwritable = Messages.cannotBeWritten.text(language)
        self.path = path
        guard let path else {
            handle = nil
            temporary = nil
            return
        }
        if isSpecialFile(path) {
            guard let handle = FileHandle(forWritingAtPath: path) else { throw .failed("\(path): \(unwritable)") }
            self.handle = handle
            temporary = nil
            return
        }
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw .failed("\(path): \(unwritable)")
        }
        self.handle = handle
        self.temporary = temporary
    }

    func write(_ text: String, encoding: OutputEncoding) throws(CLIError) {
        switch encoding.encode(text) {
        case .failure(let problem): throw .from(problem)
        case .success(let bytes):
            if let handle {
                do { try handle.write(contentsOf: bytes) } catch { throw .failed("\(path ?? ""): \(error.localizedDescription)") }
            } else {
                Console().out(String(decoding: bytes, as: UTF8.self), raw: encoding == .utf8 ? nil : bytes)
            }
        }
    }

    /// A sink never closed (the command failed half way) leaves no temporary file behind.
    deinit {
        if !closed, let temporary { unlink(temporary) }
    }

    private var closed = false

    func close() throws(CLIError) {
        closed = true
        guard let handle, let path else { return }
        guard let temporary else {
            try? handle.close()
            return
        }
        do {
            try handle.synchronize()
            try handle.close()
        } catch { throw .failed("\(path): \(error.localizedDescription)") }
        guard rename(temporary, path) == 0 else { throw .message(Messages.atPath(path, Messages.system(errno))) }
    }
}

/// An existing path that is not a regular file (a device, a pipe): written in place, never renamed over.
func isSpecialFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG
}

/// `survey forget ID --respondent NAME`: deletes a person's answers from the store, for good.
let forgetCommand = Command(
    name: "forget", summary: "Delete every stored answer of one respondent (a teacher, a child) from a questionnaire.",
    usage: "ID --respondent NAME [--stage STAGE]",
    discussion: """
    The store's log is rewritten without the person (atomically: a crash leaves the old or the new file, never
    half of one), so the name is gone from the disk, not merely hidden. An unfinished terminal session of the
    person is deleted too, and so is the person's stored route (routes.jsonl: plan, marks, reflections). Names compare as typed answers do (case, spaces, ё/е).
    """,
    arguments: [("ID", "The questionnaire.")],
    options: [respondentOption], positionals: 1...1,
    examples: ["survey forget teacher-deficits --respondent \"Иванова Анна Сергеевна\""]
) { invocation throws(CLIError) in
    let q = try invocation.questionnaire(invocation.positionals[0])
    guard let name = invocation.value("--respondent") else { throw .usage(Messages.needsRespondent("forget").text(invocation.language)) }
    let store = invocation.store
    let key = TextFolding.fold(name)
    let matches: (String) -> Bool = { TextFolding.fold($0) == key }
    let result: ResponseStore.ForgetResult
    do { result = try store.forget(questionnaireID: q.id, matching: matches) } catch { throw .from(error) }
    let removed = result.removed
    let byKey = SessionJournal.forgetAll(store: store, questionnaireID: q.id, respondent: name, stages: q.stages.map(\.id))
    // Every other file the folder keeps: journals by the name inside them, spools left by a crash, and a
    // search of the rest for the names as stored or typed.
    // The person's stored route (marks, reflections) goes too, before the sweep looks for the name anywhere.
    let routeLines: Int
    do { routeLines = try RouteJournal(store: store, questionnaireID: q.id).forget(name) } catch { throw .from(error) }
    let sweep = store.sweep(questionnaireID: q.id, matching: matches, names: result.names + [name, name.trimmingCharacters(in: .whitespaces)])
    let sessions = byKey.count + sweep.journals.count
    let l = invocation.language
    for path in sweep.leftovers {
        invocation.console.err("warning: " + Messages.stillHoldsName(path).text(l) + "\n")
    }
    guard removed > 0 || sessions > 0 || routeLines > 0 || !sweep.spools.isEmpty else {
        var stored = Set<String>()
        let snapshot = try invocation.snapshot(q.id)
        do throws(StoreError) { try snapshot.forEachCurrent { record throws(StoreError) in if let n = record.respondent() { stored.insert(n) } } } catch { throw .from(error) }
        throw .message(Messages.noAnswersOf(name, questionnaire: q.id), hint: TextFolding.nearest(name, among: stored.sorted()).map(Messages.didYouMeanName))
    }
    var report = Messages.forgotten(responses: removed, sessions: sessions, routeLines: routeLines, spools: sweep.spools.count).text(l) + "\n"
    if removed > 0 {
        report += Messages.rewrittenWithout([store.logPath(for: q.id), store.indexPath(for: q.id),
                                             (store.folder(for: q.id) as NSString).appendingPathComponent("identities")]).text(l) + "\n"
    }
    for path in byKey + sweep.journals + sweep.spools { report += Messages.fileDeleted(path).text(l) + "\n" }
    invocation.console.out(report)
    return 0
}
