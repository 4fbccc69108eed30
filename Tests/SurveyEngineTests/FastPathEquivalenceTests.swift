import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// The byte-level tabulation path must give exactly what the reference path (AnswerFile → Response →
/// accumulator) gives, on data with blanks, typed variants, aliases and reverse-keyed items.
@Suite("Fast path equivalence")
struct FastPathEquivalenceTests {
    func write(_ id: String, rows: Int, seed: UInt64, to path: String) throws -> Questionnaire {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve(id)
        var generator = SampleGenerator(questionnaire: q, seed: seed)
        generator.blankRate = 0.08
        generator.variantRate = 0.3
        var writer = CSVWriter(delimiter: ";")
        writer.row(generator.header)
        for _ in 0..<rows { writer.row(generator.nextRow()) }
        try writer.text.write(toFile: path, atomically: true, encoding: .utf8)
        return q
    }

    func reference(_ path: String, _ q: Questionnaire) throws -> Tabulation {
        let file = try AnswerFile(path: path, questionnaire: q)
        var accumulator = TabulationAccumulator(questionnaire: q)
        try file.forEachRow { row in
            #expect(row.isValid, "\(row.problems)")
            accumulator.add(row.response)
        }
        return accumulator.result(population: nil)
    }

    func fast(_ path: String, _ q: Questionnaire, chunkSize: Int) throws -> (Tabulation, Int) {
        var options = CSVOptions()
        options.chunkSize = chunkSize
        let reader = try CSVReader(path: path, options: options)
        var part: TabulationPart?
        try reader.forEach { record in
            if part == nil {
                part = TabulationPart(questionnaire: q, roles: TabulationPart.roles(header: record.strings, questionnaire: q, idColumn: nil).roles, file: path)
            } else {
                part?.consume(record)
            }
        }
        let result = try #require(part)
        return (result.accumulator.result(population: nil), result.problemCount)
    }

