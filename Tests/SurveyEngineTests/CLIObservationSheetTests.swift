import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// Two stage sheets of a class where children arrive and leave, through `survey import` and
/// `survey monitor --sheet`: every footer count and percent, the children's order, the movement.
@Suite("CLI: observation sheet and movement")
struct CLIObservationSheetTests {
    static let q = try! QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-monitoring")
    static let criteria = q.scoredItems.map(\.id)

    /// Children at each stage: 1–10 in September; 9 and 10 leave, 11 and 12 arrive by January.
    static let children: [String: [Int]] = ["start": Array(1...10), "mid": Array(1...8) + [11, 12]]
    static let stageIndex = ["start": 0, "mid": 1]

    /// A deterministic level, or nil for a blank cell.
    static func level(_ child: Int, _ criterion: Int, _ stage: Int) -> Int? {
        if (child * 5 + criterion + stage) % 17 == 0 { return nil }
        return min(3, (child * 7 + criterion * 3) % 3 + 1 + (stage > 0 && (child + criterion) % 4 == 0 ? 1 : 0))
    }

    /// Percents by the largest remainder, computed here independently of the engine.
    static func percents(_ counts: [Int], of total: Int) -> [Int] {
        guard total > 0 else { return counts.map { _ in 0 } }
        let exact = counts.map { Double($0) * 100 / Double(total) }
        var result = exact.map { Int($0.rounded(.down)) }
        let order = counts.indices.sorted { (exact[$0] - Double(result[$0])) > (exact[$1] - Double(result[$1])) + 1e-9 }
        for index in order.prefix(100 - result.reduce(0, +)) { result[index] += 1 }
        return result
    }

    static func importStages(into dir: String) throws {
        for (stage, kids) in children {
            var lines = ["Ребёнок;" + criteria.joined(separator: ";") + ";Мероприятия;Мероприятия (физическое развитие)"]
            // Written in a shuffled order: the sheet must sort them naturally.
            for c in kids.reversed() {
                let cells = criteria.indices.map { i in level(c, i, stageIndex[stage]!).map { ["I", "II", "III"][$0 - 1] } ?? "" }
                lines.append("Ребёнок \(c);" + cells.joined(separator: ";") + ";" + (c == 3 ? "Игры с мячом, \(stage);Прыжки через скакалку, \(stage)" : ";"))
            }
            try lines.joined(separator: "\r\n").write(toFile: dir + "/\(stage).csv", atomically: true, encoding: .utf8)
            let result = try survey(["import", "preschool-monitoring", dir + "/\(stage).csv", "--stage", stage, "--data", dir + "/d"])
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test func everyFooterCountAndPercentOfTwoStages() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.importStages(into: dir)
        for (stage, kids) in Self.children {
            let s = Self.stageIndex[stage]!
            let result = try survey(["monitor", "preschool-monitoring", "--sheet", "--stage", stage, "--format", "json", "--data", dir + "/d"])
            #expect(result.status == 0, "\(result.stderr)")
            let sheet = try #require(try json(result.stdout) as? [String: Any])
            #expect(sheet["children"] as? Int == kids.count)
            let rows = try #require(sheet["rows"] as? [[String: Any]])
            #expect(rows.map { $0["child"] as? String ?? "" } == kids.sorted().map { "Ребёнок \($0)" }, "natural order: 3 before 10")
            let footer = try #require(sheet["criteria"] as? [[String: Any]])
            #expect(footer.count == Self.criteria.count)
            for (i, row) in footer.enumerated() {
                let levels = kids.map { Self.level($0, i, s) }
                let counts = (1...3).map { v in levels.filter { $0 == v }.count }
                let missing = levels.filter { $0 == nil }.count
                let expected = Self.percents(counts + [missing], of: kids.count)
                #expect(row["counts"] as? [String: Int] == ["1": counts[0], "2": counts[1], "3": counts[2]], "\(stage) \(Self.criteria[i])")
                #expect(row["percents"] as? [String: Int] == ["1": expected[0], "2": expected[1], "3": expected[2]], "\(stage) \(Self.criteria[i])")
                #expect(row["missing"] as? Int == missing && row["missingPercent"] as? Int == expected[3])
            }
            // The same numbers in the CSV's footer rows, as Excel shows them.
            let csv = try survey(["monitor", "preschool-monitoring", "--sheet", "--stage", stage, "--format", "csv", "--data", dir + "/d"]).stdout
            let records = csv.components(separatedBy: "\r\n").map { $0.components(separatedBy: ";") }
            #expect(records[0].prefix(3) == ["№", "Ребёнок", "5-Ф.1"])
            for (v, roman) in ["I", "II", "III"].enumerated() {
                let countRow = try #require(records.first { $0.count > 1 && $0[1] == "\(roman), детей" })
                let percentRow = try #require(records.first { $0.count > 1 && $0[1] == "\(roman), %" })
                for (i, code) in Self.criteria.enumerated() {
                    // Columns are grouped by domain, so found by their code.
                    let column = try #require(records[0].firstIndex(of: code))
                    let levels = kids.map { Self.level($0, i, s) }
                    let counts = (1...3).map { x in levels.filter { $0 == x }.count }
                    #expect(countRow[column] == String(counts[v]), "\(code)")
                    #expect(percentRow[column] == String(Self.percents(counts + [levels.filter { $0 == nil }.count], of: kids.count)[v]), "\(code)")
                }
            }
            // The teacher's measures are a column of the sheet.
            let third = try #require(rows.first { $0["child"] as? String == "Ребёнок 3" })
            #expect(third["measures"] as? [String] == ["Игры с мячом, \(stage)", "Физическое развитие: Прыжки через скакалку, \(stage)"])
        }
    }

    @Test func movementCountsArrivalsAndDepartures() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.importStages(into: dir)
        let summary = try #require(try json(try survey(["monitor", "preschool-monitoring", "--format", "json", "--data", dir + "/d"]).stdout) as? [String: Any])
        let movement = try #require(summary["movement"] as? [String: Any])
        #expect(movement["start"] as? Int == 10 && movement["arrived"] as? Int == 2 && movement["left"] as? Int == 2 && movement["end"] as? Int == 10)
        #expect(movement["arrivedChildren"] as? [String] == ["Ребёнок 11", "Ребёнок 12"])
        #expect(movement["leftChildren"] as? [String] == ["Ребёнок 9", "Ребёнок 10"])
        let text = try survey(["monitor", "preschool-monitoring", "--data", dir + "/d"]).stdout
        #expect(text.contains("Движение детей: на начало 10, прибыли 2 (Ребёнок 11, Ребёнок 12), выбыли 2 (Ребёнок 9, Ребёнок 10), на конец 10"), "\(text.prefix(400))")
        // Percents of a stage are of the children assessed at it: 10 in January, not the 12 ever seen.
        let mid = try #require((summary["stages"] as? [[String: Any]])?.last)
        #expect(mid["children"] as? Int == 10)
        let anonymous = try survey(["monitor", "preschool-monitoring", "--anonymize", "--data", dir + "/d"]).stdout
        #expect(!anonymous.contains("Ребёнок 11") && anonymous.contains("прибыли 2"), "pseudonyms with --anonymize")
    }

