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

    /// The teachers, as much of each profile as the view needs.
    public var profiles: [TeacherSummary]
    public var areas: [AreaSummary]
    public var pairs: [MentorPair]
    /// Deficits no available mentor covers: (mentee, area id).
    public var uncovered: [(mentee: String, area: String)]
    /// Cronbach's alpha per area over these teachers (set by the caller, who has the responses).
    public var reliability: [AreaReliability] = []
    /// The rules the pairs were formed under (to say so in reports).
    public var rules = PlanningRules()
    /// Per teacher the route's progress (steps done, steps not cancelled), set by the caller who has the routes.
    public var progress: [String: (done: Int, of: Int)] = [:]

    /// Teachers diagnosed.
    public var teachers: Int { profiles.count }
    /// Teachers with at least one deficit: each gets an individual route.
    public var withRoute: Int { profiles.reduce(0) { $0 + ($1.hasDeficit ? 1 : 0) } }
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

    /// From full profiles scored with `q` (each kept as its summary).
    public init(profiles: [DeficitProfile], questionnaire q: Questionnaire, rules: PlanningRules, acrossSchools: Bool = false) {
        self.init(summaries: profiles.map { TeacherSummary($0, questionnaire: q) }, questionnaire: q, rules: rules, acrossSchools: acrossSchools)
    }

    public init(summaries profiles: [TeacherSummary], questionnaire q: Questionnaire, rules: PlanningRules, acrossSchools: Bool = false) {
        self.profiles = profiles
        self.rules = rules
        let n = profiles.count
        var deficits = [String: Int](), strengths = [String: Int](), scored = [String: Int]()
        for profile in profiles {
            for (area, mark) in profile.marks {
                if mark.isDeficit { deficits[area.id, default: 0] += 1 }
                if mark.isStrength { strengths[area.id, default: 0] += 1 }
                if mark.score != nil { scored[area.id, default: 0] += 1 }
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

    /// A possible mentor: written consent (seed 004 §3), at least the minimum experience, a strength somewhere;
    /// in a subject-bound area only for a mentee of the same subject or level.
    struct Mentor {
        let name: String
        let context: TeacherContext
    }

    /// Greedy pairing over candidates, not all pairs. Mentors are bucketed by (area, subject for subject-bound
    /// areas, school unless across schools), strongest first. Mentees are taken young specialists first, then the
    /// most severe; for each, the first few mentors with capacity left in the buckets of her open areas are
    /// compared: the one covering most of her areas wins, then fewer mentees, then the stronger, then by name.
    /// A bucket's full mentors are skipped once and for all (load only grows), so the work is about linear.
    static func pairMentors(_ profiles: [TeacherSummary], areaOrder: [String], rules: PlanningRules,
                            acrossSchools: Bool) -> ([MentorPair], [(mentee: String, area: String)]) {
        let bound = Set(rules.subjectBoundAreas)
        let capacity = rules.maxMenteesPerMentor
        let areaIndex = Dictionary(areaOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        // Bucket ids: (area, subject for subject-bound areas, school unless across schools) → Int, hashed once
        // per teacher and area; everything after works on integers (names hash slowly, Cyrillic more so).
        var bucketIDs: [String: Int] = [:]
        func bucket(_ area: String, _ context: TeacherContext, school: String) -> Int? {
            var key = area
            if bound.contains(area) {
                guard let subject = subjectKey(context) else { return nil }
                key += "\u{1F}" + subject
            }
            if !acrossSchools { key += "\u{1F}" + school }
            if let id = bucketIDs[key] { return id }
            bucketIDs[key] = bucketIDs.count
            return bucketIDs.count - 1
        }
        func schoolKey(_ context: TeacherContext) -> String { acrossSchools ? "" : (context.school.map(TextFolding.fold) ?? "") }
        // Mentors, by index; per mentor the bucket of each area (by area index) and the score there.
        var mentors: [Mentor] = []
        var mentorBucket: [[Int?]] = []
        var mentorScore: [[Double?]] = []
        var index: [String: Int] = [:]
        var members: [[Int]] = []
        for profile in profiles {
            guard let name = profile.respondent, profile.context.consent == true,
                  let experience = profile.context.experience, experience >= rules.mentorMinExperience, index[name] == nil else { continue }
            var scores = [Double?](repeating: nil, count: areaOrder.count)
            for (area, mark) in profile.strengths { if let a = areaIndex[area.id] { scores[a] = mark.score ?? 0 } }
            guard scores.contains(where: { $0 != nil }) else { continue }
            let school = schoolKey(profile.context)
            var buckets = [Int?](repeating: nil, count: areaOrder.count)
            let me = mentors.count
            for (a, score) in scores.enumerated() where score != nil {
                guard let b = bucket(areaOrder[a], profile.context, school: school) else { continue }
                buckets[a] = b
                while members.count <= b { members.append([]) }
                members[b].append(me)
            }
            index[name] = me
            mentors.append(Mentor(name: name, context: profile.context))
            mentorBucket.append(buckets)
            mentorScore.append(scores)
        }
        // Strongest first in each bucket, then by name.
        for b in members.indices {
            guard let a = members[b].first.flatMap({ m in mentorBucket[m].firstIndex(of: b) }) else { continue }
            members[b].sort { x, y in
                let sx = mentorScore[x][a] ?? 0, sy = mentorScore[y][a] ?? 0
                return sx != sy ? sx > sy : mentors[x].name < mentors[y].name
            }
        }
        var cursor = [Int](repeating: 0, count: members.count)
        var load = [Int](repeating: 0, count: mentors.count)
        var pairs: [MentorPair] = []
        var uncovered: [(String, String)] = []
        let mentees = profiles.filter { $0.respondent != nil && $0.hasDeficit }.map { profile in
            (profile, profile.context.isYoungSpecialist == true, profile.deficits.compactMap(\.mark.score).min() ?? 100)
        }.sorted { a, b in
            if a.1 != b.1 { return a.1 }
            if a.2 != b.2 { return a.2 < b.2 }
            return (a.0.respondent ?? "") < (b.0.respondent ?? "")
        }
        let look = 6
        for (mentee, young, _) in mentees {
            guard let name = mentee.respondent else { continue }
            let myself = index[name]
            var open = mentee.deficits.compactMap { areaIndex[$0.area.id] }
            let school = schoolKey(mentee.context)
            var wanted = [Int?](repeating: nil, count: areaOrder.count)
            for a in open {
                var key = areaOrder[a]
                if bound.contains(key) {
                    guard let subject = subjectKey(mentee.context) else { continue }
                    key += "\u{1F}" + subject
                }
                if !acrossSchools { key += "\u{1F}" + school }
                wanted[a] = bucketIDs[key]
            }
            var assigned = 0
            var used: [Int] = []
            while !open.isEmpty && assigned < rules.maxMentorsPerMentee {
                var candidates: [Int] = []
                for a in open {
                    guard let b = wanted[a], b < members.count else { continue }
                    let list = members[b]
                    var i = cursor[b]
                    while i < list.count && load[list[i]] >= capacity { i += 1 }
                    cursor[b] = i
                    var taken = 0
                    while i < list.count && taken < look {
                        let m = list[i]
                        if load[m] < capacity && m != myself && !used.contains(m) && !candidates.contains(m) { candidates.append(m); taken += 1 }
                        i += 1
                    }
                }
                var best: (m: Int, covers: [Int], load: Int, strength: Double)?
                for m in candidates {
                    let covers = open.filter { a in mentorBucket[m][a] != nil && mentorBucket[m][a] == wanted[a] }
                    guard !covers.isEmpty else { continue }
                    let strength = covers.compactMap { mentorScore[m][$0] }.reduce(0, +)
                    let better: Bool
                    if let current = best {
                        if covers.count != current.covers.count { better = covers.count > current.covers.count }
                        else if load[m] != current.load { better = load[m] < current.load }
                        else if strength != current.strength { better = strength > current.strength }
                        else { better = mentors[m].name < mentors[current.m].name }
                    } else { better = true }
                    if better { best = (m, covers, load[m], strength) }
                }
                guard let chosen = best else { break }
                let mentor = mentors[chosen.m]
                let areas = chosen.covers.sorted().map { areaOrder[$0] }
                let subject = areas.contains(where: bound.contains) ? subjectKey(mentee.context) : nil
                let reverse = areas.allSatisfy { $0 == "ict" || $0 == "digital" }
                    && (mentor.context.age ?? .max) < (mentee.context.age ?? .min)
                pairs.append(MentorPair(mentee: name, mentor: mentor.name, areas: areas,
                                        mentorScores: chosen.covers.sorted().compactMap { mentorScore[chosen.m][$0] },
                                        mentorExperience: mentor.context.experience, sharedSubject: subject,
                                        school: acrossSchools ? nil : mentee.context.school, youngSpecialist: young, reverse: reverse))
                load[chosen.m] += 1
                used.append(chosen.m)
                assigned += 1
                open.removeAll(where: chosen.covers.contains)
            }
            uncovered += open.map { (name, areaOrder[$0]) }
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
