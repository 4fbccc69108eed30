import Foundation
import Testing

/// A `survey` process started without waiting for it: standard input from a file, output to files (no pipes,
/// so a dozen children can run at once without anyone having to drain them).
private final class SurveyProcess {
    let process = Process()
    let label: String
    private let outPath: String
    private let errPath: String

    init(_ arguments: [String], stdin: String = "", folder: String, label: String) throws {
        self.label = label
        let base = folder + "/" + label
        outPath = base + ".out"
        errPath = base + ".err"
        try Data(stdin.utf8).write(to: URL(fileURLWithPath: base + ".in"))
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Repo.binary)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1", "SURVEY_QUESTIONNAIRES": Repo.questionnaires,
                               "HOME": NSTemporaryDirectory()]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: base + ".in"))
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    }

    func start() throws { try process.run() }

    /// Waits for the process; its status and output.
    func finish() -> (status: Int32, stdout: String, stderr: String) {
        process.waitUntilExit()
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, out, err)
    }
}

private func posixPermissions(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
}

/// One line of a store's log, as far as batches go.
private struct LogLine {
    var type: String
    var batch: String
    var count: Int? = nil
    var source: String? = nil
}

/// Reads `responses.jsonl`: every line must be a JSON object ending in a newline.
private func logLines(_ path: String) throws -> [LogLine] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(data.last == 0x0A, "the log ends with a whole line")
    var lines: [LogLine] = []
    for (number, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().enumerated() {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], "line \(number + 1) is not a JSON object")
        let type = try #require(object["type"] as? String, "line \(number + 1) has no type")
        let batch = try #require(object["batch"] as? String, "line \(number + 1) has no batch")
        lines.append(LogLine(type: type, batch: batch, count: (object["count"] as? NSNumber)?.intValue, source: object["source"] as? String))
    }
    return lines
}

