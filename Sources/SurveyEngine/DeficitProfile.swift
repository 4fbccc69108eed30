/// One area of a teacher's self-diagnosis: a POMP score, the band the definition puts it in, and the
/// statements that pulled it down.
public struct AreaScore: Sendable, Equatable {
    public var area: Area
    /// 0–100 (percent of maximum possible over the keyed values); nil when too few statements were answered.
    public var score: Double?
    public var band: Band?
    public var answered: Int
    public var total: Int
    /// 1 = most urgent; nil when the area is no deficit (or has no score).
    public var priority: Int?
    /// Answered statements whose keyed value is below the scale's midpoint, weakest first.
    public var weakest: [Item]

    public var isDeficit: Bool { band?.deficit ?? false }
    public var isStrength: Bool { band?.strength ?? false }
    /// Why there is no score, when there is none.
    public var withheld: Bool { score == nil }
}

/// A teacher's deficit profile: every area scored and banded, deficits ordered most severe first
/// (ties by the definition's area order).
public struct DeficitProfile: Sendable, Equatable {
    public var respondent: String?
    public var areas: [AreaScore]

    public var deficits: [AreaScore] { areas.filter(\.isDeficit).sorted { ($0.priority ?? .max) < ($1.priority ?? .max) } }
    public var strengths: [AreaScore] { areas.filter(\.isStrength) }

    public init(respondent: String?, areas: [AreaScore]) {
        self.respondent = respondent
        self.areas = areas
    }

    /// Scores a response against the definition's area rule and bands.
    public init(_ response: Response, questionnaire q: Questionnaire) {
        let rule = q.scoring.area ?? AreaRule()
        var scores: [AreaScore] = []
        for area in q.areas {
            let items = q.items.filter { $0.area == area.id && !$0.isFreeText }
            var keyedPomp: [(Item, Double)] = []
            for item in items {
                // A value outside the scale's range (a damaged store, a scale narrowed after answers were
                // stored) is not an answer: it would put the score outside 0–100, and the profile's bar
                // (String(repeating:count: 20 − filled)) would trap.
                guard let scale = q.scale(of: item), let value = response.values[item.id],
                      value >= scale.minValue && value <= scale.maxValue else { continue }
                keyedPomp.append((item, scale.pomp(scale.keyed(value, reverse: item.reverse))))
            }
            let enough = !items.isEmpty && !keyedPomp.isEmpty
                && Double(keyedPomp.count) >= rule.minAnswered * Double(items.count)
                && (rule.maxMissing.map { items.count - keyedPomp.count <= $0 } ?? true)
            // The mean of POMP values equals the POMP of the mean keyed value when items share a scale,
            // and stays comparable when they do not.
            let score = enough ? keyedPomp.map(\.1).reduce(0, +) / Double(keyedPomp.count) : nil
            let weakest = keyedPomp.filter { $0.1 < 50 }.sorted { $0.1 < $1.1 }.map(\.0)
            scores.append(AreaScore(area: area, score: score, band: score.flatMap { q.scoring.band(for: $0) },
                                    answered: keyedPomp.count, total: items.count, priority: nil, weakest: weakest))
        }
        // Priority: lowest score first; equal scores keep the definition's order (the sort is stable).
        let order = scores.indices.filter { scores[$0].isDeficit }.sorted { (scores[$0].score ?? 0) < (scores[$1].score ?? 0) }
        for (rank, index) in order.enumerated() { scores[index].priority = rank + 1 }
        self.init(respondent: response.respondent, areas: scores)
    }
}

/// A second diagnosis against the first: the change per area and the deficits that closed.
public struct ProfileChange: Sendable, Equatable {
    public struct AreaChange: Sendable, Equatable {
        public var area: Area
        public var before: Double?
        public var after: Double?
        public var change: Double? { before.flatMap { b in after.map { $0 - b } } }
        /// A deficit in the first diagnosis that is no deficit now.
        public var closed: Bool
        /// No deficit before, a deficit now.
        public var opened: Bool
    }

    public var areas: [AreaChange]

    public init(before: DeficitProfile, after: DeficitProfile) {
        areas = after.areas.map { now in
            let then = before.areas.first { $0.area.id == now.area.id }
            return AreaChange(area: now.area, before: then?.score, after: now.score,
                              closed: (then?.isDeficit ?? false) && !now.isDeficit && now.score != nil,
                              opened: !(then?.isDeficit ?? true) && now.isDeficit)
        }
    }
}
