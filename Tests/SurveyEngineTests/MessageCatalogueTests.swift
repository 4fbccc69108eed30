import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// The message catalogue (`Sources/SurveyFormats/Messages`) is the one place for errors, hints, warnings,
/// progress, rejects reasons and export headers: new text written inline elsewhere fails here.
@Suite("Messages: one catalogue, Russian forms and numbers")
struct MessageCatalogueTests {
    /// Where a `language.t("…", "…")` pair or an inline plural may stand: the catalogue, the renderers
    /// (report and document wording is layout) and the help.
    static let allowed = ["Sources/SurveyFormats/Messages/", "Sources/SurveyFormats/Render/",
                          "Sources/survey-cli/HelpCatalogue.swift", "Sources/survey-cli/HelpText.swift"]
    /// The `take` screen's interface (prompts, the keys line, the keys help) is its layout and stays beside
    /// it; the number may only go down.
    static let screenLayout = ["Sources/survey-cli/TakeCommand.swift": 52]

    /// Inline pairs and plurals: `.t(`, a bare `t("` (a `let t = language.t`), `ru: (` of `Language.count`,
    /// and a CLI error thrown with a literal sentence (`.failed("no …")`, `.usage("…")`).
    static let patterns = [#"\.t\("#, #"(?<![\p{L}\p{N}_.])t\(""#, #"ru: \("#, #"(?<!Messages)\.(failed|usage)\("[^\\"]"#,
                           #"(message|reason): "[A-Za-zА-Яа-яЁё]"#]

    static func sources() throws -> [(path: String, text: String)] {
        let root = Repo.root.appendingPathComponent("Sources").path
        let files = try #require(FileManager.default.enumerator(atPath: root)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        return try files.sorted().map { ("Sources/" + $0, try String(contentsOfFile: root + "/" + $0, encoding: .utf8)) }
    }

    static func inlineMessages(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { line in
            let code = line.trimmingCharacters(in: .whitespaces)
            guard !code.hasPrefix("//") else { return false }
            return patterns.contains { line.range(of: $0, options: .regularExpression) != nil }
        }
    }

    @Test func noMessageIsWrittenOutsideTheCatalogue() throws {
        var found: [String] = []
        for (path, text) in try Self.sources() where !Self.allowed.contains(where: { path.hasPrefix($0) }) {
            let lines = Self.inlineMessages(text)
            let limit = Self.screenLayout[path] ?? 0
            if lines.count > limit {
                found.append("\(path): \(lines.count) inline message(s), at most \(limit):\n" + lines.prefix(5).joined(separator: "\n"))
            }
        }
        #expect(found.isEmpty, "write new messages in Sources/SurveyFormats/Messages (see docs/MESSAGES.md):\n\(found.joined(separator: "\n"))")
    }

    @Test func theScanFindsAnInlinePair() {
        #expect(Self.inlineMessages(#"throw .usage(invocation.language.t("нет", "no"))"#).count == 1)
        #expect(Self.inlineMessages(#"    let hint = t("ещё", "more")"#).count == 1)
        #expect(Self.inlineMessages(#"throw .failed("no stored response")"#).count == 1)
        #expect(Self.inlineMessages(#"l.count(n, ru: ("строка", "строки", "строк"), en: ("row", "rows"))"#).count == 1)
        #expect(Self.inlineMessages(#"throw .message(Messages.noResponses(q.id, store: root))"#).isEmpty)
        #expect(Self.inlineMessages(#"throw .failed("\(path): \(unwritable)")"#).isEmpty)
    }

    /// The store keeps UTC in ISO 8601; people read a date and a local time.
    @Test func aStoredTimestampReadsAsADate() throws {
        let utc = try #require(TimeZone(identifier: "UTC")), moscow = try #require(TimeZone(identifier: "Europe/Moscow"))
        #expect(Messages.storedAt("2026-12-02T21:03:11Z", timeZone: utc).ru == "2\u{A0}декабря 2026 в 21:03")
        #expect(Messages.storedAt("2026-12-02T21:03:11Z", timeZone: moscow).ru == "3\u{A0}декабря 2026 в 00:03")
        #expect(Messages.storedAt("2026-12-02T21:03:11Z", timeZone: utc).en == "2 December 2026 at 21:03")
        #expect(Messages.storedAt("not a time", timeZone: utc).ru == "not a time")
    }

    @Test func thousandsAreGroupedInRussianOnly() {
        #expect(Language.ru.integer(12_345) == "12\u{A0}345")
        #expect(Language.ru.integer(1_000_000) == "1\u{A0}000\u{A0}000")
        #expect(Language.ru.integer(-25_000) == "-25\u{A0}000")
        #expect(Language.ru.integer(9_999) == "9999")
        #expect(Language.ru.integer(2026) == "2026")
        #expect(Language.en.integer(1_000_000) == "1000000")
        #expect(Language.ru.count(12_345, ru: ("строка", "строки", "строк"), en: ("row", "rows")) == "12\u{A0}345 строк")
        #expect(Messages.rowsRead(1_000_000, stored: 999_998, rejected: 2).ru == "Строк прочитано: 1\u{A0}000\u{A0}000, сохранено: 999\u{A0}998, отклонено: 2")
        #expect(Messages.rowsRead(1_000_000, stored: 999_998, rejected: 2).en == "Rows read: 1000000, stored: 999998, rejected: 2")
        #expect(Messages.progressRows(21_001).ru == "21\u{A0}001 строка")
    }

    @Test func countsMeetTheirNounsInTheRightForm() {
        #expect(Messages.earlierAnswersDropped(1).ru.hasPrefix("1 прежний ответ не подходит"))
        #expect(Messages.earlierAnswersDropped(3).ru.hasPrefix("3 прежних ответа не подходят"))
        #expect(Messages.earlierAnswersDropped(11).ru.hasPrefix("11 прежних ответов не подходят"))
        #expect(Messages.earlierAnswersDropped(21).ru.hasPrefix("21 прежний ответ не подходит"))
        #expect(Messages.moreProblems(2, canListMore: false).ru == "… и ещё 2 ошибки")
        #expect(Messages.rowsHaveProblems(1, of: 3).ru == "ошибки в 1 из 3 строк; ничего не сохранено")
    }

    /// Every problem a definition can have reads as Russian by default (a sample of each shape).
    @Test func definitionProblemsAreRussian() {
        let issues: [DefinitionIssue] = [
            .duplicateID(.scale, "agree5"), .unknown(.area, "helth", suggestion: "health"), .empty(.label),
            .bandGap(previous: "severe", to: 40, next: "none", from: 45.5), .bandsEnd(100, found: 90),
            .fromNotBelowTo(from: 50, to: 40), .missingIndicators(item: "k1", levels: 3, missing: ["2"]),
            .inVariant("short", path: "$.items[0]", .noItems), .outOfRange(low: 1, high: 10), .hoursExceed(hours: 200, months: 2, limit: 40),
        ]
        for issue in issues {
            let text = Messages.definition(issue)
            #expect(EnglishDetector.englishLines(text.ru).isEmpty, "\(issue): \(text.ru)")
            #expect(text.ru.range(of: "\\p{Cyrillic}", options: .regularExpression) != nil, "\(issue): \(text.ru)")
            #expect(text.en.range(of: "\\p{Cyrillic}", options: .regularExpression) == nil, "\(issue): \(text.en)")
        }
        #expect(Messages.definition(.bandGap(previous: "severe", to: 40, next: "none", from: 45.5)).ru == "пропуск между \"severe\" (до 40) и \"none\" (от 45,5)")
        #expect(Messages.unknownField("revers", suggestion: "reverse").ru == "неизвестное поле \"revers\" (может быть, \"reverse\"?)")
    }

    /// Counts of 10 000 and more meet people grouped in Russian (text, Markdown, HTML, the import summary),
    /// plain in English, JSON and CSV.
    @Test func largeCountsAreGroupedWhereTheyMeetPeople() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sample = try survey(["sample", "preschool-staff-survey", "--count", "12000", "--out", dir + "/big.csv"])
        #expect(sample.status == 0, "\(sample.stderr)")
        let text = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/big.csv"])
        #expect(text.stdout.contains("Приняли участие: 12\u{A0}000"), "\(text.stdout.prefix(400))")
        let md = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/big.csv", "--format", "md"])
        #expect(md.stdout.contains("12\u{A0}000"), "\(md.stdout.prefix(400))")
        let html = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/big.csv", "--format", "html"])
        #expect(html.stdout.contains("<b>12\u{A0}000</b>"), "\(html.stdout.prefix(400))")
        let english = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/big.csv", "--lang", "en"])
        #expect(english.stdout.contains("Respondents: 12000"), "\(english.stdout.prefix(400))")
        let json = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/big.csv", "--format", "json"])
        #expect(json.stdout.contains("\"respondents\":12000") || json.stdout.contains("\"respondents\": 12000"), "\(json.stdout.prefix(400))")
        #expect(!json.stdout.contains("\u{A0}"))
        let imported = try survey(["import", "preschool-staff-survey", dir + "/big.csv", "--data", dir + "/data"])
        #expect(imported.stdout.contains("Строк прочитано: 12\u{A0}000, сохранено: 12\u{A0}000, отклонено: 0"), "\(imported.stdout)")
    }
}
