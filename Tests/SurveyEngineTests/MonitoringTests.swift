import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

@Suite("Monitoring engine")
struct MonitoringEngineTests {
    static let q = try! QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-monitoring")
    static var physical: [Item] { q.items.filter { $0.area == "physical-education" } }
    static var stages: [String: Stage] { Dictionary(uniqueKeysWithValues: q.stages.map { ($0.id, $0) }) }

    static func child(_ name: String, _ stage: String, physical levels: [Double?]) -> Response {
        var values: [String: Double] = [:]
        for (item, level) in zip(Self.physical, levels) { if let level { values[item.id] = level } }
        return Response(respondent: name, stage: stage, values: values)
    }

    @Test func countsMeansAndBandsOfAStage() throws {
        let responses = [
            Self.child("А", "start", physical: [1, 1, 1, 1, 1, 1, 2, 1, 1, 1]),      // mean 11/10 → low
            Self.child("Б", "start", physical: [2, 2, 2, 2, 2, 3, 3, 2, 2, 2]),      // 22/10 → medium
            Self.child("В", "start", physical: [3, 3, 3, 3, 3, 3, nil, 3, 3, 3]),    // 3 over 9 rated → high
        ]
        let analysis = try #require(MonitoringAnalysis(questionnaire: Self.q, responses: responses))
        let summary = analysis.summary(of: Self.stages["start"]!)
        #expect(summary.children == 3)
        let first = try #require(summary.criteria.first { $0.item.id == "5-Ф.1" })
        #expect(first.counts == [1: 1, 2: 1, 3: 1] && first.missing == 0)
        let last = try #require(summary.criteria.first { $0.item.id == "5-Ф.7" })
        #expect(last.counts == [1: 0, 2: 1, 3: 1] && last.missing == 1)
        let area = try #require(summary.areas.first { $0.area.id == "physical-education" })
        #expect(area.bands == ["low": 1, "medium": 1, "high": 1])
        #expect(abs((area.mean ?? 0) - (11.0 / 10 + 22.0 / 10 + 3) / 3) < 1e-12)
        // Other areas were not rated at all: nobody is banded there.
        #expect(summary.areas.first { $0.area.id == "music" }?.unbanded == 3)
    }

    @Test func anAreaWithTooManyMissingCriteriaIsNotBanded() throws {
        let analysis = try #require(MonitoringAnalysis(questionnaire: Self.q, responses: []))
        let area = try #require(Self.q.area("physical-education"))
        let twoMissing = analysis.areaLevel(Self.child("Г", "start", physical: [3, 3, 3, 3, 3, nil, nil, 3, 3, 3]), area: area)
        #expect(twoMissing.band?.id == "high" && twoMissing.missing == 2)
        let threeMissing = analysis.areaLevel(Self.child("Г", "start", physical: [3, 3, 3, 3, nil, nil, nil, 3, 3, 3]), area: area)
        #expect(threeMissing.band == nil && threeMissing.mean == 3, "the mean is kept, the band withheld (maxMissing 2)")
        #expect(threeMissing.distribution == [3: 7])
    }

    @Test func dynamicsRegressionsAndChildrenStuckAtLevelOne() throws {
        let responses = [
            Self.child("А", "start", physical: [1, 1, 2, 2, 3, 3, 1]),
            Self.child("А", "mid", physical: [1, 2, 2, 1, 3, 3, 2]),
            Self.child("А", "final", physical: [1, 3, 3, 2, 3, 3, 3]),
        ]
        let analysis = try #require(MonitoringAnalysis(questionnaire: Self.q, responses: responses))
        let d = analysis.dynamics(from: Self.stages["start"]!, to: Self.stages["mid"]!)
        #expect(d[.improved] == 2 && d[.same] == 4 && d[.regressed] == 1)
        let card = try #require(analysis.card(for: "а"))
        #expect(card.ratedStages.map(\.id) == ["start", "mid", "final"])
        #expect(card.regressions.map(\.item.id) == ["5-Ф.4"])
        #expect(card.stuckAtLowest.map(\.item.id) == ["5-Ф.1", "5-Ф.1"])
        #expect(abs((card.change["physical-education"] ?? 0) - (18.0 - 13.0) / 7) < 1e-12)
        // Planned work: the criteria at the child's lowest level at the latest stage, aiming one level up.
        #expect(card.plannedWork.map(\.item.id) == ["5-Ф.1"])
        #expect(card.plannedWork.first?.target.value == 2)
    }
}

/// Two stage sheets of a class through `survey import` and `survey monitor`, checked against numbers the
/// test computes itself from the sheets it wrote.
@Suite("CLI: monitoring")
struct CLIMonitoringTests {
    static let spellings: [Int: [String]] = [1: ["1", "I", "І", "низкий"], 2: ["2", "II", "ІІ", "ii"], 3: ["3", "III", "ІІІ", "Высокий"]]

    /// Deterministic levels per child, criterion and stage (later stages a little higher).
    static func level(_ child: Int, _ criterion: Int, _ stage: Int) -> Int {
        let base = (child * 7 + criterion * 3) % 3 + 1
        return min(3, base + (stage > 0 && (child + criterion) % 4 == 0 ? 1 : 0))
    }