/// Checks that batches never interleave: each batch's response lines are contiguous and followed at once by
/// its commit, whose count is the number of those lines. Returns the committed batches (source, count).
private func committedBatches(_ lines: [LogLine]) -> [(batch: String, source: String, count: Int)] {
    var batches: [(batch: String, source: String, count: Int)] = []
    var seen = Set<String>()
    var current: String?
    var pending = 0
    for (index, line) in lines.enumerated() {
        switch line.type {
        case "response":
            if let current, current != line.batch {
                Issue.record("line \(index + 1): batch \(line.batch) starts inside batch \(current), which has no commit yet")
            }
            #expect(!seen.contains(line.batch), "line \(index + 1): batch \(line.batch) continues after its commit")
            current = line.batch
            pending += 1
        case "commit":
            if let current { #expect(current == line.batch, "line \(index + 1): commit of \(line.batch) after lines of \(current)") }
            #expect(line.count == pending, "line \(index + 1): commit of \(line.batch) counts \(line.count ?? -1), \(pending) lines precede it")
            #expect(seen.insert(line.batch).inserted, "line \(index + 1): batch \(line.batch) committed twice")
            batches.append((line.batch, line.source ?? "", line.count ?? -1))
            current = nil
            pending = 0
        default:
            Issue.record("line \(index + 1): unexpected record type \(line.type)")
        }
    }
    #expect(current == nil && pending == 0, "uncommitted lines at the end of the log")
    return batches
}

@Suite("Concurrency: one store, many writers")
struct ConcurrencyTests {
    /// The log check itself: interleaved batches, a wrong count and an uncommitted tail are all caught.
    @Test func theLogCheckCatchesInterleavingAndLoss() {
        let interleaved = [LogLine(type: "response", batch: "a"), LogLine(type: "response", batch: "b"),
                           LogLine(type: "commit", batch: "a", count: 1), LogLine(type: "commit", batch: "b", count: 1)]
        withKnownIssue { _ = committedBatches(interleaved) }
        let miscounted = [LogLine(type: "response", batch: "a"), LogLine(type: "commit", batch: "a", count: 2)]
        withKnownIssue { _ = committedBatches(miscounted) }
        let torn = [LogLine(type: "response", batch: "a"), LogLine(type: "commit", batch: "a", count: 1), LogLine(type: "response", batch: "b")]
        withKnownIssue { _ = committedBatches(torn) }
        let good = [LogLine(type: "response", batch: "a"), LogLine(type: "response", batch: "a"), LogLine(type: "commit", batch: "a", count: 2, source: "x.csv"),
                    LogLine(type: "commit", batch: "e", count: 0, source: "empty.csv")]
        #expect(committedBatches(good).map(\.count) == [2, 0])
    }

    /// The parent survey answered through piped `take`: ten statements and a comment.
    static let parentLines = ["1", "Согласен", "не  согласен", "4", "Полностью согласна", "2", "3", "1", "НЕ СОГЛАСЕН", "2", "Спасибо!"]

    /// 8 imports of 8 different files and 4 terminal sessions run at once into one `--data` store: every one
    /// succeeds, nothing is lost, batches do not interleave, the totals are exact and the files stay private.
    @Test(.timeLimit(.minutes(2)))
    func parallelImportsAndSessionsLoseNothingAndNeverInterleave() throws {
        let dir = try temporaryFolder("concurrency")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/data"
        let staff = "preschool-staff-survey", parent = "preschool-parent-survey"

        // Eight different answer files (different seeds and sizes), made beforehand.
        let counts = (1...8).map { 300 + 37 * $0 }
        var files: [String] = []
        for (index, count) in counts.enumerated() {
            let file = dir + "/staff-\(index + 1).csv"
            let made = try survey(["sample", staff, "--count", String(count), "--seed", String(index + 1), "--out", file])
            try #require(made.status == 0, "\(made.stderr)")
            files.append(file)
        }

        // All twelve writers start together.
        var imports: [SurveyProcess] = []
        for (index, file) in files.enumerated() {
            imports.append(try SurveyProcess(["import", staff, file, "--data", data], folder: dir, label: "import-\(index + 1)"))
        }
        var sessions: [SurveyProcess] = []
        for index in 1...4 {
            sessions.append(try SurveyProcess(["take", parent, "--data", data], stdin: Self.parentLines.joined(separator: "\n") + "\n",
                                              folder: dir, label: "take-\(index)"))
        }
        let started = Date()
        for (a, b) in zip(imports.prefix(4), sessions) { try a.start(); try b.start() }
        for process in imports.dropFirst(4) { try process.start() }

        for (index, process) in imports.enumerated() {
            let result = process.finish()
            #expect(result.status == 0, "\(process.label): \(result.stderr)")
            #expect(result.stdout.contains("Строк прочитано: \(counts[index]), сохранено: \(counts[index]), отклонено: 0"),
                    "\(process.label): \(result.stdout)\n\(result.stderr)")
        }
        for process in sessions {
            let result = process.finish()
            #expect(result.status == 0, "\(process.label): \(result.stderr)")
            #expect(result.stdout.contains("Вопрос 11 из 11"), "\(process.label): \(result.stdout)")
        }
        #expect(Date().timeIntervalSince(started) < 60)

        // The staff log: eight batches, each whole, one per file, with every row.
        let staffLog = data + "/\(staff)/responses.jsonl"
        let staffBatches = committedBatches(try logLines(staffLog))
        #expect(staffBatches.count == 8)
        for (index, file) in files.enumerated() {
            let name = (file as NSString).lastPathComponent
            let matching = staffBatches.filter { ($0.source as NSString).lastPathComponent == name }
            #expect(matching.count == 1, "\(name): \(matching.count) batch(es)")
            #expect(matching.first?.count == counts[index], "\(name)")
        }

        // The parent log: four sessions, one response each.
        let parentBatches = committedBatches(try logLines(data + "/\(parent)/responses.jsonl"))
        #expect(parentBatches.count == 4)
        #expect(parentBatches.allSatisfy { $0.count == 1 })

        // Tabulation reads the exact totals back.
        let total = counts.reduce(0, +)
        let tabulated = try survey(["tabulate", staff, "--data", data, "--format", "json"])
        #expect(tabulated.status == 0, "\(tabulated.stderr)")
        let table = try #require(try json(tabulated.stdout) as? [String: Any])
        #expect((table["respondents"] as? NSNumber)?.intValue == total)
        let parentTable = try #require(try json(try survey(["tabulate", parent, "--data", data, "--format", "json"]).stdout) as? [String: Any])
        #expect((parentTable["respondents"] as? NSNumber)?.intValue == 4)

        // Private files, no spool or journal left behind.
        #expect(posixPermissions(data) == 0o700)
        for id in [staff, parent] {
            let folder = data + "/" + id
            #expect(posixPermissions(folder) == 0o700, "\(folder)")
            let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(!names.contains { $0.hasPrefix("incoming-") }, "\(id): a spool file is left: \(names)")
            for name in names where name != "sessions" {
                #expect(posixPermissions(folder + "/" + name) == 0o600, "\(id)/\(name) is \(String(posixPermissions(folder + "/" + name) ?? 0, radix: 8))")
            }
            let journals = ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/sessions")) ?? []).filter { $0.hasSuffix(".jsonl") }
            #expect(journals.isEmpty, "\(id): unfinished session journals \(journals)")
        }
    }
}
