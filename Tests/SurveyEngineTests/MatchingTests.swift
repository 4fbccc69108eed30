import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

@Suite("Answer matching")
struct MatchingTests {
    static let library = QuestionnaireLibrary(folder: Repo.questionnaires)
    static let staff = try! library.resolve("preschool-staff-survey")
    static let monitoring = try! library.resolve("preschool-monitoring")

    /// Every spelling a person types for an agreement option.
    @Test(arguments: [
        ("Полностью согласен", 4.0), ("полностью согласен", 4), ("  ПОЛНОСТЬЮ   СОГЛАСЕН ", 4), ("Полностью согласна", 4),
        ("Согласен", 3), ("согласна", 3), ("4", 4), ("3", 3), ("2,0", 2), ("1.0", 1),
        ("Не согласен", 2), ("Несогласен", 2), ("не  согласна", 2), ("Полностью не согласен", 1), ("Полностью несогласен", 1),
    ])
    func agreementSpellings(cell: String, value: Double) {
        let matcher = CellMatcher(scale: Self.staff.scales[0])
        #expect(matcher.match(cell) == .value(value))
    }

    @Test(arguments: [
        ("I", 1.0), ("II", 2), ("III", 3), ("І", 1), ("ІІ", 2), ("ІІІ", 3), ("ііі", 3), ("1", 1), ("3", 3),
        ("низкий", 1), ("Высокий", 3), ("2 уровень", 2),
    ])
    func levelSpellings(cell: String, value: Double) throws {
        let scale = try #require(Self.monitoring.scales.first { $0.kind == .levels })
        #expect(CellMatcher(scale: scale).match(cell) == .value(value))
    }

    @Test(arguments: [
        ("Несогалсен", "Не согласен"), ("Согласнн", "Согласен"), ("5", nil), ("0", nil), ("да", nil), ("IV", nil),
    ] as [(String, String?)])
    func refusalsSuggestTheNearestLabel(cell: String, suggestion: String?) {
        #expect(CellMatcher(scale: Self.staff.scales[0]).match(cell) == .invalid(suggestion: suggestion))
    }

    @Test func blanksAreBlank() {
        let matcher = CellMatcher(scale: Self.staff.scales[0])
        #expect(matcher.match("") == .blank)
        #expect(matcher.match("   ") == .blank)
    }

    @Test func byteCacheGivesTheSameAnswers() {
        var matcher = CellMatcher(scale: Self.staff.scales[0])
        for cell in ["Согласен", "Согласен", "Несогалсен", "Несогалсен", "4", "4", ""] {
            let viaBytes = Array(cell.utf8).withUnsafeBufferPointer { matcher.match(bytes: $0) }
            #expect(viaBytes == matcher.match(cell), "\(cell)")
        }
    }

    @Test(arguments: [
        ("s5", 4), ("S5", 4), ("5", 4), ("5.", 4), ("№5", 4), ("Вопрос 5", 4), ("5. Созданы условия", 4),
        ("Созданы условия для организации качественного процесса обучения и воспитания", 4),
        ("  созданы  условия для организации качественного процесса обучения и воспитания ", 4),
    ])
    func headersNameItemsByIDNumberOrText(header: String, index: Int) {
        let plan = HeaderMatcher(questionnaire: Self.staff).plan([header])
        #expect(plan.problems.isEmpty)
        #expect(plan.roles == [.item(index)])
    }

    @Test(arguments: ["id", "ID", "respondent", "№", "номер", "Анкета", "ФИО", "ребенок", "Ребёнок"])
    func respondentColumns(header: String) {
        #expect(HeaderMatcher(questionnaire: Self.staff).plan([header, "1"]).roles == [.respondent, .item(0)])
    }

    @Test func unknownAndDuplicateColumnsAreRefused() {
        let plan = HeaderMatcher(questionnaire: Self.staff).plan(["1", "s1", "Школа", "19"])
        #expect(plan.problems.map(\.column) == [2, 3, 4])
        #expect(plan.problems[0].message.contains("уже есть в столбце 1"))
        #expect(plan.problems[1].message == "неизвестный столбец «Школа»")
    }

    @Test func idColumnOptionNamesTheRespondent() {
        let plan = HeaderMatcher(questionnaire: Self.staff, idColumn: "Педагог").plan(["Педагог", "1"])
        #expect(plan.roles == [.respondent, .item(0)])
        let missing = HeaderMatcher(questionnaire: Self.staff, idColumn: "Педагог").plan(["ФИО", "1"])
        #expect(missing.problems.contains { $0.message.contains("нет столбца «Педагог»") })
    }

    @Test(arguments: [("'=HYPERLINK(1)", "=HYPERLINK(1)"), ("'-5", "-5"), ("'текст", "'текст"), ("  a  ", "a")])
    func freeTextLosesOnlyTheDefusingApostrophe(cell: String, expected: String) {
        #expect(cleanFreeText(cell) == expected)
    }
}
