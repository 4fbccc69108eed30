// The fuzz harnesses and their regression tests.
//
// The four harness functions (`FuzzHarness.csv`, `.matcher`, `.tabulation`, `.definition`) are shared with the libFuzzer
// targets in Fuzz/: `Fuzz/build.sh` compiles this file with `-D FUZZING` (which leaves out the tests and the
// module imports) together with the package's sources and a three-line entry point. Whatever a fuzzer found
// is kept in Fixtures/fuzz/<target>/ and fed to the same function here.
#if FUZZING
import Foundation
#else
import Foundation
import Testing
import SurveyEngine
@testable import SurveyFormats
#endif

// MARK: - Harness

/// Runs one fuzz input through a part of the engine. Errors are fine; a trap, a hang or a broken invariant
/// (checked with `FuzzHarness.check`, which traps) is a finding.
enum FuzzHarness {
    /// Traps with a message when an invariant does not hold, so that the fuzzer records the input.
    static func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line) {
        if !condition() { fatalError("fuzz invariant: \(message())", file: file, line: line) }
    }

    // MARK: csv

    /// The reader options the first byte selects: bits 0–1 the encoding, 2–3 the delimiter, 4–5 the chunk
    /// size, 6–7 the limits (the default ones, or small enough for short inputs to reach them).
    static func csvOptions(_ selector: UInt8) -> CSVOptions {
        let encodings: [CSVEncoding] = [.auto, .utf8, .cp1251, .utf16]
        let delimiters: [UInt8?] = [nil, UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "\t")]
        let chunks = [1, 3, 64, 1 << 20]
        let limits: [(field: Int, columns: Int, record: Int)] = [(1 << 20, 10_000, 1 << 26), (16, 4, 64), (1, 1, 8), (200, 40, 1 << 12)]
        let limit = limits[Int(selector >> 6)]
        return CSVOptions(encoding: encodings[Int(selector & 3)], delimiter: delimiters[Int(selector >> 2 & 3)],
                          maxFieldBytes: limit.field, maxColumns: limit.columns, chunkSize: chunks[Int(selector >> 4 & 3)],
                          maxRecordBytes: limit.record)
    }

    /// What one read produced, to compare reads of the same bytes in different chunk sizes.
    struct CSVReadout: Equatable {
        var records: [[String]] = []
        var lines: [Int] = []
        var fieldLines: [[Int]] = []
        var error: CSVError?
        var encoding: CSVEncoding?
        var delimiter: UInt8?
    }

    /// Reads every record, touching every field as bytes, string and line; checks what the reader promises
    /// of each record (indexes count up from 1, lines never go back, fields are valid UTF-8 without NUL).
    static func readCSV(_ bytes: [UInt8], _ options: CSVOptions) -> CSVReadout {
        var out = CSVReadout()
        do {
            let reader = try CSVReader(bytes: bytes, options: options)
            out.encoding = reader.encoding
            out.delimiter = reader.delimiter
            var expectedIndex = 1
            var lastLine = 0
            try reader.forEach { record in
                check(record.index == expectedIndex, "record index \(record.index), expected \(expectedIndex)")
                expectedIndex += 1
                check(record.line > lastLine, "record line \(record.line) after \(lastLine)")
                check(record.count >= 1 && record.count <= max(1, options.maxColumns), "record with \(record.count) fields")
                var fieldLine = record.line
                var row: [String] = []
                var lines: [Int] = []
                for i in 0..<record.count {
                    let field = record.bytes(i)
                    check(field.count <= options.maxFieldBytes, "a field of \(field.count) bytes passed maxFieldBytes \(options.maxFieldBytes)")
                    check(!field.contains(0), "a NUL byte inside field \(i)")
                    check(String(validating: field, as: UTF8.self) != nil, "field \(i) is not valid UTF-8")
                    check(record.isEmpty(i) == field.isEmpty, "isEmpty(\(i)) disagrees with bytes")
                    let line = record.lineOfField(i)
                    check(line >= fieldLine, "field \(i) on line \(line) before line \(fieldLine)")
                    fieldLine = line
                    row.append(record.string(i))
                    lines.append(line)
                }
                check(record.strings == row, "strings disagrees with string(_:)")
                _ = record.isBlank
                lastLine = fieldLine
                out.records.append(row)
                out.lines.append(record.line)
                out.fieldLines.append(lines)
            }
        } catch let error as CSVError {
            check(error.line >= 0, "an error on line \(error.line)")
            out.error = error
        } catch {
            check(false, "forEach threw a \(type(of: error)), not a CSVError")
        }
        return out
    }

    /// CSV reader: the options the first byte selects, over the remaining bytes. When the record limit is
    /// the default one, the same bytes read in one chunk must give the same records and the same error.
    static func csv(_ data: [UInt8]) {
        guard let selector = data.first else { return }
        let bytes = Array(data.dropFirst())
        let options = csvOptions(selector)
        let readout = readCSV(bytes, options)
        if readout.error == nil, let encoding = readout.encoding {
            // A file read without an error has no NUL byte (unless it is UTF-16), and a Windows-1251 file
            // none of the undefined byte 0x98 (the only way to a U+FFFD in its text).
            check(encoding == .utf16 || !bytes.contains(0), "a NUL byte in \(encoding) text was accepted")
            if encoding == .cp1251 {
                check(!readout.records.joined().contains { $0.unicodeScalars.contains("\u{FFFD}") }, "U+FFFD from Windows-1251 bytes")
            }
        }
        if options.maxRecordBytes == 1 << 26 && options.chunkSize <= bytes.count {
            var whole = options
            whole.chunkSize = bytes.count + 1
            let reference = readCSV(bytes, whole)
            check(readout == reference, "chunk size \(options.chunkSize) reads differently from one chunk:\n\(readout)\nvs\n\(reference)")
        }
    }

    // MARK: matcher

    /// The shipped questionnaires, loaded once.
    struct MatcherContext: @unchecked Sendable {
        var questionnaires: [Questionnaire]
        var scales: [ResponseScale]
    }

    /// `$SURVEY_QUESTIONNAIRES`, else the repository's `questionnaires` (found from this file's path).
    static let questionnairesFolder: String = {
        if let folder = ProcessInfo.processInfo.environment["SURVEY_QUESTIONNAIRES"] { return folder }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("questionnaires").path
    }()

    static let matcherContext: MatcherContext = {
        let loaded = (try? QuestionnaireLibrary(folder: questionnairesFolder).loadAll()) ?? []
        let questionnaires = loaded.compactMap(\.outcome.questionnaire)
        guard !questionnaires.isEmpty else { fatalError("no questionnaires in \(questionnairesFolder) (set SURVEY_QUESTIONNAIRES)") }
        return MatcherContext(questionnaires: questionnaires, scales: questionnaires.flatMap(\.scales))
    }()

    /// Splits bytes at every `separator`.
    static func split(_ bytes: ArraySlice<UInt8>, _ separator: UInt8) -> [ArraySlice<UInt8>] {
        bytes.split(separator: separator, omittingEmptySubsequences: false)
    }

    /// Header and label matching: the first byte picks a questionnaire and a scale; the first line (fields
    /// split at `;`) is a header for `HeaderMatcher.plan`, every field of the other lines a cell for
    /// `CellMatcher.match` (bytes and string, which must agree) and `TextFolding`.
    static func matcher(_ data: [UInt8]) {
        guard let selector = data.first else { return }
        let context = matcherContext
        let questionnaire = context.questionnaires[Int(selector) % context.questionnaires.count]
        let scale = context.scales[Int(selector >> 2) % context.scales.count]
        let lines = split(data.dropFirst(), UInt8(ascii: "\n"))
        let header = split(lines[0], UInt8(ascii: ";")).map { String(decoding: $0, as: UTF8.self) }
        // Bit 7: name the respondent column; bit 6: keep the first column as an attribute.
        let idColumn = selector & 0x80 != 0 ? header.last : nil
        let keep = selector & 0x40 != 0 ? Array(header.prefix(1)) : []
        let plan = HeaderMatcher(questionnaire: questionnaire, idColumn: idColumn, keep: keep).plan(header)
        check(plan.roles.count == header.count, "\(plan.roles.count) roles for \(header.count) columns")
        for role in plan.roles {
            if case .item(let index) = role { check(questionnaire.items.indices.contains(index), "item index \(index)") }
        }

        var cells = CellMatcher(scale: scale)
        let labels = scale.options.flatMap { [$0.label] + $0.aliases }
        for line in lines.dropFirst() {
            for field in split(line, UInt8(ascii: ";")) {
                let cell = Array(field)
                let text = String(decoding: cell, as: UTF8.self)
                let expected = cells.match(text)
                let isUTF8 = String(validating: cell, as: UTF8.self) != nil
                for _ in 0..<2 {  // the second time from the cache
                    let got = cell.withUnsafeBufferPointer { cells.match(bytes: $0) }
                    if isUTF8 { check(got == expected, "match(bytes:) \(got) but match(_:) \(expected) for «\(text)»") }
                }
                if case .value(let value) = expected {
                    check(scale.option(value: value) != nil, "«\(text)» matched \(value), not a value of \(scale.id)")
                }
                let folded = TextFolding.fold(text)
                check(TextFolding.fold(folded) == folded, "folding «\(text)» twice changes it")
                if let roman = TextFolding.romanValue(text) { check((1...10).contains(roman), "roman value \(roman)") }
                if let near = TextFolding.nearest(text, among: labels) { check(labels.contains(near), "nearest «\(near)»") }
                _ = HeaderMatcher.number(in: folded)
                _ = cleanFreeText(text)
            }
        }
    }

    // MARK: tabulation

    /// What a tabulation through `TabulationPart` produced, to compare the shortcut with `consume` alone.
    struct TabulationReadout: Equatable {
        var rows = 0
        var respondents = 0
        var counts: [[Int]] = []
        var complete: [Int] = []
        var scored: [Int] = []
        var comments: [String] = []
        var problems: [String] = []
        var problemCount = 0
        var error: String?
    }

    /// Tabulates `bytes` (a header, then answer rows) by `TabulationPart`, with or without the shortcut.
    static func tabulate(_ bytes: [UInt8], _ q: Questionnaire, _ options: CSVOptions, shortcut: Bool) -> TabulationReadout {
        var out = TabulationReadout()
        var part: TabulationPart?
        do {
            let reader = try CSVReader(bytes: bytes, options: options)
            let taking: CSVReader.Shortcut? = shortcut ? { p, count, limit, line in part?.take(p, count: count, limit: limit, line: line) ?? (0, 0) } : nil
            try reader.forEach(shortcut: taking) { record in
                if part == nil {
                    let roles = TabulationPart.roles(header: record.strings, questionnaire: q, idColumn: "ФИО").roles
                    part = TabulationPart(questionnaire: q, roles: roles, file: "fuzz.csv", keep: 50, delimiter: reader.delimiter)
                } else {
                    part?.consume(record)
                }
            }
        } catch {
            out.error = "\(error)"
        }
        guard var part else { return out }
        if out.error == nil {
            do { try part.findDuplicates { () throws -> CSVReader in try CSVReader(bytes: bytes, options: options) } } catch { out.error = "\(error)" }
        }
        let result = part.accumulator.result()
        out.rows = part.rows
        out.respondents = result.respondents
        out.counts = part.accumulator.counts
        out.complete = result.composites.map(\.complete)
        out.scored = result.composites.map(\.scored)
        out.comments = result.comments
        out.problems = part.problems.map(\.description)
        out.problemCount = part.problemCount
        return out
    }

    /// The tabulation shortcut (`TabulationPart.take`, which reads common records straight from the
    /// reader's buffer) against `consume` alone: the first byte picks the questionnaire (bits 0–1), the
    /// header (bits 2–3: the scored items; with a comment and an unnamed column; reversed; with a
    /// respondent column), the chunk size (bits 4–5) and whether the reader checks UTF-8 (bit 6). The rest
    /// are the answer rows. Both routes must count, keep and refuse exactly the same.
    static func tabulation(_ data: [UInt8]) {
        guard let selector = data.first else { return }
        let context = matcherContext
        let likert = context.questionnaires.filter { $0.kind != .monitoring }
        let q = likert[Int(selector & 3) % likert.count]
        var header = q.scoredItems.map(\.id)
        switch selector >> 2 & 3 {
        case 1: header += ["", q.items.first { $0.isFreeText }?.id ?? "comment"]
        case 2: header.reverse()
        case 3: header.insert("ФИО", at: 0)
        default: break
        }
        var options = CSVOptions(encoding: .utf8, delimiter: UInt8(ascii: ";"), chunkSize: [1, 7, 64, 1 << 20][Int(selector >> 4 & 3)])
        options.validatesUTF8 = selector & 0x40 != 0
        let bytes = Array(header.joined(separator: ";").utf8) + [0x0A] + data.dropFirst()
        let reference = tabulate(bytes, q, options, shortcut: false)
        let taken = tabulate(bytes, q, options, shortcut: true)
        check(taken == reference, "the shortcut tabulates differently:\n\(taken)\nvs consume alone\n\(reference)")
    }

    // MARK: definition

    /// Definition loading and what follows it: the bytes up to the first NUL are a definition for
    /// `DefinitionLoader.decode`; when it yields a questionnaire, the validator must find nothing, and
    /// responses built from the bytes after the NUL are scored (`DeficitProfile`, `TabulationAccumulator`,
    /// and for monitoring `MonitoringAnalysis`) and rendered as the commands print them.
    static func definition(_ data: [UInt8]) {
        let cut = data.firstIndex(of: 0) ?? data.count
        let json = Array(data[..<cut])
        let rest = cut < data.count ? Array(data[(cut + 1)...]) : []
        let outcome = DefinitionLoader.decode(json, file: "fuzz.json")
        for problem in outcome.problems {
            check(problem.file == "fuzz.json", "a problem names \(problem.file)")
            if let line = problem.line { check(line >= 1, "a problem on line \(line)") }
            if let column = problem.column { check(column >= 1, "a problem in column \(column)") }
        }
        guard let q = outcome.questionnaire else {
            check(!outcome.problems.isEmpty, "no questionnaire and no problem")
            return
        }
        check(outcome.problems.isEmpty, "a questionnaire with problems")
        let problems = QuestionnaireValidator.problems(in: q)
        check(problems.isEmpty, "decode accepted a definition the validator refuses: \(problems)")
        score(q, responsesFrom: rest)
    }

    /// Builds responses from `bytes` (one byte per item: blank, an option of its scale, or a value off the
    /// scale; free text from the byte) and runs the scorers over them.
    static func score(_ q: Questionnaire, responsesFrom bytes: [UInt8]) {
        var bytes = bytes[...]
        var responses: [Response] = []
        let stages = q.stages.map(\.id)
        repeat {
            var response = Response(respondent: "r\(responses.count % 3)",
                                    stage: stages.isEmpty ? nil : stages[responses.count % stages.count])
            for item in q.items {
                let b = bytes.popFirst() ?? UInt8(truncatingIfNeeded: item.number &* 37 &+ responses.count)
                if let scale = q.scale(of: item) {
                    if b < 0x20 { continue }
                    if b >= 0xF0 && q.kind != .monitoring {
                        response.values[item.id] = Double(Int(b) - 0xF8) / 2  // off the scale: a hand-edited store
                    } else if !scale.options.isEmpty {
                        response.values[item.id] = scale.options[Int(b) % scale.options.count].value
                    }
                } else if b >= 0x80 {
                    response.texts[item.id] = String(repeating: "ю", count: Int(b & 7))
                }
            }
            responses.append(response)
        } while !bytes.isEmpty && responses.count < 64

        var all = TabulationAccumulator(questionnaire: q)
        var halves = (TabulationAccumulator(questionnaire: q), TabulationAccumulator(questionnaire: q))
        var profiles: [DeficitProfile] = []
        for (index, response) in responses.enumerated() {
            all.add(response)
            if index % 2 == 0 { halves.0.add(response) } else { halves.1.add(response) }
            let profile = DeficitProfile(response, questionnaire: q)
            check(profile.areas.count == q.areas.count, "a profile of \(profile.areas.count) areas")
            for area in profile.areas {
                if let score = area.score { check(score >= 0 && score <= 100, "score \(score) in \(area.area.id)") }
            }
            if let previous = profiles.last { _ = ProfileChange(before: previous, after: profile) }
            _ = profile.deficits
            profiles.append(profile)
        }
        halves.0.merge(halves.1)
        let tabulation = all.result(population: responses.count)
        check(tabulation.respondents == responses.count, "\(tabulation.respondents) respondents of \(responses.count)")
        check(halves.0.result().respondents == responses.count, "merged halves count differently")
        for item in tabulation.items {
            check(item.options.map(\.count).reduce(0, +) == item.answered, "counts of \(item.item.id) do not add up")
            let percents = item.options.map(\.percent).reduce(0, +)
            check(percents == (item.answered > 0 ? 100 : 0), "percents of \(item.item.id) add up to \(percents)")
        }
        check(halves.0.counts == all.counts, "merged halves tabulate differently")

        // What the commands print, in the language the first response byte picks.
        let language: Language = (bytes.first ?? 0) & 1 == 0 ? .ru : .en
        _ = QuestionnaireRendering.showText(q, language: language)
        _ = QuestionnaireRendering.showJSON(q).compact()
        let table = TabulationRendering(tabulation, language: language)
        _ = table.text()
        _ = table.markdown()
        _ = table.csv()
        _ = table.json().rendered()
        _ = table.html(generatedAt: "2026-01-01")
        if q.kind == .deficits {
            let rendering = DeficitRendering(q, language: language)
            for (index, profile) in profiles.enumerated() {
                let change = index > 0 ? ProfileChange(before: profiles[index - 1], after: profile) : nil
                _ = rendering.profileText(profile, change: change)
                _ = rendering.profileMarkdown(profile, change: change)
                _ = rendering.profileHTML(profile, change: change)
                _ = rendering.profileJSON(profile, change: change).compact()
            }
            let group = GroupAnalysis(profiles: profiles, questionnaire: q, rules: PlanningRules())
            _ = rendering.groupText(group)
            _ = rendering.groupMarkdown(group)
            _ = rendering.groupHTML(group)
            _ = rendering.groupJSON(group).compact()
        }
        if q.kind == .monitoring, let analysis = MonitoringAnalysis(questionnaire: q, responses: responses) {
            let summaries = q.stages.map { analysis.summary(of: $0) }
            let cards = analysis.children.compactMap { analysis.card(for: $0) }
            for (from, to) in zip(q.stages, q.stages.dropFirst()) { _ = analysis.dynamics(from: from, to: to) }
            let rendering = MonitoringRendering(analysis, language: language)
            _ = rendering.summaryText(summaries)
            _ = rendering.summaryMarkdown(summaries)
            _ = rendering.summaryHTML(summaries)
            _ = rendering.summaryJSON(summaries).compact()
            for card in cards {
                _ = rendering.cardText(card)
                _ = rendering.cardMarkdown(card)
                _ = rendering.cardJSON(card).compact()
            }
            _ = rendering.cardsHTML(cards)
        }
    }

    // MARK: import

    /// What an import made of a file: rows read and taken, the problems, and the batch's records decoded.
    struct ImportReadout: Equatable {
        var rowsRead = 0
        var blanks: [String: Int] = [:]
        var valid: [Response] = []
        var problems: [String] = []
        var error: String?
    }

    /// Imports `bytes` (a header, then rows) into a fresh store with `survey import`'s reading: with the
    /// shortcut (one pass, or in `parts` from the first record on) or every row the general way.
    static func importRows(_ bytes: [UInt8], _ q: Questionnaire, options: CSVOptions, stage: String?, keep: [String],
                           shortcut: Bool, parts: Int) -> ImportReadout {
        var out = ImportReadout()
        let folder = NSTemporaryDirectory() + "fuzz-import-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = folder + "/answers.csv"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let store = ResponseStore(root: folder + "/data")
            let writer = try store.beginBatch(questionnaireID: q.id, source: "answers.csv", checksum: nil)
            defer { writer.discard() }
            let file = try AnswerFile(path: path, questionnaire: q, options: options, idColumn: "ФИО", stage: stage, keep: keep)
            var parallel = false
            if shortcut && parts > 1 { parallel = try file.readInParallel(into: writer, parts: parts, progress: nil, minimumBytes: 0) }
            if !parallel {
                try file.forEachRow(into: writer, shortcut: shortcut) { row in
                    if row.isValid { try writer.append(row.response) } else { out.problems += row.problems.map(\.description) }
                }
            }
            out.problems += file.headerProblems.map(\.description)
            out.rowsRead = file.rowsRead
            out.blanks = file.blanks
            _ = try store.commit(writer)
            out.valid = try store.read(q.id).entries.map(\.response)
        } catch {
            out.error = "\(error)"
        }
        // Each run has a folder of its own: messages are compared without it.
        out.problems = out.problems.map { $0.replacingOccurrences(of: folder + "/", with: "") }
        out.error = out.error?.replacingOccurrences(of: folder + "/", with: "")
        return out
    }

    /// The import shortcut (`ImportShortcut`, records written to the batch straight from the reader's
    /// buffer) and the parallel read (`AnswerFile.readInParallel`, two parts) against every row through
    /// `AnswerFile`'s general path: the first byte picks the questionnaire (bit 0: a staff survey or a
    /// monitoring sheet at stage «start»), the header (bits 1–2: items; with a respondent «ФИО»; with «ФИО»
    /// and a kept «Школа»; reversed with «ФИО»), the chunk size (bits 3–4). The rest are the rows. All three
    /// must read, store and refuse exactly the same.
    static func importing(_ data: [UInt8]) {
        guard let selector = data.first else { return }
        let all = matcherContext.questionnaires
        guard let q = (selector & 1 == 0 ? all.first { $0.id == "preschool-staff-survey" } : all.first { $0.kind == .monitoring }) else { return }
        var header = q.scoredItems.map(\.id)
        var keep: [String] = []
        switch selector >> 1 & 3 {
        case 1: header.insert("ФИО", at: 0)
        case 2: header = ["ФИО", "Школа"] + header; keep = ["Школа"]
        case 3: header = ["ФИО"] + header.reversed()
        default: break
        }
        let options = CSVOptions(encoding: .utf8, delimiter: UInt8(ascii: ";"), chunkSize: [1, 7, 64, 1 << 20][Int(selector >> 3 & 3)])
        let bytes = Array(header.joined(separator: ";").utf8) + [0x0A] + data.dropFirst()
        let stage = q.kind == .monitoring ? q.stages.first?.id : nil
        let reference = importRows(bytes, q, options: options, stage: stage, keep: keep, shortcut: false, parts: 1)
        let taken = importRows(bytes, q, options: options, stage: stage, keep: keep, shortcut: true, parts: 1)
        check(taken == reference, "the import shortcut stores differently:\n\(taken)\nvs the general path\n\(reference)")
        let parts = importRows(bytes, q, options: options, stage: stage, keep: keep, shortcut: true, parts: 2)
        check(parts == reference, "the parallel import stores differently:\n\(parts)\nvs the general path\n\(reference)")
    }
}

