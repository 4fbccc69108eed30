import Foundation
import Testing

/// `survey tabulate` on the reconstructed seed-002 answer sheets: the published counts, exactly.
@Suite("CLI: tabulate")
struct CLITabulateTests {
    let staffFixture = Repo.fixtures + "/seed-staff-cp1251.csv"
    let parentFixture = Repo.fixtures + "/seed-parent-utf8bom.csv"

    /// Seed 002's tables: counts per statement in the order «Полностью согласен», «Согласен», «Не согласен»,
    /// «Полностью не согласен».
    static let staffPublished: [[Int]] = [[0, 4, 0, 0], [0, 4, 0, 0], [0, 3, 1, 0], [0, 4, 0, 0], [0, 3, 1, 0]]
        + Array(repeating: [0, 4, 0, 0], count: 11) + [[0, 2, 1, 0], [0, 0, 0, 3]]
    static let parentPublished: [[Int]] = [[2, 1, 0, 0], [1, 2, 0, 0], [2, 1, 0, 0], [1, 2, 0, 0], [2, 1, 0, 0],
                                           [1, 2, 0, 0], [2, 1, 0, 0], [1, 2, 0, 0], [2, 1, 0, 0], [2, 1, 0, 0]]

    func tabulateJSON(_ arguments: [String]) throws -> [String: Any] {
        let result = try survey(["tabulate"] + arguments + ["--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try json(result.stdout) as? [String: Any])
    }

    func counts(_ table: [String: Any]) throws -> [[Int]] {
        let items = try #require(table["items"] as? [[String: Any]])
        return items.map { ($0["options"] as? [[String: Any]] ?? []).map { $0["count"] as? Int ?? -1 } }
    }

    @Test func staffSheetReproducesThePublishedTable() throws {
        let table = try tabulateJSON(["preschool-staff-survey", "--from-csv", staffFixture, "--population", "4"])
        #expect(try counts(table) == Self.staffPublished)
        #expect(table["respondents"] as? Int == 4)
        #expect(table["participation"] as? Double == 1.0)
        let items = try #require(table["items"] as? [[String: Any]])
        #expect(items[16]["answered"] as? Int == 3 && items[16]["missing"] as? Int == 1)
        #expect(items[17]["reverse"] as? Bool == true)
        #expect(items[17]["positive"] as? Double == 1.0, "all disagreed with the negative statement 18: all favourable")
        // 67 favourable of 70 answers: 16 statements × 4 − 2, plus 2 of statement 17, plus 3 of statement 18.
        #expect(abs((table["positive"] as? Double ?? 0) - 67.0 / 70.0) < 1e-12)
        for item in items {
            let percents = (item["options"] as? [[String: Any]] ?? []).map { $0["percent"] as? Int ?? 0 }
            #expect(percents.reduce(0, +) == 100)
        }
        let scales = try #require(table["scales"] as? [[String: Any]])
        #expect(scales.first?["complete"] as? Int == 3)
    }

    @Test func parentSheetReproducesThePublishedTableAndComments() throws {
        let table = try tabulateJSON(["preschool-parent-survey", "--from-csv", parentFixture, "--population", "3"])
        #expect(try counts(table) == Self.parentPublished)
        #expect(table["participation"] as? Double == 1.0)
        #expect(table["positive"] as? Double == 1.0, "the seed: 100 % positive")
        #expect(table["comments"] as? [String] == ["Согласен.", "Согласен.", "У нас с учебой и преподавателями все прекрасно."])
    }

    @Test func theStoreTabulatesLikeTheFile() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try survey(["import", "preschool-staff-survey", staffFixture, "--data", dir]).status == 0)
        let stored = try tabulateJSON(["preschool-staff-survey", "--data", dir, "--population", "4"])
        #expect(try counts(stored) == Self.staffPublished)
    }

