import Foundation
import SurveyEngine

/// The command line: options, arguments, commands, questionnaires by name, and what every command says
/// when it refuses.
extension Messages {
    // MARK: The command line

    public static func didYouMean(_ suggestion: String) -> Message { Message("может быть, '\(suggestion)'?", "did you mean '\(suggestion)'?") }
    /// A name people typed (a respondent, a child): «возможно, имелось в виду «Иванова Анна»?».
    public static func didYouMeanName(_ name: String) -> Message { Message("возможно, имелось в виду «\(name)»?", "did you mean «\(name)»?") }
    public static func optionWholeNumber(_ name: String, range: ClosedRange<Int>, given: String) -> Message {
        Message("\(name) принимает целое число от \(range.lowerBound) до \(range.upperBound); '\(given)' не подходит",
                "\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(given)'")
    }
    public static func definitionHasProblems(_ reference: String) -> Message {
        Message("в описании анкеты '\(reference)' есть ошибки; исправьте их (survey validate) и повторите",
                "the definition of '\(reference)' has problems; fix them (survey validate) and try again")
    }
    public static func knownQuestionnaires(_ known: [String]) -> Message {
        Message("известные анкеты: ", "known questionnaires: ") + Message(verbatim: known.joined(separator: ", "))
    }
    public static func unknownQuestionnaire(_ id: String, folder: String) -> Message {
        Message("неизвестная анкета '\(id)' в папке \(folder)", "unknown questionnaire '\(id)' in \(folder)")
    }
    public static func unknownOption(_ name: String, context: String) -> Message {
        Message("неизвестный параметр '\(name)' для '\(context)'", "unknown option '\(name)' for '\(context)'")
    }
    public static func seeHelp(_ context: String) -> Message { Message("параметры: '\(context) --help'.", "see '\(context) --help'.") }
    public static func optionTakesNoValue(_ name: String) -> Message { Message("\(name) не принимает значения", "\(name) takes no value") }
    public static func optionNeedsValue(_ name: String, placeholder: String) -> Message {
        Message("после \(name) нужно значение (\(placeholder))", "\(name) needs a value (\(placeholder))")
    }
    public static func optionChoices(_ name: String, choices: [String], given: String) -> Message {
        let list = choices.joined(separator: ", ")
        return Message("\(name) принимает одно из значений: \(list); '\(given)' не подходит", "\(name) takes one of \(list), not '\(given)'")
    }
    public static func optionTwice(_ name: String) -> Message { Message("\(name) указан дважды", "\(name) is given twice") }
    /// «лишний аргумент 'x': 'survey list' принимает 0 аргументов».
    public static func argumentCount(_ command: String, takes range: ClosedRange<Int>, unexpected: String?) -> Message {
        let expected: Message = range.lowerBound == range.upperBound
            ? Message(Language.ru.count(range.lowerBound, ru: ("аргумент", "аргумента", "аргументов"), en: ("", "")), "\(range.lowerBound) argument(s)")
            : range.upperBound == Int.max
                ? Message("не менее " + Language.ru.count(range.lowerBound, ru: ("аргумента", "аргументов", "аргументов"), en: ("", "")),
                          "\(range.lowerBound) or more argument(s)")
                : Message("от \(range.lowerBound) до \(range.upperBound) аргументов", "\(range.lowerBound)–\(range.upperBound) argument(s)")
        let got = unexpected.map { Message("лишний аргумент '\($0)'", "unexpected argument '\($0)'") } ?? Message("не хватает аргумента", "missing argument")
        return got + Message(": 'survey \(command)' принимает ", ": 'survey \(command)' takes ") + expected
    }
    public static func usage(_ line: String) -> Message { Message("использование: \(line)", "usage: \(line)") }
    public static func unknownCommand(_ word: String) -> Message { Message("неизвестная команда '\(word)'", "unknown command '\(word)'") }
    public static func commandList(suggestion: String?) -> Message {
        suggestion.map { Message("может быть, '\($0)'? Список команд: 'survey --help'.", "did you mean '\($0)'? See 'survey --help'.") }
            ?? Message("список команд: 'survey --help'.", "see 'survey --help' for the commands.")
    }
    public static var internalErrorHint: Message {
        Message("это ошибка в программе; сообщите о ней разработчикам и приложите команду, которую вы запускали.",
                "this is a bug; please report it with the command you ran.")
    }
}

/// sample, export, forget, validate, list, tabulate, monitor, take's summary.
extension Messages {
    // MARK: sample and export