#if !FUZZING

// MARK: - Regression inputs

/// The files of `Fixtures/fuzz/<target>/`: inputs a fuzzer once crashed or hung on, kept so that the fix stays.
private func fuzzInputs(_ target: String) -> [String] {
    let folder = Repo.fixtures + "/fuzz/" + target
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted().map { folder + "/" + $0 }
}

private func fuzzBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// The seed corpus too: every shipped questionnaire and fixture must pass the harness.
private func seedInputs(_ target: String) -> [String] {
    let folder = Repo.root.appendingPathComponent("Fuzz/corpus/\(target)").path
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.filter { !$0.hasPrefix(".") }.sorted().map { folder + "/" + $0 }
}

@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    @Test func everyCSVInputPasses() throws {
        let inputs = fuzzInputs("csv") + seedInputs("csv")
        #expect(!inputs.isEmpty)
        for path in inputs { FuzzHarness.csv(try fuzzBytes(path)) }
    }

    @Test func everyMatcherInputPasses() throws {
        let inputs = fuzzInputs("matcher") + seedInputs("matcher")
        #expect(!inputs.isEmpty)
        for path in inputs { FuzzHarness.matcher(try fuzzBytes(path)) }
    }

    @Test func everyTabulationInputPasses() throws {
        let inputs = fuzzInputs("tabulation") + seedInputs("tabulation")
        #expect(!inputs.isEmpty)
        for path in inputs { FuzzHarness.tabulation(try fuzzBytes(path)) }
    }

    /// Every selector of the tabulation harness over rows of every awkward shape.
    @Test func everyTabulationSelectorAgrees() {
        let rows = Array(("Согласен;\"Не согласен \";;2;Несогалсен;\"а;б\";\"x\"\"y\";\"Со\nгласен\";согласна\r\n"
            + "Полностью согласен;Согласен\r;;;\n\n  ;Не согласен;Согласен;Согласен;Согласен;Согласен;Согласен;Согласен;Согласен;Согласен;x\n").utf8)
            + [0xD0, 0x3B, 0x0A] + Array("Согласен".utf8)
        for selector in 0...127 { FuzzHarness.tabulation([UInt8(selector)] + rows) }
    }

    @Test func everyImportInputPasses() throws {
        let inputs = fuzzInputs("import") + seedInputs("import")
        #expect(!inputs.isEmpty)
        for path in inputs { FuzzHarness.importing(try fuzzBytes(path)) }
    }

    /// Every selector of the import harness over rows of every awkward shape.
    @Test func everyImportSelectorAgrees() {
        let rows = Array(("Иванова;Согласен;\"Не согласен \";;2;Несогалсен;\"а;б\";\"x\"\"y\";\"Со\nгласен\";согласна\r\n"
            + "иванова;Полностью согласен;Согласен\r;;;\n\n  ;Не согласен;Согласен;Согласен;Согласен;Согласен;Согласен;Согласен;x\n"
            + "Пётр;I;II;III;3;;;\nпетр;1\nØrsted;Согласен\n\"Анна\";Согласен;III\n 7 ;Согласен\n8;II;;;;;;;;;;;;;;;;;;;;;;;;\n").utf8)
            + [0xD0, 0x3B, 0x0A] + Array("9;Согласен\n".utf8)
        for selector in 0...31 { FuzzHarness.importing([UInt8(selector)] + rows) }
    }

    @Test func everyDefinitionInputPasses() throws {
        let inputs = fuzzInputs("definition") + seedInputs("definition")
        #expect(!inputs.isEmpty)
        for path in inputs { FuzzHarness.definition(try fuzzBytes(path)) }
    }

    /// Each shipped questionnaire is accepted and scored by the definition harness (the harness itself works).
    @Test func theShippedQuestionnairesAreScored() throws {
        for (path, outcome) in try QuestionnaireLibrary(folder: Repo.questionnaires).loadAll() {
            #expect(outcome.isValid, "\(path)")
            FuzzHarness.definition(try fuzzBytes(path) + [0] + [UInt8](repeating: 0x41, count: 300))
        }
    }

    /// Every option selector of the CSV harness over a small file with quotes and two encodings.
    @Test func everyCSVOptionSelectorReads() {
        let text = Array("sep=;\nid;\"a\"\"b\";c\r\n1;\"x\ny\";Согласен\n2;;\n".utf8)
        for selector in 0...255 { FuzzHarness.csv([UInt8(selector)] + text) }
    }
}

