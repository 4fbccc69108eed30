import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// Paths of the repository and of the built `survey` binary, for end-to-end tests.
enum Repo {
    /// The repository root, found from this file's path.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let questionnaires = root.appendingPathComponent("questionnaires").path
    static let fixtures = root.appendingPathComponent("Tests/SurveyEngineTests/Fixtures").path
    static let oracles = root.deletingLastPathComponent().appendingPathComponent("shared/oracles").path

    /// `survey` is built beside the test bundle (the test target depends on the executable target).
    static let binary: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ].map { $0.appendingPathComponent("survey").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()
}

/// What a run of `survey` printed and returned.
struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var stdoutBytes: Data
}

/// Runs the built `survey` with arguments, optional stdin, in a working directory, with a clean
/// environment (no colour, Russian by default) plus `environment`.
@discardableResult
func survey(_ arguments: [String], stdin: String? = nil, in directory: String? = nil,
            environment: [String: String] = [:]) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Repo.binary)
    process.arguments = arguments
    var env = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1", "SURVEY_QUESTIONNAIRES": Repo.questionnaires, "HOME": NSTemporaryDirectory()]
    env.merge(environment) { $1 }
    process.environment = env
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Read both pipes concurrently so a large output cannot block the child.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self), stdoutBytes: outData)
}

/// A fresh temporary folder, removed by the caller when done.
func temporaryFolder(_ name: String = "survey-test") throws -> String {
    let path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Parses JSON output for assertions.
func json(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}

/// A deterministic generator (SplitMix64), so a failure reproduces.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The shipped self-diagnosis and its activity catalogue, loaded once for the suites that use them.
enum Shipped {
    static let deficits = try! QuestionnaireLibrary(folder: Repo.questionnaires).resolve("teacher-deficits")
    static let deficitsCatalogue: ActivityCatalogue = {
        let outcome = CatalogueLoader.load(path: CatalogueLoader.path(for: "teacher-deficits", folder: Repo.questionnaires), questionnaire: deficits)
        precondition(outcome.problems.isEmpty, "\(outcome.problems)")
        return outcome.catalogue!
    }()
}