    public static var sampleNeedsCount: Message { Message("sample: нужен --count N", "sample needs --count N") }
    public static func blanksShare(_ given: String) -> Message {
        Message("--blanks принимает долю от 0 до 1; '\(given)' не подходит", "--blanks takes a share from 0 to 1, not '\(given)'")
    }
    /// «неизвестный этап 'x'; этапы: start, end».
    public static func unknownStage(_ stage: String, questionnaire: String, stages: [String]) -> Message {
        let list = stages.joined(separator: ", ")
        return Message("неизвестный этап '\(stage)'", "unknown stage '\(stage)'")
            + (stages.isEmpty ? Message("; у '\(questionnaire)' нет этапов", "; '\(questionnaire)' has no stages") : Message("; этапы: \(list)", "; one of \(list)"))
    }
    public static func monitoringCSVNeedsStage(_ stages: [String]) -> Message {
        let list = stages.joined(separator: ", ")
        return Message("CSV мониторинга — лист одного этапа: укажите --stage (\(list)) или --format json",
                       "a monitoring CSV is one stage's sheet: give --stage (\(list)), or use --format json")
    }
    public static var excelWithCP1251: Message {
        Message("--excel пишет UTF-8 с меткой порядка байтов; с --encoding cp1251 его не указывают",
                "--excel writes UTF-8 with a byte-order mark; leave it out with --encoding cp1251")
    }

    // MARK: forget

    public static func needsRespondent(_ command: String) -> Message {
        Message("\(command): нужен --respondent ИМЯ", "\(command) needs --respondent NAME")
    }
    public static func stillHoldsName(_ path: String) -> Message {
        Message("\(path) всё ещё содержит это имя (открытый сеанс или идущий импорт?); повторите forget, когда он закончится",
                "\(path) still holds the name (a session open in a terminal, or an import running?); run forget again when it ends")
    }
    public static func noAnswersOf(_ name: String, questionnaire: String) -> Message {
        Message("в '\(questionnaire)' нет ответов «\(name)»", "no answers of «\(name)» in '\(questionnaire)'")
    }
    /// «Удалено ответов: 3, незавершённых сессий: 1, записей маршрута: 2.»
    public static func forgotten(responses: Int, sessions: Int, routeLines: Int, spools: Int) -> Message {
        var text = Message("Удалено ответов: \(responses)", "Responses deleted: \(responses)")
        if sessions > 0 { text = text + Message(", незавершённых сессий: \(sessions)", ", unfinished sessions: \(sessions)") }
        if routeLines > 0 { text = text + Message(", записей маршрута: \(routeLines)", ", route records: \(routeLines)") }
        if spools > 0 { text = text + Message(", черновиков прерванного импорта: \(spools)", ", spools of interrupted imports: \(spools)") }
        return text + Message(verbatim: ".")
    }
    public static func rewrittenWithout(_ paths: [String]) -> Message {
        Message("Переписаны без этого человека: ", "Rewritten without the person: ") + Message(verbatim: paths.joined(separator: ", "))
    }
    public static func fileDeleted(_ path: String) -> Message { Message("Удалён файл: \(path)", "File deleted: \(path)") }

    // MARK: list and validate

    public static func notListed(_ path: String, problems: Int) -> Message {
        Message("\(path): не показана, в ней \(Language.ru.count(problems, ru: ("ошибка", "ошибки", "ошибок"), en: ("", ""))); см. 'survey validate \(path)'",
                "\(path): not listed, it has \(Language.en.count(problems, ru: ("", "", ""), en: ("problem", "problems"))); see 'survey validate \(path)'")
    }
    public static func noSuchFileOrFolder(_ path: String) -> Message {
        Message("\(path): нет такого файла или папки", "\(path): no such file or folder")
    }
    public static func validatedClean(files: Int) -> Message {
        Message("Проверено файлов: \(files), ошибок нет.", "\(files) file(s) checked, no problems.")
    }
    public static func validated(files: Int, valid: Int, problems: Int) -> Message {
        Message("Проверено файлов: \(files), без ошибок: \(valid), ошибок: \(problems).", "\(files) file(s) checked, \(valid) valid, \(problems) problem(s).")
    }

    // MARK: tabulate

