import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// Issue 15 item 8: monitoring sheets through cp1251, where Excel on Russian Windows turns the Kazakh «Ә»
/// of `5-Ә.1` into `5-?.1`.
@Suite("CLI: criterion codes through cp1251")
struct CLICP1251CodeTests {
    static let q = try! QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-monitoring")

    static func cp1251(_ text: String) throws -> Data {
        guard case .success(let bytes) = OutputEncoding.cp1251.encode(text) else { throw CocoaError(.fileWriteInapplicableStringEncoding) }
        return Data(bytes)
    }

    static func stored(_ data: String, stage: String) throws -> [String: [String: Double]] {
        let export = try survey(["export", "preschool-monitoring", "--format", "json", "--data", data])
        let responses = try #require((try json(export.stdout) as? [String: Any])?["responses"] as? [[String: Any]])
        var out: [String: [String: Double]] = [:]
        for r in responses where r["stage"] as? String == stage {
            let answers = r["answers"] as? [String: [String: Any]] ?? [:]
            out[r["respondent"] as? String ?? ""] = answers.compactMapValues { ($0["value"] as? NSNumber)?.doubleValue }
        }
        return out
    }

    @Test func anExcelSheetWithQuestionMarksImportsUnderTheRightCodes() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // As Excel saves it: cp1251, «;», CRLF, every «Ә» a «?».
        let codes = Self.q.scoredItems.map(\.id)
        let header = "Ребёнок;" + codes.map { $0.replacingOccurrences(of: "Ә", with: "?") }.joined(separator: ";")
        let rows = ["Аружан К.", "Богдан С."].enumerated().map { child, name in
            name + ";" + codes.indices.map { ["I", "II", "III"][($0 + child) % 3] }.joined(separator: ";")
        }
        try Self.cp1251(([header] + rows).joined(separator: "\r\n") + "\r\n").write(to: URL(fileURLWithPath: dir + "/sheet.csv"))
        let result = try survey(["import", "preschool-monitoring", dir + "/sheet.csv", "--stage", "start", "--data", dir + "/d"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cp1251"))
        let stored = try Self.stored(dir + "/d", stage: "start")
        for (i, code) in codes.enumerated() {
            #expect(stored["Аружан К."]?[code] == Double(i % 3 + 1), "\(code)")
            #expect(stored["Богдан С."]?[code] == Double((i + 1) % 3 + 1), "\(code)")
        }
        #expect(stored["Аружан К."]?["5-Ә.10"] == Double(codes.firstIndex(of: "5-Ә.10")! % 3 + 1), "5-?.10 is 5-Ә.10, not 5-Ә.1")
    }

    @Test func theDeclaredASCIIAliasImportsToo() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.cp1251("Ребёнок;5-A.1;5-a.2\r\nАружан;III;II\r\n").write(to: URL(fileURLWithPath: dir + "/a.csv"))
        let result = try survey(["import", "preschool-monitoring", dir + "/a.csv", "--stage", "mid", "--data", dir + "/d"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.stored(dir + "/d", stage: "mid")["Аружан"] == ["5-Ә.1": 3, "5-Ә.2": 2])
    }

    @Test func aCodeNoItemReadsAsIsRefusedWithoutAWrongSuggestion() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.cp1251("Ребёнок;5-?.99\r\nАружан;I\r\n").write(to: URL(fileURLWithPath: dir + "/a.csv"))
        let result = try survey(["import", "preschool-monitoring", dir + "/a.csv", "--stage", "start", "--data", dir + "/d"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("«5-?.99»") && result.stderr.contains("cp1251"), "\(result.stderr)")
        #expect(!result.stderr.contains("5-Ф."), "no «did you mean 5-Ф.1»")
    }

    @Test func sampleAndExportWriteCp1251ThatImportsBack() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sample = try survey(["sample", "preschool-monitoring", "--count", "6", "--stage", "start", "--encoding", "cp1251", "--out", dir + "/s.csv"])
        #expect(sample.status == 0, "\(sample.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/s.csv"))
        #expect(String(data: bytes, encoding: .utf8) == nil, "really cp1251")
        let imported = try survey(["import", "preschool-monitoring", dir + "/s.csv", "--stage", "start", "--data", dir + "/d"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let first = try Self.stored(dir + "/d", stage: "start")
        #expect(first.count == 6 && first.values.contains { $0["5-Ә.1"] != nil })

        let export = try survey(["export", "preschool-monitoring", "--stage", "start", "--encoding", "cp1251", "--out", dir + "/e.csv", "--data", dir + "/d"])
        #expect(export.status == 0, "\(export.stderr)")
        let again = try survey(["import", "preschool-monitoring", dir + "/e.csv", "--stage", "start", "--data", dir + "/d2"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.stored(dir + "/d2", stage: "start") == first, "the cp1251 export imports as the same levels")
    }

    /// Two lost letters that would read alike are refused naming both, never guessed.
    @Test func anAmbiguousLostLetterIsRefusedNamingTheCandidates() {
        var a = Item(id: "5-Ә.1", number: 1, text: "А", scale: "level3", area: "world")
        a.aliases = ["5-A.1"]
        let b = Item(id: "5-Ө.1", number: 2, text: "Б", scale: "level3", area: "world")
        let q = Questionnaire(id: "m", kind: .monitoring, title: "М", scales: [], items: [a, b])
        let plan = HeaderMatcher(questionnaire: q).plan(["ребёнок", "5-?.1"])
        let problem = plan.problems.first
        #expect(problem?.message.contains("«5-Ә.1» (5-A.1) или «5-Ө.1»") == true, "\(plan.problems)")
        #expect(HeaderMatcher(questionnaire: q).plan(["ребёнок", "5-A.1"]).problems.isEmpty)
    }
}