    @Test(arguments: ["preschool-staff-survey", "preschool-parent-survey"])
    func identicalResults(id: String) throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/sample.csv"
        let q = try write(id, rows: 3000, seed: 42, to: path)
        let expected = TabulationRendering(try reference(path, q), language: .ru).json().rendered()
        for chunk in [1 << 20, 4096, 61] {
            let (tabulation, problems) = try fast(path, q, chunkSize: chunk)
            #expect(problems == 0)
            #expect(TabulationRendering(tabulation, language: .ru).json().rendered() == expected, "chunk \(chunk)")
        }
        // And the data is what we think: blanks, reverse keys and alpha are all exercised.
        #expect(expected.contains("\"missing\": "))
        #expect(!expected.contains("\"alpha\": null"))
    }

    @Test func theFastPathNamesBadCellsLikeImport() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "1;2;3\nСогласен;Несогалсен;4\n\n4;3;Да\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-staff-survey")
        var options = CSVOptions()
        options.chunkSize = 1 << 20
        let reader = try CSVReader(path: dir + "/bad.csv", options: options)
        var part: TabulationPart?
        try reader.forEach { record in
            if part == nil { part = TabulationPart(questionnaire: q, roles: TabulationPart.roles(header: record.strings, questionnaire: q, idColumn: nil).roles, file: "bad.csv") } else { part?.consume(record) }
        }
        let problems = try #require(part).problems.map(\.description)
        #expect(problems == ["bad.csv:2: столбец 2, утверждение 2: «Несогалсен» — не вариант ответа на это утверждение — возможно, имелось в виду «Не согласен»?",
                             "bad.csv:4: столбец 3, утверждение 3: «Да» — не вариант ответа на это утверждение"])
        #expect(part?.rows == 2, "the empty line is not a respondent")
    }

    @Test func invalidUTF8PastTheEncodingSniffIsStillRefusedPerCell() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 1.2 MB of good rows (past the reader's 1 MB encoding sniff), then bad bytes in a scored cell and in
        // the comment: the fast path, which lets the reader skip validation, must still name both.
        var bytes = Array("1;2;comment\n".utf8)
        let good = Array("Согласен;Не согласен;Всё хорошо\n".utf8)
        while bytes.count < 1_200_000 { bytes += good }
        let goodRows = (bytes.count - 12) / good.count
        bytes += Array("Согласен;".utf8) + [0xD0, 0x28] + Array(";ок\n".utf8)
        bytes += Array("Согласен;Согласен;".utf8) + [0xFF] + Array("\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/late.csv"))
        let result = try survey(["tabulate", "preschool-parent-survey", "--from-csv", dir + "/late.csv", "--encoding", "utf-8"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("late.csv:\(goodRows + 2): столбец 2: ячейка — не UTF-8"), "\(result.stderr)")
        #expect(result.stderr.contains("late.csv:\(goodRows + 3): столбец 3: ячейка — не UTF-8"), "\(result.stderr)")
    }

    // MARK: The shortcut (`TabulationPart.take`) against `consume` alone

    enum Route: CustomStringConvertible {
        case consumeOnly, shortcut, parallel(Int)
        var description: String {
            switch self {
            case .consumeOnly: "consume only"
            case .shortcut: "shortcut"
            case .parallel(let parts): "\(parts) parts, shortcut, renumbered"
            }
        }
    }

    struct Outcome: Equatable {
        var json: String
        var problems: [String]
        var problemCount: Int
        var rows: Int

        /// Where two outcomes first differ, briefly (the whole report would drown the failure).
        func difference(from other: Outcome) -> String {
            if rows != other.rows { return "rows \(rows) vs \(other.rows)" }
            if problemCount != other.problemCount { return "problems \(problemCount) vs \(other.problemCount)" }
            if let k = problems.indices.first(where: { problems[$0] != other.problems[$0] }) { return "\(problems[k]) vs \(other.problems[k])" }
            let lines = json.split(separator: "\n"), others = other.json.split(separator: "\n")
            if let k = lines.indices.first(where: { $0 < others.count && lines[$0] != others[$0] }) { return "report line \(k + 1): \(lines[k]) vs \(others[k])" }
            return "the same"
        }
    }

    /// Tabulates through `TabulationPart` by one route; `taken` counts the records the shortcut took.
    func tabulate(_ path: String, _ q: Questionnaire, chunk: Int, route: Route, by: String? = nil) throws -> (outcome: Outcome, taken: Int) {
        var options = CSVOptions(encoding: .utf8, delimiter: UInt8(ascii: ";"), chunkSize: chunk)
        options.validatesUTF8 = false  // as `survey tabulate` reads: the part checks UTF-8 per new spelling
        let taken = Counter()
        var result: TabulationPart
        switch route {
        case .consumeOnly, .shortcut:
            let reader = try CSVReader(path: path, options: options)
            var part: TabulationPart?
            let shortcut: CSVReader.Shortcut? = {
                guard case .shortcut = route else { return nil }
                return { bytes, count, limit, line in
                    let took: (bytes: Int, records: Int) = part?.take(bytes, count: count, limit: limit, line: line) ?? (0, 0)
                    taken.add(took.records)
                    return took
                }
            }()
            try reader.forEach(shortcut: shortcut) { record in
                if part == nil {
                    let roles = TabulationPart.roles(header: record.strings, questionnaire: q, idColumn: nil, by: by).roles
                    part = TabulationPart(questionnaire: q, roles: roles, file: "f.csv", delimiter: UInt8(ascii: ";"))
                } else {
                    part?.consume(record)
                }
            }
            result = try #require(part)
        case .parallel(let parts):
            let (layout, header) = try CSVReader.layout(path: path, options: options)
            let roles = TabulationPart.roles(header: header, questionnaire: q, idColumn: nil, by: by).roles
            let all = try CSVReader.parallelForEach(
                path: path, layout: layout, parts: parts, options: options,
                make: { TabulationPart(questionnaire: q, roles: roles, file: "f.csv", delimiter: layout.delimiter) },
                shortcut: { part, bytes, count, limit, line in
                    let took = part.take(bytes, count: count, limit: limit, line: line)
                    taken.add(took.records)
                    return took
                },
                renumber: { part, lines, _ in part.renumber(lines: lines) },
                consume: { part, record in part.consume(record) })
            result = all[0]
            for part in all.dropFirst() { result.merge(part) }
        }
        try result.findDuplicates(path: path, options: options)
        var json = TabulationRendering(result.accumulator.result(population: nil), language: .ru).json().rendered()
        for (group, accumulator) in result.groups.sorted(by: { $0.key < $1.key }) {
            json += "\n# \(group)\n" + TabulationRendering(accumulator.result(population: nil), language: .ru).json().rendered()
        }
        return (Outcome(json: json, problems: result.problems.map(\.description), problemCount: result.problemCount, rows: result.rows), taken.value)
    }

    /// Rows of every shape the shortcut must either take exactly as `consume` would or leave to it.
    func awkwardFile(columns: [String], seed: UInt64, rows: Int) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        let labels = ["Полностью согласен", "Согласен", "Не согласен", "Полностью не согласен", "Согласна", "Несогласен"]
        func cell(_ column: String) -> [UInt8] {
            if column == "comment" || column.isEmpty {
                let texts = ["", "", "", "Всё хорошо", "\"да; нет\"", " "]
                return Array(texts[pick(texts.count)].utf8)
            }
            let label = labels[pick(labels.count)]
            switch pick(40) {
            case 0: return []
            case 1: return Array(" ".utf8)
            case 2: return Array("\"\(label)\"".utf8)
            case 3: return Array("\"\(label) \"".utf8)
            case 4: return Array(label.lowercased().utf8)
            case 5: return Array((label + String(repeating: " ", count: pick(60))).utf8)  // > 40 spellings
            case 6: return Array("\(1 + pick(4))".utf8)
            case 7: return Array("\"\(label);\"".utf8)                  // a quoted separator: not an answer
            case 8: return Array("\"Со\"\"гласен\"".utf8)              // a doubled quote
            case 9: return Array("\"Со\nгласен\"".utf8)                 // a line break inside quotes
            case 10: return Array("Несогалсен".utf8)                       // a typo
            case 11: return Array("Согласен".utf8) + [0xD0]                // not UTF-8
            case 12: return Array(String(repeating: "Согласен", count: 20).utf8)  // longer than a remembered token
            case 13: return Array("Со\"гласен".utf8)                      // a quote inside an unquoted cell
            default: return Array(label.utf8)
            }
        }
        var bytes = Array(columns.joined(separator: ";").utf8) + [10]
        for _ in 0..<rows {
            var cells = columns.map(cell)
            switch pick(30) {
            case 0: cells.removeLast(1 + pick(3))                 // too few cells
            case 1: cells.append(pick(2) == 0 ? [] : Array("x".utf8))  // one too many
            case 2: cells = [[]]                                              // a blank line
            case 3: cells = columns.map { _ in [] }                           // a row of blanks
            default: break
            }
            bytes += cells.joined(separator: [UInt8(ascii: ";")])
            bytes += [[10], [13, 10], [13], [10], [10]][pick(5)]
        }
        return bytes
    }

    @Test(arguments: [(id: "preschool-staff-survey", extra: [String]()), (id: "preschool-parent-survey", extra: ["", "comment"])], [UInt64(1), 2, 3])
    func theShortcutTakesExactlyWhatConsumeWould(_ setup: (id: String, extra: [String]), seed: UInt64) throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve(setup.id)
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/awkward.csv"
        let columns = q.scoredItems.map(\.id) + setup.extra
        try Data(awkwardFile(columns: columns, seed: seed, rows: 1500)).write(to: URL(fileURLWithPath: path))
        let expected = try tabulate(path, q, chunk: 1 << 20, route: .consumeOnly).outcome
        #expect(expected.problemCount > 100 && expected.rows > 1000, "the file has problems of every kind: \(expected.problemCount)")
        for chunk in [1, 64, 4096, 1 << 20] {
            for route in [Route.shortcut, .parallel(2), .parallel(3)] {
                let (outcome, taken) = try tabulate(path, q, chunk: chunk, route: route)
                let same = outcome == expected
                #expect(same, "chunk \(chunk), \(route): \(outcome.difference(from: expected))")
                if chunk >= 4096 { #expect(taken > 30, "chunk \(chunk), \(route): the shortcut took \(taken) records") }
            }
        }
    }

    /// Files as administrators have them: a respondent column and a group column (`--by`), with names
    /// repeated, quoted, padded, with a no-break space or a formula apostrophe, blank, and more groups than
    /// the shortcut remembers. Every route gives what `consume` alone gives, duplicates named alike.
    @Test(arguments: [UInt64(1), 2, 3])
    func theShortcutTakesNamedAndGroupedFilesAsConsumeWould(seed: UInt64) throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-staff-survey")
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/named.csv"
        var random = SeededRandom(seed: seed)
        func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        let labels = ["Полностью согласен", "Согласен", "Не согласен", "Полностью не согласен", "Согласна", "4", "1", ""]
        var lines = ["ФИО;Школа;" + q.scoredItems.map(\.id).joined(separator: ";")]
        var names: [String] = []
        for n in 0..<1500 {
            var name = ["Иванова Анна \(n)", "Petrov \(n)", "Ёлкина Ё. \(n)"][pick(3)]
            switch pick(50) {
            case 0, 1, 2: if let earlier = names.randomElement(using: &random) { name = earlier }  // named twice
            case 3: name = " " + name
            case 4: name = "\"" + name + "\""
            case 5: name += "\u{00A0}"
            case 6: name = "'=" + name
            case 7: name = ""
            case 8: name = "\"Фамилия; Имя \(n)\""
            default: break
            }
            names.append(name)
            var group = "Школа \(1 + pick(5))"
            switch pick(40) {
            case 0: group = ""
            case 1: group = "\"" + group + "\""
            case 2: group = "Школа \(100 + pick(60))"  // past the groups the shortcut remembers
            case 3: group = " " + group
            default: break
            }
            let cells = q.scoredItems.map { _ in pick(30) == 0 ? "Несогалсен" : labels[pick(labels.count)] }
            lines.append(([name, group] + cells).joined(separator: ";"))
        }
        try (lines.joined(separator: "\r\n") + "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        let expected = try tabulate(path, q, chunk: 1 << 20, route: .consumeOnly, by: "Школа").outcome
        #expect(expected.problems.contains { $0.contains("уже ответил(а) в строке") }, "the file names someone twice")
        #expect(expected.json.contains("# Школа 3"))
        for chunk in [64, 4096, 1 << 20] {
            for route in [Route.shortcut, .parallel(2), .parallel(3)] {
                let (outcome, taken) = try tabulate(path, q, chunk: chunk, route: route, by: "Школа")
                let same = outcome == expected
                #expect(same, "chunk \(chunk), \(route): \(outcome.difference(from: expected))")
                if chunk >= 4096 { #expect(taken > 500, "chunk \(chunk), \(route): the shortcut took \(taken) records") }
            }
        }
    }

    @Test(arguments: ["preschool-staff-survey", "preschool-parent-survey"])
    func theShortcutOnCleanDataTakesNearlyEveryRecord(id: String) throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/sample.csv"
        let q = try write(id, rows: 3000, seed: 9, to: path)
        let expected = try tabulate(path, q, chunk: 1 << 20, route: .consumeOnly).outcome
        #expect(expected.problemCount == 0)
        // Records with a comment are left to `consume` (it keeps the text); every other one is taken.
        var plain = 0
        let comment = q.items.firstIndex { $0.isFreeText }
        try CSVReader(path: path).forEach { record in
            if record.index > 1 && (comment.map { record.isEmpty($0) } ?? true) { plain += 1 }
        }
        #expect(plain > 1500)
        for route in [Route.shortcut, .parallel(2), .parallel(4)] {
            for chunk in [61, 1 << 20] {
                let (outcome, taken) = try tabulate(path, q, chunk: chunk, route: route)
                let same = outcome == expected
                #expect(same, "\(route), chunk \(chunk): \(outcome.difference(from: expected))")
                if chunk == 1 << 20 { #expect(taken == plain, "\(route): \(taken) of \(plain)") }
            }
        }
    }

    /// Rows with fewer cells than the header (or more, not empty) are never shifted: the shortcut leaves them
    /// to `consume`, which names each with its line and both counts, by every route; a trailing empty cell is fine.
    @Test func shortAndLongRowsAreNamedByEveryRouteAndTheImport() throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-staff-survey")
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/rows.csv"
        let full = q.scoredItems.map { _ in "Согласен" }
        var lines = [q.scoredItems.map(\.id).joined(separator: ";")]
        for index in 0..<3000 {
            switch index {
            case 700: lines.append(full.dropLast().joined(separator: ";"))             // one cell short
            case 1800: lines.append((full + ["Согласен"]).joined(separator: ";"))      // one cell too many
            case 2500: lines.append((full + [""]).joined(separator: ";"))              // Excel's trailing empty cell
            default: lines.append(full.joined(separator: ";"))
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let expected = try tabulate(path, q, chunk: 1 << 20, route: .consumeOnly).outcome
        #expect(expected.problems == ["f.csv:702: в строке 17 ячеек, а в заголовке 18 столбцов: где-то пропущена ячейка, и ответы после неё попали бы под чужие пункты; добавьте недостающие (пустая ячейка — без ответа)",
                                      "f.csv:1802: в строке 19 ячеек, а в заголовке 18 столбцов: лишние ячейки не относятся ни к одному столбцу"])
        #expect(expected.rows == 3000)
        for chunk in [64, 4096, 1 << 20] {
            for route in [Route.shortcut, .parallel(2), .parallel(3)] {
                let (outcome, taken) = try tabulate(path, q, chunk: chunk, route: route)
                #expect(outcome == expected, "chunk \(chunk), \(route): \(outcome.difference(from: expected))")
                if chunk == 1 << 20 { #expect(taken > 2900, "\(route): the shortcut took \(taken)") }
            }
        }
        let file = try AnswerFile(path: path, questionnaire: q)
        var refused: [String] = []
        try file.forEachRow { row in refused += row.problems.map(\.description) }
        #expect(refused == expected.problems.map { $0.replacingOccurrences(of: "f.csv", with: path) })
    }
}