    static func write(stage: Int, children: Int, criteria: [String], to path: String) throws {
        var lines = ["Ребёнок;" + criteria.joined(separator: ";")]
        for c in 0..<children {
            lines.append("Ребёнок \(c + 1);" + criteria.indices.map { i in
                let v = level(c, i, stage)
                return spellings[v]![(c + i) % 4]
            }.joined(separator: ";"))
        }
        try lines.joined(separator: "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func twoStagesImportAndSummarise() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-monitoring")
        let criteria = q.items.map(\.id)
        let children = 9
        try Self.write(stage: 0, children: children, criteria: criteria, to: dir + "/sept.csv")
        try Self.write(stage: 1, children: children, criteria: criteria, to: dir + "/jan.csv")
        #expect(try survey(["import", "preschool-monitoring", dir + "/sept.csv", "--stage", "start", "--data", dir + "/d"]).status == 0)
        let second = try survey(["import", "preschool-monitoring", dir + "/jan.csv", "--stage", "mid", "--data", dir + "/d"])
        #expect(second.status == 0, "\(second.stderr)")
        // A stage sheet needs --stage.
        #expect(try survey(["import", "preschool-monitoring", dir + "/jan.csv", "--data", dir + "/d"]).status == 64)

        let result = try survey(["monitor", "preschool-monitoring", "--data", dir + "/d", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try json(result.stdout) as? [String: Any])
        let stages = try #require(summary["stages"] as? [[String: Any]])
        #expect(stages.map { $0["stage"] as? String } == ["start", "mid"])
        for (s, stage) in stages.enumerated() {
            #expect(stage["children"] as? Int == children)
            let rows = try #require(stage["criteria"] as? [[String: Any]])
            for (i, row) in rows.enumerated() {
                let counts = try #require(row["counts"] as? [String: Int])
                for v in 1...3 {
                    let expected = (0..<children).filter { Self.level($0, i, s) == v }.count
                    #expect(counts["\(v)"] == expected, "stage \(s) criterion \(i) level \(v)")
                }
            }
            let areas = try #require(stage["areas"] as? [[String: Any]])
            let physicalIndices = q.items.indices.filter { q.items[$0].area == "physical-education" }
            let means = (0..<children).map { c in Double(physicalIndices.map { Self.level(c, $0, s) }.reduce(0, +)) / Double(physicalIndices.count) }
            let area = try #require(areas.first { $0["id"] as? String == "physical-education" })
            #expect(abs((area["mean"] as? Double ?? 0) - means.reduce(0, +) / Double(children)) < 1e-9)
            let levels = try #require(area["levels"] as? [String: Int])
            #expect(levels["low"] == means.filter { $0 < 1.5 }.count)
            #expect(levels["medium"] == means.filter { $0 >= 1.5 && $0 < 2.5 }.count)
            #expect(levels["high"] == means.filter { $0 >= 2.5 }.count)
        }

        // A child's card: area means per stage and the change.
        let card = try survey(["monitor", "preschool-monitoring", "--data", dir + "/d", "--child", "ребёнок 4", "--format", "json"])
        #expect(card.status == 0, "\(card.stderr)")
        let object = try #require(try json(card.stdout) as? [String: Any])
        #expect(object["child"] as? String == "Ребёнок 4")
        let areas = try #require(object["areas"] as? [[String: Any]])
        for area in areas {
            let indices = q.items.indices.filter { q.items[$0].area == area["id"] as? String }
            let start = Double(indices.map { Self.level(3, $0, 0) }.reduce(0, +)) / Double(indices.count)
            let mid = Double(indices.map { Self.level(3, $0, 1) }.reduce(0, +)) / Double(indices.count)
            let stages = try #require(area["stages"] as? [String: Double])
            #expect(abs((stages["start"] ?? 0) - start) < 1e-9 && abs((stages["mid"] ?? 0) - mid) < 1e-9)
            #expect(stages["final"] == nil, "an absent stage is omitted")
            #expect(abs((area["change"] as? Double ?? 0) - (mid - start)) < 1e-9)
        }
        for format in ["text", "md", "html"] {
            #expect(try survey(["monitor", "preschool-monitoring", "--data", dir + "/d", "--format", format]).stdout.contains("5-Ф.1"))
            #expect(try survey(["monitor", "preschool-monitoring", "--data", dir + "/d", "--all-children", "--format", format]).stdout.contains("Ребёнок 9"))
        }
    }

    @Test func reimportingAStageForAChildReplacesIt() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "Ребёнок;5-Ф.1\nАружан;I\nБогдан;II\n".write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        try "Ребёнок;5-Ф.1\nАружан;III\n".write(toFile: dir + "/b.csv", atomically: true, encoding: .utf8)
        #expect(try survey(["import", "preschool-monitoring", dir + "/a.csv", "--stage", "start", "--data", dir]).status == 0)
        let again = try survey(["import", "preschool-monitoring", dir + "/b.csv", "--stage", "start", "--data", dir])
        #expect(again.stdout.contains("Заменены прежние данные этапа для 1: Аружан"), "\(again.stdout)")
        let summary = try #require(try json(try survey(["monitor", "preschool-monitoring", "--data", dir, "--format", "json", "--stage", "start"]).stdout) as? [String: Any])
        let stage = try #require((summary["stages"] as? [[String: Any]])?.first)
        #expect(stage["children"] as? Int == 2)
        let first = try #require((stage["criteria"] as? [[String: Any]])?.first?["counts"] as? [String: Int])
        #expect(first == ["1": 0, "2": 1, "3": 1])
    }
}
