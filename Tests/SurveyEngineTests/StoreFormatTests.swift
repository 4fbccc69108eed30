import Foundation
import Testing
@testable import SurveyFormats
import SurveyEngine
#if canImport(Glibc)
import Glibc
#endif

/// A copy of the store fixture written by the version-1 binary (JSON Lines log), in a fresh folder.
func storeV1Copy() throws -> String {
    let dir = try temporaryFolder("store-v1")
    try FileManager.default.copyItem(atPath: Repo.fixtures + "/store-v1/data", toPath: dir + "/data")
    return dir
}

/// Stores written before the format changed: every command reads from the converted store what it reads from
/// a store holding the same answers written anew, and the converted records are the old log's, superseded alike.
/// (The fixture was written by the version-1 binary; outputs are compared between the two stores, not with
/// files, so that changes to the definitions do not touch this test.)
@Suite("Store: stores written by version 1")
struct StoreV1CompatibilityTests {
    static let ids = ["preschool-staff-survey", "preschool-parent-survey", "teacher-deficits", "preschool-monitoring"]
    static let commands: [[String]] = [
        ["export", "preschool-staff-survey", "--format", "json"],
        ["export", "preschool-parent-survey", "--format", "json"],
        ["export", "teacher-deficits", "--format", "json"],
        ["export", "preschool-monitoring", "--format", "json"],
        ["tabulate", "preschool-staff-survey", "--format", "json"],
        ["tabulate", "preschool-staff-survey", "--by", "Школа", "--format", "json"],
        ["tabulate", "preschool-parent-survey", "--format", "json"],
        ["profile", "teacher-deficits", "--respondent", "Лебедева Ольга Михайловна 1", "--format", "json"],
        ["group", "teacher-deficits", "--format", "json"],
        ["monitor", "preschool-monitoring", "--format", "json"],
    ]