    @Test func jsonHasEveryContractField() throws {
        let table = try tabulateJSON(["preschool-parent-survey", "--from-csv", parentFixture])
        for key in ["questionnaire", "respondents", "population", "participation", "positive", "items", "scales", "comments"] {
            #expect(table.keys.contains(key), "\(key)")
        }
        #expect(table["population"] is NSNull && table["participation"] is NSNull)
        let item = try #require((table["items"] as? [[String: Any]])?.first)
        for key in ["id", "number", "text", "reverse", "answered", "missing", "mean", "positive", "options"] { #expect(item.keys.contains(key), "\(key)") }
        let option = try #require((item["options"] as? [[String: Any]])?.first)
        for key in ["label", "value", "count", "percent"] { #expect(option.keys.contains(key), "\(key)") }
        let scale = try #require((table["scales"] as? [[String: Any]])?.first)
        for key in ["id", "items", "alpha", "complete"] { #expect(scale.keys.contains(key), "\(key)") }
    }

    @Test(arguments: ["text", "md", "csv", "html"])
    func everyFormatRendersBothSeedSurveys(format: String) throws {
        for (id, file, statement) in [("preschool-staff-survey", staffFixture, "Педагоги получают эффективную методическую помощь"),
                                      ("preschool-parent-survey", parentFixture, "Вы довольны организацией работы школы")] {
            let result = try survey(["tabulate", id, "--from-csv", file, "--format", format, "--population", "4"],
                                    environment: ["COLUMNS": "200"])
            #expect(result.status == 0, "\(id) \(format): \(result.stderr)")
            #expect(result.stdout.contains(statement), "\(id) \(format)")
            if id == "preschool-parent-survey" && format != "csv" {
                #expect(result.stdout.contains("У нас с учебой и преподавателями все прекрасно."))
            }
        }
        if format == "html" {
            let page = try survey(["tabulate", "preschool-staff-survey", "--from-csv", staffFixture, "--format", "html"]).stdout
            #expect(page.hasPrefix("<!DOCTYPE html>"))
            #expect(page.contains("<svg"))
            #expect(!page.contains("<script"), "a self-contained page with no scripts")
        }
    }

    @Test func textTableFitsTheTerminalWidth() throws {
        for width in [80, 120] {
            let result = try survey(["tabulate", "preschool-staff-survey", "--from-csv", staffFixture], environment: ["COLUMNS": "\(width)"])
            let tableLines = result.stdout.split(separator: "\n").filter { $0.first?.isNumber == true || $0.hasPrefix(" ") }
            for line in tableLines where line.contains("│") {
                #expect(line.count <= width, "\(line.count) > \(width): \(line)")
            }
        }
    }

    @Test func refusesABadFileWithoutTabulating() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "1;2\nСогласен;Может быть\n".write(toFile: dir + "/x.csv", atomically: true, encoding: .utf8)
        let result = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/x.csv"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("x.csv:2: столбец 2, утверждение 2: «Может быть»"))
    }

    @Test func englishOutput() throws {
        let result = try survey(["tabulate", "preschool-staff-survey", "--from-csv", staffFixture, "--lang", "en", "--population", "4"])
        #expect(result.stdout.contains("Population: 4, took part: 4 — 100 %"))
        #expect(result.stdout.contains("Strongly agree"))
    }

    @Test func byColumnBreaksDownAndHidesSmallGroups() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Five answers in school A (4 agree with statement 1, 1 disagrees), two in school B, three in school C
        // (hidden too, so that B cannot be worked out from the totals: see CLISuppressionTests).
        let rows = ["Школа;1;2", "А;Согласен;Согласен", "А;Согласен;Не согласен", "А;Полностью согласен;Согласен",
                    "А;Согласен;Согласен", "А;Не согласен;Согласен", "Б;Согласен;Согласен", "Б;Не согласен;Не согласен",
                    "В;Согласен;Согласен", "В;Согласен;Согласен", "В;Согласен;Согласен"]
        try rows.joined(separator: "\n").write(toFile: dir + "/s.csv", atomically: true, encoding: .utf8)
        func groups(_ arguments: [String]) throws -> [[String: Any]] {
            let result = try survey(["tabulate", "preschool-staff-survey", "--by", "Школа", "--format", "json"] + arguments)
            #expect(result.status == 0, "\(result.stderr)")
            return try #require((try json(result.stdout) as? [String: Any])?["groups"] as? [[String: Any]])
        }
        for source in [["--from-csv", dir + "/s.csv"], ["--data", dir + "/d"]] {
            if source[0] == "--data" {
                #expect(try survey(["import", "preschool-staff-survey", dir + "/s.csv", "--data", dir + "/d"]).status == 1, "an extra column is refused")
                #expect(try survey(["import", "preschool-staff-survey", dir + "/s.csv", "--data", dir + "/d", "--keep", "школа"]).status == 0)
            }
            let list = try groups(source)
            #expect(list.map { $0["group"] as? String } == ["А", "Б", "В"])
            #expect(list[0]["respondents"] as? Int == 5 && list[0]["suppressed"] as? Bool == false)
            let first = try #require((list[0]["items"] as? [[String: Any]])?.first)
            #expect(first["positive"] as? Double == 0.8)
            #expect(list[1]["suppressed"] as? Bool == true, "two answers are too few to show")
            #expect((list[1]["items"] as? [Any])?.isEmpty == true)
            #expect(list[1]["suppressedBecause"] as? String == "small" && list[2]["suppressedBecause"] as? String == "complementary")
        }
        let shown = try groups(["--from-csv", dir + "/s.csv", "--min-group", "2"])
        #expect(shown[1]["suppressed"] as? Bool == false)
    }
}
