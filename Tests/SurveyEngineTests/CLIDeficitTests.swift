import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// `survey profile`, `route`, `group` through the binary, on a school of teachers from an answer sheet.
@Suite("CLI: deficits")
struct CLIDeficitTests {
    /// Four teachers: Антонова weak in ИКТ, Борисова strong everywhere, Васильева weak in health, Григорьева solid.
    static func sheet() throws -> (dir: String, data: String) {
        let dir = try temporaryFolder()
        let text = try String(contentsOfFile: Repo.questionnaires + "/teacher-deficits.json", encoding: .utf8)
        let q = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let items = try #require(q["items"] as? [[String: Any]])
        /// Борисова gave consent to mentor and has 15 years; the others did not say (never proposed as mentors).
        func row(_ name: String, _ level: Int, _ areas: [String: Int], mentor: Bool = false) -> String {
            ([name, mentor ? "да" : "", mentor ? "15" : ""] + items.map { item in
                // Statements only: test tasks and the confidential block are left blank.
                guard item["scale"] as? String == "self4" else { return "" }
                let keyed = areas[item["area"] as? String ?? ""] ?? level
                let raw = (item["reverse"] as? Bool ?? false) ? 5 - keyed : keyed
                return String(raw)
            }).joined(separator: ";")
        }
        let lines = ["ФИО;Согласие на наставничество;Стаж;" + items.map { $0["id"] as? String ?? "" }.joined(separator: ";"),
                     row("Антонова Анна", 3, ["ict": 1]), row("Борисова Вера", 4, [:], mentor: true),
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
        for key in ["area", "activity", "form", "start", "end", "product", "mentor", "task", "result", "reportingForm", "responsible", "status", "note", "alternatives"] {
            #expect(steps.allSatisfy { $0.keys.contains(key) }, "\(key)")
        }
        #expect(steps.allSatisfy { $0["status"] as? String == "planned" })
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
        #expect(result.stderr.contains("возможно, имелось в виду «Антонова Анна»?"), "\(result.stderr)")
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

/// Issue 12 through the binary: context columns in an answer file, tests in the profile, keys hidden by
/// `show`, answers stored under the first version still read, alpha per area in `group`.
@Suite("CLI: self-diagnosis version 2")
struct CLISelfDiagnosisTests {
    static let q = try! QuestionnaireLibrary(folder: Repo.questionnaires).resolve("teacher-deficits")

    /// A file as a school types it: «№», «ФИО», the context columns, then every item by number.
    static func file(_ rows: [(name: String, context: [String], answer: (Item) -> String)]) -> String {
        let header = ["№", "ФИО", "Должность", "Предмет", "Классный руководитель", "Стаж", "Возраст", "Школа"] + q.items.map { String($0.number) }
        var lines = [header.joined(separator: ";")]
        for (index, row) in rows.enumerated() {
            lines.append(([String(index + 1), row.name] + row.context + q.items.map(row.answer)).joined(separator: ";"))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    @Test func aMusicTeachersRoleBoundAnswersAreIgnoredOnImportAndSaidOnce() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let music = TeacherContext(role: "teacher", subject: "music", classTeacher: false)
        // «4» on her statements, «1» on the exam and class-teacher ones that are not hers, tests left blank.
        let text = Self.file([
            ("Морозова Татьяна Михайловна", ["Учитель", "Музыка", "нет", "12", "41", "Школа № 5"],
             { item in item.scale == "self4" ? (Self.q.applies(item, to: music) ? "Точно про меня" : "Совсем не про меня") : "" }),
            ("Орлова Инна Петровна", ["учитель", "математика", "да", "2", "24", "Школа № 5"],
             { item in item.scale == "self4" ? "3" : item.test != nil ? "а" : "" }),
        ])
        try text.write(toFile: dir + "/forms.csv", atomically: true, encoding: .utf8)
        let imported = try survey(["import", "teacher-deficits", dir + "/forms.csv", "--data", dir + "/data"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let skipped = Self.q.items.filter { $0.scale == "self4" && !Self.q.applies($0, to: music) }
        #expect(imported.stdout.components(separatedBy: "Не учтены ответы на утверждения, которые не относятся").count == 2, "said once:\n\(imported.stdout)")
        #expect(imported.stdout.contains(": \(skipped.count) (утверждения"), "\(imported.stdout)")

        let result = try survey(["profile", "teacher-deficits", "--respondent", "морозова татьяна михайловна", "--data", dir + "/data", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let profile = try #require(try json(result.stdout) as? [String: Any])
        #expect(profile["version"] as? String == "2")
        let context = try #require(profile["context"] as? [String: Any])
        #expect(context["subject"] as? String == "music" && context["classTeacher"] as? Bool == false && context["experience"] as? Int == 12)
        #expect(context["youngSpecialist"] as? Bool == false)
        let areas = try #require(profile["areas"] as? [[String: Any]])
        #expect(areas.allSatisfy { $0["deficit"] as? Bool == false }, "no phantom deficits")
        #expect(areas.allSatisfy { $0.keys.contains("test") && $0.keys.contains("borderline") })
        #expect(areas.first { $0["id"] as? String == "ict" }?["test"] is NSNull, "no tasks in ICT")

        // The young mathematician answered «а» everywhere: her tests are scored beside the self-report.
        let young = try #require(try json(try survey(["profile", "teacher-deficits", "--respondent", "Орлова Инна Петровна", "--data", dir + "/data", "--format", "json"]).stdout) as? [String: Any])
        #expect((young["context"] as? [String: Any])?["youngSpecialist"] as? Bool == true)
        let regulatory = try #require((young["areas"] as? [[String: Any]])?.first { $0["id"] as? String == "regulatory" })
        let test = try #require(regulatory["test"] as? [String: Any])
        for key in ["score", "answered", "total", "band"] { #expect(test.keys.contains(key), "\(key)") }
        #expect(test["answered"] as? Int == test["total"] as? Int)
        let shown = try survey(["profile", "teacher-deficits", "--respondent", "Орлова Инна Петровна", "--data", dir + "/data"])
        #expect(shown.stdout.contains("Учитель · Математика · классный руководитель · стаж 2 года · 24 года · молодой специалист"), "\(shown.stdout)")
        #expect(shown.stdout.contains("Тест"))
    }

    @Test func aBadContextCellIsNamedWithItsColumn() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = Self.file([("Иванова Анна", ["Учитель", "Музыка", "может быть", "двенадцать", "41", ""], { $0.scale == "self4" ? "3" : "" })])
        try text.write(toFile: dir + "/forms.csv", atomically: true, encoding: .utf8)
        let imported = try survey(["import", "teacher-deficits", dir + "/forms.csv", "--data", dir + "/data"])
        #expect(imported.status == 1)
        #expect(imported.stderr.contains("forms.csv:2: столбец 5, «Классный руководитель»: «может быть» — не «да» и не «нет»"), "\(imported.stderr)")
        #expect(imported.stderr.contains("столбец 6, «Стаж»: «двенадцать» — не число лет"), "\(imported.stderr)")
    }

    @Test func showHidesTheKeysUnlessAsked() throws {
        let plain = try #require(try json(try survey(["show", "teacher-deficits", "--format", "json"]).stdout) as? [String: Any])
        let tasks = (plain["items"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "test" }
        #expect(tasks.count >= 10)
        #expect(tasks.allSatisfy { ($0["options"] as? [[String: Any]] ?? []).allSatisfy { $0["correct"] == nil } })
        let keyed = try #require(try json(try survey(["show", "teacher-deficits", "--format", "json", "--keys"]).stdout) as? [String: Any])
        let keyedTasks = (keyed["items"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "test" }
        #expect(keyedTasks.allSatisfy { ($0["options"] as? [[String: Any]] ?? []).contains { $0["correct"] as? Bool == true } })
        let text = try survey(["show", "teacher-deficits"]).stdout
        #expect(!text.contains("✓") && text.contains("--keys"))
        #expect(try survey(["show", "teacher-deficits", "--keys"]).stdout.contains("✓"))
    }

    /// A store written before version 2 (statements d1…d45) still reads: the profile is scored with version 1
    /// and says so; route and group work on it.
    @Test func answersToTheFirstVersionStillRead() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let v1 = try #require(QuestionnaireLibrary(folder: Repo.questionnaires).earlierVersions(of: "teacher-deficits").first)
        var values: [String: Double] = [:]
        for item in v1.items { values[item.id] = item.area == "ict" ? (item.reverse ? 4 : 1) : (item.reverse ? 1 : 4) }
        let store = ResponseStore(root: dir + "/data")
        _ = try store.commit([Response(respondent: "Старова Ольга", values: values)], questionnaireID: "teacher-deficits", source: "v1", checksum: nil)
        let text = try survey(["profile", "teacher-deficits", "--respondent", "Старова Ольга", "--data", dir + "/data"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("версия определения 1"), "\(text.stdout)")
        let profile = try #require(try json(try survey(["profile", "teacher-deficits", "--respondent", "Старова Ольга", "--data", dir + "/data", "--format", "json"]).stdout) as? [String: Any])
        let deficits = (profile["areas"] as? [[String: Any]] ?? []).filter { $0["deficit"] as? Bool == true }.compactMap { $0["id"] as? String }
        #expect(deficits == ["ict"])
        #expect(try survey(["route", "teacher-deficits", "--respondent", "Старова Ольга", "--data", dir + "/data"]).status == 0)
        #expect(try survey(["group", "teacher-deficits", "--data", dir + "/data"]).status == 0)
    }

    @Test func groupReportsAlphaPerAreaAndWithholdsItForFewTeachers() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sample = try survey(["sample", "teacher-deficits", "--count", "30", "--seed", "4", "--out", dir + "/s.csv"])
        #expect(sample.status == 0)
        #expect(try survey(["import", "teacher-deficits", dir + "/s.csv", "--data", dir + "/data"]).status == 0)
        let group = try #require(try json(try survey(["group", "teacher-deficits", "--data", dir + "/data", "--format", "json"]).stdout) as? [String: Any])
        let areas = try #require(group["areas"] as? [[String: Any]])
        #expect(areas.allSatisfy { $0.keys.contains("alpha") })
        #expect(areas.contains { ($0["alpha"] as? Double).map { $0 > 0.6 && $0 < 1 } == true }, "\(areas.map { $0["alpha"] ?? "" })")
        // Five teachers: too few complete answers for any alpha.
        let few = dir + "/few.csv"
        let lines = try String(contentsOfFile: dir + "/s.csv", encoding: .utf8).split(whereSeparator: \.isNewline).prefix(6).joined(separator: "\r\n")
        try lines.write(toFile: few, atomically: true, encoding: .utf8)
        let fewImport = try survey(["import", "teacher-deficits", few, "--data", dir + "/few"])
        #expect(fewImport.status == 0, "\(fewImport.stderr)")
        let small = try #require(try json(try survey(["group", "teacher-deficits", "--data", dir + "/few", "--format", "json"]).stdout) as? [String: Any])
        #expect(small["respondents"] as? Int == 5)
        #expect((small["areas"] as? [[String: Any]] ?? []).allSatisfy { $0["alpha"] is NSNull }, "\(small["areas"] ?? "")")
        #expect(try survey(["group", "teacher-deficits", "--data", dir + "/few"]).stdout.contains("α не считается: полных ответов"))
    }

    /// Issue 14: teachers in natural order (№3 before №10) and a count that agrees with its noun.
    @Test func groupListsTeachersInNaturalOrderWithRussianPlurals() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let statements = Self.q.items.filter { $0.scale == "self4" }
        let header = (["ФИО"] + statements.map(\.id)).joined(separator: ";")
        let rows = ["Учитель 10", "Учитель 3", "учитель 21"].map { ([$0] + statements.map { _ in "3" }).joined(separator: ";") }
        try ([header] + rows).joined(separator: "\n").write(toFile: dir + "/s.csv", atomically: true, encoding: .utf8)
        #expect(try survey(["import", "teacher-deficits", dir + "/s.csv", "--data", dir + "/data"]).status == 0)
        let text = try survey(["group", "teacher-deficits", "--data", dir + "/data"]).stdout
        #expect(text.contains("Диагностику прошли 3 педагога."), "\(text)")
        let order = ["Учитель 3", "Учитель 10", "учитель 21"].compactMap { text.range(of: $0)?.lowerBound }
        #expect(order.count == 3 && order == order.sorted(), "\(text)")
    }
}
