import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

@Suite("Deficit profiles, routes and mentoring")
struct DeficitEngineTests {
    static let q = try! QuestionnaireLibrary(folder: Repo.questionnaires).resolve("teacher-deficits")
    static let catalogue: ActivityCatalogue = {
        let outcome = CatalogueLoader.load(path: CatalogueLoader.path(for: "teacher-deficits", folder: Repo.questionnaires), questionnaire: q)
        precondition(outcome.problems.isEmpty, "\(outcome.problems)")
        return outcome.catalogue!
    }()

    /// A response with every statement at the keyed level `level` (1–4), except areas given their own level.
    static func response(_ name: String, level: Double = 4, areas: [String: Double] = [:], skip: Set<String> = []) -> Response {
        var values: [String: Double] = [:]
        for item in q.items where !skip.contains(item.id) && item.scale != nil && !item.confidential {
            let keyed = item.area.flatMap { areas[$0] } ?? level
            // Store the raw answer: a reverse-keyed statement is answered the other way round.
            values[item.id] = item.reverse ? 5 - keyed : keyed
        }
        return Response(respondent: name, values: values)
    }

    @Test func oneWeakAreaIsExactlyThatDeficitWithPriorityOne() {
        let profile = DeficitProfile(Self.response("Иванова", level: 3, areas: ["ict": 1]), questionnaire: Self.q)
        #expect(profile.deficits.map(\.area.id) == ["ict"])
        let ict = profile.areas.first { $0.area.id == "ict" }
        #expect(ict?.score == 0)
        #expect(ict?.priority == 1)
        #expect(ict?.band?.id == "severe")
        #expect(ict?.weakest.count == Self.q.items.filter { $0.area == "ict" && $0.scale != nil }.count)
        #expect(profile.areas.filter { $0.area.id != "ict" }.allSatisfy { abs(($0.score ?? 0) - 200.0 / 3) < 1e-9 && !$0.isDeficit })
    }

    @Test func reverseKeyedStatementsCountTheOtherWay() throws {
        // Version 1 (kept for old stores) had «Мне трудно …» statements, now with descriptors of their own.
        // Answering «Точно про меня» (4) to one is a weakness; to a positive statement, a strength.
        let v1 = try #require(QuestionnaireLibrary(folder: Repo.questionnaires).earlierVersions(of: "teacher-deficits").first { $0.version == "1" })
        let reversed = try #require(v1.items.first { $0.reverse })
        #expect(reversed.descriptors?.first?.contains("нет трудностей") == true)
        var values: [String: Double] = [:]
        for item in v1.items where item.area == reversed.area { values[item.id] = 4 }
        let profile = DeficitProfile(Response(respondent: "Т", values: values), questionnaire: v1)
        let area = try #require(profile.areas.first { $0.area.id == reversed.area })
        #expect(area.score == 80, "four statements at 100, the reversed one at 0")
        #expect(area.weakest == [reversed])
    }

    @Test func tooFewAnswersGiveNoScore() throws {
        let health = Self.q.items.filter { $0.area == "health" }.map(\.id)
        #expect(health.count == 8)
        let profile = DeficitProfile(Self.response("П", level: 4, skip: Set(health.prefix(4))), questionnaire: Self.q)
        let area = try #require(profile.areas.first { $0.area.id == "health" })
        #expect(area.score == nil && area.band == nil && !area.isDeficit && area.answered == 4 && area.withheld == .tooFewAnswers)
        // 5 of 8 answered meets minAnswered 0.6.
        let enough = DeficitProfile(Self.response("П", level: 4, skip: Set(health.prefix(3))), questionnaire: Self.q)
        #expect(enough.areas.first { $0.area.id == "health" }?.score == 100)
    }

    @Test func prioritiesFollowSeverityThenDefinitionOrder() {
        let profile = DeficitProfile(Self.response("С", level: 4, areas: ["health": 2, "ict": 1, "regulatory": 2]), questionnaire: Self.q)
        #expect(profile.deficits.map(\.area.id) == ["ict", "regulatory", "health"])
        #expect(profile.deficits.map(\.priority) == [1, 2, 3])
    }