// MARK: - Limits

/// Pathological input becomes a clear error, never a crash, a hang or a runaway allocation.
@Suite("Input limits")
struct FuzzRegressionInputLimitTests {
    private func readError(_ bytes: [UInt8], _ options: CSVOptions = .init()) -> (CSVError?, records: Int) {
        var records = 0
        do {
            let reader = try CSVReader(bytes: bytes, options: options)
            try reader.forEach { _ in records += 1 }
            return (nil, records)
        } catch let error as CSVError {
            return (error, records)
        } catch {
            return (CSVError(line: -1, Message(verbatim: "not a CSVError: \(error)")), records)
        }
    }

    @Test func aTwoMegabyteFieldIsRefusedNamingItsLine() {
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 2 << 20)
        let unquoted = Array("id;a\n1;2\n3;".utf8) + big + Array(";4\n".utf8)
        let (error, records) = readError(unquoted)
        #expect(error?.line == 3)
        #expect(error?.column == 2)
        #expect(error?.message.contains("longer than \(1 << 20) bytes") == true, "\(String(describing: error))")
        #expect(records == 2, "the records before it come through")

        let quoted = Array("id;a\n1;\"".utf8) + big + Array("\"\n".utf8)
        let (quotedError, _) = readError(quoted)
        #expect(quotedError?.line == 2)
        #expect(quotedError?.message.contains("longer than") == true, "\(String(describing: quotedError))")
    }

    @Test func twentyThousandColumnsAreRefused() {
        let header = Array((["id"] + (1..<20_000).map { "c\($0)" }).joined(separator: ";").utf8) + [0x0A]
        let (error, records) = readError(header + Array("1;2\n".utf8))
        #expect(error?.line == 1)
        #expect(error?.column == 10_001)
        #expect(error?.message == "a record has more than 10000 fields")
        #expect(records == 0)
        // Delimiters alone: a line of 20,000 empty fields.
        let (empty, _) = readError(Array("a;b\n".utf8) + [UInt8](repeating: UInt8(ascii: ";"), count: 19_999) + [0x0A])
        #expect(empty?.line == 2)
        #expect(empty?.message.contains("more than 10000 fields") == true)
    }

    @Test func aNULByteIsRefused() {
        for encoding in [CSVEncoding.auto, .utf8, .cp1251] {
            let (error, records) = readError(Array("a;b\n1;x".utf8) + [0] + Array("y\n".utf8), CSVOptions(encoding: encoding))
            #expect(error?.line == 2, "\(encoding)")
            #expect(error?.column == 2, "\(encoding)")
            #expect(error?.message.contains("NUL byte") == true, "\(encoding): \(String(describing: error))")
            #expect(records == 1)
        }
    }

    @Test func invalidUTF8InAUTF8FileIsRefused() {
        // A lone continuation byte, an overlong form, a surrogate, a cut sequence at the end.
        for bad: [UInt8] in [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xD0]] {
            let (error, records) = readError(Array("a;b\n1;ок".utf8) + bad, CSVOptions(encoding: .utf8))
            #expect(error?.line == 2, "\(bad)")
            #expect(error?.column == 2, "\(bad)")
            #expect(error?.message.contains("invalid UTF-8") == true, "\(bad): \(String(describing: error))")
            #expect(records == 1)
        }
        // Not UTF-8 and not Russian Windows-1251 either: auto detection refuses rather than guesses.
        let (auto, _) = readError(Array("a;b\n1;".utf8) + [0xE9, 0x41, 0xFC] + [0x0A])
        #expect(auto?.message.contains("cannot tell the encoding") == true, "\(String(describing: auto))")
    }

    @Test func aRecordLongerThanTheRecordLimitIsRefused() {
        // An unclosed quote swallows the rest of the file: the record limit stops it, naming the line.
        let bytes = Array("a;b\n1;\"".utf8) + [UInt8](repeating: UInt8(ascii: "y"), count: 4096)
        let (error, _) = readError(bytes, CSVOptions(maxFieldBytes: 1 << 20, chunkSize: 64, maxRecordBytes: 1024))
        #expect(error?.line == 2)
        #expect(error?.message.contains("longer than 1024 bytes") == true, "\(String(describing: error))")
    }

    @Test func jsonNestedAHundredThousandDeepIsADiagnostic() {
        for open in ["[", "{\"a\":"] {
            let text = String(repeating: open, count: 100_000)
            let outcome = DefinitionLoader.decode(Array(text.utf8), file: "deep.json")
            #expect(outcome.questionnaire == nil)
            let problem = outcome.problems.first
            #expect(outcome.problems.count == 1)
            #expect(problem?.message.contains("nesting deeper than \(JSONTreeParser.maxDepth) levels") == true, "\(String(describing: problem))")
            #expect(problem?.line == 1)
        }
    }

    @Test func aTenMegabyteDefinitionIsRefusedBeforeItIsParsed() throws {
        let dir = try temporaryFolder("fuzz-limits")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/huge.json"
        // A valid JSON document: a string of 10 MB.
        var bytes = Array("{\"id\": \"x\", \"padding\": \"".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 10 << 20)
        bytes += Array("\"}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let outcome = DefinitionLoader.load(path: path)
        #expect(outcome.questionnaire == nil)
        #expect(outcome.problems.count == 1)
        let message = outcome.problems.first?.message ?? ""
        #expect(message.contains("is \(bytes.count) bytes; files of this kind are at most \(DefinitionLoader.maxFileSize)"), "\(message)")

        // Through the command: a clear error and exit status 1, no crash.
        let result = try survey(["validate", path])
        #expect(result.status == 1, "\(result.status) \(result.stderr)")
        #expect(result.stderr.contains("файлы такого рода не больше"), "\(result.stderr)")
    }

    /// Fixes/002: a list longer than `DefinitionLoader.maxListLength` is one clear problem, found before its
    /// elements are read (it was 200,000 problems, and validation of a 7 MB definition of 60,000 areas and
    /// items took 20 s: lookups per item over all areas).
    @Test func anEnormousListIsOneClearProblem() {
        let text = "{\"id\": \"x\", \"items\": [" + Array(repeating: "1", count: 200_000).joined(separator: ",") + "]}"
        let start = Date()
        let outcome = DefinitionLoader.decode(Array(text.utf8), file: "big.json")
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(outcome.questionnaire == nil)
        let problem = outcome.problems.first { $0.path == "$.items" }
        #expect(problem?.message == "200000 elements; a list in a definition has at most \(DefinitionLoader.maxListLength)")
        #expect(problem?.line == 1 && problem?.column == 22)

        let areas = (0..<6000).map { "{\"id\": \"a\($0)\", \"title\": \"A\"}" }.joined(separator: ",")
        let wide = DefinitionLoader.decode(Array("{\"id\": \"x\", \"areas\": [\(areas)]}".utf8), file: "wide.json")
        #expect(wide.problems.contains { $0.path == "$.areas" && $0.message.hasPrefix("6000 elements") })
    }

    /// Fixes/001: many problems on one long line (a minified definition) cost O(1) each to place, not a scan
    /// of the line: 16,000 problems after 1 MB of padding took minutes.
    @Test func manyProblemsOnOneLongLineArePlacedQuickly() {
        let padding = String(repeating: "x", count: 1 << 20)
        let items = Array(repeating: "{\"x\": 1}", count: 4000).joined(separator: ",")
        let text = "{\"pad\": \"\(padding)\", \"id\": \"x\", \"items\": [\(items)], \"тест\": 1}"
        let start = Date()
        let outcome = DefinitionLoader.decode(Array(text.utf8), file: "long-line.json")
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(outcome.problems.count > 16_000)
        #expect(outcome.problems.allSatisfy { $0.line == 1 })
        // An unknown field is placed at its value. Columns count characters, not bytes: the value `1` of the
        // Cyrillic key, before the closing brace, is in the column of its scalar offset plus one.
        let last = outcome.problems.first { $0.path == "$.тест" }
        #expect(last?.column == text.unicodeScalars.count - 1, "\(String(describing: last))")
        let first = outcome.problems.first { $0.path == "$.pad" }
        #expect(first?.column == 9)
    }

    /// Fixes/003 and 004: unknown header columns, each compared with every item for a "did you mean", made a
    /// header of thousands of columns (or of one 1 MB column) take minutes. Now the first 20 get a suggestion,
    /// and a long header is ruled out by its length alone.
    @Test func aHugeUnknownHeaderIsRefusedQuickly() throws {
        let monitoring = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-monitoring")
        let header = ["id"] + (0..<9_999).map { "Неизвестный столбец номер \($0) с длинным текстом вопроса про детский сад" }
        var start = Date()
        let plan = HeaderMatcher(questionnaire: monitoring).plan(header)
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(plan.problems.count == 9_999)
        #expect(plan.problems.filter { $0.hint?.hasPrefix("возможно, имелось в виду") == true }.count <= HeaderMatcher.maxSuggestions)

        let long = String(repeating: "Я", count: 500_000)  // 1 MB of UTF-8, just under the field limit
        start = Date()
        let longPlan = HeaderMatcher(questionnaire: monitoring).plan(["id", long, long, long])
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(longPlan.problems.count == 3)
        let cells = CellMatcher(scale: try #require(monitoring.scales.first))
        start = Date()
        for _ in 0..<5 { #expect(cells.match(long) == .invalid(suggestion: nil)) }
        #expect(Date().timeIntervalSince(start) < 20)
        // Suggestions themselves are unchanged: the nearest spelling within a third of the length.
        #expect(TextFolding.nearest("Соглсен", among: ["Полностью согласен", "Согласен", "Не согласен"]) == "Согласен")
        #expect(TextFolding.nearest("5-Ф.I", among: monitoring.items.map(\.id)) == "5-Ф.1")
    }
}

// MARK: - A damaged store

/// A store file is input too: values or counts that no import could write (a hand edit, a scale changed
/// after answers were stored) are refused or ignored, never a trap (fixes/005, 006).
@Suite("Damaged store")
struct FuzzRegressionDamagedStoreTests {
    private func store(_ id: String, _ lines: [String]) throws -> String {
        let data = try temporaryFolder("damaged-store")
        try FileManager.default.createDirectory(atPath: data + "/" + id, withIntermediateDirectories: true)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: data + "/\(id)/responses.jsonl"))
        return data
    }

    private func commit(_ count: String) -> String {
        "{\"type\":\"commit\",\"batch\":\"b1\",\"count\":\(count),\"source\":\"x.csv\",\"checksum\":null,\"at\":\"2026-01-01T00:00:00Z\"}"
    }

    @Test func aCommitCountOutOfRangeIsADamagedStore() throws {
        for count in ["1e300", "-1e300", "1.5"] {
            let data = try store("preschool-staff-survey", [
                "{\"type\":\"response\",\"batch\":\"b1\",\"respondent\":null,\"stage\":null,\"values\":{\"s1\":3},\"texts\":{}}", commit(count)])
            defer { try? FileManager.default.removeItem(atPath: data) }
            let result = try survey(["tabulate", "preschool-staff-survey", "--data", data])
            #expect(result.status == 1, "count \(count): status \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("responses.jsonl:2: хранилище повреждено: фиксация b1 не совпадает с её строками ответов (1)"), "\(result.stderr)")
        }
    }

    @Test func aMonitoringValueOffTheScaleIsNotARating() throws {
        let data = try store("preschool-monitoring", [
            "{\"type\":\"response\",\"batch\":\"b1\",\"respondent\":\"Петя\",\"stage\":\"start\",\"values\":{\"5-Ф.1\":1e300,\"5-Ф.2\":2},\"texts\":{}}",
            commit("1")])
        defer { try? FileManager.default.removeItem(atPath: data) }
        let result = try survey(["monitor", "preschool-monitoring", "--data", data])
        #expect(result.status == 0, "\(result.status) \(result.stderr)")
        let card = try survey(["monitor", "preschool-monitoring", "--child", "Петя", "--data", data])
        #expect(card.status == 0, "\(card.status) \(card.stderr)")
    }

    @Test func aDeficitValueOffTheScaleIsNotAnAnswer() throws {
        for value in ["9", "0", "1e300", "-1e300"] {
            let values = (1...5).map { "\"d\($0)\":\(value)" }.joined(separator: ",")
            let data = try store("teacher-deficits", [
                "{\"type\":\"response\",\"batch\":\"b1\",\"respondent\":\"Иванова\",\"stage\":null,\"values\":{\(values),\"d6\":3},\"texts\":{}}",
                commit("1")])
            defer { try? FileManager.default.removeItem(atPath: data) }
            for command in [["profile", "teacher-deficits", "--respondent", "Иванова"], ["group", "teacher-deficits"],
                            ["route", "teacher-deficits", "--respondent", "Иванова"]] {
                let result = try survey(command + ["--data", data])
                #expect(result.status != 132 && result.status != 133 && result.status < 128, "\(command[0]) with \(value): status \(result.status) \(result.stderr)")
            }
            let profile = try survey(["profile", "teacher-deficits", "--respondent", "Иванова", "--data", data, "--format", "json"])
            #expect(profile.status == 0, "\(value): \(profile.stderr)")
            let object = try #require(try json(profile.stdout) as? [String: Any])
            let areas = try #require(object["areas"] as? [[String: Any]])
            let scientific = try #require(areas.first { $0["id"] as? String == "scientific" })
            #expect(scientific["score"] is NSNull, "\(value): \(scientific)")
        }
    }
}

#endif
