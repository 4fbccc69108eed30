import Foundation
import SurveyEngine

/// Import and `tabulate --from-csv`: answer files, their headers and rows, the rejects file, the progress line.
extension Messages {
    public static func fileCannotBeRead(_ path: String, nothingStored: Bool) -> Message {
        nothingStored ? Message("\(path) не удаётся прочитать; ничего не сохранено", "\(path) cannot be read; nothing stored")
            : Message("\(path) не удаётся прочитать", "\(path) cannot be read")
    }
}

extension Messages {
    // MARK: import: refusals

    public static var skipInvalidWithRejects: Message {
        Message("--skip-invalid и --rejects ФАЙЛ указывают вместе", "--skip-invalid and --rejects FILE go together")
    }
    public static var importInterrupted: Message { Message("Импорт прерван, ничего не сохранено.", "Import interrupted, nothing stored.") }
    /// «ошибки в 1 из 3 строк; ничего не сохранено».
    public static func rowsHaveProblems(_ rejected: Int, of rows: Int) -> Message {
        Message("ошибки в \(Language.ru.integer(rejected)) из \(Language.ru.count(rows, ru: ("строки", "строк", "строк"), en: ("", ""))); ничего не сохранено",
                "\(rejected) of \(Language.en.count(rows, ru: ("", "", ""), en: ("row", "rows"))) have problems; nothing stored")
    }
    public static var hintSkipInvalid: Message {
        Message("исправьте их и импортируйте снова или сохраните верные строки: --skip-invalid --rejects ФАЙЛ",
                "fix them and import again, or use --skip-invalid --rejects FILE to store the valid rows")
    }
    public static var dryRun: Message { Message("Проверка без сохранения.", "Dry run: nothing stored.") }
    public static func replacedStageData(_ count: Int, names: String) -> Message {
        Message("Заменены прежние данные этапа для \(Language.ru.integer(count)): \(names)", "Replaced this stage's earlier data for \(count): \(names)")
    }
    public static func alreadyHadResponse(_ count: Int, names: String) -> Message {
        Message("Уже были ответы у \(Language.ru.integer(count)) (новые стали текущими, прежние сохранены в истории): \(names)",
                "\(count) already had a response (the new one is current, the earlier kept as history): \(names)")
    }
    /// The same file imported again: not an error, nothing stored twice.
    public static func alreadyImportedNote(source: String, at: String, count: Int) -> Message {
        let at = storedAt(at)
        return Message("Этот файл уже импортирован (как \(source), \(at.ru), " + Language.ru.count(count, ru: ("ответ", "ответа", "ответов"), en: ("", "")) + ") — повторно ничего не сохранено",
                       "Already imported (as \(source), \(at.en), \(count) response(s)): nothing stored twice")
    }
    public static func rejectedRows(_ path: String) -> Message { Message("Отклонённые строки: \(path)", "Rejected rows: \(path)") }
    public static func monitoringNeedsStage(_ stages: [String]) -> Message {
        let list = stages.joined(separator: ", ")
        return Message("для листа мониторинга нужен --stage (\(list))", "a monitoring sheet needs --stage (\(list))")
    }
    public static func stageOnlyForMonitoring(_ questionnaire: String, kind: QuestionnaireKind) -> Message {
        Message("--stage — только для листов мониторинга; '\(questionnaire)' — \(kindName(kind).ru)",
                "--stage is for monitoring sheets; '\(questionnaire)' is a \(kind.rawValue) questionnaire")
    }
    /// «… и ещё 12 ошибок (--max-errors N — показать больше)».
    public static func moreProblems(_ more: Int, canListMore: Bool) -> Message {
        Message("… и ещё \(Language.ru.count(more, ru: ("ошибка", "ошибки", "ошибок"), en: ("", "")))" + (canListMore ? " (--max-errors N — показать больше)" : ""),
                "… and \(more) more \(more == 1 ? "problem" : "problems")" + (canListMore ? " (--max-errors N to list more)" : ""))
    }

    // MARK: import: the summary

