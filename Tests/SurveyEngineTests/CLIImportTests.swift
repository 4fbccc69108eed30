import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `survey import`, `export`, `sample` and the store, through the built binary.
@Suite("CLI: import and export")
struct CLIImportTests {
    let staffFixture = Repo.fixtures + "/seed-staff-cp1251.csv"
    let parentFixture = Repo.fixtures + "/seed-parent-utf8bom.csv"

    func log(_ data: String, _ id: String) -> String { data + "/\(id)/responses.bin" }
    func index(_ data: String, _ id: String) -> String { data + "/\(id)/index.jsonl" }

    @Test func cp1251SemicolonFileFromExcelImports() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try survey(["import", "preschool-staff-survey", staffFixture, "--data", dir + "/data"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cp1251"))
        #expect(result.stdout.contains("Строк прочитано: 4, сохранено: 4, отклонено: 0"))
        #expect(result.stdout.contains("17 — 1, 18 — 1"))
        // Private: the store holds names.
        let folder = try FileManager.default.attributesOfItem(atPath: dir + "/data/preschool-staff-survey")
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        let file = try FileManager.default.attributesOfItem(atPath: log(dir + "/data", "preschool-staff-survey"))
        #expect((file[.posixPermissions] as? Int) == 0o600)
    }

    @Test func oneBadCellRefusesTheFileNamingItsLineAndStoresNothing() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = "ФИО;1;2;3\nИванова;Согласен;Согласен;Согласен\nПетрова;Согласен;Несогалсен;Согласен\nСидорова;4;3;2\n"
        try csv.write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        let result = try survey(["import", "preschool-staff-survey", dir + "/bad.csv", "--data", dir + "/data", "--lang", "en"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("bad.csv:3: column 3, item 2: «Несогалсен» is not an answer of this item — did you mean «Не согласен»?"), "\(result.stderr)")
        #expect(result.stderr.contains("nothing stored"))
        #expect(!FileManager.default.fileExists(atPath: log(dir + "/data", "preschool-staff-survey")))
    }

    @Test func skipInvalidStoresGoodRowsAndWritesRejectsThatReimport() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = "ФИО;1;2\nИванова;Согласен;Согласен\nПетрова;Согласен;Несогалсен\nСидорова;4;5\n"
        try csv.write(toFile: dir + "/mixed.csv", atomically: true, encoding: .utf8)
        let result = try survey(["import", "preschool-staff-survey", dir + "/mixed.csv", "--data", dir + "/data",
                                 "--skip-invalid", "--rejects", dir + "/rejects.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("сохранено: 1, отклонено: 2"))
        let rejectBytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/rejects.csv"))
        #expect(rejectBytes.starts(with: [0xEF, 0xBB, 0xBF]), "a BOM, so that Excel reads UTF-8")
        let rejects = String(decoding: rejectBytes.dropFirst(3), as: UTF8.self)
        #expect(rejects.hasPrefix("ФИО;1;2;Ошибка\r\n"))
        #expect(rejects.contains("Петрова;Согласен;Несогалсен;"))
        #expect(rejects.contains("Сидорова;4;5;"))
        #expect(rejects.contains("возможно, имелось в виду «Не согласен»"), "\(rejects)")
        // Fixed in Excel (the reason column is deleted), the rejects import.
        let fixed = rejects.replacingOccurrences(of: "Несогалсен", with: "Не согласен").replacingOccurrences(of: ";4;5;", with: ";4;1;")
            .split(separator: "\r\n").map { $0.split(separator: ";", omittingEmptySubsequences: false).dropLast().joined(separator: ";") }.joined(separator: "\r\n")
        try fixed.write(toFile: dir + "/fixed.csv", atomically: true, encoding: .utf8)
        let again = try survey(["import", "preschool-staff-survey", dir + "/fixed.csv", "--data", dir + "/data"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("сохранено: 2"))
    }

    @Test func theSameFileTwiceStoresOnce() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try survey(["import", "preschool-staff-survey", staffFixture, "--data", dir])
        let before = try Data(contentsOf: URL(fileURLWithPath: log(dir, "preschool-staff-survey")))
        let second = try survey(["import", "preschool-staff-survey", staffFixture, "--data", dir])
        #expect(second.status == 0)
        #expect(second.stdout.contains("уже импортирован"))
        // When it was imported, as a reader says a date — not the store's ISO timestamp.
        #expect(second.stdout.range(of: #"\d{4}-\d{2}-\d{2}T"#, options: .regularExpression) == nil, "\(second.stdout)")
        #expect(["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]
            .contains { second.stdout.contains($0) }, "\(second.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: log(dir, "preschool-staff-survey"))) == before)
        let lines = try String(contentsOfFile: index(dir, "preschool-staff-survey"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2, "the header and one batch")
    }

    /// A pipe can be read only once, so it has no checksum: two different sheets piped in one after the other
    /// are both stored (they used to hash as empty input and the second was taken for the first).
    @Test func pipedSheetsAreEachStored() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try survey(["import", "preschool-staff-survey", "/dev/stdin", "--data", dir], stdin: "1;2;3\nСогласен;Не согласен;4\n")
        let second = try survey(["import", "preschool-staff-survey", "/dev/stdin", "--data", dir], stdin: "1;2;3\nНе согласен;Согласен;1\n")
        #expect(first.status == 0 && second.status == 0, "\(first.stderr) \(second.stderr)")
        #expect(!second.stdout.contains("уже импортирован"), "\(second.stdout)")
        let tabulated = try survey(["tabulate", "preschool-staff-survey", "--data", dir, "--format", "json"])
        #expect(tabulated.stdout.contains("\"respondents\": 2"), "\(tabulated.stdout.prefix(300))")
    }

    /// A header of 200 unknown columns is 200 problems; like cell problems they are listed up to --max-errors.
    @Test func headerProblemsAreListedUpToMaxErrors() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let header = (0..<200).map { "x\($0)" }.joined(separator: ";")
        try (header + "\n1;2\n").write(toFile: dir + "/wide.csv", atomically: true, encoding: .utf8)
        let imported = try survey(["import", "preschool-staff-survey", dir + "/wide.csv", "--data", dir + "/data", "--max-errors", "5", "--lang", "en"])
        #expect(imported.status == 1)
        #expect(imported.stderr.components(separatedBy: "unknown column").count - 1 == 5, "\(imported.stderr)")
        #expect(imported.stderr.contains("… and 195 more problems (--max-errors N to list more)"))
        #expect(imported.stderr.contains("does not match 'preschool-staff-survey'; nothing stored"))
        let tabulated = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/wide.csv", "--lang", "en"])
        #expect(tabulated.status == 1)
        #expect(tabulated.stderr.components(separatedBy: "unknown column").count - 1 == 30, "\(tabulated.stderr)")
        #expect(tabulated.stderr.contains("… and 170 more problems\n"))
    }

    @Test func dryRunStoresNothing() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try survey(["import", "preschool-staff-survey", staffFixture, "--data", dir, "--dry-run"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Строк прочитано: 4"))
        #expect(!FileManager.default.fileExists(atPath: log(dir, "preschool-staff-survey")))
    }

    @Test func exportReimportsToTheSameDataAndDefusesFormulas() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A parent's comment that Excel would run as a formula.
        var text = try String(contentsOfFile: parentFixture, encoding: .utf8)
        text = text.replacingOccurrences(of: "Согласен.\r\n", with: "\"=HYPERLINK(\"\"http://evil.example\"\",\"\"жми\"\")\"\r\n", options: [], range: text.range(of: "Согласен.\r\n"))
        try text.write(toFile: dir + "/parents.csv", atomically: true, encoding: .utf8)
        #expect(try survey(["import", "preschool-parent-survey", dir + "/parents.csv", "--data", dir + "/a"]).status == 0)
        let export = try survey(["export", "preschool-parent-survey", "--data", dir + "/a", "--excel"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.hasPrefix("\u{FEFF}"))
        #expect(export.stdout.contains(";\"'=HYPERLINK("), "the formula is defused: \(export.stdout)")
        #expect(!export.stdout.contains(";=HYPERLINK("))
        try export.stdout.write(toFile: dir + "/export.csv", atomically: true, encoding: .utf8)
        let reimport = try survey(["import", "preschool-parent-survey", dir + "/export.csv", "--data", dir + "/b"])
        #expect(reimport.status == 0, "\(reimport.stderr)")
        let first = try survey(["export", "preschool-parent-survey", "--data", dir + "/a", "--format", "json"])
        let second = try survey(["export", "preschool-parent-survey", "--data", dir + "/b", "--format", "json"])
        #expect(first.stdout == second.stdout)
        #expect(first.stdout.contains("=HYPERLINK("), "the comment itself is kept as written")
    }

    @Test func anonymizedExportHasStablePseudonyms() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "ФИО;1\nИванова Анна;Согласен\nПетрова Ольга;4\n".write(toFile: dir + "/n.csv", atomically: true, encoding: .utf8)
        #expect(try survey(["import", "preschool-staff-survey", dir + "/n.csv", "--data", dir]).status == 0)
        let a = try survey(["export", "preschool-staff-survey", "--data", dir, "--anonymize"])
        let b = try survey(["export", "preschool-staff-survey", "--data", dir, "--anonymize"])
        #expect(a.stdout == b.stdout)
        #expect(!a.stdout.contains("Иванова"))
        #expect(a.stdout.contains("R-"))
    }

    @Test func sampleIsDeterministicAndImports() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for id in ["preschool-staff-survey", "preschool-parent-survey", "teacher-deficits"] {
            let a = try survey(["sample", id, "--count", "50", "--seed", "9"])
            let b = try survey(["sample", id, "--count", "50", "--seed", "9"])
            #expect(a.status == 0 && a.stdout == b.stdout)
            try a.stdout.write(toFile: dir + "/\(id).csv", atomically: true, encoding: .utf8)
            let imported = try survey(["import", id, dir + "/\(id).csv", "--data", dir + "/data"])
            #expect(imported.status == 0, "\(id): \(imported.stderr)")
            #expect(imported.stdout.contains("сохранено: 50"))
        }
        let cp = try survey(["sample", "preschool-staff-survey", "--count", "5", "--encoding", "cp1251", "--out", dir + "/cp.csv"])
        #expect(cp.status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/cp.csv"))
        #expect(String(data: bytes, encoding: .utf8) == nil, "cp1251 bytes are not UTF-8")
        #expect(try survey(["import", "preschool-staff-survey", dir + "/cp.csv", "--data", dir + "/data"]).stdout.contains("cp1251"))
    }

