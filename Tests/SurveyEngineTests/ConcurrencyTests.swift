import Foundation
import Testing
@testable import SurveyFormats

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

/// Checks that batches never interleave or overlap: each batch's records are one contiguous range right after
/// the previous batch's, and the records found there are as many as its index line counts. Returns the batches.
private func checkedBatches(_ batches: [ResponseStore.BatchInfo], recordsPerBatch: [Int]) -> [(batch: String, source: String, count: Int)] {
    var end = ResponseStore.magic.count
    var seen = Set<String>()
    for (index, batch) in batches.enumerated() {
        #expect(batch.offset == end, "batch \(index + 1) (\(batch.id)) starts at \(batch.offset), the previous one ends at \(end)")
        #expect(seen.insert(batch.id).inserted, "batch \(batch.id) committed twice")
        #expect(index < recordsPerBatch.count && recordsPerBatch[index] == batch.count, "batch \(batch.id) counts \(batch.count)")
        end = batch.offset + batch.length
    }
    return batches.map { ($0.id, $0.source, $0.count) }
}

/// The committed batches of a questionnaire's store, checked against the records read back.
private func committedBatches(_ data: String, _ id: String) throws -> [(batch: String, source: String, count: Int)] {
    let store = ResponseStore(root: data)
    let contents = try store.read(id)
    let perBatch = contents.batches.map { batch in contents.entries.filter { $0.batch == batch.id }.count }
    return checkedBatches(contents.batches, recordsPerBatch: perBatch)
}

@Suite("Concurrency: one store, many writers")
struct ConcurrencyTests {
    /// The batch check itself: overlapping batches, a wrong count and a gap are all caught.
    @Test func theBatchCheckCatchesOverlapAndLoss() {
        func batch(_ id: String, _ offset: Int, _ length: Int, _ count: Int) -> ResponseStore.BatchInfo {
            ResponseStore.BatchInfo(id: id, count: count, source: "", checksum: nil, at: "", offset: offset, length: length)
        }
        let start = ResponseStore.magic.count
        withKnownIssue { _ = checkedBatches([batch("a", start, 20, 1), batch("b", start + 10, 20, 1)], recordsPerBatch: [1, 1]) }
        withKnownIssue { _ = checkedBatches([batch("a", start, 20, 2)], recordsPerBatch: [1]) }
        withKnownIssue { _ = checkedBatches([batch("a", start, 20, 1), batch("b", start + 30, 20, 1)], recordsPerBatch: [1, 1]) }
        #expect(checkedBatches([batch("a", start, 20, 2), batch("e", start + 20, 0, 0)], recordsPerBatch: [2, 0]).map(\.count) == [2, 0])
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
        let staffBatches = try committedBatches(data, staff)
        #expect(staffBatches.count == 8)
        for (index, file) in files.enumerated() {
            let name = (file as NSString).lastPathComponent
            let matching = staffBatches.filter { ($0.source as NSString).lastPathComponent == name }
            #expect(matching.count == 1, "\(name): \(matching.count) batch(es)")
            #expect(matching.first?.count == counts[index], "\(name)")
        }

        // The parent log: four sessions, one response each.
        let parentBatches = try committedBatches(data, parent)
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
            for name in names where name != "sessions" && name != "identities" {
                #expect(posixPermissions(folder + "/" + name) == 0o600, "\(id)/\(name) is \(String(posixPermissions(folder + "/" + name) ?? 0, radix: 8))")
            }
            let journals = ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/sessions")) ?? []).filter { $0.hasSuffix(".jsonl") }
            #expect(journals.isEmpty, "\(id): unfinished session journals \(journals)")
        }
    }
}
