import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Interrupted imports, crashes' leftovers, and `forget` searching every file of the store (issue 15, item 1).
@Suite("CLI: interrupted imports and forget")
struct CLIStoreSafetyTests {
    /// A named answer file big enough that an import is still reading it a moment after it starts.
    static func bigNamedFile(_ dir: String) throws -> String {
        let path = dir + "/bignamed.csv"
        let made = try survey(["sample", "teacher-deficits", "--count", "30000", "--seed", "4", "--out", path])
        try #require(made.status == 0, "\(made.stderr)")
        return path
    }

    /// Starts `survey import` and sends it `signal` once its spool is on the disk; returns status and stderr.
    static func interruptedImport(_ file: String, data: String, signal: Int32, lang: [String] = []) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repo.binary)
        process.arguments = ["import", "teacher-deficits", file, "--data", data] + lang
        process.environment = ["SURVEY_QUESTIONNAIRES": Repo.questionnaires, "NO_COLOR": "1"]
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let folder = data + "/teacher-deficits"
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains(where: { $0.hasPrefix("incoming-") }) { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        Thread.sleep(forTimeInterval: 0.3)  // well inside the reading of the file
        kill(process.processIdentifier, signal)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stderr)
    }

    static func spools(_ data: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: data + "/teacher-deficits")) ?? []).filter { $0.hasPrefix("incoming-") }
    }

    /// The spools' side files of fingerprints.
    static func sideFiles(_ data: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: data + "/teacher-deficits")) ?? []).filter { $0.hasPrefix("pending-") }
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143)), (SIGHUP, Int32(129))])
    func anInterruptedImportRemovesItsSpoolAndSaysSo(_ signal: Int32, _ status: Int32) throws {
        let dir = try temporaryFolder("interrupt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try Self.bigNamedFile(dir)
        let (code, stderr) = try Self.interruptedImport(file, data: dir + "/data", signal: signal)
        #expect(code == status, "\(stderr)")
        #expect(stderr.contains("Импорт прерван, ничего не сохранено"), "\(stderr)")
        #expect(Self.spools(dir + "/data").isEmpty)
        #expect(Self.sideFiles(dir + "/data").isEmpty)
        let (_, english) = try Self.interruptedImport(file, data: dir + "/data", signal: signal, lang: ["--lang", "en"])
        #expect(english.contains("Import interrupted, nothing stored"), "\(english)")
        #expect(Self.spools(dir + "/data").isEmpty)
        let forget = try survey(["forget", "teacher-deficits", "--respondent", "Лебедева Ольга Михайловна 1", "--data", dir + "/data"])
        #expect(forget.status == 1, "nothing of the name is left to find: \(forget.stdout)")
    }

    /// SIGKILL cannot be caught: the spool stays, and the next command that opens the store removes it.
    @Test func aSpoolLeftByACrashIsRemovedByTheNextCommand() throws {
        let dir = try temporaryFolder("crash-spool")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try Self.bigNamedFile(dir)
        let data = dir + "/data"
        let (code, _) = try Self.interruptedImport(file, data: data, signal: SIGKILL)
        #expect(code == 9)
        let left = Self.spools(data)
        try #require(left.count == 1, "the killed import left its spool")
        let group = try survey(["group", "teacher-deficits", "--data", data])
        #expect(group.stderr.contains("удалён черновик импорта, оставшийся после сбоя"), "\(group.stderr)")
        #expect(group.stderr.contains(left[0]))
        #expect(Self.spools(data).isEmpty)
        #expect(Self.sideFiles(data).isEmpty)
    }

    /// `forget` finds the person in a crash's spool and in an unfinished session's journal whatever its
    /// file name, and says what it removed.
    @Test func forgetSearchesEveryFileTheStoreKeeps() throws {
        let dir = try temporaryFolder("forget-all")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/data"
        let name = "Иванова Анна Сергеевна"
        let rows = "ФИО;1;2\n\(name);Согласен;Согласен\nПетрова Ольга;4;3\n"
        try rows.write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        #expect(try survey(["import", "preschool-staff-survey", dir + "/a.csv", "--data", data]).status == 0)
        let folder = data + "/preschool-staff-survey"
        // A crash's spool with the name in it, and a journal under a name the key does not come from.
        try Data(("spool bytes " + name).utf8).write(to: URL(fileURLWithPath: folder + "/incoming-bdead0000000.bin"))
        try FileManager.default.createDirectory(atPath: folder + "/sessions", withIntermediateDirectories: true)
        let journal = "{\"journal\":1,\"questionnaire\":\"preschool-staff-survey\",\"version\":\"1\",\"respondent\":\"\(name)\",\"stage\":null,\"session\":null,\"started\":\"2026-12-01T10:00:00Z\"}\n{\"item\":\"s1\",\"value\":4}\n"
        try journal.write(toFile: folder + "/sessions/0123456789abcdef.jsonl", atomically: true, encoding: .utf8)
        let result = try survey(["forget", "preschool-staff-survey", "--respondent", "иванова  анна сергеевна", "--data", data])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Удалено ответов: 1, незавершённых сессий: 1, черновиков прерванного импорта: 1."), "\(result.stdout)")
        #expect(result.stdout.contains("Удалён файл: \(folder)/sessions/0123456789abcdef.jsonl"), "\(result.stdout)")
        #expect(result.stdout.contains("incoming-bdead0000000.bin"), "\(result.stdout)")
        for file in try FileManager.default.subpathsOfDirectory(atPath: folder) {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))) ?? Data()
            #expect(!String(decoding: bytes, as: UTF8.self).contains("Иванова"), "\(file) still holds the name")
        }
        let table = try survey(["tabulate", "preschool-staff-survey", "--data", data, "--format", "json"])
        #expect((try json(table.stdout) as? [String: Any])?["respondents"] as? Int == 1)
    }
}
