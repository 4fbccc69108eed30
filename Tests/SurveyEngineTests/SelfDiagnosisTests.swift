import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

/// Issue 12: the self-diagnosis a methodist would trust — bands that mean what their answer says, the
/// teacher's context, «Не относится к моей работе», tests beside the self-report, versions kept.
@Suite("Self-diagnosis: bands, context, tests")
struct SelfDiagnosisTests {
    static let q = try! QuestionnaireLibrary(folder: Repo.questionnaires).resolve("teacher-deficits")

    static func statements(_ area: String, _ context: TeacherContext = TeacherContext()) -> [Item] {
        q.items.filter { $0.area == area && $0.scale != nil && q.applies($0, to: context) }
    }

    static func area(_ profile: DeficitProfile, _ id: String) -> AreaScore? { profile.areas.first { $0.area.id == id } }

    /// Every answer of the scale, given on every statement of every area, lands in the band that answer means:
    /// «совсем не про меня» → выраженный дефицит … «точно про меня» → ресурс; and it is not «на границе».
    @Test func everyAnswerOnEveryStatementLandsInTheBandItMeans() throws {
        let scale = try #require(Self.q.scale("self4"))
        let expected = ["Совсем не про меня": "severe", "Скорее не про меня": "partial", "Скорее про меня": "none", "Точно про меня": "resource"]
        #expect(scale.scaleOptions.count == expected.count)
        for option in scale.scaleOptions {
            var values: [String: Double] = [:]
            for item in Self.q.items where item.scale == "self4" { values[item.id] = option.value }
            let profile = DeficitProfile(Response(respondent: "Т", values: values), questionnaire: Self.q)
            for area in profile.areas {
                #expect(area.band?.id == expected[option.label], "\(option.label) in \(area.area.id) gives \(area.band?.id ?? "none")")
                #expect(area.band?.answer == option.label)
                #expect(!area.borderline, "\(option.label) in \(area.area.id)")
            }
        }
    }

    /// A mean one answer step from a cut-off is marked; the same area one step further in is not.
    @Test func aScoreOneAnswerFromACutOffIsBorderline() throws {
        let items = Self.statements("scientific")
        #expect(items.count == 7)
        func profile(_ answers: [Double]) -> AreaScore? {
            var values: [String: Double] = [:]
            for (item, value) in zip(items, answers) { values[item.id] = value }
            return Self.area(DeficitProfile(Response(respondent: "Т", values: values), questionnaire: Self.q), "scientific")
        }
        // 4×3 + 3×2: mean 2,57 — без дефицита, but one «3» moved to «2» gives 2,43, a partial deficit.
        let near = try #require(profile([3, 3, 3, 3, 2, 2, 2]))
        #expect(near.band?.id == "none" && near.borderline)
        let moved = try #require(profile([3, 3, 3, 2, 2, 2, 2]))
        #expect(moved.band?.id == "partial" && moved.borderline)
        let inside = try #require(profile([3, 3, 3, 3, 3, 3, 2]))
        #expect(inside.band?.id == "none" && !inside.borderline)
        // One step up lands exactly on a cut-off (27/8 → 28/8 = 3,5): the band includes its «from», so that
        // is «ресурс», and the score is borderline.
        let health = Self.statements("health")
        #expect(health.count == 8)
        var values: [String: Double] = [:]
        for (index, item) in health.enumerated() { values[item.id] = index < 3 ? 4 : 3 }
        let edge = try #require(Self.area(DeficitProfile(Response(respondent: "Т", values: values), questionnaire: Self.q), "health"))
        #expect(edge.mean == 3.375 && edge.band?.id == "none" && edge.borderline)
    }