    /// «tabulate работает с опросами; 'x' — самодиагностика».
    public static func commandIsFor(_ command: String, kind: Message, questionnaire: String, kindName: Message) -> Message {
        Message("\(command) работает с ", "\(command) is for ") + kind + Message("; '\(questionnaire)' — ", "; '\(questionnaire)' is ") + kindName
    }
    public static var surveysPlural: Message { Message("опросами", "surveys") }
    public static var monitoringPlural: Message { Message("мониторингом", "monitoring questionnaires") }
    public static var seeProfileAndGroup: Message { Message("см. 'survey profile' и 'survey group'", "see 'survey profile' and 'survey group'") }
    public static var seeMonitor: Message { Message("см. 'survey monitor'", "see 'survey monitor'") }
    public static func populationTooSmall(_ population: Int, respondents: Int) -> Message {
        Message("--population \(population) меньше числа ответивших (\(respondents))",
                "--population \(population) is smaller than the number of respondents (\(respondents))")
    }
    public static func hintPopulation(_ respondents: Int) -> Message {
        Message("укажите, сколько человек опрашивали всего (не меньше \(respondents)), или уберите --population",
                "give how many people were asked in all (at least \(respondents)), or leave --population out")
    }
    public static func headerDoesNotMatch(_ path: String, questionnaire: String, nothingStored: Bool) -> Message {
        nothingStored ? Message("заголовок \(path) не соответствует '\(questionnaire)'; ничего не сохранено", "the header of \(path) does not match '\(questionnaire)'; nothing stored")
            : Message("заголовок \(path) не соответствует '\(questionnaire)'", "the header of \(path) does not match '\(questionnaire)'")
    }
    public static func emptyAnswerFile(_ path: String) -> Message {
        Message("\(path) пуст: нужна строка заголовка с кодами утверждений", "\(path) is empty: a header row naming the items is expected")
    }
    public static func fileProblemsNothingTabulated(_ path: String, problems: Int) -> Message {
        Message("в \(path) \(Language.ru.count(problems, ru: ("ошибка", "ошибки", "ошибок"), en: ("", ""))); ничего не посчитано",
                "\(path) has \(Language.en.count(problems, ru: ("", "", ""), en: ("problem", "problems"))); nothing tabulated")
    }
    public static var hintFixOrSkipInvalid: Message {
        Message("исправьте их или импортируйте с --skip-invalid и считайте по хранилищу", "fix them, or import with --skip-invalid and tabulate the store")
    }
    public static func noResponses(_ questionnaire: String, store: String) -> Message {
        Message("в \(store) нет ответов '\(questionnaire)'", "no responses of '\(questionnaire)' in \(store)")
    }
    public static func hintImportOrFromCSV(_ questionnaire: String) -> Message {
        Message("импортируйте их: 'survey import \(questionnaire) ФАЙЛ' — или укажите --from-csv ФАЙЛ",
                "import some with 'survey import \(questionnaire) FILE', or use --from-csv FILE")
    }
    public static func noStoredColumn(_ column: String) -> Message {
        Message("ни в одном сохранённом ответе нет столбца «\(column)»", "no stored response has a «\(column)» column")
    }
    public static func hintKeepColumn(_ column: String) -> Message {
        Message("импортируйте файл снова с --keep \"\(column)\" или посчитайте его с --from-csv ФАЙЛ --by \"\(column)\"",
                "import the file again with --keep \"\(column)\", or tabulate it with --from-csv FILE --by \"\(column)\"")
    }

    // MARK: monitor

    public static var sheetOnlyCSV: Message {
        Message("--format csv — для листа наблюдения: добавьте --sheet --stage ЭТАП", "--format csv is for the observation sheet: add --sheet --stage S")
    }
    public static var sheetOnlyBlank: Message {
        Message("--blank — для листа наблюдения: добавьте --sheet --stage ЭТАП", "--blank is for the observation sheet: add --sheet --stage S")
    }
    public static func noLevelScale(_ questionnaire: String) -> Message {
        Message("в '\(questionnaire)' нет шкалы уровней", "'\(questionnaire)' has no level scale")
    }
    public static func noSheets(_ questionnaire: String, store: String) -> Message {
        Message("в \(store) нет листов '\(questionnaire)'", "no sheets of '\(questionnaire)' in \(store)")
    }
    public static func hintImportSheet(_ questionnaire: String) -> Message {
        Message("импортируйте лист: survey import \(questionnaire) ФАЙЛ --stage start", "import one: survey import \(questionnaire) FILE --stage start")
    }
    public static func noChild(_ name: String, questionnaire: String) -> Message {
        Message("в '\(questionnaire)' нет ребёнка «\(name)»", "no child «\(name)» in '\(questionnaire)'")
    }

    // MARK: take's summary