    public static func importFile(_ name: String, encoding: String, delimiter: String) -> Message {
        Message("Файл: \(name) (\(encoding), разделитель «\(delimiter)»)", "File: \(name) (\(encoding), delimiter '\(delimiter)')")
    }
    /// «Строк прочитано: 1 000 000, сохранено: 999 998, отклонено: 2».
    public static func rowsRead(_ read: Int, stored: Int, rejected: Int) -> Message {
        let ru = Language.ru
        return Message("Строк прочитано: \(ru.integer(read)), сохранено: \(ru.integer(stored)), отклонено: \(ru.integer(rejected))",
                       "Rows read: \(read), stored: \(stored), rejected: \(rejected)")
    }
    public static var noColumnBlankForEveryone: Message { Message("Нет столбца (без ответа у всех): ", "No column (blank for everyone): ") }
    public static func blanks(byCode: Bool) -> Message {
        byCode ? Message("Пропуски (код — сколько): ", "Blanks (code — count): ") : Message("Пропуски (№ — сколько): ", "Blanks (item — count): ")
    }
    public static func noTeacherColumns(_ labels: [String]) -> Message {
        let list = labels.joined(separator: ", ")
        return Message("Нет столбцов о педагоге: \(list) — все утверждения считаются относящимися к работе",
                       "No columns about the teacher: \(list): every statement is taken to apply")
    }
    public static func notApplicableLeftOut(_ count: Int, items: String) -> Message {
        Message("Не учтены ответы на утверждения, которые не относятся к должности или предмету педагога: \(Language.ru.integer(count)) (утверждения \(items))",
                "Answers to statements that do not concern the teacher's role or subject were left out: \(count) (items \(items))")
    }
    /// The progress line: «… 42 % — 1 000 000 строк».
    public static func progressRows(_ rows: Int) -> Message { .count(rows, ru: ("строка", "строки", "строк"), en: ("row", "rows")) }
}

extension Messages {
    // MARK: answer files: headers

    public static var emptyFileNeedsHeader: Message {
        Message("файл пуст: нужна строка заголовка с кодами утверждений", "the file is empty: a header row naming the items is expected")
    }
    public static func noRespondentColumn(_ kind: QuestionnaireKind) -> Message {
        Message("нет столбца респондента: для листа «\(kindName(kind).ru)» он нужен (id, ФИО, ребёнок, № … или --id-column)",
                "no respondent column: a \(kind.rawValue) sheet needs one (id, ФИО, ребёнок, № … or --id-column)")
    }
    public static func columnItem(_ column: Int, item: Int) -> Message {
        Message("столбец \(column), утверждение \(item)", "column \(column), item \(item)")
    }
    public static func columnField(_ column: Int, field: String) -> Message {
        Message("столбец \(column), «\(field)»", "column \(column), «\(field)»")
    }
    public static func lostLetterCouldBe(_ raw: String, names: [String]) -> Message {
        Message("«\(raw)» может быть \(names.joined(separator: " или ")): при сохранении файла в cp1251 пропала буква",
                "«\(raw)» could be \(names.joined(separator: " or ")): a letter was lost when the file was saved in cp1251")
    }
    public static var hintASCIIAliasOrUTF8: Message {
        Message("запишите код его ASCII-псевдонимом или сохраните файл в UTF-8 (Excel: «CSV UTF-8»)",
                "write the code as its ASCII alias, or save the file as UTF-8 (Excel: «CSV UTF-8»)")
    }
    public static func lostLetterUnknown(_ raw: String, questionnaire: String) -> Message {
        Message("неизвестный столбец «\(raw)»: «?» — буква, пропавшая при сохранении файла в cp1251, и ни одно утверждение '\(questionnaire)' так не читается",
                "unknown column «\(raw)»: «?» stands for a letter lost when the file was saved in cp1251, and no item of '\(questionnaire)' reads so")
    }
    public static func hintUTF8OrAlias(_ questionnaire: String) -> Message {
        Message("сохраните файл в UTF-8 (Excel: «CSV UTF-8») или запишите код ASCII-псевдонимом из 'survey show \(questionnaire)'",
                "save the file as UTF-8 (Excel: «CSV UTF-8») or write the code with the ASCII alias from 'survey show \(questionnaire)'")
    }
    public static func itemAlreadyInColumn(_ item: Int, column: Int) -> Message {
        Message("утверждение \(item) уже есть в столбце \(column)", "item \(item) is already in column \(column)")
    }
    public static func noColumnNamed(_ name: String, idColumn: Bool) -> Message {
        idColumn ? Message("нет столбца «\(name)» (--id-column)", "no column named «\(name)» (--id-column)")
            : Message("нет столбца «\(name)»", "no column named «\(name)»")
    }
    public static func hintKeep(_ name: String) -> Message {
        Message("похоже на сведения о респонденте: чтобы сохранить столбец (для tabulate --by), добавьте --keep \"\(name)\"",
                "looks like information about the respondent: to keep the column (for tabulate --by), add --keep \"\(name)\"")
    }
    public static func hintBy(_ name: String) -> Message {
        Message("похоже на сведения о респонденте: чтобы разбить результаты по этому столбцу, добавьте --by \"\(name)\"",
                "looks like information about the respondent: to break the results down by it, add --by \"\(name)\"")
    }
    public static func hintWhatAColumnNames(_ idColumn: String?) -> Message {
        let id = idColumn ?? "id, ФИО, №…"
        return Message("столбец называет утверждение кодом, номером или текстом либо респондента (\(id))",
                       "a column names an item by id, number or text, or the respondent (\(id))")
    }
    public static func unknownColumn(_ raw: String) -> Message { Message("неизвестный столбец «\(raw)»", "unknown column «\(raw)»") }
    public static func strayLetter(_ letter: String, code: String, position: Int, latinAmongCyrillic: Bool) -> Message {
        latinAmongCyrillic
            ? Message("буква «\(letter)» (\(code)) на месте \(position) — латинская среди русских букв",
                      "the letter «\(letter)» (\(code)) at position \(position) is Latin among Cyrillic letters")
            : Message("буква «\(letter)» (\(code)) на месте \(position) — русская среди латинских букв",
                      "the letter «\(letter)» (\(code)) at position \(position) is Cyrillic among Latin letters")
    }

