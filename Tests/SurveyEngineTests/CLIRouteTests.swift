import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// The living route through the binary: planned once, marked, cancelled, reflected, read back by a new
/// process; re-diagnosis; forget; `group --by Школа` with pairs' reasons and progress.
@Suite("CLI: living routes and district groups")
struct CLIRouteTests {
    static let who = "Антонова Анна"

    func route(_ data: String, _ extra: [String], start: String = "2026-09") throws -> (status: Int32, stdout: String, stderr: String) {
        let r = try survey(["route", "teacher-deficits", "--respondent", Self.who, "--data", data, "--start", start, "--today", "2027-01"] + extra)
        return (r.status, r.stdout, r.stderr)
    }

    @Test func marksCancellationsAndReflectionsSurviveARestart() throws {
        let (dir, data) = try CLIDeficitTests.sheet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let planned = try route(data, ["--format", "json"])
        #expect(planned.status == 0, "\(planned.stderr)")
        let steps = try #require((try json(planned.stdout) as? [String: Any])?["steps"] as? [[String: Any]])
        #expect(steps.count == 3)
        // Each call below is a new process: what it shows was read back from the store.
        #expect(try route(data, ["--done", "1", "--note", "Таблица результатов показана на МО"]).status == 0)
        #expect(try route(data, ["--cancel", "3", "--note", "Семинар перенесён методистом"]).status == 0)
        #expect(try route(data, ["--reflect", "ict", "Тесты с автопроверкой теперь делаю сама"]).status == 0)
        let path = data + "/teacher-deficits/routes.jsonl"
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 4, "one plan and three events")
        // A later call with another --start does not replan: the marks stay on their steps.
        let back = try #require(try json(try route(data, ["--format", "json"], start: "2027-05").stdout) as? [String: Any])
        let marked = try #require(back["steps"] as? [[String: Any]])
        #expect(marked.map { $0["activity"] as? String } == steps.map { $0["activity"] as? String })
        #expect(marked[0]["status"] as? String == "done" && marked[0]["note"] as? String == "Таблица результатов показана на МО")
        #expect(marked[1]["status"] as? String == "overdue", "step 2 ended before 2027-01 undone")
        #expect(marked[2]["status"] as? String == "cancelled")
        #expect((back["reflections"] as? [[String: Any]])?.first?["text"] as? String == "Тесты с автопроверкой теперь делаю сама")
        #expect((back["progress"] as? [String: Any])?["done"] as? Int == 1)
        let text = try route(data, []).stdout
        #expect(text.contains("[выполнено]") && text.contains("[просрочено]") && text.contains("[отменено]"))
        #expect(text.contains("Отметка: Таблица результатов показана на МО") && text.contains("ИКТ-компетенции: Тесты с автопроверкой"))
        let html = try route(data, ["--format", "html"]).stdout
        #expect(html.contains("<tr class=\"done\">") && html.contains("<tr class=\"overdue\">") && html.contains("<tr class=\"cancelled\">"))
        #expect(html.contains("выполнено: Таблица результатов показана на МО") && html.contains("Тесты с автопроверкой теперь делаю сама"))
        // Usage errors.
        #expect(try route(data, ["--done", "9"]).status == 64)
        #expect(try route(data, ["--reflect", "nowhere", "текст"]).status == 64)
        // group shows how far the route has come.
        let group = try survey(["group", "teacher-deficits", "--data", data])
        #expect(group.stdout.contains("ИОМ: 1 из 2"), "\(group.stdout)")
        #expect(group.stdout.contains("доля выполненных шагов ИОМ: 1 из 2, 50 %"))
        // forget takes the route too.
        let forgot = try survey(["forget", "teacher-deficits", "--respondent", Self.who, "--data", data])
        #expect(forgot.status == 0 && forgot.stdout.contains("записей маршрута: 4"), "\(forgot.stdout)")
        #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains("Антонова"))
    }

    @Test func aReDiagnosisClosesStepsAndProposesNewOnes() throws {
        let (dir, data) = try CLIDeficitTests.sheet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try route(data, ["--done", "1"]).status == 0)
        // Антонова again: ИКТ fine now, health weak.
        let text = try String(contentsOfFile: dir + "/school.csv", encoding: .utf8).split(separator: "\n")
        let again = [String(text[0]), String(text[3]).replacingOccurrences(of: "Васильева Галина", with: Self.who)].joined(separator: "\n")
        try again.write(toFile: dir + "/again.csv", atomically: true, encoding: .utf8)
        #expect(try survey(["import", "teacher-deficits", dir + "/again.csv", "--data", data]).status == 0)
        let back = try #require(try json(try route(data, ["--format", "json"]).stdout) as? [String: Any])
        let steps = try #require(back["steps"] as? [[String: Any]])
        #expect(steps[0]["status"] as? String == "done", "a done step stays done")
        #expect(steps.filter { $0["area"] as? String == "ict" }.dropFirst().allSatisfy { $0["status"] as? String == "cancelled" && ($0["note"] as? String ?? "").contains("дефицит закрыт") })
        #expect(steps.contains { $0["area"] as? String == "health" && $0["status"] as? String == "planned" })
        // Read once more: the re-diagnosis is applied once.
        let twice = try #require((try json(try route(data, ["--format", "json"]).stdout) as? [String: Any])?["steps"] as? [[String: Any]])
        #expect(twice.count == steps.count)
    }

    @Test func groupByschoolGivesBlocksPairsWithReasonsAndADistrictSummary() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (sheetDir, _) = try CLIDeficitTests.sheet()
        defer { try? FileManager.default.removeItem(atPath: sheetDir) }
        // The same four teachers, with context: two schools; Борисова (maths, consent) and Жукова (music, consent).
        let lines = try String(contentsOfFile: sheetDir + "/school.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        func with(_ line: String, school: String, subject: String, consent: String, experience: String, age: String) -> String {
            var cells = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            cells[1] = consent
            cells[2] = experience
            return ([cells[0], school, subject, age] + cells[1...]).joined(separator: ";")
        }
        var header = lines[0].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        header.insert(contentsOf: ["Школа", "Предмет", "Возраст"], at: 1)
        let rows = [header.joined(separator: ";"),
                    with(lines[1], school: "Школа № 1", subject: "Математика", consent: "нет", experience: "1", age: "23"),
                    with(lines[2], school: "Школа № 1", subject: "Математика", consent: "да", experience: "15", age: "45"),
                    with(lines[3], school: "Школа № 2", subject: "Музыка", consent: "да", experience: "20", age: "50"),
                    with(lines[4], school: "Школа № 2", subject: "Музыка", consent: "нет", experience: "9", age: "40")]
        try rows.joined(separator: "\n").write(toFile: dir + "/district.csv", atomically: true, encoding: .utf8)
        let data = dir + "/data"
        let imported = try survey(["import", "teacher-deficits", dir + "/district.csv", "--data", data])
        #expect(imported.status == 0, "\(imported.stderr)")
        let text = try survey(["group", "teacher-deficits", "--data", data, "--by", "Школа"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("══ Школа: Школа № 1 ══") && text.stdout.contains("══ Школа: Школа № 2 ══"))
        #expect(text.stdout.contains("Сводка по району"))
        #expect(text.stdout.contains("Борисова Вера → Антонова Анна: ИКТ-компетенции"))
        #expect(text.stdout.contains("согласие на наставничество; стаж 15 лет"))
        #expect(text.stdout.contains("молодой специалист — в паре в первую очередь"))
        // Васильева (Школа № 2, health) has no one strong there with consent in her school.
        #expect(!text.stdout.contains("→ Васильева Галина"))
        let json = try #require(try json(try survey(["group", "teacher-deficits", "--data", data, "--by", "school", "--format", "json"]).stdout) as? [String: Any])
        #expect((json["blocks"] as? [[String: Any]])?.count == 2)
        #expect((json["summary"] as? [String: Any])?["teachers"] as? Int == 4)
        // Across schools Борисова may mentor Васильева's health deficit.
        let across = try survey(["group", "teacher-deficits", "--data", data, "--across-schools"])
        #expect(across.stdout.contains("Борисова Вера → Васильева Галина"), "\(across.stdout)")
        // A teacher without consent is never a mentor, even where she is strong.
        #expect(!across.stdout.contains("Григорьева Дарья →"))
        #expect(try survey(["group", "teacher-deficits", "--data", data, "--by", "Стаж"]).status == 64)
    }

    @Test func aLineCutOffByACrashIsIgnoredAndTrimmed() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = ResponseStore(root: dir)
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("teacher-deficits")
        let journal = RouteJournal(store: store, questionnaireID: q.id)
        try journal.append(.reflect(area: "ict", text: "первая"), respondent: "А")
        let handle = try #require(FileHandle(forWritingAtPath: journal.path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"event\":\"reflect\",\"area\":\"ict\",\"respondent\":\"А\",\"te".utf8))
        handle.closeFile()
        #expect(try journal.events(of: "А", questionnaire: q) == [.reflect(area: "ict", text: "первая")])
        try journal.append(.reflect(area: "ict", text: "вторая"), respondent: "а")
        #expect(try journal.events(of: "А", questionnaire: q) == [.reflect(area: "ict", text: "первая"), .reflect(area: "ict", text: "вторая")])
        #expect(try journal.forget("А") == 2)
        #expect(try journal.events(of: "А", questionnaire: q).isEmpty)
    }
}

