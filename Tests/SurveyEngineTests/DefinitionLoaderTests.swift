import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// A small valid deficits definition; tests break one thing at a time.
private let validDeficits = """
{
  "id": "mini", "version": "1", "kind": "deficits", "title": "Мини",
  "scales": [{"id": "self4", "options": [
    {"label": "Совсем не про меня", "value": 1},
    {"label": "Скорее не про меня", "value": 2},
    {"label": "Скорее про меня", "value": 3, "aliases": ["Скорее обо мне"]},
    {"label": "Точно про меня", "value": 4}]}],
  "areas": [{"id": "ict", "title": "ИКТ"}, {"id": "health", "title": "Здоровье"}],
  "items": [
    {"id": "d1", "number": 1, "text": "Я веду электронный журнал", "scale": "self4", "area": "ict"},
    {"id": "d2", "number": 2, "text": "Мне трудно работать с облаком", "scale": "self4", "area": "ict", "reverse": true},
    {"id": "d3", "number": 3, "text": "Я провожу физминутки", "scale": "self4", "area": "health"}],
  "scoring": {"area": {"minAnswered": 0.5}, "bands": [
    {"id": "severe", "label": "Выраженный дефицит", "from": 0, "to": 40, "deficit": true},
    {"id": "none", "label": "Без дефицита", "from": 40, "to": 85},
    {"id": "resource", "label": "Ресурс", "from": 85, "to": 100, "strength": true}]}
}
"""

private func load(_ text: String) -> DefinitionLoader.Outcome {
    DefinitionLoader.decode(Array(text.utf8), file: "mini.json")
}

@Suite("Definition loading")
struct DefinitionLoaderTests {
    @Test func validDefinitionLoads() throws {
        let outcome = load(validDeficits)
        #expect(outcome.problems.isEmpty, "\(outcome.problems)")
        let q = try #require(outcome.questionnaire)
        #expect(q.kind == .deficits)
        #expect(q.items.count == 3)
        #expect(q.items[1].reverse)
        #expect(q.scale("self4")?.options.map(\.value) == [1, 2, 3, 4])
    }

