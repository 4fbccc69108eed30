import Foundation

/// The response store, session journals and route journals: why a store cannot be read or written.
extension Messages {
    // MARK: Store errors

    public static func storeCorrupt(path: String, line: Int, _ reason: Message) -> Message {
        Message("\(path):\(line): хранилище повреждено: ", "\(path):\(line): the store is damaged: ") + reason
    }
    public static func storeDamaged(path: String, offset: Int, _ reason: Message) -> Message {
        Message("\(path): байт \(Language.ru.integer(offset)): хранилище повреждено: ", "\(path): byte \(offset): the store is damaged: ") + reason
    }
    /// When a batch was stored, as a reader says it: «2 декабря 2026 в 21:03» in the machine's time zone (the
    /// store keeps UTC in ISO 8601); the stored text itself if it is not a timestamp.
    public static func storedAt(_ iso: String, timeZone: TimeZone = .current) -> Message {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime]
        guard let date = parser.date(from: iso) else { return Message(verbatim: iso) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let month = min(max((p.month ?? 1) - 1, 0), 11)
        let ru = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]
        let en = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let day = p.day ?? 1, year = p.year ?? 1970
        let time = String(format: "%02d:%02d", p.hour ?? 0, p.minute ?? 0)
        return Message("\(day)\u{00A0}\(ru[month]) \(year) в \(time)", "\(day) \(en[month]) \(year) at \(time)")
    }
    public static func alreadyImported(source: String, at: String, count: Int) -> Message {
        let at = storedAt(at)
        return Message("этот файл уже импортирован (как \(source), \(at.ru), " + Language.ru.count(count, ru: ("ответ", "ответа", "ответов"), en: ("", "")) + "); повторно ничего не сохранено",
                       "this file was already imported (as \(source), \(at.en), \(count) response(s)); nothing stored twice")
    }
    public static func unsafeStoreName(_ name: String) -> Message {
        Message("'\(name)' не может быть именем папки хранилища", "'\(name)' cannot name a store folder")
    }

    // MARK: Reasons a store file is damaged

    public static var storeRecordFieldsOverrun: Message { Message("поля записи выходят за её конец", "a record's fields run past its end") }
    public static var storeRecordCodesOverrun: Message { Message("коды записи выходят за её конец", "a record's codes run past its end") }
    public static func storeNotFormat(_ version: Int) -> Message {
        Message("это не хранилище ответов формата \(version) (первые байты не SVSTORE2)",
                "not a survey store of format \(version) (the first bytes are not SVSTORE2)")
    }
    public static var storeRecordPastEnd: Message { Message("запись выходит за сохранённый конец", "a record runs past the committed end") }
    public static var storeLogShorter: Message { Message("журнал короче, чем указано в его индексе", "the log is shorter than its index says") }
    public static func storeRecordLength(_ length: Int) -> Message {
        Message("длина записи \(Language.ru.count(length, ru: ("байт", "байта", "байт"), en: ("", ""))) не помещается", "a record length of \(length) byte(s) does not fit")
    }
    public static var storeRecordOutsideBatches: Message { Message("запись вне всех партий индекса", "a record outside every batch of the index") }
    public static var storeNotJSONObject: Message { Message("это не объект JSON", "not a JSON object") }
    public static var storeNotIndex: Message { Message("это не индекс хранилища (нет версии \"store\")", "not a store index (no \"store\" version)") }
    public static func storeUnknownFormat(_ version: String, reads: Int) -> Message {
        Message("формат хранилища \(version) неизвестен этой версии survey (она читает \(reads))",
                "store format \(version) is not known to this version of survey (it reads \(reads))")
    }
    public static func storeNotCount(_ key: String) -> Message { Message("\"\(key)\" — не количество", "\"\(key)\" is not a count") }
    public static func storeNotList(_ key: String) -> Message { Message("\"\(key)\" — не список", "\"\(key)\" is not a list") }
    public static func storeNonString(_ key: String) -> Message { Message("в \"\(key)\" есть не строка", "\"\(key)\" holds a non-string") }
    public static var storeBatchWithoutID: Message { Message("партия без идентификатора", "a batch without an id") }
    public static var storeValuesPerColumn: Message {
        Message("в \"values\" не по одному списку на столбец", "\"values\" does not have one list per column")
    }
    public static var storeValuesNonList: Message {
        Message("в \"values\" есть не список или слишком длинный список", "\"values\" holds a non-list or too long a list")
    }
    public static var storeValuesNonNumber: Message { Message("в \"values\" есть не число", "\"values\" holds a non-number") }
    public static var storeSupersededNonOffset: Message { Message("в \"superseded\" есть не смещение", "\"superseded\" holds a non-offset") }
    public static var storeIdentityRun: Message { Message("не удаётся прочитать серию идентификаторов", "an identity run cannot be read") }
    public static var storeResponseWithoutBatch: Message { Message("ответ без партии", "response without batch") }
    public static var storeBatchesInterleave: Message { Message("партии перемешаны", "batches interleave") }
    public static var storeCommitWithoutBatch: Message { Message("фиксация без партии или количества", "commit without batch or count") }
    public static func storeCommitMismatch(batch: String, lines: Int) -> Message {
        Message("фиксация \(batch) не совпадает с её строками ответов (\(lines))",
                "commit of \(batch) does not match its \(lines) response line(s)")
    }
    public static var storeForgetWithoutRespondent: Message { Message("удаление без респондента", "forget without respondent") }
    public static var storeUnknownRecordType: Message { Message("неизвестный тип записи", "unknown record type") }
    public static func storeLogEnds(length: Int, index: Int) -> Message {
        Message("журнал кончается на байте \(Language.ru.integer(length)), а его индекс — на \(Language.ru.integer(index))",
                "the log ends at byte \(length), its index at \(index)")
    }
    public static var storeIdentitiesUnreadable: Message {
        Message("идентификаторы партии не удаётся прочитать обратно", "the batch's identities cannot be read back")
    }
    public static var noSuchSession: Message { Message("нет такого сеанса", "no such session") }
    public static var sessionOpenElsewhere: Message {
        Message("этот сеанс открыт в другом терминале", "this session is open in another terminal")
    }
}

