import Foundation
import Testing
@testable import SurveyFormats

/// `tabulate --from-csv` on files with a respondent column and a `--by` column, end to end.
@Suite("CLI: tabulate named files")
struct CLINamedFileTests {
    @Test func aRespondentNamedTwiceIsRefusedWithBothLines() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rows = ["ФИО;Школа;1;2;3"]
        for n in 1...3000 { rows.append("Учитель \(n);Школа \(n % 4);Согласен;Не согласен;4") }
        rows.append("Учитель 17;Школа 1;Согласен;Согласен;Согласен")
        try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/named.csv", atomically: true, encoding: .utf8)
        let refused = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/named.csv", "--by", "Школа"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("named.csv:3002: «Учитель 17» уже ответил(а) в строке 18 этого файла"), "\(refused.stderr)")
        rows.removeLast()
        try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/named.csv", atomically: true, encoding: .utf8)
        let table = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/named.csv", "--by", "Школа", "--format", "json"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect((try json(table.stdout) as? [String: Any])?["respondents"] as? Int == 3000)
        #expect(table.stdout.contains("Школа 3"))
    }

    /// `import` names a repeated respondent with both lines, past the growth of its fingerprint table.
    @Test func importRefusesARespondentNamedTwice() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var rows = ["ФИО;1;2"]
        for n in 1...5000 { rows.append("Учитель \(n);Согласен;4") }
        rows.append("учитель  4999;Согласен;Согласен")  // the same name typed otherwise: the same person (issue 15)
        rows.append("Учитель 2;Согласен;Согласен")
        try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/named.csv", atomically: true, encoding: .utf8)
        let refused = try survey(["import", "preschool-staff-survey", dir + "/named.csv", "--data", dir + "/data"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("named.csv:5003: «Учитель 2» уже ответил(а) в строке 3 этого файла"), "\(refused.stderr)")
        #expect(refused.stderr.contains("named.csv:5002: «учитель  4999» уже ответил(а) в строке 5000 этого файла"), "\(refused.stderr)")
    }
}

@Suite("Fingerprint table")
struct FingerprintTableTests {
    @Test func remembersTheFirstLineOfEachFingerprint() {
        var table = FingerprintTable()
        var state: UInt64 = 3
        var model: [UInt64: Int] = [:]
        var keys: [UInt64] = []
        for n in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            keys.append(n % 7 == 0 ? UInt64(n % 50) : state)  // 0 and repeats included
        }
        for (line, key) in keys.enumerated() {
            let earlier = table.insert(key, line: line)
            #expect(earlier == model[key], "key \(key) on line \(line)")
            if model[key] == nil { model[key] = line }
        }
        #expect(table.count == model.count)
    }
}
