import Foundation
import Testing

/// `survey profile`, `route`, `group` through the binary, on a school of teachers from an answer sheet.
@Suite("CLI: deficits")
struct CLIDeficitTests {
    /// Four teachers: Антонова weak in ИКТ, Борисова strong everywhere, Васильева weak in health, Григорьева solid.
    static func sheet() throws -> (dir: String, data: String) {
        let dir = try temporaryFolder()
        let text = try String(contentsOfFile: Repo.questionnaires + "/teacher-deficits.json", encoding: .utf8)
        let q = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let items = try #require(q["items"] as? [[String: Any]])
        func row(_ name: String, _ level: Int, _ areas: [String: Int]) -> String {
            ([name] + items.map { item in
                // Statements only: test tasks and the confidential block are left blank.
                guard item["scale"] as? String == "self4" else { return "" }
                let keyed = areas[item["area"] as? String ?? ""] ?? level
                let raw = (item["reverse"] as? Bool ?? false) ? 5 - keyed : keyed
                return String(raw)
            }).joined(separator: ";")
        }
        let lines = ["ФИО;" + items.map { $0["id"] as? String ?? "" }.joined(separator: ";"),
                     row("Антонова Анна", 3, ["ict": 1]), row("Борисова Вера", 4, [:]),
                     row("Васильева Галина", 3, ["health": 2]), row("Григорьева Дарья", 3, [:])]
        try lines.joined(separator: "\n").write(toFile: dir + "/school.csv", atomically: true, encoding: .utf8)
        let data = dir + "/data"
        let imported = try survey(["import", "teacher-deficits", dir + "/school.csv", "--data", data])
        #expect(imported.status == 0, "\(imported.stderr)")
        return (dir, data)
    }

    @Test func profileJSONHasTheContractShape() throws {
        let (dir, data) = try Self.sheet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try survey(["profile", "teacher-deficits", "--respondent", "антонова  анна", "--data", data, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let profile = try #require(try json(result.stdout) as? [String: Any])
        #expect(profile["respondent"] as? String == "Антонова Анна")
        #expect(profile["questionnaire"] as? String == "teacher-deficits")
        let areas = try #require(profile["areas"] as? [[String: Any]])
        for key in ["id", "title", "score", "level", "deficit", "priority"] { #expect(areas.allSatisfy { $0.keys.contains(key) }, "\(key)") }
        let deficits = areas.filter { $0["deficit"] as? Bool == true }
        #expect(deficits.map { $0["id"] as? String } == ["ict"])
        #expect(deficits.first?["priority"] as? Int == 1)
        #expect(deficits.first?["score"] as? Double == 0)
        #expect(areas.filter { $0["deficit"] as? Bool == false }.allSatisfy { $0["priority"] is NSNull })
    }

    @Test func routeJSONCoversTheDeficitWithTermsAndAMentor() throws {
        let (dir, data) = try Self.sheet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try survey(["route", "teacher-deficits", "--respondent", "Антонова Анна", "--data", data, "--start", "2026-12", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let route = try #require(try json(result.stdout) as? [String: Any])
        #expect(route["horizon"] as? String == "2030-11")
        let steps = try #require(route["steps"] as? [[String: Any]])
        #expect(!steps.isEmpty)
        for key in ["area", "activity", "form", "start", "end", "product", "mentor"] { #expect(steps.allSatisfy { $0.keys.contains(key) }, "\(key)") }
        #expect(steps.allSatisfy { $0["area"] as? String == "ict" })
        #expect(steps.allSatisfy { ($0["start"] as? String ?? "") >= "2026-12" && ($0["end"] as? String ?? "9") <= "2030-11" })
        // Борисова is strong in ИКТ: she is the proposed mentor of the mentoring step.
        #expect(steps.contains { $0["mentor"] as? String == "Борисова Вера" })
        for format in ["text", "md", "html"] {
            let rendered = try survey(["route", "teacher-deficits", "--respondent", "Антонова Анна", "--data", data, "--format", format])
            #expect(rendered.status == 0)
            #expect(rendered.stdout.contains("Борисова Вера"), "\(format)")
        }
    }

    @Test func groupJSONHasSharesAndMentorPairs() throws {
        let (dir, data) = try Self.sheet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try survey(["group", "teacher-deficits", "--data", data, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let group = try #require(try json(result.stdout) as? [String: Any])
        #expect(group["respondents"] as? Int == 4)
        let areas = try #require(group["areas"] as? [[String: Any]])
        #expect(areas.first { $0["id"] as? String == "ict" }?["deficits"] as? Int == 1)
        #expect(areas.first { $0["id"] as? String == "ict" }?["share"] as? Double == 0.25)
        let mentors = try #require(group["mentors"] as? [[String: Any]])
        #expect(mentors.contains { $0["mentee"] as? String == "Антонова Анна" && $0["mentor"] as? String == "Борисова Вера" && $0["areas"] as? [String] == ["ict"] })
        #expect(mentors.contains { $0["mentee"] as? String == "Васильева Галина" && $0["mentor"] as? String == "Борисова Вера" })
        let anonymous = try survey(["group", "teacher-deficits", "--data", data, "--anonymize"])
        #expect(!anonymous.stdout.contains("Антонова"))
    }

    @Test func aSecondDiagnosisShowsTheChange() throws {
        let (dir, data) = try Self.sheet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try String(contentsOfFile: dir + "/school.csv", encoding: .utf8).split(separator: "\n")
        // Антонова again, now at 3 in ИКТ too.
        let again = [String(text[0]), String(text[4]).replacingOccurrences(of: "Григорьева Дарья", with: "Антонова Анна")].joined(separator: "\n")
        try again.write(toFile: dir + "/again.csv", atomically: true, encoding: .utf8)
        let imported = try survey(["import", "teacher-deficits", dir + "/again.csv", "--data", data])
        #expect(imported.stdout.contains("Антонова Анна"), "the repeat is reported")
        let profile = try survey(["profile", "teacher-deficits", "--respondent", "Антонова Анна", "--data", data])
        #expect(profile.stdout.contains("Изменения с прошлой диагностики"))
        #expect(profile.stdout.contains("0 → 67 (+67)  ✓ дефицит закрыт"), "\(profile.stdout)")
    }

    @Test func unknownTeacherIsNamedWithASuggestion() throws {
        let (dir, data) = try Self.sheet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try survey(["profile", "teacher-deficits", "--respondent", "Антонова Ана", "--data", data])
        #expect(result.status == 1)
        #expect(result.stderr.contains("did you mean «Антонова Анна»?"))
    }

    @Test func profileAndRouteCanBeAnonymized() throws {
        let (dir, data) = try Self.sheet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for command in ["profile", "route"] {
            let result = try survey([command, "teacher-deficits", "--respondent", "Антонова Анна", "--data", data, "--anonymize", "--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stdout.contains("Антонова") && !result.stdout.contains("Борисова"), "\(command)")
            #expect(result.stdout.contains("\"R-"), "\(command)")
        }
    }
}
