import Foundation
import Testing

/// `survey list`, `show`, `validate`, help and usage errors, through the built binary.
@Suite("CLI: definitions")
struct CLIDefinitionTests {
    @Test func listJSONShowsTheFourQuestionnairesWithTheirKinds() throws {
        let result = try survey(["list", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let list = try #require(try json(result.stdout) as? [[String: Any]])
        var kinds: [String: String] = [:]
        for entry in list {
            #expect(entry["title"] is String)
            #expect(entry["items"] is Int)
            kinds[entry["id"] as? String ?? ""] = entry["kind"] as? String
        }
        #expect(kinds == ["preschool-staff-survey": "likert", "preschool-parent-survey": "likert",
                          "teacher-deficits": "deficits", "preschool-monitoring": "monitoring",
                          "preschool-monitoring-kk": "monitoring"])
    }

    @Test func showJSONHasTheContractShape() throws {
        let result = try survey(["show", "preschool-parent-survey", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let q = try #require(try json(result.stdout) as? [String: Any])
        #expect(q["id"] as? String == "preschool-parent-survey")
        #expect(q["kind"] as? String == "likert")
        #expect(q["title"] is String)
        let scales = try #require(q["scales"] as? [[String: Any]])
        let options = try #require(scales.first?["options"] as? [[String: Any]])
        #expect(options.map { $0["label"] as? String } == ["Полностью согласен", "Согласен", "Не согласен", "Полностью не согласен"])
        #expect(options.map { $0["value"] as? Int } == [4, 3, 2, 1])
        #expect(q["areas"] is [Any])
        let items = try #require(q["items"] as? [[String: Any]])
        #expect(items.count == 11)
        for key in ["id", "number", "text", "scale", "area", "reverse"] {
            #expect(items.allSatisfy { $0.keys.contains(key) }, "every item has \(key)")
        }
        #expect(items[0]["area"] is NSNull)
        #expect(items[10]["scale"] is NSNull, "the free-text comment has scale null")
    }

    @Test func showTextOfMonitoringGroupsCriteriaByArea() throws {
        let result = try survey(["show", "preschool-monitoring"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Физическая культура"))
        #expect(result.stdout.contains("5-Ф.1"))
        #expect(result.stdout.contains("91 критерий"))
    }

    @Test func showJSONGivesEachCriterionItsIndicators() throws {
        let result = try survey(["show", "preschool-monitoring", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let items = try #require((try json(result.stdout) as? [String: Any])?["items"] as? [[String: Any]])
        #expect(items.count >= 84)
        for item in items where item["scale"] is String {
            let indicators = try #require(item["indicators"] as? [String: String], "\(item["id"] ?? "")")
            #expect(indicators.keys.sorted() == ["1", "2", "3"])
        }
        let first = try #require(items.first { $0["id"] as? String == "5-Ф.2" }?["indicators"] as? [String: String])
        #expect(first["1"]?.contains("по показу взрослого") == true)
        let text = try survey(["show", "preschool-monitoring"]).stdout
        #expect(text.contains("III — уверенно прыгает разными способами"), "the text lists the indicators too")
    }

    @Test func theKazakhMediumVariantStudiesRussianInsteadOfKazakh() throws {
        let kk = try #require(try json(try survey(["show", "preschool-monitoring-kk", "--format", "json"]).stdout) as? [String: Any])
        let ru = try #require(try json(try survey(["show", "preschool-monitoring", "--format", "json"]).stdout) as? [String: Any])
        func areas(_ q: [String: Any]) -> [String] { (q["areas"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String } }
        #expect(areas(ru).contains("Казахский язык") && !areas(ru).contains("Русский язык"))
        #expect(areas(kk).contains("Русский язык") && !areas(kk).contains("Казахский язык"))
        #expect(areas(kk).count == 12 && areas(kk).firstIndex(of: "Русский язык") == areas(ru).firstIndex(of: "Казахский язык"), "in the same place")
        let items = (kk["items"] as? [[String: Any]] ?? [])
        let code = try #require(items.first { $0["id"] as? String == "5-К.24" })
        #expect((code["text"] as? String)?.contains("на русском языке") == true)
        #expect(Set(items.compactMap { $0["id"] as? String }).count == items.count, "codes unique within the variant")

        // A Kazakh-medium group's sheet goes to its own questionnaire and prints «Русский язык».
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "Ребёнок;5-К.22;5-К.24;5-Ф.1\r\nАйдана;I;II;III\r\n".write(toFile: dir + "/kk.csv", atomically: true, encoding: .utf8)
        #expect(try survey(["import", "preschool-monitoring-kk", dir + "/kk.csv", "--stage", "start", "--data", dir]).status == 0)
        let sheet = try survey(["monitor", "preschool-monitoring-kk", "--sheet", "--stage", "start", "--data", dir]).stdout
        #expect(sheet.contains("Русский язык: 5-К.22 … 5-К.28") && !sheet.contains("Казахский язык"))
    }

    @Test func showByPathWorks() throws {
        let result = try survey(["show", Repo.questionnaires + "/preschool-staff-survey.json", "--lang", "en"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("Pre-school staff survey"))
        #expect(result.stdout.contains("Strongly agree"))
    }

    @Test func validatePassesOnTheShippedQuestionnaires() throws {
        let result = try survey(["validate"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
    }

    @Test func validateRefusesABrokenFileListingEveryProblem() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.questionnaires + "/preschool-staff-survey.json"))
        var definition = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var items = try #require(definition["items"] as? [[String: Any]])
        items[4]["id"] = "s4"          // a duplicate id
        items[5]["scale"] = "agree5"   // an unknown scale
        definition["items"] = items
        let broken = String(decoding: try JSONSerialization.data(withJSONObject: definition, options: [.prettyPrinted]), as: UTF8.self)
        try broken.write(toFile: folder + "/broken.json", atomically: true, encoding: .utf8)
        let result = try survey(["validate", folder + "/broken.json"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("broken.json:"))
        #expect(result.stderr.contains("$.items[4].id: id пункта \"s4\" повторяется"), "\(result.stderr)")
        #expect(result.stderr.contains("$.items[5].scale: неизвестный id шкалы \"agree5\" (может быть, \"agree4\"?)"), "\(result.stderr)")
        let english = try survey(["validate", folder + "/broken.json", "--lang", "en"])
        #expect(english.stderr.contains("$.items[4].id: duplicate item id \"s4\""), "\(english.stderr)")
        #expect(english.stderr.contains("$.items[5].scale: unknown scale \"agree5\" (did you mean \"agree4\"?)"), "\(english.stderr)")
    }

    @Test func validateRefusesTwoFilesWithOneID() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["a.json", "b.json"] {
            try FileManager.default.copyItem(atPath: Repo.questionnaires + "/preschool-staff-survey.json", toPath: folder + "/" + name)
        }
        let result = try survey(["validate", folder])
        #expect(result.status == 1)
        #expect(result.stderr.contains("уже занят файлом"), "\(result.stderr)")
        #expect(try survey(["validate", folder, "--lang", "en"]).stderr.contains("already used by"))
    }

    @Test(arguments: [
        (["lst"], "did you mean 'list'?"),
        (["list", "--fromat", "json"], "did you mean '--format'?"),
        (["list", "--format", "xml"], "--format takes one of text, json"),
        (["show"], "missing argument"),
        (["show", "a", "b"], "unexpected argument 'b'"),
    ])
    func usageErrorsExit64WithAHint(arguments: [String], message: String) throws {
        let result = try survey(arguments, environment: ["SURVEY_LANG": "en"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("error: "))
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func unknownQuestionnaireSuggestsTheNearest() throws {
        let result = try survey(["show", "teacher-deficit", "--lang", "en"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("did you mean 'teacher-deficits'?"))
    }

    @Test func helpForEveryCommand() throws {
        let overview = try survey(["--help", "--lang", "en"])
        #expect(overview.status == 0)
        #expect(overview.stdout.contains("USAGE: survey <command>"))
        let names = overview.stdout.components(separatedBy: "COMMANDS:")[1].components(separatedBy: "GLOBAL OPTIONS:")[0]
            .split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names.contains("list") && names.contains("validate"))
        for name in names {
            let help = try survey(["help", name, "--lang", "en"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("USAGE: survey \(name)"))
            #expect(help.stdout.contains("OPTIONS:"))
            let dashed = try survey([name, "--help", "--lang", "en"])
            #expect(dashed.stdout == help.stdout)
        }
    }
}