    public static func answersSaved(_ answered: Int, of asked: Int) -> Message {
        Message("Сохранено ответов: \(answered) из \(asked).", "Answers saved: \(answered) of \(asked).")
    }
    public static var testTasksToReview: Message { Message("Разбор заданий теста:", "The test tasks to review:") }
    public static var rightAnswer: Message { Message("Верно: ", "Right: ") }
    public static func routeCommand(_ questionnaire: String, name: String) -> Message {
        Message("Маршрут (ИОМ): survey route \(questionnaire) --respondent \"\(name)\"", "Route: survey route \(questionnaire) --respondent \"\(name)\"")
    }
}

extension Messages {
    /// What kind of questionnaire, in a sentence: «'x' — самодиагностика».
    public static func kindName(_ kind: QuestionnaireKind) -> Message {
        switch kind {
        case .likert: Message("опрос", "survey")
        case .deficits: Message("самодиагностика", "self-diagnosis")
        case .monitoring: Message("мониторинг", "monitoring")
        }
    }
}

extension Messages {
    /// The first column of `export --format csv`: «Респондент» (import takes it back, as it takes «respondent»,
    /// «ФИО», «id»); a monitoring sheet's is the child («ребёнок», as the observation sheets have it).
    public static func exportRespondentHeader(child: Bool) -> Message {
        child ? Message("ребёнок", "child") : Message("Респондент", "respondent")
    }
}

/// `survey bench`: its refusals and progress (the timing table keeps its English column names, as
/// BENCHMARKS.md quotes them).
extension Messages {
    public static func benchSizes(_ given: String, teachers: Bool) -> Message {
        teachers ? Message("--sizes принимает числа педагогов, например 1000,10000; '\(given)' не подходит", "--sizes takes teacher counts like 1000,10000, not '\(given)'")
            : Message("--sizes принимает числа строк, например 10000,100000; '\(given)' не подходит", "--sizes takes row counts like 10000,100000, not '\(given)'")
    }
    public static func benchGenerating(_ path: String) -> Message { Message("создаётся \(path)…", "generating \(path)…") }
    public static func benchCannotGenerate(_ path: String) -> Message { Message("не удалось создать \(path)", "could not generate \(path)") }
    public static func benchRunFailed(_ command: String) -> Message { Message("не удалось выполнить: \(command)", "failed: \(command)") }
    public static func benchCannotWrite(_ path: String) -> Message { Message("не удаётся записать \(path)", "cannot write \(path)") }
    public static func benchNoCatalogue(_ path: String) -> Message { Message("нет пригодного каталога мероприятий: \(path)", "no usable catalogue at \(path)") }
}

/// Observation sheets (`monitor --sheet`), output files, and `validate` across files.
extension Messages {
    public static func sheetNeedsStage(_ stages: [String]) -> Message {
        let list = stages.joined(separator: ", ")
        return Message("для --sheet нужен --stage (\(list)): лист — это один этап", "--sheet needs --stage (\(list)): a sheet is one stage's")
    }
    public static var blankSheetFormats: Message {
        Message("пустой лист печатается как text, md, csv или html", "a blank sheet is printed as text, md, csv or html")
    }
    public static func noSheetOfStage(_ stage: String, questionnaire: String, store: String) -> Message {
        Message("в '\(questionnaire)' нет листа этапа '\(stage)' (\(store))", "no sheet of stage '\(stage)' in '\(questionnaire)' (\(store))")
    }
    public static func hintImportOrBlankSheet(_ questionnaire: String, stage: String) -> Message {
        Message("импортируйте лист: survey import \(questionnaire) ФАЙЛ --stage \(stage); или напечатайте пустой: survey monitor \(questionnaire) --sheet --stage \(stage) --blank 25",
                "import one: survey import \(questionnaire) FILE --stage \(stage); or print an empty one: survey monitor \(questionnaire) --sheet --stage \(stage) --blank 25")
    }
    public static func idUsedBy(_ id: String, other: String) -> Message {
        Message("id \"\(id)\" уже занят файлом \(other)", "id \"\(id)\" is already used by \(other)")
    }
    public static func earlierVersion(_ id: String, version: String) -> Message {
        Message("у прежней версии \"\(id)\" должен быть тот же id и другая версия, не \"\(version)\"",
                "an earlier version of \"\(id)\" must have its id and another version than \"\(version)\"")
    }
    /// A system failure writing a file, with the system's words.
    public static func writeFailed(_ path: String, _ reason: String) -> Message { Message(verbatim: "\(path): \(reason)") }
    public static var cannotBeOpened: Message { Message("не удаётся открыть", "cannot be opened") }
}
