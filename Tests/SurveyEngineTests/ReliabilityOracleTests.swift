import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// Cronbach's alpha against the published values in ../shared/oracles (psych, pingouin), listwise.
@Suite("Reliability oracles")
struct ReliabilityOracleTests {
    /// Reads an oracle CSV with the project's own reader: header and rows as strings.
    func table(_ name: String) throws -> (header: [String], rows: [[String]]) {
        let reader = try CSVReader(path: Repo.oracles + "/" + name)
        var header: [String] = [], rows: [[String]] = []
        try reader.forEach { record in
            if header.isEmpty { header = record.strings } else { rows.append(record.strings) }
        }
        return (header, rows)
    }

    /// A likert questionnaire over the given columns on an integer scale lo…hi, with composites.
    func questionnaire(items: [String], reverse: Set<String> = [], range: ClosedRange<Int>, composites: [String: [String]]) -> Questionnaire {
        let scale = ResponseScale(id: "s", options: range.map { Option(label: "v\($0)", value: Double($0)) })
        return Questionnaire(
            id: "oracle", kind: .likert, title: "oracle", scales: [scale],
            items: items.enumerated().map { Item(id: $1, number: $0 + 1, text: $1, scale: "s", reverse: reverse.contains($1)) },
            scoring: ScoringRules(composites: composites.sorted { $0.key < $1.key }.map { Composite(id: $0.key, title: $0.key, items: $0.value) }))
    }

    func tabulate(_ q: Questionnaire, header: [String], rows: [[String]]) -> Tabulation {
        var accumulator = TabulationAccumulator(questionnaire: q)
        for row in rows {
            var response = Response()
            for (column, name) in header.enumerated() where q.item(name) != nil && column < row.count {
                if let value = Double(row[column]) { response.values[name] = value }
            }
            accumulator.add(response)
        }
        return accumulator.result()
    }

    @Test func bfiFiveScalesListwise() throws {
        let (header, rows) = try table("bfi.csv")
        let scales = ["A": ["A1", "A2", "A3", "A4", "A5"], "C": ["C1", "C2", "C3", "C4", "C5"], "E": ["E1", "E2", "E3", "E4", "E5"],
                      "N": ["N1", "N2", "N3", "N4", "N5"], "O": ["O1", "O2", "O3", "O4", "O5"]]
        let q = questionnaire(items: scales.values.flatMap { $0 }.sorted(), reverse: ["A1", "C4", "C5", "E1", "E2", "O2", "O5"],
                              range: 1...6, composites: scales)
        let result = tabulate(q, header: header, rows: rows)
        let published: [String: (alpha: Double, n: Int)] = [
            "A": (0.7037558943748359, 2709), "C": (0.7292772031704422, 2707), "E": (0.7609326394695515, 2713),
            "N": (0.813303143161439, 2694), "O": (0.6025464285771844, 2726),
        ]
        #expect(result.respondents == 2800)
        for composite in result.composites {
            let expected = try #require(published[composite.composite.id])
            #expect(composite.complete == expected.n, "\(composite.composite.id)")
            let alpha = try #require(composite.alpha)
            #expect(abs(alpha - expected.alpha) < 1e-6, "\(composite.composite.id): \(alpha) vs \(expected.alpha)")
        }
    }

    /// Alpha from the covariance matrix of complete rows, two-pass: the textbook computation, independent of
    /// the accumulator's one-pass sums.
    func naiveAlpha(_ rows: [[Double]]) -> Double {
        let k = rows[0].count, n = Double(rows.count)
        let means = (0..<k).map { j in rows.reduce(0) { $0 + $1[j] } / n }
        var trace = 0.0, total = 0.0
        for a in 0..<k {
            for b in 0..<k {
                let c = rows.reduce(0) { $0 + ($1[a] - means[a]) * ($1[b] - means[b]) } / (n - 1)
                total += c
                if a == b { trace += c }
            }
        }
        return Double(k) / Double(k - 1) * (1 - trace / total)
    }

    /// Alpha if an item is deleted: over the composite's complete cases, the alpha of the other items,
    /// reverse keys applied (bfi A1 is reverse-keyed on 1…6: 7 − x).
    @Test func alphaIfDeletedMatchesTheTextbookComputation() throws {
        let (header, rows) = try table("bfi.csv")
        let members = ["A1", "A2", "A3", "A4", "A5"]
        let q = questionnaire(items: members, reverse: ["A1"], range: 1...6, composites: ["A": members])
        let composite = tabulate(q, header: header, rows: rows).composites[0]
        let columns = members.map { name in header.firstIndex(of: name)! }
        let complete: [[Double]] = rows.compactMap { row in
            let values = columns.map { Double(row[$0]) }
            guard values.allSatisfy({ $0 != nil }) else { return nil }
            return values.enumerated().map { $0 == 0 ? 7 - $1! : $1! }
        }
        #expect(complete.count == 2709)
        #expect(abs(try #require(composite.alpha) - naiveAlpha(complete)) < 1e-9)
        #expect(composite.alphaIfDeleted.map(\.item) == members)
        for (j, deleted) in composite.alphaIfDeleted.enumerated() {
            let expected = naiveAlpha(complete.map { row in row.enumerated().filter { $0.offset != j }.map(\.element) })
            let alpha = try #require(deleted.alpha)
            #expect(abs(alpha - expected) < 1e-9, "\(deleted.item): \(alpha) vs \(expected)")
        }
    }