    // MARK: answer files: cells and rows

    public static var notYesNo: Message { Message("— не «да» и не «нет»", "is not «да» or «нет»") }
    public static var notYears: Message { Message("— не число лет", "is not a number of years") }
    public static func outsideRange(_ min: Int, _ max: Int) -> Message { Message("— вне пределов \(min)–\(max)", "is outside \(min)–\(max)") }
    public static func notOneOf(_ options: [String], suggestion: String?) -> Message {
        Message("— не из списка: ", "is not one of: ") + Message(verbatim: options.joined(separator: ", "))
            + (suggestion.map { Message(" — возможно, имелось в виду «\($0)»?", " — did you mean «\($0)»?") } ?? Message(verbatim: ""))
    }
    public static var valueWithoutHeader: Message { Message("значение в столбце без заголовка", "a value in a column with no header") }
    public static func notATestAnswer(_ raw: String) -> Message {
        Message("«\(raw)» — не ответ на это тестовое задание", "«\(raw)» is not an answer of this test task")
    }
    public static func hintTestLetters(_ letters: [String], multiple: Bool) -> Message {
        Message("буквы выбранных вариантов (", "letters of the chosen options (") + Message(verbatim: letters.joined(separator: ", ") + ")")
            + (multiple ? Message(", несколько — через запятую", ", several separated by commas") : Message(", одна буква", ", one letter"))
    }
    /// «Несогалсен» — не вариант ответа на это утверждение — возможно, имелось в виду «Не согласен»?
    public static func notAnAnswer(_ raw: String, suggestion: String?) -> Message {
        Message("«\(raw)» — не вариант ответа на это утверждение", "«\(raw)» is not an answer of this item")
            + (suggestion.map { Message(" — возможно, имелось в виду «\($0)»?", " — did you mean «\($0)»?") } ?? Message(verbatim: ""))
    }
    public static func hintAnswers(_ answers: [String]) -> Message {
        Message("варианты: ", "answers: ") + Message(verbatim: answers.joined(separator: ", "))
    }
    public static var emptyRespondentCell: Message { Message("ячейка респондента пуста", "the respondent cell is empty") }
    public static func alreadyAnswered(_ name: String, line: Int) -> Message {
        Message("«\(name)» уже ответил(а) в строке \(line) этого файла", "«\(name)» already answered on line \(line) of this file")
    }
    /// «в строке 18 ячеек, а в заголовке 19 столбцов: …».
    public static func cellCount(cells: Int, header: Int) -> Message {
        let row = Message.count(cells, ru: ("ячейка", "ячейки", "ячеек"), en: ("cell", "cells"))
        let head = Message.count(header, ru: ("столбец", "столбца", "столбцов"), en: ("column", "columns"))
        return cells < header
            ? Message("в строке \(row.ru), а в заголовке \(head.ru): где-то пропущена ячейка, и ответы после неё попали бы под чужие пункты; добавьте недостающие (пустая ячейка — без ответа)",
                      "the row has \(row.en) but the header \(head.en): a cell is missing, and the answers after it would fall under other items; add the missing ones (an empty cell is no answer)")
            : Message("в строке \(row.ru), а в заголовке \(head.ru): лишние ячейки не относятся ни к одному столбцу",
                      "the row has \(row.en) but the header \(head.en): the extra cells belong to no column")
    }
    public static var cellNotUTF8: Message { Message("ячейка — не UTF-8", "the cell is not valid UTF-8") }
    public static var hintExcelCP1251: Message {
        Message("если файл из Excel под Windows, укажите --encoding cp1251", "give --encoding cp1251 if the file is from Excel on Windows")
    }
    public static func repeatedFromPipe(_ rows: Int) -> Message {
        Message("в \(Language.ru.count(rows, ru: ("строке", "строках", "строках"), en: ("", ""))) назван респондент из более ранней строки (данные пришли из канала, строки не назвать: сохраните их в файл, чтобы увидеть)",
                "\(Language.en.count(rows, ru: ("", "", ""), en: ("row names", "rows name"))) a respondent named on an earlier row (read from a pipe, the rows cannot be named: save the input to a file to see them)")
    }
}
