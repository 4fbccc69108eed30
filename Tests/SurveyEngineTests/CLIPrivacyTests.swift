import Foundation
import Testing
@testable import SurveyFormats

/// Issue 15 (items 2–7), through the built binary: a name is one name however it is typed, pseudonyms do not
/// keep the real names' order, a hidden group cannot be worked out by subtraction, rows never shift, the
/// rejects file re-imports, and the headers and letters people really type are understood.
@Suite("CLI: privacy and import promises")
struct CLIPrivacyTests {
    let name = "Морозова Татьяна Михайловна"

    func sessions(_ data: String, _ id: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: data + "/\(id)/sessions")) ?? []).filter { $0.hasSuffix(".jsonl") }
    }

    /// Every file under `folder` whose bytes contain `text`.
    func filesHolding(_ text: String, under folder: String) -> [String] {
        let needle = Data(text.utf8)
        let paths = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
        return paths.filter { path in
            (try? Data(contentsOf: URL(fileURLWithPath: folder + "/" + path)))?.range(of: needle) != nil
        }
    }

    // MARK: 2. One rule for a person's name

    @Test func takeResumesTheSessionWhateverTheSpellingOfTheName() throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The first three context questions: a teacher of Russian, not a class teacher.
        let first = try survey(["take", "teacher-deficits", "--respondent", name, "--data", dir], stdin: "1\n2\n2\n")
        #expect(first.status == 0, "\(first.stderr)")
        let again = try survey(["take", "teacher-deficits", "--respondent", "морозова  татьяна михайловна", "--data", dir], stdin: "12\n")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("Продолжаем с вопроса 4"), "\(again.stdout.prefix(300))")
        // The hint prints the name as it was stored, not as typed the second time.
        #expect(again.stderr.contains("(4 из "), "\(again.stderr)")
        #expect(again.stderr.contains("Продолжить: survey take teacher-deficits --respondent '\(name)'"), "\(again.stderr)")
        #expect(sessions(dir, "teacher-deficits").count == 1)
    }

    @Test func forgetWithAnySpellingRemovesTheUnfinishedSessionAndTheName() throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try survey(["take", "teacher-deficits", "--respondent", name, "--data", dir], stdin: "1\n2\n").status == 0)
        #expect(!filesHolding(name, under: dir).isEmpty)
        let forget = try survey(["forget", "teacher-deficits", "--respondent", "МОРОЗОВА  татьяна михайловна", "--data", dir])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout.contains("незавершённых сессий: 1"), "\(forget.stdout)")
        #expect(sessions(dir, "teacher-deficits").isEmpty)
        #expect(filesHolding(name, under: dir).isEmpty, "the name is gone from the disk")
    }

    @Test func aJournalWrittenUnderTheOldUnfoldedHashIsResumedAndForgotten() throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A journal as the engine wrote it before names were folded: keyed by SHA-256 of the name as typed.
        let folder = dir + "/teacher-deficits/sessions"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let oldKey = SHA256.hex(Array("survey-take|\(name)|".utf8))
        let journal = #"{"journal":1,"questionnaire":"teacher-deficits","version":"2","respondent":"\#(name)","stage":null,"session":null,"started":"2026-11-30T10:00:00Z"}"#
            + "\n" + #"{"item":"@role","text":"teacher"}"# + "\n" + #"{"item":"@subject","text":"russian"}"# + "\n"
        try journal.write(toFile: folder + "/\(oldKey).jsonl", atomically: true, encoding: .utf8)
        let resumed = try survey(["take", "teacher-deficits", "--respondent", "морозова татьяна михайловна", "--data", dir], stdin: "нет\n")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("Продолжаем с вопроса 3"), "\(resumed.stdout.prefix(300))")
        #expect(resumed.stderr.contains("(3 из "), "\(resumed.stderr)")
        #expect(sessions(dir, "teacher-deficits") == ["\(oldKey).jsonl"], "the old journal is used, not a second one")
        let forget = try survey(["forget", "teacher-deficits", "--respondent", "Морозова Татьяна Михайловна ", "--data", dir])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(sessions(dir, "teacher-deficits").isEmpty)
    }

    @Test func anImportUnderAnotherSpellingReplacesTheSamePerson() throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "ФИО;1;2\nИванова Анна Сергеевна;Согласен;Согласен\n".write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        try "ФИО;1;2\nиванова  анна сергеевна;Не согласен;Согласен\n".write(toFile: dir + "/b.csv", atomically: true, encoding: .utf8)
        #expect(try survey(["import", "preschool-staff-survey", dir + "/a.csv", "--data", dir + "/d"]).status == 0)
        let second = try survey(["import", "preschool-staff-survey", dir + "/b.csv", "--data", dir + "/d"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("Уже были ответы у 1"), "\(second.stdout)")
        let table = try survey(["tabulate", "preschool-staff-survey", "--data", dir + "/d", "--format", "json"])
        #expect((try json(table.stdout) as? [String: Any])?["respondents"] as? Int == 1)
        // And within one file the two spellings are one person answering twice.
        try "ФИО;1\nИванова Анна;Согласен\nИВАНОВА АННА;Согласен\n".write(toFile: dir + "/twice.csv", atomically: true, encoding: .utf8)
        let twice = try survey(["import", "preschool-staff-survey", dir + "/twice.csv", "--data", dir + "/d"])
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("twice.csv:3: «ИВАНОВА АННА» уже ответил(а) в строке 2 этого файла"), "\(twice.stderr)")
    }

    // MARK: 3. Pseudonyms in their own order

    /// Eight teachers whose real names sort differently from their pseudonyms (almost surely: 1 in 40 320).
    func storeTeachers(_ dir: String) throws {
        let sample = try survey(["sample", "teacher-deficits", "--count", "8", "--seed", "5", "--out", dir + "/t.csv"])
        #expect(sample.status == 0, "\(sample.stderr)")
        let stored = try survey(["import", "teacher-deficits", dir + "/t.csv", "--data", dir + "/d"])
        #expect(stored.status == 0, "\(stored.stderr)")
    }

    @Test func anonymizedGroupAndExportAreInPseudonymOrder() throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try storeTeachers(dir)
        let group = try survey(["group", "teacher-deficits", "--anonymize", "--format", "json", "--data", dir + "/d"])
        #expect(group.status == 0, "\(group.stderr)")
        let teachers = try #require((try json(group.stdout) as? [String: Any])?["teachers"] as? [[String: Any]])
        let pseudonyms = teachers.compactMap { $0["respondent"] as? String }
        #expect(pseudonyms.count == 8 && pseudonyms.allSatisfy { $0.hasPrefix("R-") })
        #expect(pseudonyms == pseudonyms.sorted(), "\(pseudonyms)")
        let text = try survey(["group", "teacher-deficits", "--anonymize", "--data", dir + "/d"])
        let positions = pseudonyms.compactMap { text.stdout.range(of: $0)?.lowerBound }
        #expect(positions == positions.sorted(), "the text table lists teachers in the same order")

        let export = try survey(["export", "teacher-deficits", "--anonymize", "--format", "json", "--data", dir + "/d"])
        let responses = try #require((try json(export.stdout) as? [String: Any])?["responses"] as? [[String: Any]])
        let exported = responses.compactMap { $0["respondent"] as? String }
        #expect(exported.count == 8 && exported == exported.sorted(), "\(exported)")
    }

    @Test func anonymizedDevelopmentCardsAreInPseudonymOrder() throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try survey(["sample", "preschool-monitoring", "--count", "8", "--seed", "4", "--stage", "start", "--out", dir + "/m.csv"]).status == 0)
        let stored = try survey(["import", "preschool-monitoring", dir + "/m.csv", "--stage", "start", "--data", dir + "/d"])
        #expect(stored.status == 0, "\(stored.stderr)")
        let cards = try survey(["monitor", "preschool-monitoring", "--all-children", "--anonymize", "--format", "json", "--data", dir + "/d"])
        #expect(cards.status == 0, "\(cards.stderr)")
        let children = try #require(try json(cards.stdout) as? [[String: Any]]).compactMap { $0["child"] as? String }
        #expect(children.count == 8 && children.allSatisfy { $0.hasPrefix("R-") })
        #expect(children == children.sorted(), "\(children)")
    }

    // MARK: 4. Complementary suppression

    /// 25, 13 and 2 answers in three schools (the issue's case), as a `--from-csv` file.
    func schools(_ dir: String) throws -> String {
        #expect(try survey(["sample", "preschool-staff-survey", "--count", "40", "--seed", "3", "--out", dir + "/s.csv"]).status == 0)
        let lines = try String(contentsOfFile: dir + "/s.csv", encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        var out = [lines[0] + ";Школа"]
        for (index, line) in lines.dropFirst().enumerated() {
            out.append(line + ";" + (index < 25 ? "Школа №31" : index < 38 ? "Школа №5" : "Гимназия"))
        }
        try (out.joined(separator: "\n") + "\n").write(toFile: dir + "/schools.csv", atomically: true, encoding: .utf8)
        return dir + "/schools.csv"
    }

    @Test func aHiddenGroupCannotBeWorkedOutFromTheTotalsInAnyFormat() throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try schools(dir)
        func run(_ format: String) throws -> String {
            let result = try survey(["tabulate", "preschool-staff-survey", "--from-csv", file, "--by", "Школа", "--format", format])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
        let report = try #require(try json(try run("json")) as? [String: Any])
        let groups = try #require(report["groups"] as? [[String: Any]])
        let shown = groups.filter { $0["suppressed"] as? Bool == false }
        let hidden = groups.filter { $0["suppressed"] as? Bool == true }
        #expect(shown.map { $0["group"] as? String } == ["Школа №31"])
        #expect(hidden.map { $0["group"] as? String } == ["Гимназия", "Школа №5"])
        #expect(hidden.map { $0["suppressedBecause"] as? String } == ["small", "complementary"])
        // What subtraction yields is the two hidden schools together: never fewer than the minimum.
        #expect(hidden.compactMap { $0["respondents"] as? Int }.reduce(0, +) >= 3)
        #expect(hidden.allSatisfy { ($0["items"] as? [Any])?.isEmpty == true && $0["positive"] is NSNull })

        let text = try run("text")
        #expect(text.contains("Школа №5             13         скрыто"), "\(text)")
        #expect(text.contains("Скрыто: «Гимназия» — меньше 3 чел.; «Школа №5» — дополнительно, чтобы скрытую группу нельзя было вычислить вычитанием из общих итогов."))
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix(" №") && $0.contains("Школа №5") }, "no per-statement column for a hidden group")
        let markdown = try run("md"), html = try run("html")
        for output in [markdown, html] { #expect(output.contains("дополнительно, чтобы скрытую группу нельзя было вычислить")) }
        #expect(markdown.contains("| Школа №5 | 13 | скрыто |  |"), "\(markdown)")
        #expect(html.contains("<td>Школа №5</td><td class=\"n\">13</td><td class=\"n\">скрыто</td>") && !html.contains(">Школа №5</th>"),
                "no per-statement column for a hidden group")
        let english = try survey(["tabulate", "preschool-staff-survey", "--from-csv", file, "--by", "Школа", "--lang", "en"])
        #expect(english.stdout.contains("«Школа №5» — also hidden, so that the hidden group cannot be worked out by subtracting from the totals"))
        #expect(!(try run("csv")).contains("Школа №5"), "the CSV table is of the whole file only")
    }

    // MARK: 5. Rows never shift

    @Test func aRowWithAMissingCellIsRefusedNamingItsLineAndBothCounts() throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A 19-column header (ФИО and 18 statements) over rows of 18 cells, as in the issue.
        let header = (["ФИО"] + (1...18).map(String.init)).joined(separator: ";")
        let full = Array(repeating: "Согласен", count: 18)
        let short = ["Иванова"] + full.dropLast()
        let rows = [header, (["Петрова"] + full).joined(separator: ";"), short.joined(separator: ";"),
                    (["Сидорова"] + full + [""]).joined(separator: ";")]  // a trailing empty cell Excel adds
        try (rows.joined(separator: "\r\n") + "\r\n").write(toFile: dir + "/shifted.csv", atomically: true, encoding: .utf8)
        let imported = try survey(["import", "preschool-staff-survey", dir + "/shifted.csv", "--data", dir + "/d"])
        #expect(imported.status == 1)
        #expect(imported.stderr.contains("shifted.csv:3: в строке 18 ячеек, а в заголовке 19 столбцов"), "\(imported.stderr)")
        #expect(imported.stdout.contains("Строк прочитано: 3, сохранено: 0, отклонено: 1"), "only the short row: \(imported.stdout)")
        let tabulated = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/shifted.csv"])
        #expect(tabulated.status == 1)
        #expect(tabulated.stderr.contains("shifted.csv:3: в строке 18 ячеек, а в заголовке 19 столбцов"), "\(tabulated.stderr)")
        let english = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/shifted.csv", "--lang", "en"])
        #expect(english.stderr.contains("shifted.csv:3: the row has 18 cells but the header 19 columns"), "\(english.stderr)")
        // A big anonymous file goes through the tabulation shortcut: the short row is still named.
        var big = [(1...18).map(String.init).joined(separator: ";")]
        for index in 0..<5000 { big.append((index == 4321 ? Array(full.dropLast()) : full).joined(separator: ";")) }
        try (big.joined(separator: "\n") + "\n").write(toFile: dir + "/big.csv", atomically: true, encoding: .utf8)
        let fast = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/big.csv"])
        #expect(fast.status == 1)
        #expect(fast.stderr.contains("big.csv:4323: в строке 17 ячеек, а в заголовке 18 столбцов"), "\(fast.stderr)")
    }

    // MARK: 6. The rejects file re-imports as written

    @Test func theRejectsFileImportsAsWrittenOnceItsCellsAreFixed() throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = "ФИО;1;2;3\r\nИванова;Согласен;Согласен;Согласен\r\nПетрова;Согласен;Несогалсен;Согласен\r\nСидорова;4;5\r\n"
        try csv.write(toFile: dir + "/mixed.csv", atomically: true, encoding: .utf8)
        let first = try survey(["import", "preschool-staff-survey", dir + "/mixed.csv", "--data", dir + "/d",
                                "--skip-invalid", "--rejects", dir + "/to-fix.csv"])
        #expect(first.status == 0, "\(first.stderr)")
        var rejects = try String(contentsOfFile: dir + "/to-fix.csv", encoding: .utf8)
        #expect(rejects.contains("ФИО;1;2;3;Ошибка"))
        // Fixed in place, the reason column left as the program wrote it.
        rejects = rejects.replacingOccurrences(of: "Несогалсен", with: "Не согласен").replacingOccurrences(of: "Сидорова;4;5;", with: "Сидорова;4;1;Согласен")
        try rejects.write(toFile: dir + "/to-fix.csv", atomically: true, encoding: .utf8)
        let again = try survey(["import", "preschool-staff-survey", dir + "/to-fix.csv", "--data", dir + "/d"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("Строк прочитано: 2, сохранено: 2, отклонено: 0"), "\(again.stdout)")
        let table = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/to-fix.csv", "--format", "json"])
        #expect(table.status == 0, "\(table.stderr)")
    }

    // MARK: 7. Headers and letters people really type

    @Test(arguments: ["№ п/п", "№п/п", "п/п", "№"])
    func aRowNumberColumnBesideTheNamesIsTheRowNumber(header: String) throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "\(header);ФИО;1;2\n1;Иванова;Согласен;Согласен\n2;Петрова;Не согласен;Согласен\n".write(toFile: dir + "/n.csv", atomically: true, encoding: .utf8)
        let result = try survey(["import", "preschool-staff-survey", dir + "/n.csv", "--data", dir + "/d"])
        #expect(result.status == 0, "\(result.stderr)")
        let export = try survey(["export", "preschool-staff-survey", "--format", "json", "--data", dir + "/d"])
        let responses = try #require((try json(export.stdout) as? [String: Any])?["responses"] as? [[String: Any]])
        #expect(responses.compactMap { $0["respondent"] as? String } == ["Иванова", "Петрова"])
    }

    @Test func anAttributeColumnIsRefusedWithAHintToKeepIt() throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "ФИО;Школа;Класс;Район;1\nИванова;Школа №5;7А;Центральный;Согласен\n".write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        let result = try survey(["import", "preschool-staff-survey", dir + "/a.csv", "--data", dir + "/d"])
        #expect(result.status == 1)
        for (column, name) in [(2, "Школа"), (3, "Класс"), (4, "Район")] {
            #expect(result.stderr.contains("a.csv:1: столбец \(column): неизвестный столбец «\(name)»\n  hint: похоже на сведения о респонденте: чтобы сохранить столбец (для tabulate --by), добавьте --keep \"\(name)\""), "\(result.stderr)")
        }
        let kept = try survey(["import", "preschool-staff-survey", dir + "/a.csv", "--data", dir + "/d", "--keep", "Школа", "--keep", "Класс", "--keep", "Район"])
        #expect(kept.status == 0, "\(kept.stderr)")
        // tabulate --from-csv has no --keep: it points to --by.
        let tabulated = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/a.csv"])
        #expect(tabulated.stderr.contains("неизвестный столбец «Школа»\n  hint: похоже на сведения о респонденте: чтобы разбить результаты по этому столбцу, добавьте --by \"Школа\""), "\(tabulated.stderr)")
    }

    @Test func latinLookAlikeLettersAreFoldedWhenUnambiguousOrNamed() throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // «Cогласен» and «Hе согласен» with Latin C and H; a header «ФИO» with a Latin O.
        try "ФИO;1;2\nИванова;Cогласен;Hе согласен\n".write(toFile: dir + "/latin.csv", atomically: true, encoding: .utf8)
        let result = try survey(["import", "preschool-staff-survey", dir + "/latin.csv", "--data", dir + "/d"])
        #expect(result.status == 0, "\(result.stderr)")
        let table = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/latin.csv", "--format", "json"])
        #expect(table.status == 0, "\(table.stderr)")
        // A cell that stays unknown after folding names the stray letter and its place.
        try "ФИО;1\nИванова;Cоглсен\n".write(toFile: dir + "/typo.csv", atomically: true, encoding: .utf8)
        for command in [["import", "preschool-staff-survey", dir + "/typo.csv", "--data", dir + "/d"],
                        ["tabulate", "preschool-staff-survey", "--from-csv", dir + "/typo.csv"]] {
            let refused = try survey(command)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("«Cоглсен» — не вариант ответа на это утверждение — возможно, имелось в виду «Согласен»? (буква «C» (U+0043) на месте 1 — латинская среди русских букв)"), "\(refused.stderr)")
        }
    }

    @Test func aMonitoringCodeTypedWithALatinLetterIsFound() throws {
        let dir = try temporaryFolder("survey-privacy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // «5-K.1» with a Latin K: the code is «5-К.1».
        try "Ребёнок;5-Ф.1;5-K.1\nАйгерим К.;II;III\n".write(toFile: dir + "/codes.csv", atomically: true, encoding: .utf8)
        let result = try survey(["import", "preschool-monitoring", dir + "/codes.csv", "--stage", "start", "--data", dir + "/d"])
        #expect(result.status == 0, "\(result.stderr)")
        let export = try survey(["export", "preschool-monitoring", "--format", "json", "--data", dir + "/d"])
        let responses = try #require((try json(export.stdout) as? [String: Any])?["responses"] as? [[String: Any]])
        let answers = try #require(responses.first?["answers"] as? [String: [String: Any]])
        #expect((answers["5-К.1"]?["value"] as? NSNumber)?.intValue == 3)
    }
}
