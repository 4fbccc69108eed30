import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// `group` keeps a district's teachers as summaries and alpha rows (issue 16), read from the store one record
/// at a time. Its reports must be those of the reference: every current response decoded, a full
/// `DeficitProfile` per teacher, sorted by name, alpha from the profiles' answers.
@Suite("group: summaries against full profiles")
struct GroupMemoryEquivalenceTests {
    static let q = Shipped.deficits
    static let catalogue = Shipped.deficitsCatalogue

    /// 300 generated teachers imported into a fresh store.
    static func district() throws -> (dir: String, data: String) {
        let dir = try temporaryFolder()
        let data = dir + "/data"
        let sampled = try survey(["sample", "teacher-deficits", "--count", "300", "--seed", "7", "--out", dir + "/t.csv"])
        #expect(sampled.status == 0, "\(sampled.stderr)")
        let imported = try survey(["import", "teacher-deficits", dir + "/t.csv", "--data", data])
        #expect(imported.status == 0, "\(imported.stderr)")
        return (dir, data)
    }

    /// The reference: full profiles of the current responses, in natural order of names.
    static func referenceProfiles(_ data: String) throws -> [DeficitProfile] {
        let responses = try ResponseStore(root: data).read("teacher-deficits").current.filter { $0.respondent != nil }
        return NaturalOrder.sorted(responses.map { DeficitProfile($0, questionnaire: q) }) { $0.respondent ?? "" }
    }