    /// Each class of error: the edit to the valid definition, and what the message must say and where.
    @Test(arguments: [
        (#""id": "d2", "number": 2"#, #""id": "d1", "number": 2"#, "$.items[1].id", "duplicate item id \"d1\""),
        (#""id": "d2", "number": 2"#, #""id": "d2", "number": 1"#, "$.items[1].number", "duplicate item number 1"),
        (#""scale": "self4", "area": "health""#, #""scale": "agree5", "area": "health""#, "$.items[2].scale", "unknown scale \"agree5\""),
        (#""scale": "self4", "area": "health""#, #""scale": "self4", "area": "helth""#, "$.items[2].area", "unknown area \"helth\" (did you mean \"health\"?)"),
        (#""aliases": ["Скорее обо мне"]"#, #""aliases": ["Точно  ПРО меня"]"#, "$.scales[0].options[2].aliases[0]", "clashes with option \"Точно про меня\""),
        (#""aliases": ["Скорее обо мне"]"#, #""aliases": ["4"]"#, "$.scales[0].options[2].aliases[0]", "reads as the value 4"),
        (#""from": 40, "to": 85"#, #""from": 45, "to": 85"#, "$.scoring.bands[1].from", "gap between \"severe\""),
        (#""from": 40, "to": 85"#, #""from": 30, "to": 85"#, "$.scoring.bands[1].from", "overlaps \"severe\""),
        (#""from": 85, "to": 100"#, #""from": 85, "to": 90"#, "$.scoring.bands[2].to", "bands must end at 100"),
        (#""reverse": true"#, #""revers": true"#, "$.items[1].revers", "unknown field \"revers\""),
        (#""kind": "deficits""#, #""kind": "deficit""#, "$.kind", "unknown kind \"deficit\""),
        (#""text": "Я провожу физминутки", "#, "", "$.items[2]", "missing field \"text\""),
        (#""number": 3"#, #""number": "3""#, "$.items[2].number", "expected a number, found a string"),
    ])
    func eachErrorIsReportedAtItsPath(find: String, replace: String, path: String, message: String) throws {
        #expect(validDeficits.contains(find), "the fixture no longer contains \(find)")
        let outcome = load(validDeficits.replacingOccurrences(of: find, with: replace))
        #expect(outcome.questionnaire == nil)
        let match = outcome.problems.first { $0.path == path && $0.message.contains(message) }
        #expect(match != nil, "expected \(path): …\(message)… in \(outcome.problems.map(\.description))")
        if let match {
            #expect(match.line != nil && match.column != nil, "a problem carries its line and column")
        }
    }

    @Test func emptyOptionsAreRefused() {
        let broken = validDeficits.replacingOccurrences(of: #"{"id": "self4", "options": ["#, with: #"{"id": "empty", "options": []}, {"id": "self4", "options": ["#)
        let outcome = load(broken)
        #expect(outcome.problems.contains { $0.path == "$.scales[0].options" && $0.message.contains("has no options") })
    }

    @Test func allProblemsOfAFileAreReportedTogether() {
        let broken = validDeficits
            .replacingOccurrences(of: #""id": "d2", "number": 2"#, with: #""id": "d1", "number": 1"#)
            .replacingOccurrences(of: #""scale": "self4", "area": "health""#, with: #""scale": "agree5", "area": "nowhere""#)
            .replacingOccurrences(of: #""from": 40, "to": 85"#, with: #""from": 50, "to": 85"#)
        let paths = Set(load(broken).problems.compactMap(\.path))
        #expect(paths.isSuperset(of: ["$.items[1].id", "$.items[1].number", "$.items[2].scale", "$.items[2].area", "$.scoring.bands[1].from"]))
    }

    @Test func semanticProblemsPointAtTheirLine() throws {
        let broken = validDeficits.replacingOccurrences(of: #""scale": "self4", "area": "health""#, with: #""scale": "agree5", "area": "health""#)
        let problem = try #require(load(broken).problems.first)
        // The third item is on line 12 of the fixture; its "scale" value sits after the text.
        #expect(problem.line == 12)
        #expect(problem.description.hasPrefix("mini.json:12:"))
        #expect(problem.description.contains("$.items[2].scale: unknown scale \"agree5\""))
    }

    @Test(arguments: [
        ("{\n  \"id\": \"x\",\n  \"kind\": \n}", 4, 1, "a value was expected"),
        ("{\"id\": \"x\" \"kind\": 1}", 1, 12, "expected ',' or '}'"),
        ("{\"id\": \"x\", \"id\": \"y\"}", 1, 13, "duplicate key \"id\""),
        ("{\"title\": \"Опрос\",\n \"x\": tru}", 2, 7, "expected true"),
        ("[1, 2", 1, 6, "end of file"),
        ("{\"a\": \"unterminated}", 1, 7, "unterminated string"),
    ])
    func malformedJSONNamesLineAndColumn(text: String, line: Int, column: Int, message: String) throws {
        let problem = try #require(load(text).problems.first)
        #expect(problem.line == line)
        #expect(problem.column == column)
        #expect(problem.message.contains(message), "\(problem.message)")
    }

    @Test func deepNestingIsRefusedNotCrashed() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let problem = try #require(load(deep).problems.first)
        #expect(problem.message.contains("nesting deeper"))
    }

    @Test func levelScaleWrittenHighestFirstIsRefused() throws {
        let monitoring = """
        {"id": "m", "kind": "monitoring", "title": "М",
         "scales": [{"id": "level3", "kind": "levels", "options": [
           {"label": "III", "value": 1}, {"label": "II", "value": 2}, {"label": "I", "value": 3}]}],
         "areas": [{"id": "music", "title": "Музыка"}],
         "stages": [{"id": "start", "title": "Стартовый", "month": 9}],
         "items": [{"id": "5-Ш.29", "number": 1, "text": "Поёт", "scale": "level3", "area": "music"}],
         "scoring": {"area": {"minAnswered": 0.5, "maxMissing": 2}, "bands": [
           {"id": "low", "label": "Низкий", "from": 1, "to": 1.5}, {"id": "medium", "label": "Средний", "from": 1.5, "to": 2.5},
           {"id": "high", "label": "Высокий", "from": 2.5, "to": 3}]}}
        """
        let problems = load(monitoring).problems
        #expect(problems.contains { $0.path == "$.scales[0].options[0]" && $0.message.contains("highest level must have the highest value") })
        // Listed lowest first with values 3,2,1 is refused too.
        let descending = monitoring.replacingOccurrences(of: #"{"label": "III", "value": 1}, {"label": "II", "value": 2}, {"label": "I", "value": 3}"#,
                                                         with: #"{"label": "высокий", "value": 3}, {"label": "средний", "value": 2}, {"label": "низкий", "value": 1}"#)
        #expect(load(descending).problems.contains { $0.message.contains("must list levels lowest first") })
    }

    static let monitoringWithIndicators = """
    {"id": "m", "kind": "monitoring", "title": "М",
     "scales": [{"id": "level3", "kind": "levels", "options": [
       {"label": "I", "value": 1}, {"label": "II", "value": 2}, {"label": "III", "value": 3}]}],
     "areas": [{"id": "music", "title": "Музыка"}, {"id": "world", "title": "Мир"}],
     "stages": [{"id": "start", "title": "Стартовый", "month": 9}],
     "items": [{"id": "5-Ш.29", "number": 1, "text": "Поёт", "scale": "level3", "area": "music",
                "indicators": {"1": "подпевает взрослому", "2": "поёт сам", "3": "поёт сольно"}},
               {"id": "5-Ә.1", "number": 2, "text": "Называет имя", "scale": "level3", "area": "world", "aliases": ["5-A.1"],
                "indicators": {"1": "с подсказкой", "2": "сам", "3": "рассказывает о себе"}}],
     "scoring": {"area": {"minAnswered": 0.5, "maxMissing": 2}, "bands": [
       {"id": "low", "label": "Низкий", "from": 1, "to": 1.5}, {"id": "medium", "label": "Средний", "from": 1.5, "to": 2.5},
       {"id": "high", "label": "Высокий", "from": 2.5, "to": 3}]}}
    """

    @Test func aCriterionNeedsThreeIndicators() throws {
        #expect(load(Self.monitoringWithIndicators).problems.isEmpty, "\(load(Self.monitoringWithIndicators).problems.map(\.description))")
        let two = Self.monitoringWithIndicators.replacingOccurrences(of: #", "3": "поёт сольно""#, with: "")
        let problem = try #require(load(two).problems.first)
        #expect(problem.path == "$.items[0].indicators" && problem.message.contains("missing: \"3\""), "\(problem)")
        let none = Self.monitoringWithIndicators.replacingOccurrences(of: #"{"1": "подпевает взрослому", "2": "поёт сам", "3": "поёт сольно"}"#, with: "{}")
        #expect(load(none).problems.contains { $0.path == "$.items[0].indicators" })
        let blank = Self.monitoringWithIndicators.replacingOccurrences(of: #""поёт сольно""#, with: #""  ""#)
        #expect(load(blank).problems.contains { $0.path == "$.items[0].indicators" }, "a blank indicator is no indicator")
        let badKey = Self.monitoringWithIndicators.replacingOccurrences(of: #""3": "поёт сольно""#, with: #""III": "поёт сольно""#)
        #expect(load(badKey).problems.contains { $0.path == "$.items[0].indicators.III" })
        let extra = Self.monitoringWithIndicators.replacingOccurrences(of: #""3": "поёт сольно""#, with: #""3": "поёт сольно", "4": "сочиняет""#)
        #expect(load(extra).problems.contains { $0.message.contains("no level 4") })
    }

    @Test func aMeasuresItemNamesAKnownDomain() throws {
        let base = Self.monitoringWithIndicators.replacingOccurrences(of: #""areas": [{"id": "music", "title": "Музыка"}"#,
            with: #""domains": [{"id": "creative", "title": "Творческие"}], "areas": [{"id": "music", "title": "Музыка", "domain": "creative"}"#)
        let measures = base.replacingOccurrences(of: #""items": ["#, with: #""items": [{"id": "m-creative", "number": 9, "text": "Мероприятия", "scale": null, "required": false, "domain": "creativ"}, "#)
        let problem = try #require(load(measures).problems.first)
        #expect(problem.path == "$.items[0].domain" && problem.message.contains("did you mean \"creative\""), "\(problem)")
        #expect(load(measures.replacingOccurrences(of: #""domain": "creativ""#, with: #""domain": "creative""#)).problems.isEmpty)
        let onCriterion = base.replacingOccurrences(of: #""area": "music","#, with: #""area": "music", "domain": "creative","#)
        #expect(load(onCriterion).problems.contains { $0.message.contains("only a free-text item") })
    }

    @Test func variantAreasThatClashAreRefused() throws {
        let variants = Self.monitoringWithIndicators
            .replacingOccurrences(of: #""areas": [{"id": "music", "title": "Музыка"}, {"id": "world", "title": "Мир"}]"#,
                                  with: #""variants": [{"id": "ru", "title": "Русские группы"}, {"id": "kk", "title": "Казахские группы"}], "areas": [{"id": "music", "title": "Музыка", "variant": "ru"}, {"id": "world", "title": "Мир", "variant": "kk"}]"#)
            .replacingOccurrences(of: #""id": "5-Ә.1", "number": 2"#, with: #""id": "5-Ш.29", "number": 1"#)
            .replacingOccurrences(of: #""aliases": ["5-A.1"],"#, with: "")
        // The same code and number in areas of different variants: each group has its own criterion 1.
        #expect(load(variants).problems.isEmpty, "\(load(variants).problems.map(\.description))")
        let outcome = load(variants)
        #expect(outcome.variants.map(\.id) == ["m", "m-kk"])
        #expect(outcome.variants.map { $0.items.map(\.text) } == [["Поёт"], ["Называет имя"]])
        // Both areas in one variant: the code is claimed twice for the same group.
        let clash = variants.replacingOccurrences(of: #""variant": "kk""#, with: #""variant": "ru""#)
        let problem = try #require(load(clash).problems.first)
        #expect(problem.path == "$.items[1].id" && problem.message.contains("in variant \"ru\": areas \"music\" and \"world\" clash"), "\(problem)")
        // A common area clashes with every variant's.
        let common = variants.replacingOccurrences(of: #", "variant": "kk""#, with: "")
        #expect(load(common).problems.contains { $0.message.contains("clash") })
        let unknown = variants.replacingOccurrences(of: #""variant": "kk""#, with: #""variant": "kz""#)
        #expect(load(unknown).problems.contains { $0.path == "$.areas[1].variant" && $0.message.contains("did you mean \"kk\"") })
        // Without variants a repeated code stays a plain duplicate.
        let plain = Self.monitoringWithIndicators.replacingOccurrences(of: #""id": "5-Ә.1""#, with: #""id": "5-Ш.29""#)
        #expect(load(plain).problems.contains { $0.message.contains("duplicate item id") })
    }

    @Test func anAliasMayNotNameAnotherItem() throws {
        let clash = Self.monitoringWithIndicators.replacingOccurrences(of: #""aliases": ["5-A.1"]"#, with: #""aliases": ["5-ш.29"]"#)
        let problem = try #require(load(clash).problems.first)
        #expect(problem.path == "$.items[1].aliases[0]" && problem.message.contains("already names item \"5-Ш.29\""), "\(problem)")
    }

    @Test func shippedMonitoringCriteriaHaveThreeIndicatorsEach() throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-monitoring")
        for item in q.scoredItems {
            #expect(item.indicators.keys.sorted() == [1, 2, 3], "\(item.id)")
            #expect(Set(item.indicators.values).count == 3, "\(item.id): three different indicators")
        }
        // Bundled criteria were split; the old code keeps the first skill so stored sheets still read.
        for id in ["5-Ф.3", "5-Ф.8", "5-Ф.9", "5-Ф.10", "5-Ә.1", "5-Ә.8", "5-Ә.9", "5-Ә.10", "5-Т.8"] { #expect(q.item(id) != nil, "\(id)") }
        // 5-К.20 (hand preparation for writing) and 5-Ш.8 (drawing materials) no longer both assess the pencil grip.
        #expect(q.item("5-Ш.8")?.text.contains("карандаш") == false)
        #expect(q.items.filter { $0.id.contains("Ә") }.allSatisfy { $0.aliases.contains($0.id.replacingOccurrences(of: "Ә", with: "A")) })
    }

    @Test func shippedQuestionnairesAllLoad() throws {
        let library = QuestionnaireLibrary(folder: Repo.questionnaires)
        let all = try library.loadAll()
        #expect(all.count >= 4)
        for (path, outcome) in all {
            #expect(outcome.problems.isEmpty, "\(path): \(outcome.problems.map(\.description))")
        }
        let kinds = Dictionary(all.compactMap(\.outcome.questionnaire).map { ($0.id, $0.kind) }) { a, _ in a }
        #expect(kinds["preschool-staff-survey"] == .likert)
        #expect(kinds["preschool-parent-survey"] == .likert)
        #expect(kinds["teacher-deficits"] == .deficits)
        #expect(kinds["preschool-monitoring"] == .monitoring)
    }

    /// `resolve` reads the file named by the id alone when it holds that id; anything else — a variant, a file
    /// named otherwise, a file named by the id that holds another — still goes through the whole folder.
    @Test func resolveFindsAnIdInItsOwnFileOrAnywhereInTheFolder() throws {
        let folder = try temporaryFolder("resolve")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func write(_ name: String, id: String) throws {
            try validDeficits.replacingOccurrences(of: #""id": "mini""#, with: #""id": "\#(id)""#)
                .write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        try write("alpha.json", id: "alpha")
        try write("zeta.json", id: "beta")     // beta lives in a file named otherwise
        try write("beta.json", id: "gamma")    // and the file named beta holds another id
        let library = QuestionnaireLibrary(folder: folder)
        #expect(try library.resolve("alpha").id == "alpha")
        #expect(try library.resolve("beta").id == "beta")
        #expect(try library.resolve("gamma").id == "gamma")
        #expect(try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-monitoring-kk").id == "preschool-monitoring-kk")
        do {
            _ = try library.resolve("alpah")
            Issue.record("an unknown id resolved")
        } catch {
            guard case .unknown(_, let suggestion, let known) = error else { Issue.record("\(error)"); return }
            #expect(suggestion == "alpha" && Set(known) == ["alpha", "beta", "gamma"])
        }
    }

    @Test func staffSurveyMatchesTheSeed() throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-staff-survey")
        #expect(q.items.count == 18)
        #expect(q.items.filter(\.reverse).map(\.number) == [18])
        let scale = try #require(q.scale("agree4"))
        #expect(scale.options.map(\.label) == ["Полностью согласен", "Согласен", "Не согласен", "Полностью не согласен"])
        #expect(scale.options.map(\.value) == [4, 3, 2, 1])
        #expect(scale.options[2].aliases.contains("Несогласен"))
        #expect(q.items[2].text == "Педагоги получают эффективную методическую помощь")
        #expect(q.scoring.composites.first?.items.count == 18)
    }

    @Test func parentSurveyEndsWithTheComment() throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-parent-survey")
        #expect(q.items.count == 11)
        #expect(q.items.last?.isFreeText == true)
        #expect(q.items.last?.number == 11)
        #expect(q.scoredItems.count == 10)
    }

    /// Issue 12: at least 6 statements per area for any subject teacher, class teacher or not; none worded
    /// negatively; at least 2 test tasks in each of the four Р-201 blocks, 10 in all; the burnout block out of
    /// the areas.
    @Test func teacherDeficitsCoverTheNineAreasOfSeed001() throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("teacher-deficits")
        #expect(q.areas.count >= 9)
        let subjects = q.contextField("subject")?.options.map(\.id) ?? []
        #expect(subjects.count >= 10)
        for subject in subjects {
            for classTeacher in [true, false] {
                let context = TeacherContext(role: "teacher", subject: subject, classTeacher: classTeacher)
                for area in q.areas {
                    let count = q.items.filter { $0.area == area.id && $0.scale != nil && q.applies($0, to: context) }.count
                    #expect((6...12).contains(count), "\(area.id) has \(count) statements for \(subject), class teacher \(classTeacher)")
                }
            }
        }
        #expect(!q.items.contains { $0.reverse })
        for area in ["regulatory", "subject", "methods", "psychology"] {
            #expect(q.testItems.filter { $0.area == area }.count >= 2, "\(area)")
        }
        #expect(q.testItems.count >= 10)
        // The key must not sit in one place: a teacher answering «а» everywhere should not pass.
        let keyed = q.testItems.compactMap { $0.test }.flatMap { task in task.options.indices.filter { task.options[$0].correct } }
        let busiest = Dictionary(grouping: keyed, by: { $0 }).values.map(\.count).max() ?? 0
        #expect(Double(busiest) / Double(max(1, keyed.count)) < 0.5, "correct options by position: \(keyed)")
        #expect(q.items.filter(\.confidential).allSatisfy { $0.area == nil && !$0.required })
        #expect(q.items.allSatisfy { $0.source != nil }, "every statement and task says where it comes from")
        #expect(q.scoring.bands.contains { $0.deficit })
        #expect(q.scoring.bands.contains { $0.strength })
        #expect(q.scale("self4")?.options.contains { $0.notApplicable && $0.label == "Не относится к моей работе" } == true)
    }

    /// A «Мне трудно…» statement under descriptors written for positive ones reads backwards; `validate` says so.
    @Test func aReverseStatementUnderPositiveDescriptorsIsRefused() throws {
        let text = try String(contentsOfFile: Repo.questionnaires + "/teacher-deficits.json", encoding: .utf8)
        let reversed = text.replacingOccurrences(of: "\"area\": \"scientific\",", with: "\"area\": \"scientific\", \"reverse\": true,")
        let outcome = DefinitionLoader.decode(Array(reversed.utf8), file: "t.json")
        #expect(outcome.problems.contains { $0.message.contains("written for positively worded statements") }, "\(outcome.problems)")
        // The archived version 1 gives its reversed statements descriptors of their own, and loads.
        let v1 = DefinitionLoader.load(path: Repo.questionnaires + "/versions/teacher-deficits/1.json")
        #expect(v1.isValid, "\(v1.problems)")
    }

    @Test func monitoringHasTwelveAreasInFiveDomainsAndThreeStages() throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-monitoring")
        #expect(q.areas.count == 12)
        #expect(q.domains.count == 5)
        #expect(q.stages.map(\.id) == ["start", "mid", "final"])
        #expect(q.areas.allSatisfy { $0.domain != nil })
        let levels = try #require(q.scales.first { $0.kind == .levels })
        #expect(levels.options.map(\.value) == [1, 2, 3])
        #expect(q.scoredItems.allSatisfy { $0.scale == levels.id })
        #expect(q.items.filter(\.isFreeText).map(\.id) == ["measures"] + q.domains.map { "measures-\($0.id)" }, "the teacher's measures, free text, general and per domain")
    }
}

@Suite("Text folding")
struct TextFoldingTests {
    @Test(arguments: [
        ("  Полностью  НЕ согласен ", "полностью не согласен"),
        ("Согласен", "согласен"),
        ("ЁЛКА ёж", "елка еж"),
        ("Не\u{00A0}согласен", "не согласен"),
        ("Не\tсогласен\n", "не согласен"),
    ])
    func folds(input: String, expected: String) {
        #expect(TextFolding.fold(input) == expected)
    }

    @Test func foldingKeepsDifferentWordsApart() {
        #expect(TextFolding.fold("Несогласен") != TextFolding.fold("Не согласен"))
    }

    @Test(arguments: [("I", 1), ("II", 2), ("III", 3), ("І", 1), ("ІІ", 2), ("ІІІ", 3), ("iii", 3), (" II ", 2), ("IIII", nil), ("3", nil), ("Ш", nil)] as [(String, Int?)])
    func romanNumerals(input: String, value: Int?) {
        #expect(TextFolding.romanValue(input) == value)
    }

    @Test func suggestsTheNearestLabel() {
        let labels = ["Полностью согласен", "Согласен", "Не согласен", "Полностью не согласен"]
        #expect(TextFolding.nearest("Несогалсен", among: labels) == "Не согласен")
        #expect(TextFolding.nearest("совершенно другое", among: labels) == nil)
    }
}

@Suite("Scales and bands")
struct ScaleTests {
    let scale = ResponseScale(id: "agree4", options: [
        Option(label: "Полностью согласен", value: 4), Option(label: "Согласен", value: 3),
        Option(label: "Не согласен", value: 2), Option(label: "Полностью не согласен", value: 1),
    ], favourableFrom: 3)

    @Test func reverseKeyingUsesTheDeclaredRange() {
        #expect(scale.keyed(1, reverse: true) == 4)
        #expect(scale.keyed(3, reverse: true) == 2)
        #expect(scale.keyed(3, reverse: false) == 3)
    }

    @Test func pompSpansZeroToHundred() {
        #expect(scale.pomp(1) == 0)
        #expect(scale.pomp(4) == 100)
        #expect(abs(scale.pomp(2) - 100.0 / 3) < 1e-12)
    }

    @Test func bandsCloseAtTheTop() {
        let rules = ScoringRules(bands: [
            Band(id: "a", label: "A", from: 0, to: 40, deficit: true),
            Band(id: "b", label: "B", from: 40, to: 100),
        ])
        #expect(rules.band(for: 0)?.id == "a")
        #expect(rules.band(for: 39.999)?.id == "a")
        #expect(rules.band(for: 40)?.id == "b")
        #expect(rules.band(for: 100)?.id == "b")
        #expect(rules.band(for: 100.1) == nil)
    }
}
