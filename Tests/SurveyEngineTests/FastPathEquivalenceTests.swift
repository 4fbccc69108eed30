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
        #expect(problems == ["bad.csv:2: column 2, item 2: «Несогалсен» is not an answer of this item — did you mean «Не согласен»?",
                             "bad.csv:4: column 3, item 3: «Да» is not an answer of this item"])
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
        #expect(result.stderr.contains("late.csv:\(goodRows + 2): column 2: the cell is not valid UTF-8"), "\(result.stderr)")
        #expect(result.stderr.contains("late.csv:\(goodRows + 3): column 3: the cell is not valid UTF-8"), "\(result.stderr)")
    }
}