    @Test func aTornTailIsIgnoredByReadersAndRepairedByTheNextWriter() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try survey(["import", "preschool-staff-survey", staffFixture, "--data", dir]).status == 0)
        let path = log(dir, "preschool-staff-survey"), indexPath = index(dir, "preschool-staff-survey")
        let committed = try Data(contentsOf: URL(fileURLWithPath: path))
        let committedIndex = try Data(contentsOf: URL(fileURLWithPath: indexPath))
        // A power cut mid-import: records written after the last commit, and half an index line.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data([9, 0, 0, 0, 1, 1, 0, 4, 2, 0, 0, 0, 0x58]))
        handle.write(Data([200, 0, 0]))
        try handle.close()
        let indexHandle = try #require(FileHandle(forWritingAtPath: indexPath))
        indexHandle.seekToEndOfFile()
        indexHandle.write(Data(#"{"batch":"bX","source":"#.utf8))
        try indexHandle.close()
        let table = try survey(["tabulate", "preschool-staff-survey", "--data", dir, "--format", "json"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect((try json(table.stdout) as? [String: Any])?["respondents"] as? Int == 4)
        try "1;2\nСогласен;Согласен\n".write(toFile: dir + "/more.csv", atomically: true, encoding: .utf8)
        let next = try survey(["import", "preschool-staff-survey", dir + "/more.csv", "--data", dir, "--lang", "en"])
        #expect(next.status == 0)
        #expect(next.stderr.contains("removed an unfinished write"), "\(next.stderr)")
        #expect(next.stderr.contains("39 byte(s)"), "16 bytes of records and 23 of the index line: \(next.stderr)")
        let repaired = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(repaired.starts(with: committed))
        #expect(repaired.count > committed.count)
        let repairedIndex = try String(contentsOfFile: indexPath, encoding: .utf8)
        #expect(repairedIndex.hasPrefix(String(decoding: committedIndex, as: UTF8.self)))
        #expect(!repairedIndex.contains("\"bX\""))
        let after = try survey(["tabulate", "preschool-staff-survey", "--data", dir, "--format", "json"])
        #expect((try json(after.stdout) as? [String: Any])?["respondents"] as? Int == 5)
    }

    @Test func anImportKilledMidWayLeavesTheStoreWhole() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let big = dir + "/big.csv"
        #expect(try survey(["sample", "preschool-staff-survey", "--count", "40000", "--seed", "3", "--out", big]).status == 0)
        #expect(try survey(["import", "preschool-staff-survey", staffFixture, "--data", dir + "/data"]).status == 0)
        for delay in [0.05, 0.2, 0.5, 1.0] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Repo.binary)
            process.arguments = ["import", "preschool-staff-survey", big, "--data", dir + "/data"]
            process.environment = ["SURVEY_QUESTIONNAIRES": Repo.questionnaires]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let table = try survey(["tabulate", "preschool-staff-survey", "--data", dir + "/data", "--format", "json"])
            #expect(table.status == 0, "\(table.stderr)")
            let respondents = (try json(table.stdout) as? [String: Any])?["respondents"] as? Int
            // Either the kill came first (4) or the import had committed whole (4 + 40000): never in between.
            #expect(respondents == 4 || respondents == 40_004, "after \(delay) s: \(String(describing: respondents))")
        }
    }

    @Test func forgetRemovesAPersonFromTheDisk() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "ФИО;1;2\nИванова Анна;Согласен;Согласен\nПетрова Ольга;4;3\n".write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        try "ФИО;1;2\nИванова  анна;Не согласен;Согласен\n".write(toFile: dir + "/b.csv", atomically: true, encoding: .utf8)
        #expect(try survey(["import", "preschool-staff-survey", dir + "/a.csv", "--data", dir]).status == 0)
        #expect(try survey(["import", "preschool-staff-survey", dir + "/b.csv", "--data", dir]).status == 0)
        let result = try survey(["forget", "preschool-staff-survey", "--respondent", "иванова анна", "--data", dir])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Удалено ответов: 2"))
        let log = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/preschool-staff-survey/responses.bin")), as: UTF8.self)
        #expect(!log.lowercased().contains("иванова"))
        #expect(log.contains("Петрова Ольга"))
        for file in try FileManager.default.subpathsOfDirectory(atPath: dir + "/preschool-staff-survey") {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: dir + "/preschool-staff-survey/" + file))) ?? Data()
            #expect(!String(decoding: bytes, as: UTF8.self).lowercased().contains("иванова"), "\(file) still holds the name")
        }
        let table = try survey(["tabulate", "preschool-staff-survey", "--data", dir, "--format", "json"])
        #expect((try json(table.stdout) as? [String: Any])?["respondents"] as? Int == 1)
        #expect(try survey(["forget", "preschool-staff-survey", "--respondent", "Иванова Анна", "--data", dir]).status == 1)
    }
}
