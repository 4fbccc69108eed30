import Foundation
import SurveyEngine

/// profile, route and group: self-diagnoses, routes (ИОМ) and their journal.
extension Messages {
    public static func commandIsForDeficits(_ command: String, questionnaire: String, kind: QuestionnaireKind) -> Message {
        Message("'\(command)' работает с самодиагностикой дефицитов; '\(questionnaire)' — \(kindName(kind).ru)",
                "'\(command)' is for deficit self-diagnoses; '\(questionnaire)' is \(kind.rawValue)")
    }
    public static func noDiagnosisOf(_ name: String, questionnaire: String) -> Message {
        Message("в '\(questionnaire)' нет диагностики «\(name)»", "no diagnosis of «\(name)» in '\(questionnaire)'")
    }
    public static func nothingStoredYet(_ questionnaire: String) -> Message {
        Message("пока ничего не сохранено: survey take \(questionnaire) --respondent ИМЯ", "nothing is stored yet: survey take \(questionnaire) --respondent NAME")
    }
    public static func noActivityCatalogue(_ questionnaire: String, path: String) -> Message {
        Message("нет каталога мероприятий для '\(questionnaire)': \(path)", "no activity catalogue for '\(questionnaire)' at \(path)")
    }
    public static var hintActivityCatalogues: Message {
        Message("см. docs/DEFINITIONS.md, раздел «Activity catalogues»", "see docs/DEFINITIONS.md, «Activity catalogues»")
    }
    public static var catalogueHasProblems: Message { Message("в каталоге мероприятий есть ошибки", "the activity catalogue has problems") }
    public static func monthFormat(_ option: String, given: String) -> Message {
        Message("\(option) принимает месяц в виде ГГГГ-ММ; '\(given)' не подходит", "\(option) takes a month as YYYY-MM, not '\(given)'")
    }
    public static var oneRouteMarkAtATime: Message {
        Message("за один раз — только одно из --done, --cancel, --reflect", "one of --done, --cancel, --reflect at a time")
    }
    public static var reflectNeedsText: Message { Message("после --reflect ОБЛАСТЬ нужен ТЕКСТ", "--reflect AREA needs the TEXT after it") }
    public static func textOnlyWithReflect(_ word: String) -> Message {
        Message("лишнее '\(word)': ТЕКСТ принимает только --reflect ОБЛАСТЬ", "unexpected '\(word)': only --reflect AREA takes a TEXT")
    }
    public static var noteGoesWithDoneOrCancel: Message {
        Message("--note указывают вместе с --done N или --cancel N", "--note goes with --done N or --cancel N")
    }
    public static func routeStartKept(_ start: String) -> Message {
        Message("Маршрут уже составлен с \(start); --start его не меняет.", "The route was planned from \(start); --start does not change it.")
    }
    public static func routeUnreadable(_ respondent: String, path: String?) -> Message {
        path.map { Message("маршрут «\(respondent)» не удалось прочитать из \($0)", "the route of «\(respondent)» could not be read back from \($0)") }
            ?? Message("маршрут «\(respondent)» не удалось прочитать", "the route of «\(respondent)» could not be read back")
    }
    public static func stepNumber(_ option: String, steps: Int, given: String) -> Message {
        Message("\(option) принимает номер шага от 1 до \(steps); '\(given)' не подходит", "\(option) takes a step number from 1 to \(steps), not '\(given)'")
    }
    public static func stepDone(_ n: Int) -> Message { Message("Шаг \(n) отмечен выполненным.", "Step \(n) marked done.") }
    public static func stepCancelled(_ n: Int) -> Message { Message("Шаг \(n) отменён.", "Step \(n) cancelled.") }
    public static func reflectArea(_ areas: [String], given: String) -> Message {
        let list = areas.joined(separator: ", ")
        return Message("--reflect принимает область дефицита из маршрута (\(list)); '\(given)' не подходит",
                       "--reflect takes a deficit area of the route (\(list)), not '\(given)'")
    }
    public static func reflectionRecorded(_ area: String) -> Message {
        Message("Рефлексия по области «\(area)» записана.", "Reflection on «\(area)» recorded.")
    }
    public static var deficitClosedLater: Message {
        Message("дефицит закрыт по повторной диагностике", "the deficit closed at a later diagnosis")
    }
    public static func noDiagnoses(_ questionnaire: String, store: String) -> Message {
        Message("в \(store) нет диагностик '\(questionnaire)'", "no diagnoses of '\(questionnaire)' in \(store)")
    }
    public static func groupBy(_ given: String) -> Message {
        Message("--by принимает поле контекста: Школа, Предмет или Должность; '\(given)' не подходит",
                "--by takes a context field: Школа, Предмет or Должность, not '\(given)'")
    }
    public static var notGiven: Message { Message("(не указано)", "(not given)") }
}
