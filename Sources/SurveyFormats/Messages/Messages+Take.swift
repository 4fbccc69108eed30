import Foundation

/// `survey take`: refusals, notes on a resumed session, what is said when answers are saved, and the
/// refusals of a typed answer. (The questionnaire screen itself — prompts, keys — is the take screen's layout.)
extension Messages {
    public static var answersKeptSoFar: Message {
        Message("ответы до этого сохранены; чтобы продолжить, повторите ту же команду", "the answers given before this one are kept; run the same command again to continue")
    }
    public static var answerYesNo: Message { Message("ответьте «да» или «нет» (1 или 2)", "answer «да» or «нет» (1 or 2)") }
    public static var wholeYearsNeeded: Message { Message("нужно число полных лет", "a whole number of years is needed") }
    public static func numberFromTo(_ min: Int, _ max: Int) -> Message { Message("число от \(min) до \(max)", "a number from \(min) to \(max)") }
    public static func chooseNumber(_ count: Int, suggestion: String?) -> Message {
        Message("выберите номер 1–\(count)", "choose a number 1–\(count)")
            + (suggestion.map { Message(" (возможно, «\($0)»?)", " (did you mean «\($0)»?)") } ?? Message(verbatim: ""))
    }
    public static func noItemsToAnswer(_ questionnaire: String) -> Message {
        Message("в '\(questionnaire)' нет утверждений для ответа", "'\(questionnaire)' has no items to answer")
    }
    public static var respondentNeedsName: Message { Message("после --respondent нужно имя", "--respondent needs a name") }
    public static func sessionOnlyAnonymous(_ questionnaire: String, stage: String?) -> Message {
        let s = stage.map { " --stage \($0)" } ?? ""
        return Message("--session — для анонимных опросов; '\(questionnaire)' продолжают по --respondent ИМЯ\(s)",
                       "--session is for anonymous surveys; '\(questionnaire)' continues by --respondent NAME\(s)")
    }
    public static var sessionWithRespondent: Message {
        Message("--session и --respondent вместе не указывают: именной сеанс находят по имени",
                "--session and --respondent do not go together: a named session is found by its name")
    }
    public static func notASessionID(_ given: String) -> Message { Message("'\(given)' — не номер сеанса", "'\(given)' is not a session id") }
    public static var hintSessionID: Message {
        Message("номер сеанса — шестнадцатеричные цифры, выведенные в начале сеанса", "a session id is the hex digits printed when the session started")
    }
    public static func takeNeedsRespondent(_ questionnaire: String, child: Bool) -> Message {
        Message("для '\(questionnaire)' нужен --respondent ИМЯ (\(child ? "ребёнок" : "кто отвечает")), когда ответы приходят не с терминала",
                "'\(questionnaire)' needs --respondent NAME (\(child ? "the child" : "who answers")) when answers come from piped input")
    }
    public static var noRawMode: Message {
        Message("терминал не удаётся перевести в посимвольный режим", "the terminal cannot be switched to raw mode")
    }
    public static var nothingSaved: Message { Message("Ничего не сохранено.", "Nothing saved.") }
    public static func noUnfinishedSession(_ session: String, questionnaire: String, store: String) -> Message {
        Message("в \(store) нет незаконченного сеанса '\(session)' анкеты '\(questionnaire)'", "no unfinished session '\(session)' of '\(questionnaire)' in \(store)")
    }
    public static var hintSessionFinished: Message {
        Message("возможно, он уже закончен и сохранён; без --session начнётся новый сеанс", "it may be finished and stored already; without --session a new session starts")
    }
    public static func definitionChanged(from old: String, to new: String) -> Message {
        Message("определение изменилось с начала сеанса (версия \(old) → \(new))", "the definition changed since the session started (version \(old) → \(new))")
    }
    /// «3 прежних ответа не подходят к определению и будут спрошены снова».
    public static func earlierAnswersDropped(_ n: Int) -> Message {
        let ru = Language.russianForm(n, ("прежний ответ не подходит", "прежних ответа не подходят", "прежних ответов не подходят"))
        return Message("\(Language.ru.integer(n)) \(ru) к определению и будут спрошены снова",
                       "\(n) earlier answer(s) no longer fit the definition and will be asked again")
    }
    public static func unreadableJournalLines(_ n: Int) -> Message {
        Message("в журнале сеанса пропущено нечитаемых строк: \(n)", "\(n) unreadable line(s) in the session journal were left out")
    }
    public static func answersSavedResume(_ resume: String) -> Message {
        Message("Ответы сохранены. Продолжить: \(resume)", "Answers saved. To continue: \(resume)")
    }
    public static func anonymousSession(_ id: String, resume: String) -> Message {
        Message("Анонимный сеанс \(id). Продолжить позже: \(resume)", "Anonymous session \(id). To continue later: \(resume)")
    }
    public static func answersSavedProgress(_ answered: Int, of total: Int, resume: String) -> Message {
        Message("Ответы сохранены (\(answered) из \(total)). Продолжить: \(resume)", "Answers saved (\(answered) of \(total)). To continue: \(resume)")
    }
    public static func inputEnded(_ answered: Int, of total: Int, resume: String) -> Message {
        Message("Ввод закончился до конца анкеты: ответы сохранены (\(answered) из \(total)). Продолжить: \(resume)",
                "The input ended before the last question: answers saved (\(answered) of \(total)). To continue: \(resume)")
    }
    public static func earlierReplaced(monitoring: Bool) -> Message {
        monitoring ? Message("Прежние данные этого этапа заменены новыми.", "This stage's earlier data is replaced by the new answers.")
            : Message("Прежние ответы заменены новыми (прежние сохранены в истории).", "The earlier answers are replaced (and kept as history).")
    }
    public static func hintAnswersInJournal(_ resume: String) -> Message {
        Message("ответы сохранены в журнале сеанса; чтобы записать их, повторите ту же команду: \(resume)",
                "the answers are kept in the session journal; run the same command again to store them: \(resume)")
    }