/// The format-1 line encoder (`StoreV1.encode`, kept to write format-1 stores in tests) writes exactly the line
/// `JSONOutput` renders for the same object, whatever the response holds.
@Suite("Store line encoding (format 1)")
struct StoreLineEncodingTests {
    @Test func theByteEncoderWritesTheSameLines() {
        var random = SeededRandom(seed: 77)
        func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        let texts = ["", "Согласен", "a\"b", "back\\slash", "line\nbreak\r\ttab", "\u{1}ctl", "sep\u{2028}arator\u{2029}",
                     "emoji 🙂", "ё Ё", "\u{7F}del"]
        let values: [Double] = [0, 1, 2, 3, 4, 10, 123, -2, -0.0, 2.5, 1.0 / 3.0, 1e15, 1e20, -7.25]
        for n in 0..<400 {
            var response = Response(respondent: pick(3) == 0 ? nil : texts[pick(texts.count)], stage: pick(2) == 0 ? nil : "mid")
            for k in 0..<pick(20) { response.values["s\(k * 7 % 20)"] = values[pick(values.count)] }
            for k in 0..<pick(3) { response.texts["t\(k)"] = texts[pick(texts.count)] }
            for k in 0..<pick(3) { response.attributes[texts[pick(texts.count)] + "\(k)"] = texts[pick(texts.count)] }
            var bytes: [UInt8] = []
            StoreV1.encode(response, batch: "b\(n)", into: &bytes)
            let expected = JSONOutput.object([
                ("type", .string("response")), ("batch", .string("b\(n)")),
                ("respondent", .optional(response.respondent)), ("stage", .optional(response.stage)),
                ("values", .object(response.values.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })),
                ("texts", .object(response.texts.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ] + (response.attributes.isEmpty ? [] : [
                ("attributes", .object(response.attributes.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ])).compact() + "\n"
            #expect(bytes == Array(expected.utf8), "\(String(decoding: bytes, as: UTF8.self)) vs \(expected)")
        }
    }
}

/// A count shared by closures.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
