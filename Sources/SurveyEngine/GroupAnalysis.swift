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

    /// A mentor and a mentee, with what a curator checks before approving the pair.
    public struct MentorPair: Sendable, Equatable {
        public var mentee: String
        public var mentor: String
        public var areas: [String]
        /// The mentor's score in each of `areas` (a strength there).
        public var mentorScores: [Double] = []
        public var mentorExperience: Int?
        /// The subject (or level: primary, pre-school) both teach, when an area is subject-bound.
        public var sharedSubject: String?
        /// The school both work in (nil when paired across schools or the school is unknown).
        public var school: String?
        /// The mentee is a young specialist (seed 003: all of them in mentoring, paired first).
        public var youngSpecialist: Bool = false
        /// The mentor is younger and the areas are digital: reverse mentoring.
        public var reverse: Bool = false

        public init(mentee: String, mentor: String, areas: [String], mentorScores: [Double] = [], mentorExperience: Int? = nil,
                    sharedSubject: String? = nil, school: String? = nil, youngSpecialist: Bool = false, reverse: Bool = false) {
            self.mentee = mentee
            self.mentor = mentor
            self.areas = areas
            self.mentorScores = mentorScores
            self.mentorExperience = mentorExperience
            self.sharedSubject = sharedSubject
            self.school = school
            self.youngSpecialist = youngSpecialist
            self.reverse = reverse
        }
    }

    public var profiles: [DeficitProfile]
    public var areas: [AreaSummary]
    public var pairs: [MentorPair]
    /// Deficits no available mentor covers: (mentee, area id).
    public var uncovered: [(mentee: String, area: String)]
    /// Cronbach's alpha per area over these teachers (set by the caller, who has the responses).
    public var reliability: [AreaReliability] = []
    /// Per teacher the route's progress (steps done, steps not cancelled), set by the caller who has the routes.
    public var progress: [String: (done: Int, of: Int)] = [:]

    /// Teachers diagnosed.
    public var teachers: Int { profiles.count }
    /// Teachers with at least one deficit: each gets an individual route.
    public var withRoute: Int { profiles.filter { !$0.deficits.isEmpty }.count }
    /// Teachers with a deficit who have a mentor.
    public var inMentoring: Int { Set(pairs.map(\.mentee)).count }
    public var mentors: Int { Set(pairs.map(\.mentor)).count }
    /// Young specialists diagnosed, and those of them in mentoring (seed 003 table 9 wants all).
    public var youngSpecialists: Int { profiles.filter { $0.context.isYoungSpecialist == true }.count }
    public var youngInMentoring: Int {
        let mentees = Set(pairs.map(\.mentee))
        return profiles.filter { $0.context.isYoungSpecialist == true && $0.respondent.map(mentees.contains) == true }.count
    }
    /// Steps done over steps planned, over the stored routes of these teachers.
    public var stepsDone: (done: Int, of: Int) {
        progress.values.reduce((0, 0)) { ($0.0 + $1.done, $0.1 + $1.of) }
    }

    public init(profiles: [DeficitProfile], questionnaire q: Questionnaire, rules: PlanningRules, acrossSchools: Bool = false) {
        self.profiles = profiles
        let n = profiles.count
        var deficits = [String: Int](), strengths = [String: Int](), scored = [String: Int]()
        for profile in profiles {
            for area in profile.areas {
                if area.isDeficit { deficits[area.area.id, default: 0] += 1 }
                if area.isStrength { strengths[area.area.id, default: 0] += 1 }
                if area.score != nil { scored[area.area.id, default: 0] += 1 }
            }
        }
        areas = q.areas.map { area in
            let d = deficits[area.id] ?? 0
            let share = n > 0 ? Double(d) / Double(n) : 0
            return AreaSummary(area: area, scored: scored[area.id] ?? 0, deficits: d, strengths: strengths[area.id] ?? 0, share: share,
                               groupSeminar: d >= max(2, rules.groupMinimum) && share >= rules.groupShare)
        }
        (pairs, uncovered) = Self.pairMentors(profiles, areaOrder: q.areas.map(\.id), rules: rules, acrossSchools: acrossSchools)
    }

    /// The subject a pair must share in a subject-bound area: the level for primary and pre-school teachers
    /// (an educator of a kindergarten has no subject), else the subject; nil when unknown.
    static func subjectKey(_ context: TeacherContext) -> String? {
        if context.role == "educator" { return "preschool" }
        return context.subject
    }

    /// Who may mentor in an area: a strength there, written consent (seed 004 §3), at least the minimum
    /// experience; in a subject-bound area the mentee's subject or level.
    struct Mentor {
        let name: String
        let context: TeacherContext
        let scores: [String: Double]
        /// Bucket key per strong area.
        let keys: [String: String]
    }

    /// Greedy pairing over candidates, not all pairs. Mentors are bucketed by (area, subject for subject-bound
    /// areas, school unless across schools), strongest first. Mentees are taken young specialists first, then the
    /// most severe; for each, the first few mentors with capacity left in the buckets of her open areas are
    /// compared: the one covering most of her areas wins, then fewer mentees, then the stronger, then by name.
    /// A bucket's full mentors are skipped once and for all (load only grows), so the work is about linear.
    static func pairMentors(_ profiles: [DeficitProfile], areaOrder: [String], rules: PlanningRules,
                            acrossSchools: Bool) -> ([MentorPair], [(mentee: String, area: String)]) {
        let bound = Set(rules.subjectBoundAreas)
        let capacity = rules.maxMenteesPerMentor
        func bucketKey(_ area: String, _ context: TeacherContext, school: String) -> String? {
            var key = area
            if bound.contains(area) {
                guard let subject = subjectKey(context) else { return nil }
                key += "\u{1F}" + subject
            }
            if !acrossSchools { key += "\u{1F}" + school }
            return key
        }
        func schoolKey(_ context: TeacherContext) -> String { acrossSchools ? "" : (context.school.map(TextFolding.fold) ?? "") }
        var mentors: [String: Mentor] = [:]
        var buckets: [String: [String]] = [:]
        for profile in profiles {
            guard let name = profile.respondent, profile.context.consent == true,
                  let experience = profile.context.experience, experience >= rules.mentorMinExperience else { continue }
            var scores: [String: Double] = [:]
            for area in profile.strengths { scores[area.area.id] = area.score ?? 0 }
            guard !scores.isEmpty else { continue }
            let school = schoolKey(profile.context)
            var keys: [String: String] = [:]
            for area in scores.keys { if let key = bucketKey(area, profile.context, school: school) { keys[area] = key; buckets[key, default: []].append(name) } }
            mentors[name] = Mentor(name: name, context: profile.context, scores: scores, keys: keys)
        }
        for (key, list) in buckets {
            let area = String(key.prefix { $0 != "\u{1F}" })
            buckets[key] = list.map { ($0, mentors[$0]?.scores[area] ?? 0) }.sorted { a, b in a.1 != b.1 ? a.1 > b.1 : a.0 < b.0 }.map(\.0)
        }
        var cursor: [String: Int] = [:]
        var load: [String: Int] = [:]
        var pairs: [MentorPair] = []
        var uncovered: [(String, String)] = []
        let mentees = profiles.filter { $0.respondent != nil && !$0.deficits.isEmpty }.map { profile in
            (profile, profile.context.isYoungSpecialist == true, profile.deficits.compactMap(\.score).min() ?? 100)
        }.sorted { a, b in
            if a.1 != b.1 { return a.1 }
            if a.2 != b.2 { return a.2 < b.2 }
            return (a.0.respondent ?? "") < (b.0.respondent ?? "")
        }
        let look = 6
        for (mentee, young, _) in mentees {
            guard let name = mentee.respondent else { continue }
            var open = mentee.deficits.map(\.area.id)
            let school = schoolKey(mentee.context)
            var wanted: [String: String] = [:]
            for area in open { wanted[area] = bucketKey(area, mentee.context, school: school) }
            var assigned = 0
            var used = Set<String>()
            while !open.isEmpty && assigned < rules.maxMentorsPerMentee {
                var candidates: [String] = []
                for area in open {
                    guard let key = wanted[area], let list = buckets[key] else { continue }
                    var i = cursor[key] ?? 0
                    while i < list.count && load[list[i], default: 0] >= capacity { i += 1 }
                    cursor[key] = i
                    var taken = 0
                    while i < list.count && taken < look {
                        let who = list[i]
                        if load[who, default: 0] < capacity && who != name && !used.contains(who) { candidates.append(who); taken += 1 }
                        i += 1
                    }
                }
                func covers(_ who: String) -> [String] {
                    open.filter { area in
                        guard let key = mentors[who]?.keys[area] else { return false }
                        return key == wanted[area]
                    }
                }
                let best = Set(candidates).map { who -> (String, [String], Int, Double) in
                    let c = covers(who)
                    return (who, c, load[who, default: 0], c.compactMap { mentors[who]?.scores[$0] }.reduce(0, +))
                }.filter { !$0.1.isEmpty }.min { a, b in
                    if a.1.count != b.1.count { return a.1.count > b.1.count }
                    if a.2 != b.2 { return a.2 < b.2 }
                    if a.3 != b.3 { return a.3 > b.3 }
                    return a.0 < b.0
                }
                guard let (who, covered, _, _) = best, let mentor = mentors[who] else { break }
                let areas = areaOrder.filter(covered.contains)
                let subject = areas.contains(where: bound.contains) ? subjectKey(mentee.context) : nil
                let reverse = areas.allSatisfy { $0 == "ict" || $0 == "digital" }
                    && (mentor.context.age ?? .max) < (mentee.context.age ?? .min)
                pairs.append(MentorPair(mentee: name, mentor: who, areas: areas, mentorScores: areas.compactMap { mentor.scores[$0] },
                                        mentorExperience: mentor.context.experience, sharedSubject: subject,
                                        school: acrossSchools ? nil : mentee.context.school, youngSpecialist: young, reverse: reverse))
                load[who, default: 0] += 1
                used.insert(who)
                assigned += 1
                open.removeAll(where: covered.contains)
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
