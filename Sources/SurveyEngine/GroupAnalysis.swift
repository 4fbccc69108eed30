/// A school's teachers seen together: who has which deficit, where a group seminar beats individual steps,
/// and who can mentor whom (a teacher strong where another is deficient, seed 004 §6).
public struct GroupAnalysis: Sendable {
    public struct AreaSummary: Sendable, Equatable {
        public var area: Area
        /// Teachers with a score in this area.
        public var scored: Int
        public var deficits: Int
        public var strengths: Int
        /// deficits / teachers diagnosed.
        public var share: Double
        /// Enough teachers share the deficit for a group form (seminar, workshop) instead of N individual steps.
        public var groupSeminar: Bool
    }

    public struct MentorPair: Sendable, Equatable {
        public var mentee: String
        public var mentor: String
        public var areas: [String]
    }

    public var profiles: [DeficitProfile]
    public var areas: [AreaSummary]
    public var pairs: [MentorPair]
    /// Deficits no available mentor covers: (mentee, area id).
    public var uncovered: [(mentee: String, area: String)]
    /// Cronbach's alpha per area over these teachers (set by the caller, who has the responses).
    public var reliability: [AreaReliability] = []

    /// Teachers diagnosed.
    public var teachers: Int { profiles.count }
    /// Teachers with at least one deficit: each gets an individual route.
    public var withRoute: Int { profiles.filter { !$0.deficits.isEmpty }.count }
    /// Teachers with a deficit who have a mentor.
    public var inMentoring: Int { Set(pairs.map(\.mentee)).count }
    public var mentors: Int { Set(pairs.map(\.mentor)).count }

    public init(profiles: [DeficitProfile], questionnaire q: Questionnaire, rules: PlanningRules) {
        self.profiles = profiles
        let n = profiles.count
        areas = q.areas.map { area in
            let scores = profiles.compactMap { $0.areas.first { $0.area.id == area.id } }
            let deficits = scores.filter(\.isDeficit).count
            let share = n > 0 ? Double(deficits) / Double(n) : 0
            return AreaSummary(area: area, scored: scores.filter { $0.score != nil }.count, deficits: deficits,
                               strengths: scores.filter(\.isStrength).count, share: share,
                               groupSeminar: deficits >= max(2, rules.groupMinimum) && share >= rules.groupShare)
        }
        (pairs, uncovered) = Self.pairMentors(profiles, areaOrder: q.areas.map(\.id), capacity: rules.maxMenteesPerMentor, mentorsPerMentee: rules.maxMentorsPerMentee)
    }

    /// Greedy pairing, most severe mentee first: each mentee gets the mentor (with capacity left) who covers
    /// most of their deficit areas; ties go to the mentor with fewer mentees, then the stronger one, then by
    /// name. A mentee whose deficits one mentor cannot cover may get further mentors for the rest, up to
    /// `mentorsPerMentee`.
    static func pairMentors(_ profiles: [DeficitProfile], areaOrder: [String], capacity: Int, mentorsPerMentee: Int) -> ([MentorPair], [(mentee: String, area: String)]) {
        let named = profiles.filter { $0.respondent != nil }
        var strengthScore: [String: [String: Double]] = [:]
        for profile in named {
            guard let who = profile.respondent else { continue }
            for area in profile.strengths { strengthScore[who, default: [:]][area.area.id] = area.score ?? 0 }
        }
        var load: [String: Int] = [:]
        var pairs: [MentorPair] = []
        var uncovered: [(String, String)] = []
        let mentees = named.filter { !$0.deficits.isEmpty }.sorted {
            let a = $0.deficits.compactMap(\.score).min() ?? 100, b = $1.deficits.compactMap(\.score).min() ?? 100
            return a != b ? a < b : ($0.respondent ?? "") < ($1.respondent ?? "")
        }
        for mentee in mentees {
            guard let name = mentee.respondent else { continue }
            var open = mentee.deficits.map(\.area.id)
            var assigned = 0
            while !open.isEmpty && assigned < mentorsPerMentee {
                let candidates = strengthScore.keys.filter { $0 != name && load[$0, default: 0] < capacity }
                let best = candidates.map { mentor -> (String, [String], Int, Double) in
                    let covers = open.filter { strengthScore[mentor]?[$0] != nil }
                    let strength = covers.compactMap { strengthScore[mentor]?[$0] }.reduce(0, +)
                    return (mentor, covers, load[mentor, default: 0], strength)
                }.filter { !$0.1.isEmpty }.min { a, b in
                    if a.1.count != b.1.count { return a.1.count > b.1.count }
                    if a.2 != b.2 { return a.2 < b.2 }
                    if a.3 != b.3 { return a.3 > b.3 }
                    return a.0 < b.0
                }
                guard let (mentor, covers, _, _) = best else { break }
                pairs.append(MentorPair(mentee: name, mentor: mentor, areas: areaOrder.filter(covers.contains)))
                load[mentor, default: 0] += 1
                assigned += 1
                open.removeAll(where: covers.contains)
            }
            uncovered += open.map { (name, $0) }
        }
        return (pairs, uncovered)
    }

    /// The mentor proposed for each of a mentee's deficit areas (for the route's mentor column).
    public func mentors(of mentee: String) -> [String: String] {
        var map: [String: String] = [:]
        for pair in pairs where pair.mentee == mentee { for area in pair.areas { map[area] = pair.mentor } }
        return map
    }
}