    @Test func groupTextAndJSONAreThoseOfFullProfiles() throws {
        let (dir, data) = try Self.district()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let profiles = try Self.referenceProfiles(data)
        #expect(profiles.count == 300)
        var group = GroupAnalysis(profiles: profiles, questionnaire: Self.q, rules: Self.catalogue.planning)
        group.reliability = AreaReliability.compute(answers: profiles.map(\.answers), questionnaire: Self.q)
        #expect(group.reliability.contains { $0.alpha != nil })
        #expect(!group.pairs.isEmpty)
        let rendering = DeficitRendering(Self.q, language: .ru)

        let text = try survey(["group", "teacher-deficits", "--data", data, "--out", dir + "/group.txt"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(try String(contentsOfFile: dir + "/group.txt", encoding: .utf8) == rendering.groupText(group, width: 100))

        let json = try survey(["group", "teacher-deficits", "--data", data, "--format", "json", "--out", dir + "/group.json"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(try String(contentsOfFile: dir + "/group.json", encoding: .utf8) == rendering.groupJSON(group).rendered())
    }

    @Test func aSummaryKeepsWhatTheGroupShows() throws {
        let (dir, data) = try Self.district()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let profiles = try Self.referenceProfiles(data)
        #expect(profiles.contains { !$0.deficits.isEmpty } && profiles.contains { !$0.strengths.isEmpty })
        for profile in profiles {
            let summary = TeacherSummary(profile, questionnaire: Self.q)
            #expect(summary.respondent == profile.respondent && summary.context == profile.context && summary.version == profile.version)
            #expect(summary.marks.map(\.area) == profile.areas.map(\.area))
            for area in profile.areas {
                let mark = try #require(summary.area(area.area.id))
                #expect(mark.score == area.score && mark.band == area.band && mark.borderline == area.borderline && mark.priority == area.priority)
            }
            #expect(summary.deficits.map(\.area.id) == profile.deficits.map(\.area.id))
            #expect(summary.strengths.map(\.area.id) == profile.strengths.map(\.area.id))
            #expect(summary.hasDeficit == !profile.deficits.isEmpty)
        }
    }

    @Test func alphaFromRowsIsAlphaFromAnswers() throws {
        let (dir, data) = try Self.district()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let profiles = try Self.referenceProfiles(data)
        var accumulator = AreaReliability.Accumulator(questionnaire: Self.q)
        var rows: [Int16] = []
        for profile in profiles { accumulator.row(profile.answers, into: &rows) }
        let width = accumulator.width
        #expect(rows.count == width * profiles.count)
        for start in stride(from: 0, to: rows.count, by: width) { accumulator.add(row: rows[start..<start + width]) }
        let reference = AreaReliability.compute(answers: profiles.map(\.answers), questionnaire: Self.q)
        #expect(accumulator.result() == reference)
        #expect(reference.contains { $0.alpha != nil })
    }
}

/// `export --anonymize` keeps a key per response (pseudonym, stage, offset) and reads the records back in
/// pseudonym order: the output must be that of the responses held whole and sorted, as before (issue 16).
@Suite("export --anonymize: keys, not responses")
struct AnonymizedExportEquivalenceTests {
    @Test(arguments: ["json", "csv"])
    func theOrderAndTheDocumentAreThoseOfTheWholeResponses(format: String) throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = dir + "/data"
        // Three stages of monitoring, with children observed again (superseded records) and anonymous rows.
        for (stage, seed, count) in [("start", "3", "120"), ("mid", "3", "90"), ("start", "3", "40"), ("final", "3", "60")] {
            let sheet = dir + "/\(stage)-\(seed).csv"
            #expect(try survey(["sample", "preschool-monitoring", "--count", count, "--seed", seed, "--stage", stage, "--out", sheet]).status == 0)
            let imported = try survey(["import", "preschool-monitoring", sheet, "--stage", stage, "--data", data])
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        let index = try String(contentsOfFile: data + "/preschool-monitoring/index.jsonl", encoding: .utf8)
        #expect(index.contains("\"superseded\":[8,"), "the second start sheet replaces children of the first")
        let arguments = ["export", "preschool-monitoring", "--anonymize", "--format", format, "--data", data] + (format == "csv" ? ["--stage", "start"] : [])
        let result = try survey(arguments)
        #expect(result.status == 0, "\(result.stderr)")

        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("preschool-monitoring")
        let key = try PseudonymKey.load(storeRoot: data)
        var responses = try ResponseStore(root: data).read(q.id).current.filter { format == "json" || $0.stage == "start" }
        for index in responses.indices { responses[index].respondent = responses[index].respondent.map { Pseudonym.make($0, key: key) } }
        let stageOrder = Dictionary(q.stages.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        responses = responses.enumerated().sorted { a, b in
            let x = a.element, y = b.element
            if x.respondent != y.respondent { return (x.respondent ?? "") < (y.respondent ?? "") }
            let sx = x.stage.flatMap { stageOrder[$0] } ?? -1, sy = y.stage.flatMap { stageOrder[$0] } ?? -1
            return sx != sy ? sx < sy : a.offset < b.offset
        }.map(\.element)
        #expect(responses.count > 100 && Set(responses.compactMap(\.stage)).count == (format == "json" ? 3 : 1))
        let expected = format == "json" ? ResponseExport.json(responses, questionnaire: q).rendered()
            : ResponseExport.csv(responses, questionnaire: q, values: false, excel: false)
        #expect(result.stdout == expected)
    }
}

/// `monitor` keeps each sheet row as a `ChildSheet` (one byte a criterion); everything monitoring reads of a row
/// — its child, stage, the value of an item by id, the text of an item by id — must be what the `Response` says.
@Suite("monitor: sheet rows kept as bytes")
struct ChildSheetEquivalenceTests {
    @Test(arguments: ["preschool-monitoring", "preschool-monitoring-kk", "teacher-deficits"])
    func aSheetAnswersAsItsResponse(id: String) throws {
        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve(id)
        let layout = ChildSheet.Layout(q)
        var state: UInt64 = 11
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let odd: [Double] = [0, -0.0, 2.5, 1e300, -7, .nan, .infinity, 1e-9]
        for k in 0..<300 {
            var values: [String: Double] = [:], texts: [String: String] = [:]
            for item in q.items {
                switch next(5) {
                case 0: continue
                case 1: values[item.id] = odd[next(odd.count)]
                case 2: texts[item.id] = "мера \(k)"
                default:
                    if let options = q.scale(of: item)?.options, !options.isEmpty { values[item.id] = options[next(options.count)].value }
                }
            }
            values["no-such-item"] = 3
            let response = Response(respondent: k % 7 == 0 ? nil : "Ребёнок \(k)", stage: q.stages.isEmpty ? nil : q.stages[next(q.stages.count)].id,
                                    values: values, texts: texts)
            let sheet = ChildSheet(response, layout: layout)
            #expect(sheet.respondent == response.respondent && sheet.stage == response.stage)
            for item in q.items {
                let kept = sheet.values[item.id], given = response.values[item.id]
                #expect(kept?.bitPattern == given?.bitPattern, "\(item.id): \(String(describing: kept)) ≠ \(String(describing: given))")
                #expect(sheet.texts[item.id] == response.texts[item.id])
            }
        }
    }
}