/// `survey bench --group` measures `group` as a user runs it, on stores it makes, with each child's own peak memory.
@Suite("CLI: bench of group")
struct CLIGroupBenchTests {
    @Test func theGroupBenchRunsGroupOnAStoreAndReportsEachChildsOwnPeak() throws {
        let dir = try temporaryFolder("group-bench")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try survey(["bench", "--group", "--sizes", "40", "--runs", "1", "--dir", dir])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = run.stdout.split(separator: "\n").filter { $0.hasPrefix("group") }
        #expect(rows.count == 2, "\(run.stdout)")
        for row in rows {
            let peak = try #require(Double(row.split(separator: " ").last ?? ""))
            #expect(peak > 1 && peak < 1000, "\(row)")
        }
        #expect(FileManager.default.fileExists(atPath: dir + "/teacher-store-40"))
    }

    /// A child told where to write reports its own high-water mark in kB as it exits.
    @Test func aChildWritesItsOwnPeakWhenAsked() throws {
        let dir = try temporaryFolder("peak")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/peak"
        let run = try survey(["list"], environment: ["SURVEY_BENCH_PEAK_FILE": file])
        #expect(run.status == 0, "\(run.stderr)")
        let kilobytes = try #require(Int(try String(contentsOfFile: file, encoding: .utf8)))
        #expect(kilobytes > 1000 && kilobytes < 1_000_000)
    }
}
