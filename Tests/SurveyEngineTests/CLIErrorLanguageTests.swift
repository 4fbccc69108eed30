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
        let arguments: [String]
        var stdin: String? = nil
        let status: Int32
        let russian: String
        let english: String
        var testDescription: String { name }
    }

    static let staffHeader = "ФИО;1;2;3\n"
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
    ]

    @Test(arguments: cases)
    func errorsAreRussianByDefaultAndEnglishWithLangEn(_ c: Case) throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, text) in c.files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        let arguments = c.arguments.map { $0.replacingOccurrences(of: "DIR", with: dir) }
        let ru = try survey(arguments, stdin: c.stdin)
        #expect(ru.status == c.status, "\(ru.stderr)")
        #expect(ru.stderr.contains(c.russian.replacingOccurrences(of: "DIR", with: dir)), "\(ru.stderr)")
        #expect(EnglishDetector.englishLines(ru.stderr) == [], "\(ru.stderr)")
        let en = try survey(["--lang", "en"] + arguments, stdin: c.stdin)
        #expect(en.status == c.status, "\(en.stderr)")
        #expect(en.stderr.contains(c.english.replacingOccurrences(of: "DIR", with: dir)), "\(en.stderr)")
    }
}