extension Messages {
    /// What opening or writing the store did, as a warning.
    public static func storeNote(_ note: StoreNote) -> Message {
        switch note {
        case .converted(let folder, let responses, let batches, let torn):
            return Message("\(folder): хранилище переведено в формат \(ResponseStore.formatVersion) (ответов: \(Language.ru.integer(responses)), партий: \(Language.ru.integer(batches))); см. docs/STORE.md",
                           "\(folder): converted the store to format \(ResponseStore.formatVersion) (\(responses) response(s) in \(batches) batch(es)); see docs/STORE.md")
                + (torn > 0 ? Message("; незавершённая запись в конце (\(Language.ru.count(torn, ru: ("байт", "байта", "байт"), en: ("", ""))), оборвана сбоем) не перенесена",
                                      "; an unfinished write of \(torn) byte(s) at the end (cut off by a crash) was left out") : Message(verbatim: ""))
        case .repaired(let files, let bytes):
            return Message("удалена незавершённая запись (импорт или сеанс, оборванные сбоем или отключением питания): \(Language.ru.count(bytes, ru: ("байт", "байта", "байт"), en: ("", ""))) в \(files.joined(separator: ", ")); сохранённые данные целы",
                           "removed an unfinished write (an import or session cut off by a crash or power cut): \(bytes) byte(s) of \(files.joined(separator: ", ")); committed data is intact")
        case .staleSpool(let path, let bytes):
            return Message("\(path): удалён черновик импорта, оставшийся после сбоя (\(Language.ru.count(bytes, ru: ("байт", "байта", "байт"), en: ("", ""))), не был сохранён)",
                           "\(path): removed an import's spool left by a crash (\(bytes) byte(s), never stored)")
        }
    }
}

extension Messages {
    /// A file that ended before the bytes being copied from it.
    public static func fileEndedBefore(byte: Int) -> Message {
        Message("файл кончился раньше байта \(Language.ru.integer(byte))", "ended before byte \(byte)")
    }
    public static var importPartUnreadable: Message {
        Message("часть импорта не удаётся прочитать обратно", "a part of the import cannot be read back")
    }
    public static var importPartOtherTables: Message {
        Message("часть импорта закодирована другими таблицами", "a part of the import was coded with other tables")
    }
}