    @Test func attitudeAllSevenItems() throws {
        let (header, rows) = try table("attitude.csv")
        let items = Array(header.dropFirst())
        let q = questionnaire(items: items, range: 0...100, composites: ["all": items])
        let alpha = try #require(tabulate(q, header: header, rows: rows).composites[0].alpha)
        #expect(abs(alpha - 0.8431427695647599) < 1e-6)
    }

    @Test func pingouinWideWithMissingListwise() throws {
        let (header, rows) = try table("cronbach_wide_missing.csv")
        let q = questionnaire(items: header, range: 0...1, composites: ["all": header])
        let result = tabulate(q, header: header, rows: rows)
        let alpha = try #require(result.composites[0].alpha)
        #expect(abs(alpha - 0.8016949152542373) < 1e-6)
    }

    @Test func pingouinLongFormat() throws {
        let (_, rows) = try table("cronbach_alpha.csv")
        // Subj, Items, Scores → one response per subject.
        var bySubject: [String: [String: String]] = [:]
        for row in rows { bySubject[row[0], default: [:]][row[1]] = row[2] }
        let items = Set(rows.map { $0[1] }).sorted()
        let q = questionnaire(items: items, range: 1...7, composites: ["all": items])
        let header = items
        let wide = bySubject.keys.sorted().map { subject in items.map { bySubject[subject]?[$0] ?? "" } }
        let alpha = try #require(tabulate(q, header: header, rows: wide).composites[0].alpha)
        #expect(abs(alpha - 0.5917188485995826) < 1e-6)
    }

    @Test func mergingHalvesGivesTheWhole() throws {
        let (header, rows) = try table("bfi.csv")
        let items = ["A1", "A2", "A3", "A4", "A5"]
        let q = questionnaire(items: items, reverse: ["A1"], range: 1...6, composites: ["A": items])
        let whole = tabulate(q, header: header, rows: rows)
        var first = TabulationAccumulator(questionnaire: q), second = TabulationAccumulator(questionnaire: q)
        for (index, row) in rows.enumerated() {
            var response = Response()
            for (column, name) in header.enumerated() where items.contains(name) { if let v = Double(row[column]) { response.values[name] = v } }
            if index % 2 == 0 { first.add(response) } else { second.add(response) }
        }
        first.merge(second)
        let merged = first.result()
        #expect(merged.respondents == whole.respondents)
        #expect(merged.items.map { $0.options.map(\.count) } == whole.items.map { $0.options.map(\.count) })
        #expect(abs((merged.composites[0].alpha ?? 0) - (whole.composites[0].alpha ?? 1)) < 1e-12)
    }
}

@Suite("Tabulation")
struct TabulationTests {
    /// A national file has six- and seven-digit counts: the text table widens its count columns (the statement
    /// gives way) rather than cutting a number.
    @Test func largeCountsAreNeverCutInTheTextTable() throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-staff-survey")
        var accumulator = TabulationAccumulator(questionnaire: q)
        accumulator.add(Response(values: ["s1": 4, "s2": 3]))
        var tabulation = accumulator.result()
        tabulation.items[0].options[1].count = 1_234_567
        tabulation.items[0].answered = 9_876_543
        let text = TabulationRendering(tabulation, language: .ru).text(width: 100)
        // Russian groups the digits with a no-break space (one column each), never cut.
        #expect(text.contains(" 1\u{A0}234\u{A0}567 "), "\(text)")
        #expect(text.contains(" 9\u{A0}876\u{A0}543 "), "\(text)")
        let english = TabulationRendering(tabulation, language: .en).text(width: 100)
        #expect(english.contains(" 1234567 ") && english.contains(" 9876543 "), "\(english)")
        for line in text.split(separator: "\n") where line.contains("│") { #expect(TextLayout.width(String(line)) <= 100, "\(line)") }
    }

    @Test(arguments: [
        ([1, 1, 1], [34, 33, 33]),
        ([0, 3, 1, 0], [0, 75, 25, 0]),
        ([2, 2, 2, 0], [34, 33, 33, 0]),
        ([0, 0, 0, 0], [0, 0, 0, 0]),
        ([1, 0, 0, 2], [33, 0, 0, 67]),
        ([7], [100]),
        // Equal counts, equal percents (issue 14): the extra points go to both 4s, not to the 7 and one 4.
        ([4, 7, 4], [27, 46, 27]),
        ([1, 1, 4], [17, 17, 66]),
        ([3, 3, 3, 1], [30, 30, 30, 10]),
    ])
    func percentsAddUpTo100(counts: [Int], expected: [Int]) {
        let percents = largestRemainderPercents(counts)
        #expect(percents == expected)
        if counts.reduce(0, +) > 0 { #expect(percents.reduce(0, +) == 100) }
    }

    @Test func reverseKeyedItemCountsDisagreementAsFavourable() throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-staff-survey")
        var accumulator = TabulationAccumulator(questionnaire: q)
        accumulator.add(Response(values: ["s1": 3, "s18": 1]))
        accumulator.add(Response(values: ["s1": 2, "s18": 4]))
        let result = accumulator.result()
        let s18 = try #require(result.items.first { $0.item.id == "s18" })
        #expect(s18.favourable == 1)
        #expect(s18.positive == 0.5)
        #expect(s18.mean == 2.5)
        #expect(s18.keyedMean == 2.5)
        let s1 = try #require(result.items.first { $0.item.id == "s1" })
        #expect(s1.favourable == 1)
        #expect(s1.missing == 0)
        let s2 = try #require(result.items.first { $0.item.id == "s2" })
        #expect(s2.answered == 0 && s2.missing == 2 && s2.mean == nil)
        #expect(result.positive == 0.5)
    }
}
