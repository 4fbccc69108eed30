import Foundation

/// Files, CSV reading and text encodings.
extension Messages {
    // MARK: Files

    public static var isFolder: Message { Message("это папка, а не файл", "is a folder, not a file") }
    public static func fileTooLarge(size: Int, limit: Int) -> Message {
        Message("файл размером \(Language.ru.integer(size)) байт; файлы такого рода не больше \(Language.ru.integer(limit)) байт",
                "is \(size) bytes; files of this kind are at most \(limit)")
    }
    public static func fileGrew(limit: Int) -> Message {
        Message("файл вырос больше \(Language.ru.integer(limit)) байт, пока его читали", "grew past \(limit) bytes while being read")
    }
    public static var noQuestionnairesFolder: Message {
        Message("здесь нет папки анкет (укажите --questionnaires ПАПКА или задайте SURVEY_QUESTIONNAIRES)",
                "no questionnaires folder here (give --questionnaires DIR or set SURVEY_QUESTIONNAIRES)")
    }
    public static var cannotBeRead: Message { Message("не удаётся прочитать", "cannot be read") }
    public static var cannotBeCreated: Message { Message("не удаётся создать", "cannot be created") }
    public static var cannotBeWritten: Message { Message("нельзя записать", "cannot be written") }
    /// A path and what is wrong with it: `a.csv: нет такого файла или папки`.
    public static func atPath(_ path: String, _ reason: Message) -> Message { Message(verbatim: "\(path): ") + reason }

    // MARK: CSV

    public static func cannotRead(_ reason: Message) -> Message { Message("не удаётся прочитать: ", "cannot read: ") + reason }
    public static func cannotOpen(_ reason: Message) -> Message { Message("не удаётся открыть: ", "cannot open: ") + reason }
    public static func readFailed(_ reason: Message) -> Message { Message("ошибка чтения: ", "read failed: ") + reason }
    public static var notRegularFileForParts: Message {
        Message("это не обычный файл: его нельзя читать по частям", "not a regular file: it cannot be read in parts")
    }
    public static func recordTooLong(_ limit: Int) -> Message {
        Message("запись длиннее \(Language.ru.integer(limit)) байт", "a record is longer than \(limit) bytes")
    }
    public static func firstRecordTooLong(_ limit: Int) -> Message {
        Message("первая запись длиннее \(Language.ru.integer(limit)) байт", "the first record is longer than \(limit) bytes")
    }
    public static func fieldTooLong(_ limit: Int) -> Message {
        Message("поле длиннее \(Language.ru.integer(limit)) байт", "a field is longer than \(limit) bytes")
    }
    public static func tooManyFields(_ limit: Int) -> Message {
        Message("в записи больше \(Language.ru.integer(limit)) полей", "a record has more than \(limit) fields")
    }
    public static var hintMissingClosingQuote: Message {
        Message("проверьте, не пропущена ли закрывающая кавычка", "check for a missing closing quote")
    }
    public static func unclosedQuote(line: Int) -> Message {
        Message("поле в кавычках, открытое в строке \(line), не закрыто", "a quoted field opened on line \(line) is never closed")
    }
    public static var hintUnclosedQuote: Message {
        Message("кавычка внутри поля в кавычках пишется дважды (\"\"); проверьте, не пропущена ли закрывающая кавычка",
                "a quote inside a quoted field is written twice (\"\"); check for a missing closing quote")
    }
    public static var textAfterClosingQuote: Message {
        Message("текст после закрывающей кавычки", "unexpected text after a closing quote")
    }
    public static var hintDoubledQuote: Message {
        Message("кавычка внутри поля в кавычках пишется дважды (\"\")", "a quote inside a quoted field is written twice (\"\")")
    }
    public static var nulByte: Message {
        Message("нулевой байт (NUL): это не текстовый файл", "NUL byte: this is not a text file")
    }
    public static var hintUTF16WithoutBOM: Message {
        Message("если это текст UTF-16 без метки порядка байтов, укажите --encoding utf-16",
                "if it is UTF-16 text without a byte-order mark, give --encoding utf-16")
    }
    public static func invalidUTF8(byte: String) -> Message {
        Message("неверный UTF-8 (байт 0x\(byte))", "invalid UTF-8 (byte 0x\(byte))")
    }
    public static var hintCP1251: Message {
        Message("если файл в кодировке Windows-1251, укажите --encoding cp1251", "if the file is in Windows-1251, give --encoding cp1251")
    }
    public static func notCP1251(byte: String) -> Message {
        Message("байт 0x\(byte) — не символ Windows-1251", "byte 0x\(byte) is not a character in Windows-1251")
    }
    public static var hintCheckEncoding: Message {
        Message("проверьте кодировку файла: --encoding utf-8|cp1251|utf-16", "check the file's encoding: --encoding utf-8|cp1251|utf-16")
    }
    public static func invalidUTF16(unit: String) -> Message {
        Message("неверный UTF-16 (непарный суррогат 0x\(unit))", "invalid UTF-16 (unpaired surrogate 0x\(unit))")
    }
    public static var utf16Truncated: Message {
        Message("текст UTF-16 обрывается посреди символа", "the UTF-16 text ends in the middle of a character")
    }
    public static var hintCutShort: Message { Message("возможно, файл обрезан", "the file may be cut short") }
    public static var badDelimiter: Message {
        Message("разделитель должен быть символом ASCII, но не кавычкой и не переводом строки",
                "a delimiter must be an ASCII character other than a quote or a line break")
    }
    public static var hintDelimiter: Message { Message("укажите --delimiter auto|,|;|tab", "give --delimiter auto|,|;|tab") }
    public static func byteOrderMarkMismatch(bom: String, given: String) -> Message {
        Message("файл начинается с метки порядка байтов \(bom), а указано --encoding \(given)",
                "the file starts with a \(bom) byte-order mark, but --encoding \(given) was given")
    }
    public static func hintEncoding(_ name: String) -> Message {
        Message("укажите --encoding \(name) или auto", "give --encoding \(name) or auto")
    }
    public static func cannotTellEncoding(byte: String) -> Message {
        Message("не удаётся определить кодировку (байт 0x\(byte) — не UTF-8, а как Windows-1251 текст не читается)",
                "cannot tell the encoding (byte 0x\(byte) is not UTF-8, and the text does not read as Windows-1251)")
    }
    public static var hintGiveEncoding: Message {
        Message("укажите --encoding utf-8|cp1251|utf-16", "give --encoding utf-8|cp1251|utf-16")
    }
    /// Where in a file: «строка 14, поле 3».
    public static func place(line: Int, column: Int?) -> Message {
        var ru = line > 0 ? "строка \(line)" : "", en = line > 0 ? "line \(line)" : ""
        if let column {
            ru += ru.isEmpty ? "поле \(column)" : ", поле \(column)"
            en += en.isEmpty ? "column \(column)" : ", column \(column)"
        }
        return Message(ru, en)
    }
    /// «столбец 3» in a diagnostic's place.
    public static func column(_ n: Int) -> Message { Message("столбец \(n)", "column \(n)") }
    public static func unwritableInCP1251(_ character: String, code: String) -> Message {
        Message("«\(character)» (U+\(code)) нельзя записать в cp1251; выберите utf-8",
                "«\(character)» (U+\(code)) cannot be written in cp1251; use utf-8")
    }
}
