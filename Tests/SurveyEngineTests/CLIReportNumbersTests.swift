import Foundation
import Testing

/// Issue 14, the numbers of a report: a decimal comma in Russian text, Markdown, HTML and the `;` CSV; the
/// reverse-keyed statement drawn by meaning; alpha withheld for a handful of forms; a population smaller than
/// the respondents refused.
@Suite("CLI: report numbers a reader can trust")
struct CLIReportNumbersTests {
    static let staff = Repo.fixtures + "/seed-staff-cp1251.csv"

    @Test func russianReportsUseADecimalComma() throws {
        for format in ["text", "md", "html"] {
            let result = try survey(["tabulate", "preschool-staff-survey", "--from-csv", Self.staff, "--format", format])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("2,7") && !result.stdout.contains("2.7"), "\(format): the mean of statement 17 is 2,7 (8 of 3 answers)")
        }
        // The `;` CSV is for Russian Excel: decimal commas whatever the language, so Excel reads numbers.
        for language in ["ru", "en"] {
            let csv = try survey(["tabulate", "preschool-staff-survey", "--from-csv", Self.staff, "--format", "csv", "--lang", language])
            let row17 = try #require(csv.stdout.split(whereSeparator: \.isNewline).first { $0.hasPrefix("17;") })
            #expect(row17.hasSuffix(";2,67;2,67;66,7"), "\(language): \(row17)")
        }
        let english = try survey(["tabulate", "preschool-staff-survey", "--from-csv", Self.staff, "--lang", "en"])
        #expect(english.stdout.contains("2.7"), "English keeps the point")
    }

    /// Statement 18 is reverse-keyed and everyone disagreed: the best result. It is drawn on the favourable
    /// side, and its mean is keyed (4, beside «100 %»), not the raw 1.
    @Test func aReverseKeyedStatementIsDrawnByMeaning() throws {
        let text = try survey(["tabulate", "preschool-staff-survey", "--from-csv", Self.staff]).stdout
        let row18 = try #require(text.split(whereSeparator: \.isNewline).first { $0.hasPrefix("18  ") })
        #expect(row18.contains("4,0   100 %"), "\(row18)")
        #expect(row18.hasSuffix("│▓▓▓▓▓▓▓▓"), "all of it right of the axis: \(row18)")
        let html = try survey(["tabulate", "preschool-staff-survey", "--from-csv", Self.staff, "--format", "html"]).stdout
        // The chart's rows: the text of statement 18, then its segments until the next row's text.
        let start = try #require(html.range(of: ">18. "))
        let rest = html[start.upperBound...]
        let row = rest[..<(rest.range(of: "text-anchor=\"end\"")?.lowerBound ?? rest.endIndex)]
        let xs = row.components(separatedBy: "<rect x=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
        #expect(!xs.isEmpty)
        #expect(xs.allSatisfy { $0 >= 560 }, "the axis is at 330 + 230: \(xs)")
    }

    @Test func alphaIsWithheldForAHandfulOfForms() throws {
        for format in ["text", "md", "html"] {
            let result = try survey(["tabulate", "preschool-staff-survey", "--from-csv", Self.staff, "--format", format]).stdout
            #expect(result.contains("α Кронбаха не считается: полных анкет 3, нужно не меньше 10"), "\(format)")
            #expect(!result.contains("-0,") && !result.contains("-0.0"), "\(format): no «-0,000»")
        }
    }

    @Test func aPopulationSmallerThanTheRespondentsIsRefused() throws {
        let result = try survey(["tabulate", "preschool-staff-survey", "--from-csv", Self.staff, "--population", "3"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--population 3 меньше числа ответивших (4)"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let fine = try survey(["tabulate", "preschool-staff-survey", "--from-csv", Self.staff, "--population", "4"])
        #expect(fine.stdout.contains("Всего: 4, приняли участие: 4 — 100 %"))
    }
}