    // MARK: typed answers (piped input)

    public static func answerRequired(_ name: String) -> Message {
        Message("\(name) обязателен: пустой ответ не принимается.", "\(name) is required: an empty answer is not accepted.")
    }
    public static func notATestAnswerLetters(_ name: String, entry: String, letters: [String], multiple: Bool) -> Message {
        let list = letters.joined(separator: ", ")
        return Message("\(name): «\(entry)» — не ответ. Буквы вариантов: \(list)\(multiple ? " (несколько — через запятую)" : "").",
                       "\(name): «\(entry)» is not an answer. Option letters: \(list)\(multiple ? " (several separated by commas)" : "").")
    }
    public static func freeTextRequired(_ name: String) -> Message {
        Message("\(name): ответ обязателен — напишите его строкой", "\(name) is required: type the answer on one line")
    }
    public static func noOptionNumbered(_ name: String, number: Int, accepted: Message) -> Message {
        Message("\(name): нет варианта с номером \(number). ", "\(name): there is no option numbered \(number). ") + accepted
    }
    public static func notAnOption(_ name: String, entry: String, suggestion: String?, accepted: Message) -> Message {
        let guess = suggestion.map { Message(" Возможно, «\($0)»?", " Did you mean «\($0)»?") } ?? Message(verbatim: "")
        return Message("\(name): «\(entry)» — не вариант ответа.", "\(name): «\(entry)» is not an answer.") + guess + Message(verbatim: " ") + accepted
    }
    public static func notRecognised(_ name: String, accepted: Message) -> Message {
        Message("\(name): ответ не распознан. ", "\(name): not an answer. ") + accepted
    }
    public static func acceptedAnswers(_ count: Int, options: String) -> Message {
        Message("Ответ — номер 1–\(count) или вариант: \(options).", "Answer with a number 1–\(count) or an option: \(options).")
    }
}
