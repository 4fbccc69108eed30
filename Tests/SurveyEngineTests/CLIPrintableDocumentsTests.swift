import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// Issue 14: the deficit reports as documents a school prints — A4, tables (no `<pre>`), a legend for every
/// colour, the date in the header, the ИОМ's signatures, months as words.
@Suite("CLI: printable deficit documents")
struct CLIPrintableDocumentsTests {
    static let who = "Антонова Анна"

    @Test func theProfileIsAnA4DocumentWithALegendAndTheChangeAsATable() throws {
        let (dir, data) = try CLIDeficitTests.sheet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A second diagnosis for Антонова, so the profile shows «Изменения».
        let text = try String(contentsOfFile: dir + "/school.csv", encoding: .utf8).split(separator: "\n")
        let again = [String(text[0]), String(text[3]).replacingOccurrences(of: "Васильева Галина", with: Self.who)].joined(separator: "\n")
        try again.write(toFile: dir + "/again.csv", atomically: true, encoding: .utf8)
        #expect(try survey(["import", "teacher-deficits", dir + "/again.csv", "--data", data]).status == 0)
        let html = try survey(["profile", "teacher-deficits", "--respondent", Self.who, "--data", data, "--format", "html"])
        #expect(html.status == 0, "\(html.stderr)")
        let page = html.stdout
        #expect(page.contains("@page { size: A4"))
        #expect(!page.contains("<pre"))
        #expect(page.contains("thead { display: table-header-group; }"))
        #expect(page.contains("class=\"legend\""))
        for name in ["Выраженный дефицит", "Частичный дефицит", "Без дефицита", "Ресурс"] { #expect(page.contains("</span>" + name), "legend: \(name)") }
        #expect(page.contains("<p class=\"meta\">Дата: "), "the date the command passed in")
        #expect(page.contains("Изменения с прошлой диагностики</h2><table>"))
        #expect(page.contains("Изменение (стало − было)"))
    }

    @Test func aShownChangeInHTMLIsTheDifferenceOfTheShownScores() throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("teacher-deficits")
        let area = try #require(q.areas.first)
        let change = ProfileChange(areas: [.init(area: area, before: 72.6, after: 46.6, closed: false, opened: true)])
        let html = DeficitRendering(q, language: .ru).changeHTML(change)
        #expect(html.contains("<td class=\"n\">73</td><td class=\"n\">47</td><td class=\"n\">−26</td><td>⚠ новый дефицит</td>"), "\(html)")
    }

    @Test func theRouteHasMonthsAsWordsAndTheSignatures() throws {
        let (dir, data) = try CLIDeficitTests.sheet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func route(_ extra: [String]) throws -> String {
            let r = try survey(["route", "teacher-deficits", "--respondent", Self.who, "--data", data, "--start", "2026-12", "--today", "2027-01"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout
        }
        let html = try route(["--format", "html"])
        #expect(html.contains("@page { size: A4"))
        #expect(!html.contains("<pre"))
        // The signatures: a table, one row per role, with the name, signature and date columns aligned.
        #expect(html.contains("<table class=\"signatures\"><thead><tr><th></th><th>ФИО</th><th>Подпись</th><th>Дата</th></tr></thead>"), "\(html)")
        for role in ["Педагог", "Наставник", "Заместитель директора по УВР"] {
            #expect(html.contains("<tr><th scope=\"row\">\(role)</th><td></td><td></td><td class=\"date\">«____» ____________ 20____</td></tr>"), "signature: \(role)")
        }
        // Page 1 holds the header and the start of the plan: rows are kept whole, the table is not.
        #expect(html.contains("table.route tr { break-inside: avoid; }"))
        #expect(html.contains("table.route { font-size: .72rem; table-layout: fixed; break-inside: auto;"))
        #expect(html.contains("table.route td { overflow-wrap: break-word;"))
        #expect(html.contains("Программа наставничества: декабрь\u{00A0}2026 – август\u{00A0}2027"), "\(html.prefix(3000))")
        #expect(!html.contains("2026-12"))
        #expect(html.contains("<p class=\"meta\">Дата: "))
        let text = try route([])
        #expect(text.contains("декабрь\u{00A0}2026"))
        #expect(!text.contains("2026-12 —"))
        #expect(try route(["--format", "json"]).contains("\"2026-12\""), "JSON keeps YYYY-MM")
    }

    @Test func theGroupKeepsEverythingTheTextShows() throws {
        let (dir, data) = try CLIDeficitTests.sheet()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try survey(["group", "teacher-deficits", "--data", data]).stdout
        let html = try survey(["group", "teacher-deficits", "--data", data, "--format", "html"])
        #expect(html.status == 0, "\(html.stderr)")
        let page = html.stdout
        #expect(page.contains("@page { size: A4"))
        #expect(!page.contains("<pre"))
        #expect(page.contains("<h2>Показатели</h2>") && text.contains("Показатели:"))
        #expect(page.contains("доля педагогов с ИОМ (среди прошедших диагностику)"))
        #expect(page.contains("class=\"legend\"") && page.contains("</span>Выраженный дефицит") && page.contains("≈ на границе"))
        #expect(page.contains("Согласованность утверждений (α)") && (page.contains("α = ") || page.contains("α не считается")))
        #expect(page.contains("почему") || page.contains("<th>Почему</th>"))
        if text.contains("Без наставника внутри школы") { #expect(page.contains("<h2>Без наставника внутри школы</h2>")) }
    }

    @Test func theGroupShowsWhoIsLeftWithoutAMentor() throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("teacher-deficits")
        let rendering = DeficitRendering(q, language: .ru)
        let area = try #require(q.areas.first)
        var group = GroupAnalysis(profiles: [], questionnaire: q, rules: PlanningRules())
        group.uncovered = [("Антонова Анна", area.id)]
        let html = rendering.groupHTML(group)
        #expect(html.contains("<h2>Без наставника внутри школы</h2>") && html.contains("Антонова Анна: " + rendering.labels.area(area)), "\(html)")
    }
}
