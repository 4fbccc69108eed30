import Foundation
import Testing

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
        #expect(refused.stderr.contains("named.csv:3002: «Учитель 17» already answered on line 18 of this file"), "\(refused.stderr)")
        rows.removeLast()
        try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/named.csv", atomically: true, encoding: .utf8)
        let table = try survey(["tabulate", "preschool-staff-survey", "--from-csv", dir + "/named.csv", "--by", "Школа", "--format", "json"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect((try json(table.stdout) as? [String: Any])?["respondents"] as? Int == 3000)
        #expect(table.stdout.contains("Школа 3"))
    }
}
