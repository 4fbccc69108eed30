import Foundation
import Testing
@testable import SurveyFormats
import SurveyEngine

/// `survey import` stores common rows straight from the reader's buffer (`ImportShortcut`) and reads large
/// files in parts on every core (`AnswerFile.readInParallel`). Whatever path a row takes, the store, the
/// messages, the rejects file and the exit status must be exactly those of the general path
/// (`SURVEY_NO_SHORTCUT=1`, every row a `Response`).
@Suite("Import: the shortcut and the parallel read store what the general path stores")
struct ImportShortcutTests {
    /// Imports `file` into two fresh stores, by the shortcut and by the general path, and returns both runs
    /// with what each store then exports (JSON) and tabulates by school.
    func both(_ id: String, _ file: String, _ extra: [String], in dir: String) throws -> [(run: RunResult, export: String, rejects: String?, tabulation: String)] {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return try [("fast", [String: String]()), ("general", ["SURVEY_NO_SHORTCUT": "1"])].map { name, environment in
            let data = dir + "/store-" + name, rejects = dir + "/rejects-\(name).csv"
            let arguments = extra.contains("--skip-invalid") ? extra + ["--rejects", rejects] : extra
            let run = try survey(["import", id, file, "--data", data] + arguments, environment: environment)
            let export = try survey(["export", id, "--format", "json", "--data", data]).stdout
            let by = extra.contains("Школа") ? ["--by", "Школа"] : []
            let tabulation = id.contains("monitoring") ? "" : try survey(["tabulate", id, "--format", "json", "--data", data] + by).stdout
            return (run, export, try? String(contentsOfFile: rejects, encoding: .utf8), tabulation)
        }
    }

    func expectSame(_ results: [(run: RunResult, export: String, rejects: String?, tabulation: String)], _ what: String) {
        let (fast, general) = (results[0], results[1])
        #expect(fast.run.status == general.run.status, "\(what): exit \(fast.run.status) vs \(general.run.status)")
        // (The rejects files have names of their own.)
        let fastOut = fast.run.stdout.replacingOccurrences(of: "rejects-fast", with: "rejects-general")
        #expect(fastOut == general.run.stdout, "\(what): stdout\n\(fast.run.stdout)\n---\n\(general.run.stdout)")
        #expect(fast.run.stderr == general.run.stderr, "\(what): stderr\n\(fast.run.stderr)\n---\n\(general.run.stderr)")
        #expect(fast.export == general.export, "\(what): the stores differ")
        #expect(fast.rejects == general.rejects, "\(what): the rejects files differ")
        #expect(fast.tabulation == general.tabulation, "\(what): the tabulations differ")
    }