    @Test func theCardShowsTheTeachersMeasuresPerStageAndFewSuggestions() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.importStages(into: dir)
        let card = try #require(try json(try survey(["monitor", "preschool-monitoring", "--child", "Ребёнок 3", "--format", "json", "--data", dir + "/d"]).stdout) as? [String: Any])
        let measures = try #require(card["measures"] as? [[String: Any]])
        #expect(measures.map { "\($0["stage"] ?? "")|\($0["domain"] as? String ?? "-")|\($0["text"] ?? "")" } == [
            "start|-|Игры с мячом, start", "start|physical|Прыжки через скакалку, start",
            "mid|-|Игры с мячом, mid", "mid|physical|Прыжки через скакалку, mid"])
        // Suggestions are few: at most 2 per domain, 7 in all (the definition's scoring.suggestions), and marked.
        let work = try #require(card["plannedWork"] as? [[String: Any]])
        #expect(!work.isEmpty && work.count <= 7)
        #expect(work.allSatisfy { $0["suggested"] as? Bool == true && ($0["indicator"] as? String)?.isEmpty == false })
        let perDomain = Dictionary(grouping: work, by: { $0["domain"] as? String ?? "" })
        #expect(perDomain.values.allSatisfy { $0.count <= 2 })
        #expect(perDomain.count == min(5, work.count), "every weak domain gets one before any gets two")
        // The level it aims at is the criterion's own indicator one level up.
        let q = Self.q
        for w in work {
            let item = try #require(q.item(w["id"] as? String ?? ""))
            #expect(w["indicator"] as? String == item.indicators[Int(w["target"] as? Double ?? 0)])
        }

        let text = try survey(["monitor", "preschool-monitoring", "--child", "Ребёнок 3", "--data", dir + "/d"]).stdout
        #expect(text.contains("Мероприятия педагога"))
        #expect(text.contains("    Физическое развитие: Прыжки через скакалку, mid"))
        #expect(text.contains("    Общие: Игры с мячом, start"))
        #expect(text.contains("Предложения программы"))
        // «Ознакомление с окружающим миром» sits under the domain the definition gives it (social), everywhere.
        let social = try #require(text.range(of: "ФОРМИРОВАНИЕ СОЦИАЛЬНО-ЭМОЦИОНАЛЬНЫХ НАВЫКОВ"))
        let world = try #require(text.range(of: "Ознакомление с окружающим миром"))
        #expect(world.lowerBound > social.lowerBound)
        #expect(!text.contains("сейчас I, цель II"), "no boilerplate line per criterion")
        let html = try survey(["monitor", "preschool-monitoring", "--child", "Ребёнок 3", "--format", "html", "--data", dir + "/d"]).stdout
        #expect(!html.contains("<pre") && html.contains("<td>Прыжки через скакалку, start</td>"), "the card is tables, the measures in their domain row")
    }

    @Test func theReportGivesEachDomainsSharesPerStageAndTheWeakestCriteria() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.importStages(into: dir)
        let report = try #require(try json(try survey(["monitor", "preschool-monitoring", "--report", "--format", "json", "--data", dir + "/d"]).stdout) as? [String: Any])
        let domains = try #require(report["domains"] as? [[String: Any]])
        #expect(domains.map { $0["id"] as? String ?? "" } == Self.q.domains.map(\.id))
        // Physical development is one area: a child's level is the band of their mean over its criteria.
        let physical = try #require(domains.first { $0["id"] as? String == "physical" })
        let stages = try #require(physical["stages"] as? [[String: Any]])
        let indices = Self.q.scoredItems.indices.filter { Self.q.scoredItems[$0].area == "physical-education" }
        var shares: [[String: Int]] = []
        for (s, stage) in ["start", "mid"].enumerated() {
            let kids = Self.children[stage]!
            var counts = ["low": 0, "medium": 0, "high": 0]
            for c in kids {
                let levels = indices.compactMap { Self.level(c, $0, s) }
                let mean = Double(levels.reduce(0, +)) / Double(levels.count)
                counts[mean < 1.5 ? "low" : mean < 2.5 ? "medium" : "high", default: 0] += 1
            }
            let row = try #require(stages.first { $0["stage"] as? String == stage })
            #expect(row["counts"] as? [String: Int] == counts, "\(stage)")
            let p = Self.percents([counts["low"]!, counts["medium"]!, counts["high"]!, 0], of: kids.count)
            #expect(row["percents"] as? [String: Int] == ["low": p[0], "medium": p[1], "high": p[2]])
            shares.append(["low": p[0], "medium": p[1], "high": p[2]])
        }
        #expect(physical["change"] as? [String: Int] == shares[1].merging(shares[0]) { $0 - $1 })
        // The criteria most often at level I at the last stage, most children first, at most three.
        let weakest = try #require(physical["mostOftenAtLowest"] as? [[String: Any]])
        var atOne: [(id: String, count: Int)] = []
        for i in indices {
            let count = Self.children["mid"]!.filter { Self.level($0, i, 1) == 1 }.count
            if count > 0 { atOne.append((Self.q.scoredItems[i].id, count)) }
        }
        let top = atOne.enumerated().sorted { a, b in a.element.count != b.element.count ? a.element.count > b.element.count : a.offset < b.offset }
            .prefix(3).map { $0.element }
        #expect(weakest.map { $0["id"] as? String ?? "" } == top.map { $0.id })
        #expect(weakest.map { $0["children"] as? Int ?? 0 } == top.map { $0.count })
        let movement = try #require(report["movement"] as? [String: Any])
        #expect(movement["arrived"] as? Int == 2 && movement["left"] as? Int == 2)

        let text = try survey(["monitor", "preschool-monitoring", "--report", "--data", dir + "/d"]).stdout
        #expect(text.contains("Аналитическая справка") && text.contains("Физическое развитие. На этапе «Стартовый» (детей: 10)"))
        #expect(text.contains("Чаще всего на уровне I (промежуточный этап)"))
        let html = try survey(["monitor", "preschool-monitoring", "--report", "--format", "html", "--data", dir + "/d"]).stdout
        #expect(html.contains("<table>") && !html.contains("<pre"))
    }

    @Test func theImportSummaryNamesBlanksByCodeAndLeavesMeasuresOut() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let header = "Ребёнок;" + Self.criteria.joined(separator: ";")
        let row = "Аружан;" + Self.criteria.map { $0 == "5-Ф.2" ? "" : "II" }.joined(separator: ";")
        try [header, row].joined(separator: "\r\n").write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        let result = try survey(["import", "preschool-monitoring", dir + "/a.csv", "--stage", "start", "--data", dir + "/d"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Пропуски (код — сколько): 5-Ф.2 — 1"), "\(result.stdout)")
        #expect(!result.stdout.contains("Нет столбца"), "the optional «Мероприятия» columns are not missing answers")
    }

    @Test func theSheetPrintsInEveryFormatAndBlank() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.importStages(into: dir)
        let html = try survey(["monitor", "preschool-monitoring", "--sheet", "--stage", "mid", "--format", "html", "--data", dir + "/d"])
        #expect(html.status == 0 && html.stdout.contains("@page { size: A4 landscape") && html.stdout.contains("<table class=\"sheet\">"))
        #expect(!html.stdout.contains("<pre"), "a real table, not preformatted text")
        #expect(html.stdout.contains("<th colspan=\"7\">Развитие речи</th>"), "codes grouped by area")
        let text = try survey(["monitor", "preschool-monitoring", "--sheet", "--stage", "mid", "--data", dir + "/d"])
        #expect(text.stdout.contains("ФИЗИЧЕСКОЕ РАЗВИТИЕ") && text.stdout.contains("III, %"))
        let md = try survey(["monitor", "preschool-monitoring", "--sheet", "--stage", "mid", "--format", "md", "--data", dir + "/d"])
        #expect(md.stdout.contains("| 1 | Ребёнок 1 |"))
        #expect(try survey(["monitor", "preschool-monitoring", "--sheet", "--data", dir + "/d"]).status == 64, "a sheet needs --stage")
        #expect(try survey(["monitor", "preschool-monitoring", "--blank", "5", "--data", dir + "/d"]).status == 64, "--blank is for a sheet")
        #expect(try survey(["monitor", "preschool-monitoring", "--format", "csv", "--data", dir + "/d"]).status == 64, "csv is the sheet's")
        #expect(try survey(["monitor", "preschool-monitoring", "--sheet", "--stage", "mid", "--blank", "0"]).status == 64)
        let none = try survey(["monitor", "preschool-monitoring", "--sheet", "--stage", "final", "--data", dir + "/d"])
        #expect(none.status == 1 && none.stderr.contains("--blank"))

        // A blank sheet: N numbered rows, footer rows to count by hand, the indicators; its CSV imports once filled.
        let blank = try survey(["monitor", "preschool-monitoring", "--sheet", "--stage", "final", "--blank", "4", "--format", "html"])
        let tables = blank.stdout.components(separatedBy: "<table class=\"sheet\">").count - 1
        #expect(tables >= 5, "a table per domain at least (a wide one split to fit A4)")
        #expect(blank.status == 0 && blank.stdout.components(separatedBy: "<tr class=\"blank\">").count - 1 == 4 * tables)
        #expect(blank.stdout.contains("по показу взрослого"), "the blank sheet shows the indicators")
        let blankText = try survey(["monitor", "preschool-monitoring", "--sheet", "--stage", "final", "--blank", "3"]).stdout
        #expect(blankText.contains("III — уверенно прыгает разными способами") && blankText.contains("бланк на 3 строки"))
        let blankCSV = try survey(["monitor", "preschool-monitoring", "--sheet", "--stage", "final", "--blank", "2", "--format", "csv"]).stdout
        var lines = blankCSV.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3)
        lines[1] = "Ребёнок 5;" + Self.criteria.map { _ in "II" }.joined(separator: ";") + ";"
        lines.remove(at: 2)
        try lines.joined(separator: "\r\n").write(toFile: dir + "/filled.csv", atomically: true, encoding: .utf8)
        let imported = try survey(["import", "preschool-monitoring", dir + "/filled.csv", "--stage", "final", "--data", dir + "/d"])
        #expect(imported.status == 0, "\(imported.stderr)")
    }
}

@Suite("Natural order")
struct NaturalOrderTests {
    @Test func numbersCompareByValue() {
        #expect(NaturalOrder.less("Ребёнок 3", "Ребёнок 10"))
        #expect(!NaturalOrder.less("Ребёнок 10", "Ребёнок 3"))
        #expect(NaturalOrder.less("Айгерим К. №2", "айгерим К. №11"))
        #expect(["№10", "№2", "№1"].sorted(by: NaturalOrder.less) == ["№1", "№2", "№10"])
    }
}