    /// The version-1 log's entries and its current responses (the latest per respondent and stage).
    static func legacy(_ dir: String, _ id: String) throws -> (entries: [Response], current: [Response], batches: [String]) {
        let path = dir + "/data/\(id)/responses.jsonl"
        let old = try StoreV1.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), path: path)
        let entries = old.entries.map(\.response)
        var latest: [String: Int] = [:]
        for (k, response) in entries.enumerated() { if let identity = response.identity { latest[identity] = k } }
        let current = entries.enumerated().filter { $0.element.identity.map { latest[$0] } ?? $0.offset == $0.offset }.map(\.element)
        return (entries, current, old.batches.map(\.id))
    }

    @Test func everyCommandReadsTheConvertedStoreAsTheSameAnswersWrittenAnew() throws {
        let dir = try storeV1Copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The same answers, batch by batch, written by today's store.
        let fresh = ResponseStore(root: dir + "/fresh")
        for id in Self.ids {
            let path = dir + "/data/\(id)/responses.jsonl"
            let old = try StoreV1.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), path: path)
            for batch in old.batches {
                let responses = old.entries.filter { $0.batch == batch.id }.map(\.response)
                _ = try fresh.commit(responses, questionnaireID: id, source: batch.source, checksum: batch.checksum)
            }
        }
        for arguments in Self.commands {
            let converted = try survey(arguments + ["--data", dir + "/data"])
            let written = try survey(arguments + ["--data", dir + "/fresh"])
            #expect(converted.status == 0 && written.status == 0, "\(arguments): \(converted.stderr) \(written.stderr)")
            #expect(converted.stdout == written.stdout, "\(arguments): the converted store reads differently")
            #expect(!converted.stdout.isEmpty)
        }
    }

    @Test func theConvertedRecordsAreTheOldLogsSupersededAlike() throws {
        let dir = try storeV1Copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for id in Self.ids {
            let old = try Self.legacy(dir, id)
            let contents = try ResponseStore(root: dir + "/data").read(id)
            #expect(contents.entries.count == old.entries.count, "\(id)")
            for (new, was) in zip(contents.entries.map(\.response), old.entries) { #expect(sameValues(new, was), "\(id): \(new) vs \(was)") }
            #expect(contents.current.count == old.current.count, "\(id)")
            for (new, was) in zip(contents.current, old.current) { #expect(sameValues(new, was), "\(id)") }
            #expect(contents.batches.map(\.id) == old.batches, "\(id)")
        }
    }
}

/// A small deterministic generator for the store tests.
private struct StoreRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    mutating func pick(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

private func sameValues(_ a: Response, _ b: Response) -> Bool {
    a.respondent == b.respondent && a.stage == b.stage && a.texts == b.texts && a.attributes == b.attributes
        && a.values.mapValues(\.bitPattern) == b.values.mapValues(\.bitPattern)
}

@Suite("Store: format 2")
struct StoreFormatTests {
    /// Every value comes back bit for bit: option values by code, any other Double (a third of a point,
    /// −0, infinities, NaN, bitmask-sized integers, more than 254 distinct values in a column) by escape.
    @Test func recordsRoundTripExactly() {
        var random = StoreRandom(state: 11)
        let special: [Double] = [1, 2, 3, 4, 0, -0.0, 2.5, 1.0 / 3.0, 1e300, -1e-300, .infinity, -.infinity, .nan,
                                 Double(UInt32.max), 4_294_967_295 * 2, 0.1 + 0.2]
        let texts = ["", "Иванова Анна", "a\"b\\c", "line\nbreak", "🙂", "\u{1}"]
        var tables = BatchTables()
        var bytes: [UInt8] = []
        var written: [(Int, Response)] = []
        for n in 0..<1500 {
            var response = Response(respondent: random.pick(4) == 0 ? nil : texts[random.pick(texts.count)] + "\(n)",
                                    stage: random.pick(2) == 0 ? nil : "mid")
            for k in 0..<random.pick(20) {
                response.values["s\(k)"] = random.pick(3) == 0 ? Double(n * 7 + k) + 0.5 : special[random.pick(special.count)]
            }
            for k in 0..<random.pick(3) { response.texts["t\(k)"] = texts[random.pick(texts.count)] }
            for k in 0..<random.pick(3) { response.attributes["Школа\(k)"] = texts[random.pick(texts.count)] }
            written.append((bytes.count, response))
            StoreRecord.encode(response, tables: &tables, into: &bytes)
        }
        #expect(tables.values.contains { $0.count == StoreRecord.maxCodes }, "some column filled its table and escapes the rest")
        for (offset, response) in written {
            let length = (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
            let decoded = bytes[(offset + 4)..<(offset + 4 + length)].withUnsafeBytes { StoreRecord.View(body: $0).response(tables) }
            #expect(decoded.map { sameValues($0, response) } == true, "\(response) came back as \(String(describing: decoded))")
            let identity = bytes[(offset + 4)..<(offset + 4 + length)].withUnsafeBytes { StoreRecord.View(body: $0).identity() }
            #expect(identity == response.identity)
        }
        // The tables survive their index line.
        let info = ResponseStore.BatchInfo(id: "b1", count: written.count, source: "x", checksum: nil, at: "", offset: 8, length: bytes.count, tables: tables)
        let line = Array((StoreIndex.headerLine("q") + StoreIndex.line(info)).utf8)
        let parsed = try? StoreIndex.parse(line, path: "index.jsonl")
        #expect(parsed?.batches.first?.tables == tables)
    }

    /// Batches committed one after another: the current responses are exactly the latest per respondent and
    /// stage (anonymous ones all count), as a plain model says, and the replaced count is the model's.
    @Test func theLatestAnswerSupersedesEarlierOnes() throws {
        let dir = try temporaryFolder("store-supersede")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = ResponseStore(root: dir)
        var random = StoreRandom(state: 5)
        var model: [Response] = []
        for batch in 0..<40 {
            var responses: [Response] = []
            for row in 0..<(1 + random.pick(batch % 7 == 0 ? 60 : 6)) {
                let name: String? = random.pick(5) == 0 ? nil : "Учитель \(random.pick(30))"
                responses.append(Response(respondent: name, stage: random.pick(3) == 0 ? "mid" : nil,
                                          values: ["s1": Double(1 + random.pick(4)), "s2": Double(batch * 100 + row)]))
            }
            let earlier = Set(model.compactMap(\.identity))
            let expectedReplaced = Set(responses.compactMap(\.identity)).intersection(earlier).count
            let result = try store.commit(responses, questionnaireID: "preschool-staff-survey", source: "b\(batch).csv", checksum: nil)
            #expect(result.replacedCount == expectedReplaced, "batch \(batch)")
            model += responses
        }
        var latest: [String: Int] = [:]
        for (index, response) in model.enumerated() { if let identity = response.identity { latest[identity] = index } }
        let expected = model.enumerated().filter { $0.element.identity.map { latest[$0] } ?? $0.offset == $0.offset }.map(\.element)
        let contents = try store.read("preschool-staff-survey")
        #expect(contents.entries.map(\.response) == model)
        #expect(contents.current == expected)
        // The identity runs stay few: merged as a binary counter.
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir + "/preschool-staff-survey/identities")
        #expect(runs.count <= 7, "\(runs)")
    }

    /// A store written by version 1 is converted once, with a message, into records that read back as the
    /// old log's entries, superseded the same way; the old log is gone and every file is private.
    @Test func aVersionOneStoreIsConvertedOnce() throws {
        let dir = try storeV1Copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let id = "preschool-staff-survey"
        let legacy = dir + "/data/\(id)/responses.jsonl"
        let old = try StoreV1.parse(Array(try Data(contentsOf: URL(fileURLWithPath: legacy))), path: legacy)
        let first = try survey(["tabulate", id, "--data", dir + "/data", "--format", "json"])
        #expect(first.status == 0)
        #expect(first.stderr.contains("хранилище переведено в формат 2"), "\(first.stderr)")
        #expect(!FileManager.default.fileExists(atPath: legacy))
        let second = try survey(["tabulate", id, "--data", dir + "/data", "--format", "json"])
        #expect(second.stderr.isEmpty, "converted once: \(second.stderr)")
        #expect(second.stdout == first.stdout)
        let contents = try ResponseStore(root: dir + "/data").read(id)
        #expect(contents.entries.count == old.entries.count)
        for (new, was) in zip(contents.entries, old.entries) {
            #expect(sameValues(new.response, was.response) && new.batch == was.batch)
        }
        #expect(contents.batches.map(\.id) == old.batches.map(\.id))
        #expect(contents.batches.map(\.source) == old.batches.map(\.source))
        #expect(contents.batches.map(\.checksum) == old.batches.map(\.checksum))
        #expect(contents.current.compactMap(\.respondent) == ["T1", "T3", "T4", "T5", "T6", "T2", "T9", "X1"])
        for file in try FileManager.default.subpathsOfDirectory(atPath: dir + "/data/\(id)") {
            let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/data/\(id)/" + file)
            let isFolder = attributes[.type] as? FileAttributeType == .typeDirectory
            #expect((attributes[.posixPermissions] as? Int) == (isFolder ? 0o700 : 0o600), "\(file)")
        }
    }

    /// A conversion cut off before the old log was removed runs again from the old log: the leftovers of the
    /// first attempt are replaced, nothing is counted twice.
    @Test func aConversionCutShortRunsAgain() throws {
        let dir = try storeV1Copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let id = "teacher-deficits"
        let legacy = dir + "/data/\(id)/responses.jsonl"
        let saved = try Data(contentsOf: URL(fileURLWithPath: legacy))
        let converted = try survey(["group", id, "--data", dir + "/data", "--format", "json"])
        #expect(converted.status == 0)
        try saved.write(to: URL(fileURLWithPath: legacy))  // as if the crash came before the unlink
        let again = try survey(["group", id, "--data", dir + "/data", "--format", "json"])
        #expect(again.stderr.contains("хранилище переведено"), "\(again.stderr)")
        #expect(again.stdout == converted.stdout)
        #expect(try ResponseStore(root: dir + "/data").read(id).entries.count == 6)
    }

    /// A log shorter than its index says (a file cut by hand or a broken disk) is a damaged store: readers
    /// say so with the byte, and a writer refuses to append rather than write records at the wrong place.
    @Test func aLogShorterThanItsIndexIsRefused() throws {
        let dir = try temporaryFolder("store-short")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = ResponseStore(root: dir)
        let id = "preschool-staff-survey"
        _ = try store.commit([Response(respondent: "А", values: ["s1": 4]), Response(respondent: "Б", values: ["s1": 3])],
                             questionnaireID: id, source: "a.csv", checksum: nil)
        let log = store.logPath(for: id)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int)
        #expect(truncate(log, off_t(size - 3)) == 0)
        #expect(throws: StoreError.self) { try store.read(id) }
        do {
            _ = try store.commit([Response(respondent: "В", values: ["s1": 2])], questionnaireID: id, source: "b.csv", checksum: nil)
            Issue.record("the append went through")
        } catch {
            #expect("\(error)".contains("the store is damaged"), "\(error)")
        }
    }

    /// A format-1 store with an unfinished write at its end converts without it, and says so.
    @Test func aVersionOneTornTailIsLeftOutOfTheConversion() throws {
        let dir = try storeV1Copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let legacy = dir + "/data/preschool-parent-survey/responses.jsonl"
        let before = try StoreV1CompatibilityTests.legacy(dir, "preschool-parent-survey").current.count
        let handle = try #require(FileHandle(forWritingAtPath: legacy))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"type":"response","batch":"bX","respondent":null,"stage":null,"values":{"p1":4},"texts":{}}"#.utf8 + [0x0A]))
        try handle.close()
        let result = try survey(["tabulate", "preschool-parent-survey", "--data", dir + "/data", "--format", "json", "--lang", "en"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("converted the store to format 2"), "\(result.stderr)")
        #expect(result.stderr.contains("an unfinished write of"), "\(result.stderr)")
        #expect((try json(result.stdout) as? [String: Any])?["respondents"] as? Int == before)
    }
}

/// docs/STORE.md must be enough to read a store without `survey`: docs/read_store.py, written from the document
/// alone (standard-library Python), reads the same current responses that `survey export` writes.
@Suite("Store: a reader written from the document")
struct StoreDocumentReaderTests {
    @Test func thePythonReaderReadsWhatExportWrites() throws {
        let dir = try storeV1Copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Today's imports too: a file with a kept column, read by the shortcut and in one pass.
        let file = dir + "/staff.csv"
        try "id;Школа;s1;s2;s3\r\n7;№ 5;Согласен;4;\r\n8;№ 6;Не согласен;;Полностью согласен\r\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try survey(["import", "preschool-staff-survey", file, "--keep", "Школа", "--data", dir + "/data"])
        #expect(imported.status == 0, "\(imported.stderr)")
        for id in StoreV1CompatibilityTests.ids {
            let exported = try survey(["export", id, "--format", "json", "--data", dir + "/data"])
            #expect(exported.status == 0, "\(exported.stderr)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Repo.root.appendingPathComponent("docs/read_store.py").path, dir + "/data/" + id]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "python3 docs/read_store.py failed for \(id)")
            let read = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { try? json(String($0)) as? [String: Any] }
            let export = try #require(try json(exported.stdout) as? [String: Any])
            let responses = try #require(export["responses"] as? [[String: Any]])
            #expect(read.count == responses.count && !read.isEmpty, "\(id): \(read.count) vs \(responses.count)")
            // Compared as (respondent, stage, answers, attributes), answers limited to the items the definition
            // exports (a version-1 store holds retired item ids too).
            func key(_ respondent: Any?, _ stage: Any?, _ answers: [String: String], _ attributes: Any?) -> String {
                "\(respondent as? String ?? "")|\(stage as? String ?? "")|\(answers.sorted { $0.key < $1.key })|\((attributes as? [String: String] ?? [:]).sorted { $0.key < $1.key })"
            }
            var exportedItems = Set<String>()
            let expected = responses.map { r -> String in
                var answers: [String: String] = [:]
                for (item, answer) in r["answers"] as? [String: [String: Any]] ?? [:] {
                    exportedItems.insert(item)
                    answers[item] = (answer["value"] as? Double).map { "\($0)" } ?? answer["text"] as? String ?? ""
                }
                return key(r["respondent"], r["stage"], answers, r["attributes"])
            }.sorted()
            let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve(id)
            let known = Set(q.items.filter { !$0.confidential }.map(\.id))
            let fromPython = read.map { r -> String in
                var answers: [String: String] = [:]
                // (−0 is written as 0 in JSON: the same number.)
                for (item, value) in r["values"] as? [String: Double] ?? [:] where known.contains(item) { answers[item] = "\(value + 0)" }
                for (item, text) in r["texts"] as? [String: String] ?? [:] where known.contains(item) { answers[item] = text }
                return key(r["respondent"], r["stage"], answers, r["attributes"])
            }.sorted()
            #expect(fromPython == expected, "\(id): the document's reader reads otherwise")
        }
    }
}