    /// A sample file's lines (header first), `;` and CRLF as Excel writes them.
    func sample(_ id: String, count: Int, seed: Int, extra: [String] = ["--with-id", "--with-group", "Школа"], in dir: String) throws -> [String] {
        let path = dir + "/sample-\(seed).csv"
        let run = try survey(["sample", id, "--count", "\(count)", "--seed", "\(seed)", "--out", path] + extra)
        #expect(run.status == 0, "\(run.stderr)")
        return try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    func write(_ lines: [String], to path: String) throws {
        try (lines.joined(separator: "\r\n") + "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Sets cell `column` of data row `row` (1-based, after the header).
    func set(_ lines: inout [String], row: Int, column: Int, _ value: String) {
        var cells = lines[row].components(separatedBy: ";")
        cells[column] = value
        lines[row] = cells.joined(separator: ";")
    }

    @Test func rowsThatNeedTheGeneralPathAmongCommonOnesStoreAndReportAlike() throws {
        let dir = try temporaryFolder("import-shortcut")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = try sample("preschool-staff-survey", count: 400, seed: 11, in: dir)
        let school = lines[0].components(separatedBy: ";").firstIndex(of: "Школа") ?? 19
        set(&lines, row: 10, column: 0, "\"Иванова; Мария\"")        // a quoted name with the separator in it
        set(&lines, row: 20, column: 0, "Ørsted")                     // a letter outside ASCII and Russian
        set(&lines, row: 30, column: 1, "может быть")                 // not an answer
        set(&lines, row: 40, column: 0, "3")                          // the respondent of row 3 again
        lines[50] = String(repeating: ";", count: school)             // an empty row
        set(&lines, row: 60, column: 2, "   ")                        // a blank written as spaces
        lines[70] = lines[70].components(separatedBy: ";").dropLast().joined(separator: ";")  // a cell short
        set(&lines, row: 80, column: 2, "\"Согласен\"")               // a quoted answer
        set(&lines, row: 90, column: 3, "  согласен  ")               // case and spaces
        set(&lines, row: 100, column: school, " Школа 3 ")            // a kept cell with spaces round it
        set(&lines, row: 110, column: 0, "ИВАНОВ  Пётр")              // a name that folds (case, spaces, ё)
        set(&lines, row: 120, column: 0, "иванов петр")               // … to the one before: the same person
        set(&lines, row: 130, column: 0, "=1+2")                      // a name Excel would take for a formula
        let path = dir + "/mixed.csv"
        try write(lines, to: path)
        for extra in [["--keep", "Школа"], ["--keep", "Школа", "--skip-invalid"], ["--keep", "Школа", "--dry-run"]] {
            let results = try both("preschool-staff-survey", path, extra, in: dir + "/\(extra.count)")
            expectSame(results, "\(extra)")
            #expect(results[0].run.stderr.contains("mixed.csv:41"), "the repeated respondent is named")
        }
    }

    @Test func aMonitoringSheetWithItsStageStoresAlikeAndSupersedesAlike() throws {
        let dir = try temporaryFolder("import-shortcut-monitoring")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let start = try sample("preschool-monitoring", count: 300, seed: 5, extra: ["--stage", "start"], in: dir)
        let path = dir + "/start.csv"
        try write(start, to: path)
        expectSame(try both("preschool-monitoring", path, ["--stage", "start"], in: dir + "/a"), "start")
        // The same children again at the same stage: each replaces the earlier, in both stores alike.
        var again = start
        set(&again, row: 1, column: 1, "III")
        let second = dir + "/start-again.csv"
        try write(again, to: second)
        let fast = try survey(["import", "preschool-monitoring", second, "--stage", "start", "--data", dir + "/a/store-fast"])
        let general = try survey(["import", "preschool-monitoring", second, "--stage", "start", "--data", dir + "/a/store-general"],
                                 environment: ["SURVEY_NO_SHORTCUT": "1"])
        #expect(fast.stdout == general.stdout && fast.status == 0, "\(fast.stdout)\n---\n\(general.stdout)")
        #expect(fast.stdout.contains("Заменены прежние данные этапа для 300"))
        let exports = try ["fast", "general"].map { try survey(["export", "preschool-monitoring", "--format", "json", "--data", dir + "/a/store-" + $0]).stdout }
        #expect(exports[0] == exports[1])
    }

    /// A file above `AnswerFile.parallelThreshold`, its rows all common: read in parts, stored as in one pass.
    @Test func aLargeFileIsReadInPartsAndStoresWhatOnePassStores() throws {
        let dir = try temporaryFolder("import-parallel")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = try sample("preschool-staff-survey", count: 12_000, seed: 3, in: dir)
        let path = dir + "/large.csv"
        try write(lines, to: path)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        try #require(size >= AnswerFile.parallelThreshold, "the file must be large enough to be read in parts")

        // The path is taken: every row by the parts, none left to one pass.
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-staff-survey")
        let store = ResponseStore(root: dir + "/direct")
        let writer = try store.beginBatch(questionnaireID: q.id, source: "large.csv", checksum: nil)
        defer { writer.discard() }
        let file = try AnswerFile(path: path, questionnaire: q, keep: ["Школа"])
        #expect(try file.readInParallel(into: writer, parts: 2, progress: nil))
        #expect(file.rowsTaken == 12_000 && file.rowsRead == 12_000 && writer.count == 12_000)

        let results = try both("preschool-staff-survey", path, ["--keep", "Школа"], in: dir)
        expectSame(results, "large file")
        #expect(results[0].run.stdout.contains("сохранено: 12\u{A0}000"))
        // Nothing of the parts is left beside the store.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir + "/store-fast/preschool-staff-survey")
        #expect(!left.contains { $0.hasPrefix("incoming-") || $0.hasPrefix("pending-") }, "\(left)")
    }

    /// A problem in the second half (a bad answer; a respondent of the first half named again): the parts'
    /// work is dropped, the file read in one pass, and the user sees exactly what one pass says.
    @Test func aLargeFileWithAProblemInItsSecondHalfIsReadAgainInOnePass() throws {
        let dir = try temporaryFolder("import-parallel-problem")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = try sample("preschool-staff-survey", count: 12_000, seed: 4, in: dir)
        var repeated = lines, bad = lines
        set(&repeated, row: 9_000, column: 0, "17")
        set(&bad, row: 9_000, column: 5, "Согласен частично")
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-staff-survey")
        for (name, content) in [("repeated", repeated), ("bad", bad)] {
            let path = dir + "/\(name).csv"
            try write(content, to: path)
            let store = ResponseStore(root: dir + "/direct-\(name)")
            let writer = try store.beginBatch(questionnaireID: q.id, source: name, checksum: nil)
            defer { writer.discard() }
            let file = try AnswerFile(path: path, questionnaire: q, keep: ["Школа"])
            #expect(try !file.readInParallel(into: writer, parts: 2, progress: nil), "\(name)")
            #expect(writer.count == 0 && file.rowsRead == 0, "\(name): the dropped attempt leaves nothing")
            let spools = try FileManager.default.contentsOfDirectory(atPath: dir + "/direct-\(name)/preschool-staff-survey")
            #expect(spools.filter { $0.contains(".p") }.isEmpty, "\(name): \(spools)")

            for extra in [["--keep", "Школа"], ["--keep", "Школа", "--skip-invalid"]] {
                let results = try both("preschool-staff-survey", path, extra, in: dir + "/\(name)-\(extra.count)")
                expectSame(results, "\(name) \(extra)")
                #expect(results[0].run.stderr.contains("\(name).csv:9001"), "\(name): \(results[0].run.stderr)")
            }
        }
    }

    /// Stores written before the checksum became XXH64 hold SHA-256 checksums: the same file is still
    /// recognised there, and a new import stores its XXH64.
    @Test func aFileImportedUnderSHA256BeforeIsStillRecognised() throws {
        let dir = try temporaryFolder("import-sha256")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = try sample("preschool-staff-survey", count: 20, seed: 9, extra: ["--with-id"], in: dir)
        let path = dir + "/old.csv"
        try write(lines, to: path)
        var hasher = SHA256()
        hasher.update(try Data(contentsOf: URL(fileURLWithPath: path)))
        hasher.update(Array("|".utf8))
        let sha = "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
        _ = try ResponseStore(root: dir + "/data").commit([Response(respondent: "1", values: ["s1": 4])], questionnaireID: "preschool-staff-survey",
                                                          source: "old.csv", checksum: sha)
        let again = try survey(["import", "preschool-staff-survey", path, "--data", dir + "/data"])
        #expect(again.status == 0 && again.stdout.contains("уже импортирован"), "\(again.stdout) \(again.stderr)")

        let fresh = try survey(["import", "preschool-staff-survey", path, "--data", dir + "/fresh"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        let index = try String(contentsOfFile: dir + "/fresh/preschool-staff-survey/index.jsonl", encoding: .utf8)
        var xxh = XXH64()
        xxh.update(Array(try Data(contentsOf: URL(fileURLWithPath: path))) + Array("|".utf8))
        #expect(index.contains("\"checksum\":\"xxh64:\(xxh.hex())\""), "\(index)")
        let twice = try survey(["import", "preschool-staff-survey", path, "--data", dir + "/fresh"])
        #expect(twice.stdout.contains("уже импортирован"))
    }
}

/// `export` writes a response at a time; the pieces must make exactly the document written whole.
@Suite("Export: written a piece at a time")
struct ExportStreamTests {
    @Test(arguments: [0, 1, 3])
    func theStreamedJSONIsTheWholeDocument(count: Int) throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-staff-survey")
        var responses: [Response] = []
        for k in 0..<count {
            let name: String? = k == 1 ? nil : "Иванова \"\(k)\""
            let attributes: [String: String] = k == 2 ? ["Школа": "№ 5"] : [:]
            responses.append(Response(respondent: name, values: ["s1": 4, "s2": Double(k % 4 + 1)], attributes: attributes))
        }
        var json = ResponseExport.JSONStream(questionnaire: q)
        var streamed = json.header()
        for response in responses { streamed += json.element(response) }
        streamed += json.footer()
        #expect(streamed == ResponseExport.json(responses, questionnaire: q).rendered())
    }

    /// Strings with nothing to escape are appended whole; the rest a scalar at a time, as before.
    @Test func stringsAreEscapedAsScalarByScalar() {
        func reference(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case let s where s.value < 0x20 || s.value == 0x2028 || s.value == 0x2029: out += String(format: "\\u%04x", s.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let pieces = ["", "a", "Иванова", "\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}", "\u{7F}", "\u{2028}", "\u{2029}", "\u{2027}",
                      "—", "№", "«»", "😀", "é", "\u{0301}", " "]
        for a in pieces { for b in pieces { for c in ["", "x", "\u{2029}"] {
            let text = a + b + c
            #expect(JSONOutput.string(text).rendered(indent: 0) == reference(text), "\(Array(text.unicodeScalars))")
        } } }
    }

    /// The stream reuses an answer's text per item and value: every shape of answer must still come out as the
    /// whole document has it — test tasks (several options chosen), values off the scale, blanks, free text with
    /// characters to escape, stages, attributes, names with quotes and line separators, a response with no answer.
    @Test(arguments: ["teacher-deficits", "preschool-monitoring", "preschool-parent-survey"])
    func everyShapeOfAnswerStreamsAsTheWholeDocument(id: String) throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve(id)
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let texts = ["обычный текст", "«кавычки» и \"двойные\"", "строка\nвторая\tтаб", "\u{2028}разделитель\\", "—", ""]
        var responses: [Response] = [Response(respondent: "Пустая", values: [:])]
        for k in 0..<400 {
            var values: [String: Double] = [:]
            var answerTexts: [String: String] = [:]
            for item in q.items {
                switch next(6) {
                case 0: continue
                case 1: values[item.id] = Double(next(20)) / 4 - 1
                case 2: values[item.id] = Double(next(16))
                case 3: answerTexts[item.id] = texts[next(texts.count)]
                default:
                    if let options = q.scale(of: item)?.options, !options.isEmpty { values[item.id] = options[next(options.count)].value }
                    else { answerTexts[item.id] = texts[next(texts.count)] }
                }
            }
            let stage = q.stages.isEmpty || next(3) == 0 ? nil : q.stages[next(q.stages.count)].id
            let attributes = next(2) == 0 ? [:] : ["school": "Школа № \(next(5))", "role": texts[next(texts.count)]]
            responses.append(Response(respondent: next(5) == 0 ? nil : "Имя \(k) \"\(texts[next(texts.count)])\"", stage: stage,
                                      values: values, texts: answerTexts, attributes: attributes))
        }
        var json = ResponseExport.JSONStream(questionnaire: q)
        var streamed = json.header()
        for response in responses { streamed += json.element(response) }
        streamed += json.footer()
        #expect(streamed == ResponseExport.json(responses, questionnaire: q).rendered())

        // The CSV rows, against the cells put together one by one and written by `CSVWriter.row`.
        for (values, excel, delimiter) in [(false, false, nil), (true, false, nil), (false, true, nil), (false, false, Character(";"))] {
            var stream = ResponseExport.CSVStream(questionnaire: q, values: values, excel: excel, delimiter: delimiter, named: true)
            var writer = CSVWriter(delimiter: delimiter ?? (excel ? ";" : ","), bom: excel)
            let items = q.items.filter { !$0.confidential }
            let lead = 1 + q.context.count
            let defuse = Set((0..<lead).map { $0 } + items.enumerated().filter { $0.element.isFreeText }.map { $0.offset + lead })
            writer.row([Messages.exportRespondentHeader(child: q.kind == .monitoring).text(.ru)] + q.context.map(\.label) + items.map(\.id), defuse: Set(0...(lead + items.count)))
            var reference = writer.take(), written = stream.header()
            for response in responses {
                var cells = [response.respondent ?? ""]
                for field in q.context { cells.append(response.attributes[field.id].map(field.display) ?? "") }
                for item in items {
                    if let task = item.test { cells.append(response.values[item.id].flatMap(task.letters) ?? "") }
                    else if let scale = q.scale(of: item) {
                        cells.append(response.values[item.id].map { v in values ? formatNumber(v) : (scale.option(value: v)?.label ?? formatNumber(v)) } ?? "")
                    } else { cells.append(response.texts[item.id] ?? "") }
                }
                writer.row(cells, defuse: defuse)
                reference += writer.take()
                written += stream.row(response)
            }
            #expect(written == reference, "values \(values), excel \(excel)")
        }
    }
}
