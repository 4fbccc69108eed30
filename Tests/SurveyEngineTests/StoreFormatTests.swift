import Foundation
import Testing
@testable import SurveyFormats
import SurveyEngine

/// A copy of the store fixture written by the version-1 binary (JSON Lines log), in a fresh folder.
func storeV1Copy() throws -> String {
    let dir = try temporaryFolder("store-v1")
    try FileManager.default.copyItem(atPath: Repo.fixtures + "/store-v1/data", toPath: dir + "/data")
    return dir
}

/// Stores written before the format changed: every command reads them and gives what the old version gave.
@Suite("Store: stores written by version 1")
struct StoreV1CompatibilityTests {
    static let commands: [(expected: String, arguments: [String])] = [
        ("expected-export-preschool-staff-survey.json", ["export", "preschool-staff-survey", "--format", "json"]),
        ("expected-export-preschool-parent-survey.json", ["export", "preschool-parent-survey", "--format", "json"]),
        ("expected-export-teacher-deficits.json", ["export", "teacher-deficits", "--format", "json"]),
        ("expected-export-preschool-monitoring.json", ["export", "preschool-monitoring", "--format", "json"]),
        ("expected-tabulate-staff.json", ["tabulate", "preschool-staff-survey", "--format", "json"]),
        ("expected-tabulate-staff-by.json", ["tabulate", "preschool-staff-survey", "--by", "Школа", "--format", "json"]),
        ("expected-tabulate-parent.json", ["tabulate", "preschool-parent-survey", "--format", "json"]),
        ("expected-profile.json", ["profile", "teacher-deficits", "--respondent", "Лебедева Ольга Михайловна 1", "--format", "json"]),
        ("expected-group.json", ["group", "teacher-deficits", "--format", "json"]),
        ("expected-monitor.json", ["monitor", "preschool-monitoring", "--format", "json"]),
    ]

    @Test func everyCommandGivesWhatVersionOneGave() throws {
        let dir = try storeV1Copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (expected, arguments) in Self.commands {
            let result = try survey(arguments + ["--data", dir + "/data"])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            let want = try String(contentsOfFile: Repo.fixtures + "/store-v1/" + expected, encoding: .utf8)
            #expect(result.stdout == want, "\(arguments) differs from what version 1 wrote")
        }
    }
}
