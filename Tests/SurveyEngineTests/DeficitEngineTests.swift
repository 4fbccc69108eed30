import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats

@Suite("Deficit profiles, routes and mentoring")
struct DeficitEngineTests {
    static let q = Shipped.deficits
    static let catalogue = Shipped.deficitsCatalogue

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

    /// A response with per-statement answers on top of area levels (keyed values).
    static func response(_ name: String, level: Double, areas: [String: Double] = [:], items: [String: Double]) -> Response {
        var r = response(name, level: level, areas: areas)
        for (id, keyed) in items { if let item = q.item(id) { r.values[id] = item.reverse ? 5 - keyed : keyed } }
        return r
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
            #expect(!step.activity.product.isEmpty && !step.activity.result.isEmpty && !step.activity.reportingForm.isEmpty)
            // Each step works on one of the teacher's weak statements, which its activity addresses.
            let task = step.task
            #expect(task.map { step.activity.addresses.contains($0.id) } == true, "\(step.activity.id)")
            #expect(task.map { id in profile.deficits.first { $0.area.id == step.area.id }!.weakest.contains { $0.id == id.id } } == true)
        }
        // Three deficits: all in the first year, nothing postponed.
        #expect(route.postponed.isEmpty)
        // Severe: up to three steps; partial: up to two.
        #expect(route.steps.filter { $0.area.id == "ict" }.count == 3)
        #expect(route.steps.filter { $0.area.id == "health" }.count == 2)
        #expect(route.steps.first?.area.id == "ict")
        #expect(route.desiredImage != nil && route.selfEducationTheme != nil)
    }

    /// Teacher В is weak on ОВЗ (psy3), teacher Г on talking with parents (psy5, psy6): one area, different steps,
    /// each aimed at the teacher's own weak statement.
    @Test func differentWeakStatementsInOneAreaGiveDifferentActivities() throws {
        let v = DeficitProfile(Self.response("В", level: 3, areas: ["psychology": 2], items: ["psy3": 1]), questionnaire: Self.q)
        let g = DeficitProfile(Self.response("Г", level: 3, areas: ["psychology": 2], items: ["psy5": 1, "psy6": 1]), questionnaire: Self.q)
        #expect(v.deficits.map(\.area.id) == ["psychology"] && g.deficits.map(\.area.id) == ["psychology"])
        let planner = RoutePlanner(catalogue: Self.catalogue)
        let start = YearMonth(year: 2026, month: 9)
        let rv = planner.route(for: v, start: start), rg = planner.route(for: g, start: start)
        let first = { (r: Route) in try #require(r.steps.min { $0.start < $1.start }) }
        #expect(try first(rv).task?.id == "psy3")
        #expect(try first(rv).activity.addresses.contains("psy3"))
        #expect(try first(rg).task?.id == "psy5")
        #expect(try first(rg).activity.addresses.contains("psy5"))
        #expect(try first(rv).activity.id != first(rg).activity.id)
        // Nobody is sent to a parents' training for an ОВЗ aim, nor to ОВЗ for a parents' aim.
        #expect(!rv.steps.contains { $0.activity.addresses.contains("psy5") && !$0.activity.addresses.contains("psy3") && $0.task?.id == "psy3" })
        #expect(!rg.steps.contains { $0.activity.addresses.contains("psy3") })
        #expect(!rv.steps.contains { $0.activity.addresses.contains("psy5") })
        // The catalogue has another entry for the parents' task: it is offered as an alternative.
        #expect(try first(rg).alternatives.contains { $0.addresses.contains("psy5") })
    }

    /// «Школа молодого педагога» is for the first three years: offered (as the plan or an alternative) to a
    /// teacher of two years, never to one of 34; a teacher who did not say is offered everything.
    @Test func activitiesForYoungTeachersAreOfferedToYoungTeachersOnly() throws {
        let school = try #require(Self.catalogue.activities.first { $0.id == "met-young-school" })
        #expect(school.experience == 0...3)
        func offered(_ attributes: [String: String]) -> Bool {
            var response = Self.response("Т", level: 3, areas: ["methods": 1])
            response.attributes = attributes
            let route = RoutePlanner(catalogue: Self.catalogue).route(for: DeficitProfile(response, questionnaire: Self.q), start: YearMonth(year: 2026, month: 9))
            #expect(route.steps.contains { $0.area.id == "methods" })
            return route.steps.contains { $0.activity.id == school.id || $0.alternatives.contains { $0.id == school.id } }
        }
        #expect(offered(["experience": "2"]))
        #expect(!offered(["experience": "34"]))
        #expect(offered([:]))
    }

    /// A teacher who answered «совсем не про меня» everywhere: every deficit placed, inside every limit.
    @Test func everyDeficitRouteStaysInsideTheLimits() throws {
        let profile = DeficitProfile(Self.response("Все", level: 1), questionnaire: Self.q)
        #expect(profile.deficits.count == Self.q.areas.count)
        let rules = Self.catalogue.planning
        let start = YearMonth(year: 2026, month: 9)
        let route = RoutePlanner(catalogue: Self.catalogue).route(for: profile, start: start)
        // Every deficit is placed somewhere.
        #expect(Set(route.steps.map(\.area.id)) == Set(Self.q.areas.map(\.id)))
        // No step shorter than its catalogue duration.
        for step in route.steps {
            #expect(step.start.adding(months: step.activity.months - 1) == step.end, "\(step.activity.id)")
        }
        // No month above the hours limit.
        var month = start
        while month <= route.horizonEnd {
            #expect(route.hours(in: month) <= rules.maxHoursPerMonth, "\(month): \(route.hours(in: month)) h")
            month = month.adding(months: 1)
        }
        // At most maxFormalPerYear formal courses starting in any twelve months.
        let formal = route.steps.filter { $0.activity.kind == .formal }.map(\.start)
        for s in formal {
            let window = formal.filter { $0 >= s && $0 <= s.adding(months: 11) }
            #expect(window.count <= rules.maxFormalPerYear, "from \(s): \(window)")
        }
        // The first year holds the top priorities; the rest are postponed with a reason, spread out.
        let top = Set(profile.deficits.prefix(rules.programmePriorities).map(\.area.id))
        #expect(Set(route.steps.filter(\.inProgramme).map(\.area.id)).isSubset(of: top))
        #expect(route.postponed.filter { $0.reason == .laterPriority }.count == Self.q.areas.count - rules.programmePriorities)
        let firstMonths = Self.q.areas.map { area in route.steps.filter { $0.area.id == area.id }.map(\.start).min()! }
        #expect(Set(firstMonths.dropFirst(rules.programmePriorities)).count == Self.q.areas.count - rules.programmePriorities,
                "later deficits start in different months: \(firstMonths)")
        #expect(route.horizonEnd == start.adding(months: rules.horizonYears * 12 - 1))
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
        ].map { r in
            var r = r
            r.attributes = ["consent": "yes", "experience": "10", "school": "1"]
            return DeficitProfile(r, questionnaire: Self.q)
        }
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

    /// A school that allows fewer hours a month: the first year's steps no longer fit the programme, and the
    /// route says the hours limit moved them.
    @Test func aTighterHoursLimitPostponesWithThatReason() {
        var catalogue = Self.catalogue
        catalogue.planning.maxHoursPerMonth = 4
        catalogue.activities = catalogue.activities.filter { $0.hoursPerMonth <= 4 }
        let profile = DeficitProfile(Self.response("Т", level: 3, areas: ["ict": 1, "health": 1, "digital": 1]), questionnaire: Self.q)
        let route = RoutePlanner(catalogue: catalogue).route(for: profile, start: YearMonth(year: 2026, month: 9))
        var month = route.start
        while month <= route.horizonEnd {
            #expect(route.hours(in: month) <= 4)
            month = month.adding(months: 1)
        }
        #expect(route.postponed.contains { $0.reason == .hoursLimit }, "\(route.postponed) \(route.steps.map { "\($0.activity.id) \($0.start)-\($0.end) \($0.activity.hoursPerMonth)" })")
        #expect(Set(route.steps.map(\.area.id)) == ["ict", "health", "digital"])
    }

    static func teacher(_ name: String, _ areas: [String: Double], subject: String = "math", school: String = "1", consent: Bool = true,
                        experience: Int = 10, age: Int = 40, role: String = "teacher") -> DeficitProfile {
        var r = response(name, level: 3, areas: areas)
        r.attributes = ["role": role, "subject": subject, "school": school, "consent": consent ? "yes" : "no",
                        "experience": String(experience), "age": String(age)]
        return DeficitProfile(r, questionnaire: q)
    }

    /// The curator's checks: consent, experience, same subject in subject-bound areas, same school, young first.
    @Test func pairsACuratorWouldApprove() {
        var rules = Self.catalogue.planning
        rules.maxMenteesPerMentor = 1
        let profiles = [
            Self.teacher("Молодая", ["methods": 1, "ict": 1], experience: 1, age: 24),
            Self.teacher("Опытная", ["methods": 1], experience: 20, age: 50),
            Self.teacher("Без согласия", ["methods": 4, "ict": 4], consent: false),
            Self.teacher("Музыкант", ["methods": 4, "ict": 4], subject: "music"),
            Self.teacher("Новичок", ["methods": 4, "ict": 4], experience: 2),
            Self.teacher("Другая школа", ["methods": 4, "ict": 4], school: "2"),
            Self.teacher("Математик", ["methods": 4], subject: "math"),
        ]
        let group = GroupAnalysis(profiles: profiles, questionnaire: Self.q, rules: rules)
        // Nobody without consent, under three years, or from another school is proposed.
        #expect(!group.pairs.contains { ["Без согласия", "Новичок", "Другая школа"].contains($0.mentor) })
        // Methods is subject-bound: only the maths teacher mentors a maths teacher there, and the young specialist
        // gets her first (capacity 1), the experienced one stays uncovered.
        let methods = group.pairs.filter { $0.areas.contains("methods") }
        #expect(methods.map(\.mentor) == ["Математик"])
        #expect(methods.first?.mentee == "Молодая" && methods.first?.youngSpecialist == true && methods.first?.sharedSubject == "math")
        #expect(group.uncovered.contains { $0.mentee == "Опытная" && $0.area == "methods" })
        // ICT is not subject-bound: the music teacher may mentor it.
        #expect(group.pairs.contains { $0.mentee == "Молодая" && $0.mentor == "Музыкант" && $0.areas == ["ict"] })
        #expect(group.pairs.allSatisfy { $0.school == "1" && ($0.mentorExperience ?? 0) >= 3 })
        // Across schools the other school's teacher becomes a candidate.
        let district = GroupAnalysis(profiles: profiles, questionnaire: Self.q, rules: rules, acrossSchools: true)
        #expect(district.pairs.contains { $0.mentor == "Другая школа" })
        #expect(!district.pairs.contains { $0.mentor == "Без согласия" })
    }

    /// Pairing looks at candidates per area, subject and school: 20,000 teachers stay about linear.
    @Test func pairingScalesToADistrict() {
        let rules = Self.catalogue.planning
        func district(_ n: Int) -> [DeficitProfile] {
            let weak = Self.teacher("w", ["methods": 1, "ict": 2]), strong = Self.teacher("s", ["methods": 4, "ict": 4])
            return (0..<n).map { i in
                var p = i % 3 == 0 ? strong : weak
                p.respondent = "T\(i)"
                p.context.school = "S\(i % (n / 50))"
                p.context.subject = ["math", "russian", "history"][i % 7 % 3]
                return p
            }
        }
        let clock = ContinuousClock()
        let small = clock.measure { _ = GroupAnalysis(profiles: district(2_000), questionnaire: Self.q, rules: rules) }
        let large = clock.measure { _ = GroupAnalysis(profiles: district(20_000), questionnaire: Self.q, rules: rules) }
        // Quadratic would be 100 times; allow generous noise for a shared machine.
        #expect(large < small * 30, "2k: \(small), 20k: \(large)")
        let group = GroupAnalysis(profiles: district(2_000), questionnaire: Self.q, rules: rules)
        #expect(group.pairs.count > 500)
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
        broken.activities[1].addresses = ["psy3", "nope"]
        broken.activities[2].hours = 200
        let problems = broken.problems(against: Self.q).map { Messages.definition($0.issue).en }
        #expect(problems.contains { $0.contains("\"psy3\" is not in area") })
        #expect(problems.contains { $0.contains("unknown statement or task \"nope\"") })
        #expect(problems.contains { $0.contains("exceed maxHoursPerMonth") })
        #expect(problems.contains { $0.contains("unknown area \"nowhere\"") })
        #expect(problems.contains { $0.contains("no activity for area \"health\" in band \"partial\"") })
    }
}