    /// «Не относится к моей работе» is neither a deficit nor a strength: however many statements get it, the
    /// rest decide; an area where nearly all get it has no score and says why; it never shows as a weak point.
    @Test func notApplicableNeverMakesADeficit() throws {
        let na = try #require(Self.q.scale("self4")?.notApplicableValue)
        for area in Self.q.areas {
            let items = Self.statements(area.id)
            for k in 0...items.count {
                var values: [String: Double] = [:]
                for (index, item) in items.enumerated() { values[item.id] = index < k ? na : 3 }
                let score = try #require(Self.area(DeficitProfile(Response(respondent: "Т", values: values), questionnaire: Self.q), area.id))
                #expect(!score.isDeficit, "\(area.id) with \(k) «не относится»")
                #expect(score.notApplicable == k)
                #expect(score.weakest.isEmpty)
                if items.count - k >= 4 { #expect(score.band?.id == "none", "\(area.id), \(k)") }
                if k == items.count { #expect(score.withheld == .mostlyNotApplicable) }
            }
        }
    }

    /// The music teacher who is no class teacher: the exam and class-teacher statements do not concern her,
    /// so even «совсем не про меня» there counts for nothing; her areas have their own totals.
    @Test func roleBoundStatementsDoNotCountForTeachersTheyDoNotConcern() throws {
        let music = TeacherContext(role: "teacher", subject: "music", classTeacher: false)
        let notHers = Self.q.items.filter { $0.scale == "self4" && !Self.q.applies($0, to: music) }
        #expect(!notHers.isEmpty)
        var values: [String: Double] = [:]
        for item in Self.q.items where item.scale == "self4" { values[item.id] = Self.q.applies(item, to: music) ? 4 : 1 }
        let attributes = ["role": "teacher", "subject": "music", "classTeacher": "no"]
        let hers = DeficitProfile(Response(respondent: "М", values: values, attributes: attributes), questionnaire: Self.q)
        #expect(hers.deficits.isEmpty, "\(hers.deficits.map(\.area.id))")
        #expect(hers.areas.allSatisfy { $0.band?.id == "resource" })
        // Without her context every statement counts, and those answers pull areas down.
        let unknown = DeficitProfile(Response(respondent: "М", values: values), questionnaire: Self.q)
        #expect(unknown.areas.contains { $0.band?.id != "resource" })
    }

    /// Р-201: below 60 % of test points is a high deficit, and the area is a deficit whatever the self-report
    /// says, with the line that the self-assessment was higher; a self-report below the test is said too.
    @Test func aHighDeficitByTheTestOverridesATopSelfReport() throws {
        var values: [String: Double] = [:]
        for item in Self.q.items where item.scale == "self4" { values[item.id] = item.area == "methods" ? 1 : 4 }
        for item in Self.q.testItems {
            guard let task = item.test else { continue }
            let right = Set(task.options.indices.filter { task.options[$0].correct })
            let wrong = Set(task.options.indices.filter { !task.options[$0].correct })
            // All wrong in the normative-legal area, all right elsewhere.
            values[item.id] = task.value(choosing: item.area == "regulatory" ? [wrong.min() ?? 0] : (task.choice == .single ? right : right))
        }
        let profile = DeficitProfile(Response(respondent: "Т", values: values), questionnaire: Self.q)
        let regulatory = try #require(Self.area(profile, "regulatory"))
        #expect(regulatory.selfBand?.id == "resource")
        #expect(regulatory.test?.score == 0 && regulatory.test?.band?.id == "high")
        #expect(regulatory.isDeficit && regulatory.forcedByTest && regulatory.band?.id == "severe")
        #expect(regulatory.agreement == .selfHigher)
        let methods = try #require(Self.area(profile, "methods"))
        #expect(methods.test?.band?.id == "minimal" && methods.selfBand?.id == "severe" && methods.agreement == .selfLower)
        #expect(methods.isDeficit && !methods.forcedByTest)
        let subject = try #require(Self.area(profile, "subject"))
        #expect(subject.agreement == .agree && !subject.isDeficit)
        let text = DeficitRendering(Self.q, language: .ru).profileText(profile, change: nil)
        #expect(text.contains("Нормативные правовые: самооценка выше результата теста (0 %)"), "\(text)")
        #expect(text.contains("Методические (содержание образования, методики и технологии обучения): самооценка ниже"), "\(text)")
        #expect(text.contains("Нормативные правовые — выраженный дефицит по тесту (0 %), самооценка 100"), "\(text)")
    }

    /// Р-201's table leaves its boundaries open; the definition closes them: 60 % is medium, 80 % is medium,
    /// anything above 80 % minimal.
    @Test func testBandsStateTheirBoundaries() {
        let rules = Self.q.scoring
        #expect(rules.testBand(for: 59.9)?.id == "high")
        #expect(rules.testBand(for: 60)?.id == "medium")
        #expect(rules.testBand(for: 80)?.id == "medium")
        #expect(rules.testBand(for: 80.1)?.id == "minimal")
        #expect(rules.testBand(for: 100)?.id == "minimal")
    }

    /// Partial credit for several right answers: right ones ticked less wrong ones ticked, never below zero.
    @Test func multipleChoiceEarnsPartialCredit() throws {
        let task = TestTask(choice: .multiple, points: 2, options: [
            .init(label: "а", correct: true), .init(label: "б", correct: true), .init(label: "в", correct: false), .init(label: "г", correct: false)])
        func score(_ text: String) -> Double? { task.read(text).map(task.score) }
        #expect(score("а, б") == 2)
        #expect(score("а") == 1)
        #expect(score("А В") == 0, "one right, one wrong: half less half")
        #expect(score("а, б, в") == 1)
        #expect(score("абвг") == 0, "ticking everything earns nothing")
        #expect(score("в") == 0)
        #expect(score("1,2") == 2 && score("a b") == 2, "numbers and Latin letters too")
        #expect(task.read("д") == nil && task.read("5") == nil && task.read("") == nil)
        let single = TestTask(choice: .single, options: [.init(label: "x", correct: false), .init(label: "y", correct: true)])
        #expect(single.read("б").map(single.score) == 1 && single.read("а, б") == nil)
        #expect(task.letters(task.read("в, а") ?? 0) == "а, в")
    }

    /// Test-retest by simulation: teachers whose true practice sits at each answer's meaning, answering each
    /// statement with the usual noise, twice. The band they land in is the one their level means, and the
    /// verdict (deficit or not) repeats on retest far more often when the score is not marked «на границе».
    @Test func bandsAreReproducibleAwayFromTheBorder() throws {
        var random = SeededRandom(seed: 20261202)
        let areas = Self.q.areas.map(\.id)
        var meant = 0, total = 0, steadyAgree = 0, steady = 0, borderAgree = 0, border = 0
        for trial in 0..<400 {
            let level = Double(trial % 4 + 1)
            func answer() -> Double { min(4, max(1, (level + random.normal() * 0.6).rounded())) }
            func take() -> DeficitProfile {
                var values: [String: Double] = [:]
                for item in Self.q.items where item.scale == "self4" { values[item.id] = answer() }
                return DeficitProfile(Response(respondent: "Т", values: values), questionnaire: Self.q)
            }
            let first = take(), second = take()
            for id in areas {
                guard let a = Self.area(first, id), let b = Self.area(second, id) else { continue }
                total += 1
                if a.band?.answer == Self.q.scale("self4")?.scaleOptions[Int(level) - 1].label { meant += 1 }
                if a.borderline { border += 1; if a.isDeficit == b.isDeficit { borderAgree += 1 } } else { steady += 1; if a.isDeficit == b.isDeficit { steadyAgree += 1 } }
            }
        }
        let meantShare = Double(meant) / Double(total), steadyShare = Double(steadyAgree) / Double(max(1, steady))
        let borderShare = Double(borderAgree) / Double(max(1, border))
        print("simulation: band = meant level \(meantShare); deficit verdict repeats: not borderline \(steadyShare) (n \(steady)), borderline \(borderShare) (n \(border))")
        #expect(meantShare > 0.85)
        #expect(steadyShare > 0.97)
        #expect(borderShare < steadyShare)
    }

    /// A change printed is the difference of the numbers printed beside it (issue 14: «73 → 47 (-27)»).
    @Test func aShownChangeIsTheDifferenceOfTheShownScores() throws {
        let area = try #require(Self.q.areas.first)
        let change = ProfileChange(areas: [.init(area: area, before: 72.6, after: 46.6, closed: false, opened: true)])
        let text = DeficitRendering(Self.q, language: .ru).changeText(change)
        #expect(text.contains("73 → 47 (−26)"), "\(text)")
    }
}