    @Test func routeCoversExactlyTheDeficitAreasWithinTheHorizon() {
        let profile = DeficitProfile(Self.response("Иванова", level: 3.7, areas: ["ict": 1, "health": 2, "digital": 2]), questionnaire: Self.q)
        let start = YearMonth(year: 2026, month: 12)
        let route = RoutePlanner(catalogue: Self.catalogue).route(for: profile, start: start)
        #expect(Set(route.steps.map(\.area.id)) == Set(profile.deficits.map(\.area.id)))
        #expect(route.horizonEnd == YearMonth(year: 2030, month: 11))
        #expect(route.programmeEnd == YearMonth(year: 2027, month: 8))
        for step in route.steps {
            #expect(step.start >= start && step.end <= route.horizonEnd && step.start <= step.end, "\(step.activity.id)")
            if step.inProgramme { #expect(step.end <= route.programmeEnd) }
            #expect(!step.activity.product.isEmpty)
        }
        // Each deficit gets every activity the catalogue has for its band.
        for deficit in profile.deficits {
            let expected = Self.catalogue.activities.filter { $0.area == deficit.area.id && $0.bands.contains(deficit.band!.id) }.map(\.id)
            #expect(route.steps.filter { $0.area.id == deficit.area.id }.map(\.activity.id).sorted() == expected.sorted())
        }
        // The first step is the most urgent deficit's.
        #expect(route.steps.first?.area.id == "ict")
    }

    @Test func noDeficitNoRouteButStrengthsOffered() {
        let profile = DeficitProfile(Self.response("Сильная", level: 4), questionnaire: Self.q)
        let route = RoutePlanner(catalogue: Self.catalogue).route(for: profile, start: YearMonth(year: 2027, month: 1))
        #expect(route.steps.isEmpty)
        #expect(route.offers.count == Self.q.areas.count)
    }

    @Test func mentorPairingMatchesStrengthsToDeficitsWithinCapacity() {
        let profiles = [
            Self.response("Антонова", level: 3, areas: ["ict": 1]),
            Self.response("Борисова", level: 3, areas: ["ict": 1.5, "health": 1]),
            Self.response("Васильева", level: 3, areas: ["ict": 1]),
            Self.response("Григорьева", level: 3, areas: ["ict": 2]),
            Self.response("Дмитриева", level: 3, areas: ["ict": 4, "health": 4]),
            Self.response("Егорова", level: 3, areas: ["health": 4]),
        ].map { DeficitProfile($0, questionnaire: Self.q) }
        var rules = Self.catalogue.planning
        rules.maxMenteesPerMentor = 2
        rules.maxMentorsPerMentee = 2
        let group = GroupAnalysis(profiles: profiles, questionnaire: Self.q, rules: rules)
        for pair in group.pairs {
            let mentor = profiles.first { $0.respondent == pair.mentor }!
            let mentee = profiles.first { $0.respondent == pair.mentee }!
            for area in pair.areas {
                #expect(mentor.strengths.contains { $0.area.id == area }, "\(pair.mentor) is strong in \(area)")
                #expect(mentee.deficits.contains { $0.area.id == area }, "\(pair.mentee) is deficient in \(area)")
            }
        }
        let load = Dictionary(grouping: group.pairs, by: \.mentor).mapValues(\.count)
        #expect(load.values.allSatisfy { $0 <= 2 })
        // Борисова needs ict and health; Дмитриева covers both, so one pair covers her.
        #expect(group.pairs.contains { $0.mentee == "Борисова" && $0.mentor == "Дмитриева" && $0.areas == ["ict", "health"] })
        // Four teachers need ict, Дмитриева takes two: two stay uncovered in ict.
        #expect(group.uncovered.filter { $0.area == "ict" }.count == 2)
        let ict = group.areas.first { $0.area.id == "ict" }!
        #expect(ict.deficits == 4 && ict.groupSeminar)
        #expect(group.withRoute == 4)
    }

    @Test func reDiagnosisShowsChangeAndClosedDeficits() throws {
        let before = DeficitProfile(Self.response("И", level: 3, areas: ["ict": 1]), questionnaire: Self.q)
        let after = DeficitProfile(Self.response("И", level: 3, areas: ["ict": 3, "health": 1]), questionnaire: Self.q)
        let change = ProfileChange(before: before, after: after)
        let ict = try #require(change.areas.first { $0.area.id == "ict" })
        #expect(ict.closed && !ict.opened)
        #expect(abs((ict.change ?? 0) - 200.0 / 3) < 1e-9)
        let health = try #require(change.areas.first { $0.area.id == "health" })
        #expect(health.opened && !health.closed)
    }

    @Test func yearMonthArithmetic() {
        #expect(YearMonth(year: 2026, month: 12).adding(months: 1).description == "2027-01")
        #expect(YearMonth(year: 2026, month: 1).adding(months: -1).description == "2025-12")
        #expect(YearMonth("2027-03") == YearMonth(year: 2027, month: 3))
        #expect(YearMonth("2027-13") == nil)
    }

    @Test func catalogueProblemsAreFound() {
        var broken = Self.catalogue
        broken.activities[0].area = "nowhere"
        broken.activities.removeAll { $0.area == "health" && $0.bands.contains("partial") }
        let problems = broken.problems(against: Self.q).map(\.description)
        #expect(problems.contains { $0.contains("unknown area \"nowhere\"") })
        #expect(problems.contains { $0.contains("no activity for area \"health\" in band \"partial\"") })
    }
}
