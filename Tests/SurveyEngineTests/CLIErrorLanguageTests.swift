import Foundation
import Testing

/// Errors, hints and warnings of the commands (not only of the parser) are Russian by default and English
/// with `--lang en`: every error path below is run both ways through the binary.
@Suite("CLI: command errors in Russian, English with --lang en")
struct CLIErrorLanguageTests {
    /// An error path: the files it needs, its arguments (`DIR` stands for a fresh folder), the exit status
    /// and a phrase expected in each language.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        var files: [String: String] = [:]
        /// Files given as bytes (another encoding, a NUL byte).
        var bytes: [String: [UInt8]] = [:]
        let arguments: [String]
        var stdin: String? = nil
        let status: Int32
        let russian: String
        let english: String
        var testDescription: String { name }
    }

    static let staffHeader = "ФИО;1;2;3\n"
    /// «ФИО;1;2;3 / Иванова;1;2;3» in Windows-1251.
    static let cp1251Staff: [UInt8] = [0xD4, 0xC8, 0xCE] + Array(";1;2;3\n".utf8) + [0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2, 0xE0] + Array(";1;2;3\n".utf8)
    /// A deficits definition with one thing broken by each case below.
    static func definition(_ edit: (String) -> String) -> String {
        edit("""
        {"id": "mini", "version": "1", "kind": "deficits", "title": "Мини",
         "scales": [{"id": "self4", "options": [{"label": "Нет", "value": 1}, {"label": "Скорее нет", "value": 2},
                                                {"label": "Скорее да", "value": 3}, {"label": "Да", "value": 4}]}],
         "areas": [{"id": "ict", "title": "ИКТ"}],
         "items": [{"id": "d1", "number": 1, "text": "Я веду электронный журнал", "scale": "self4", "area": "ict"}],
         "scoring": {"area": {"minAnswered": 0.5}, "bands": [
           {"id": "severe", "label": "Выраженный дефицит", "from": 0, "to": 40, "deficit": true},
           {"id": "none", "label": "Без дефицита", "from": 40, "to": 100}]}}
        """)
    }
    static let cases: [Case] = [
        Case(name: "import: a bad cell", files: ["a.csv": staffHeader + "Иванова;Согласен;Несогалсен;Согласен\n"],
             arguments: ["import", "preschool-staff-survey", "DIR/a.csv", "--data", "DIR/data"], status: 1,
             russian: "столбец 3, утверждение 2: «Несогалсен» — не вариант ответа на это утверждение — возможно, имелось в виду «Не согласен»?",
             english: "column 3, item 2: «Несогалсен» is not an answer of this item — did you mean «Не согласен»?"),
        Case(name: "import: an unknown column", files: ["a.csv": "ФИО;1;2;3;Абракадабра\nИванова;1;2;3;4\n"],
             arguments: ["import", "preschool-staff-survey", "DIR/a.csv", "--data", "DIR/data"], status: 1,
             russian: "неизвестный столбец «Абракадабра»", english: "unknown column «Абракадабра»"),
        Case(name: "import: a short row", files: ["a.csv": staffHeader + "Иванова;Согласен;Согласен\nПетрова;1;2;3\nСидорова;1;2;3\n"],
             arguments: ["import", "preschool-staff-survey", "DIR/a.csv", "--data", "DIR/data"], status: 1,
             russian: "ошибки в 1 из 3 строк; ничего не сохранено", english: "1 of 3 rows have problems; nothing stored"),
        Case(name: "import: a value without a header and a repeated respondent", files: ["a.csv": "ФИО;1;;3\nИванова;1;x;3\nИванова;1;;3\n"],
             arguments: ["import", "preschool-staff-survey", "DIR/a.csv", "--data", "DIR/data"], status: 1,
             russian: "значение в столбце без заголовка", english: "a value in a column with no header"),
        Case(name: "import: a bad context cell", files: ["a.csv": "ФИО;Стаж\nИванова Анна;двенадцать\n"],
             arguments: ["import", "teacher-deficits", "DIR/a.csv", "--data", "DIR/data"], status: 1,
             russian: "«двенадцать» — не число лет", english: "«двенадцать» is not a number of years"),
        Case(name: "import: --skip-invalid alone", arguments: ["import", "preschool-staff-survey", "DIR/a.csv", "--skip-invalid"], status: 64,
             russian: "--skip-invalid и --rejects ФАЙЛ указывают вместе", english: "--skip-invalid and --rejects FILE go together"),
        Case(name: "tabulate: a bad cell", files: ["a.csv": staffHeader + "Иванова;Согласен;Несогалсен;Согласен\n"],
             arguments: ["tabulate", "preschool-staff-survey", "--from-csv", "DIR/a.csv"], status: 1,
             russian: "в DIR/a.csv 1 ошибка; ничего не посчитано", english: "DIR/a.csv has 1 problem; nothing tabulated"),
        Case(name: "tabulate: an empty store", arguments: ["tabulate", "preschool-staff-survey", "--data", "DIR/data"], status: 1,
             russian: "нет ответов 'preschool-staff-survey'", english: "no responses of 'preschool-staff-survey'"),
        Case(name: "tabulate: a self-diagnosis", arguments: ["tabulate", "teacher-deficits", "--data", "DIR/data"], status: 64,
             russian: "tabulate работает с опросами", english: "tabulate is for surveys"),
        Case(name: "take: no name from a pipe", arguments: ["take", "teacher-deficits", "--data", "DIR/data"], stdin: "1\n", status: 64,
             russian: "нужен --respondent ИМЯ", english: "needs --respondent NAME"),
        Case(name: "take: not a session id", arguments: ["take", "preschool-parent-survey", "--session", "zz", "--data", "DIR/data"], stdin: "", status: 64,
             russian: "'zz' — не номер сеанса", english: "'zz' is not a session id"),
        Case(name: "profile: nobody of that name", arguments: ["profile", "teacher-deficits", "--respondent", "Антонова Анна", "--data", "DIR/data"], status: 1,
             russian: "нет диагностики «Антонова Анна»", english: "no diagnosis of «Антонова Анна»"),
        Case(name: "route: no name", arguments: ["route", "teacher-deficits", "--data", "DIR/data"], status: 64,
             russian: "route: нужен --respondent ИМЯ", english: "route needs --respondent NAME"),
        Case(name: "route: nobody of that name", arguments: ["route", "teacher-deficits", "--respondent", "Антонова Анна", "--data", "DIR/data"], status: 1,
             russian: "нет диагностики «Антонова Анна»", english: "no diagnosis of «Антонова Анна»"),
        Case(name: "group: an empty store", arguments: ["group", "teacher-deficits", "--data", "DIR/data"], status: 1,
             russian: "нет диагностик 'teacher-deficits'", english: "no diagnoses of 'teacher-deficits'"),
        Case(name: "monitor: a survey", arguments: ["monitor", "preschool-staff-survey", "--data", "DIR/data"], status: 64,
             russian: "monitor работает с мониторингом", english: "monitor is for monitoring questionnaires"),
        Case(name: "monitor: an empty store", arguments: ["monitor", "preschool-monitoring", "--data", "DIR/data"], status: 1,
             russian: "нет листов 'preschool-monitoring'", english: "no sheets of 'preschool-monitoring'"),
        Case(name: "export: a monitoring CSV without a stage", arguments: ["export", "preschool-monitoring", "--format", "csv", "--data", "DIR/data"], status: 64,
             russian: "CSV мониторинга — лист одного этапа", english: "a monitoring CSV is one stage's sheet"),
        Case(name: "export: an unknown stage", arguments: ["export", "preschool-monitoring", "--stage", "middle", "--data", "DIR/data"], status: 64,
             russian: "неизвестный этап 'middle'", english: "unknown stage 'middle'"),
        Case(name: "sample: --out in a missing folder", arguments: ["sample", "preschool-staff-survey", "--count", "2", "--out", "DIR/no/a.csv"], status: 1,
             russian: "DIR/no/a.csv: нельзя записать", english: "DIR/no/a.csv: cannot be written"),
        Case(name: "forget: no name", arguments: ["forget", "preschool-staff-survey", "--data", "DIR/data"], status: 64,
             russian: "forget: нужен --respondent ИМЯ", english: "forget needs --respondent NAME"),
        Case(name: "forget: nobody of that name", arguments: ["forget", "teacher-deficits", "--respondent", "Антонова Анна", "--data", "DIR/data"], status: 1,
             russian: "нет ответов «Антонова Анна»", english: "no answers of «Антонова Анна»"),
        Case(name: "import: a cp1251 file read as UTF-8", bytes: ["a.csv": cp1251Staff],
             arguments: ["import", "preschool-staff-survey", "DIR/a.csv", "--encoding", "utf-8", "--data", "DIR/data"], status: 1,
             russian: "неверный UTF-8 (байт 0xD4)", english: "invalid UTF-8 (byte 0xD4)"),
        Case(name: "import: a cp1251 file read as UTF-8, the hint", bytes: ["a.csv": cp1251Staff],
             arguments: ["import", "preschool-staff-survey", "DIR/a.csv", "--encoding", "utf-8", "--data", "DIR/data"], status: 1,
             russian: "если файл в кодировке Windows-1251, укажите --encoding cp1251", english: "if the file is in Windows-1251, give --encoding cp1251"),
        Case(name: "tabulate: a quote never closed", files: ["a.csv": staffHeader + "\"Иванова;1;2;3\nПетрова;1;2;3\n"],
             arguments: ["tabulate", "preschool-staff-survey", "--from-csv", "DIR/a.csv"], status: 1,
             russian: "поле в кавычках, открытое в строке 2, не закрыто", english: "a quoted field opened on line 2 is never closed"),
        Case(name: "import: a quote never closed", files: ["a.csv": staffHeader + "\"Иванова;1;2;3\nПетрова;1;2;3\n"],
             arguments: ["import", "preschool-staff-survey", "DIR/a.csv", "--data", "DIR/data"], status: 1,
             russian: "DIR/a.csv не удаётся прочитать; ничего не сохранено", english: "DIR/a.csv cannot be read; nothing stored"),
        Case(name: "import: a NUL byte", bytes: ["a.csv": Array(staffHeader.utf8) + Array("Иванова;1".utf8) + [0] + Array(";2;3\n".utf8)],
             arguments: ["import", "preschool-staff-survey", "DIR/a.csv", "--data", "DIR/data"], status: 1,
             russian: "нулевой байт (NUL): это не текстовый файл", english: "NUL byte: this is not a text file"),
        Case(name: "import: a missing file", arguments: ["import", "preschool-staff-survey", "DIR/none.csv", "--data", "DIR/data"], status: 1,
             russian: "не удаётся открыть: нет такого файла или папки", english: "cannot open: No such file or directory"),
        Case(name: "import: the store folder is a file", files: ["a.csv": staffHeader + "Иванова;1;2;3\n", "data": "not a folder"],
             arguments: ["import", "preschool-staff-survey", "DIR/a.csv", "--data", "DIR/data"], status: 1,
             russian: "часть пути — не папка", english: "Not a directory"),
        Case(name: "tabulate: a damaged store index", files: ["data/preschool-staff-survey/index.jsonl": "{\"store\": 2\nnot json\n"],
             arguments: ["tabulate", "preschool-staff-survey", "--data", "DIR/data"], status: 1,
             russian: "хранилище повреждено", english: "the store is damaged"),
        Case(name: "validate: an unknown field", files: ["mini.json": definition { $0.replacingOccurrences(of: "\"area\": \"ict\"}]", with: "\"area\": \"ict\", \"revers\": true}]") }],
             arguments: ["validate", "DIR/mini.json"], status: 1,
             russian: "$.items[0].revers: неизвестное поле \"revers\" (может быть, \"reverse\"?)", english: "$.items[0].revers: unknown field \"revers\" (did you mean \"reverse\"?)"),
        Case(name: "validate: a gap between bands", files: ["mini.json": definition { $0.replacingOccurrences(of: "\"from\": 40, \"to\": 100", with: "\"from\": 45.5, \"to\": 100") }],
             arguments: ["validate", "DIR/mini.json"], status: 1,
             russian: "$.scoring.bands[1].from: пропуск между \"severe\" (до 40) и \"none\" (от 45,5)", english: "$.scoring.bands[1].from: gap between \"severe\" (to 40) and \"none\" (from 45.5)"),
        Case(name: "validate: broken JSON", files: ["mini.json": definition { $0.replacingOccurrences(of: "\"title\": \"Мини\",", with: "\"title\": \"Мини\"") }],
             arguments: ["validate", "DIR/mini.json"], status: 1,
             russian: "в объекте ожидалось ',' или '}', а найден '\"'", english: "expected ',' or '}' in an object, found '\"'"),
    ]

    @Test(arguments: cases)
    func errorsAreRussianByDefaultAndEnglishWithLangEn(_ c: Case) throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, text) in c.files {
            try FileManager.default.createDirectory(atPath: ((dir + "/" + name) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        for (name, bytes) in c.bytes { try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        let arguments = c.arguments.map { $0.replacingOccurrences(of: "DIR", with: dir) }
        let ru = try survey(arguments, stdin: c.stdin)
        #expect(ru.status == c.status, "\(ru.stderr)")
        #expect(ru.stderr.contains(c.russian.replacingOccurrences(of: "DIR", with: dir)), "\(ru.stderr)")
        #expect(EnglishDetector.englishLines(ru.stderr) == [], "\(ru.stderr)")
        let en = try survey(["--lang", "en"] + arguments, stdin: c.stdin)
        #expect(en.status == c.status, "\(en.stderr)")
        #expect(en.stderr.contains(c.english.replacingOccurrences(of: "DIR", with: dir)), "\(en.stderr)")
    }

    /// The export's respondent column is «Респондент» in Russian and «respondent» in English, and either
    /// file imports back unchanged.
    @Test func theExportHeaderIsInTheReadersLanguageAndImportsBack() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try (Self.staffHeader + "Иванова;1;2;3\nПетрова;3;2;1\n").write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        #expect(try survey(["import", "preschool-staff-survey", dir + "/a.csv", "--data", dir + "/data"]).status == 0)
        let ru = try survey(["export", "preschool-staff-survey", "--format", "csv", "--data", dir + "/data", "--out", dir + "/ru.csv"])
        let en = try survey(["export", "preschool-staff-survey", "--format", "csv", "--data", dir + "/data", "--out", dir + "/en.csv", "--lang", "en"])
        #expect(ru.status == 0 && en.status == 0, "\(ru.stderr) \(en.stderr)")
        let ruText = try String(contentsOfFile: dir + "/ru.csv", encoding: .utf8), enText = try String(contentsOfFile: dir + "/en.csv", encoding: .utf8)
        #expect(ruText.hasPrefix("Респондент,"), "\(ruText)")
        #expect(enText.hasPrefix("respondent,"), "\(enText)")
        for name in ["ru.csv", "en.csv"] {
            let back = try survey(["import", "preschool-staff-survey", dir + "/" + name, "--dry-run", "--data", dir + "/other"])
            #expect(back.status == 0, "\(name): \(back.stderr)")
        }
    }
}
