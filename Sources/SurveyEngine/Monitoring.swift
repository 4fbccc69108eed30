/// A child's results in one area at one stage: the mean level of the answered criteria, the band it
/// falls in, and the full 1/2/3 distribution behind the mean.
public struct AreaLevel: Sendable, Equatable {
    public var area: Area
    public var mean: Double?
    public var band: Band?
    /// Level value → how many of the area's criteria the child was rated at it.
    public var distribution: [Int: Int]
    public var rated: Int
    public var missing: Int
}

/// A class at one stage: the sheet's footer rows (children per level per criterion) and per area the
/// distribution of children across bands.
public struct StageSummary: Sendable {
    public struct CriterionCounts: Sendable, Equatable {
        public var item: Item
        /// Level value → children at it.
        public var counts: [Int: Int]
        public var missing: Int
    }

    public struct AreaSummary: Sendable, Equatable {
        public var area: Area
        /// Mean of the children's area means.
        public var mean: Double?
        /// Band id → children in it.
        public var bands: [String: Int]
        /// Children whose area is not banded (too many criteria missing).
        public var unbanded: Int
    }

    public var stage: Stage
    /// The real number of children rated at this stage: percentages are of it.
    public var children: Int
    public var criteria: [CriterionCounts]
    public var areas: [AreaSummary]
}

/// How one criterion moved for a child between two stages.
public enum LevelChange: String, Sendable { case improved, same, regressed }

/// One child's development card: levels per area at each stage, the change, what is flagged, and the
/// individual work planned from the weakest criteria.
public struct DevelopmentCard: Sendable {
    public var child: String
    /// Stage id → area id → the area's level.
    public var stages: [String: [String: AreaLevel]]
    /// Stages the child was rated at, in the definition's order.
    public var ratedStages: [Stage]
    /// Area id → change of the mean level from the first to the last rated stage.
    public var change: [String: Double]
    /// Criteria that went down between consecutive stages.
    public var regressions: [(item: Item, from: String, to: String)]
    /// Criteria at the lowest level at two consecutive stages.
    public var stuckAtLowest: [(item: Item, stages: [String])]
    /// Generated suggestions, few by design (the definition's `scoring.suggestions`): per domain the
    /// criteria at its lowest level at the latest stage, with the level to aim for.
    public var plannedWork: [(item: Item, level: Int, target: Option)]
    /// The teacher's own measures: stage id → the free-text items filled at that stage, in item order.
    public var measures: [String: [(item: Item, text: String)]] = [:]
}

/// Monitoring computations over stored sheets: responses whose respondent is the child and whose stage is set.
public struct MonitoringAnalysis: Sendable {
    public let questionnaire: Questionnaire
    public let levels: ResponseScale
    /// Stage id → the children's sheets at it.
    public let byStage: [String: [ChildSheet]]
    /// Stage id → folded child name → the child's first sheet at that stage in `byStage`: a card finds its
    /// sheets at once, so all the cards of a large store take time in proportion to the children, not its square.
    private let positions: [String: [String: Int]]

    public init?(questionnaire q: Questionnaire, responses: [Response]) {
        let layout = ChildSheet.Layout(q)
        self.init(questionnaire: q, sheets: responses.map { ChildSheet($0, layout: layout) })
    }

    /// From the rows as monitoring keeps them (`ChildSheet`, one byte a criterion), read one at a time.
    public init?(questionnaire q: Questionnaire, sheets: [ChildSheet]) {
        guard let levels = q.scales.first(where: { $0.kind == .levels }) else { return nil }
        questionnaire = q
        self.levels = levels
        byStage = Dictionary(grouping: sheets.filter { $0.stage != nil }, by: { $0.stage ?? "" })
        positions = byStage.mapValues { sheets in
            var first: [String: Int] = [:]
            for (index, sheet) in sheets.enumerated() {
                if let name = sheet.respondent, first[TextFolding.fold(name)] == nil { first[TextFolding.fold(name)] = index }
            }
            return first
        }
    }

    var levelValues: [Int] { levels.options.map { Int($0.value) } }

    /// A stored value as a level (its whole part), or nil for a value no level scale has, such as 1e300 in a
    /// hand-edited store: that one counts as not rated instead of trapping in the conversion.
    static func level(_ value: Double) -> Int? { value.magnitude < 1e9 ? Int(value) : nil }

    /// A child's level in one area from their response at one stage.
    public func areaLevel(_ response: Response, area: Area) -> AreaLevel {
        areaLevel(ChildSheet(response, layout: ChildSheet.Layout(questionnaire)), area: area)
    }

    public func areaLevel(_ response: ChildSheet, area: Area) -> AreaLevel {
        let items = questionnaire.items.filter { $0.area == area.id && !$0.isFreeText }
        var distribution: [Int: Int] = [:]
        var sum = 0.0
        for item in items { if let v = response.values[item.id], let level = Self.level(v) { distribution[level, default: 0] += 1; sum += v } }
        let rated = distribution.values.reduce(0, +)
        let missing = items.count - rated
        let rule = questionnaire.scoring.area ?? AreaRule()
        let banded = rated > 0 && Double(rated) >= rule.minAnswered * Double(items.count) && (rule.maxMissing.map { missing <= $0 } ?? true)
        let mean = rated > 0 ? sum / Double(rated) : nil
        return AreaLevel(area: area, mean: mean, band: banded ? mean.flatMap { questionnaire.scoring.band(for: $0) } : nil,
                         distribution: distribution, rated: rated, missing: missing)
    }

    /// The class summary of one stage.
    public func summary(of stage: Stage) -> StageSummary {
        let responses = byStage[stage.id] ?? []
        let criteria = questionnaire.scoredItems.map { item -> StageSummary.CriterionCounts in
            var counts = Dictionary(uniqueKeysWithValues: levelValues.map { ($0, 0) })
            var missing = 0
            for r in responses { if let v = r.values[item.id], let level = Self.level(v) { counts[level, default: 0] += 1 } else { missing += 1 } }
            return StageSummary.CriterionCounts(item: item, counts: counts, missing: missing)
        }
        let areas = questionnaire.areas.map { area -> StageSummary.AreaSummary in
            let levels = responses.map { areaLevel($0, area: area) }
            var bands = Dictionary(uniqueKeysWithValues: questionnaire.scoring.bands.map { ($0.id, 0) })
            for level in levels { if let band = level.band { bands[band.id, default: 0] += 1 } }
            let means = levels.compactMap(\.mean)
            return StageSummary.AreaSummary(area: area, mean: means.isEmpty ? nil : means.reduce(0, +) / Double(means.count),
                                            bands: bands, unbanded: levels.filter { $0.band == nil }.count)
        }
        return StageSummary(stage: stage, children: responses.count, criteria: criteria, areas: areas)
    }

    /// Children rated at any stage, in natural name order (№3 before №10).
    public var children: [String] { Array(Set(byStage.values.flatMap { $0.compactMap(\.respondent) })).sorted(by: NaturalOrder.less) }

    /// A child's development card; nil when the child was never rated. Names compare folded.
    public func card(for child: String) -> DevelopmentCard? {
        let key = TextFolding.fold(child)
        var perStage: [(Stage, ChildSheet)] = []
        for stage in questionnaire.stages {
            if let index = positions[stage.id]?[key], let r = byStage[stage.id]?[index] { perStage.append((stage, r)) }
        }
        guard let name = perStage.first?.1.respondent else { return nil }
        var stages: [String: [String: AreaLevel]] = [:]
        for (stage, response) in perStage {
            stages[stage.id] = Dictionary(uniqueKeysWithValues: questionnaire.areas.map { ($0.id, areaLevel(response, area: $0)) })
        }
        var change: [String: Double] = [:]
        if let first = perStage.first, let last = perStage.last, perStage.count > 1 {
            for area in questionnaire.areas {
                if let a = stages[first.0.id]?[area.id]?.mean, let b = stages[last.0.id]?[area.id]?.mean { change[area.id] = b - a }
            }
        }
        var regressions: [(Item, String, String)] = []
        var stuck: [(Item, [String])] = []
        let lowest = levels.minValue
        for (before, after) in zip(perStage, perStage.dropFirst()) {
            for item in questionnaire.scoredItems {
                guard let a = before.1.values[item.id], let b = after.1.values[item.id] else { continue }
                if b < a { regressions.append((item, before.0.id, after.0.id)) }
                if a == lowest && b == lowest { stuck.append((item, [before.0.id, after.0.id])) }
            }
        }
        // Suggestions: per domain the criteria at its lowest level at the latest stage (below the top), those
        // stuck at level I first; a few per domain and a few in all, so that they stay readable.
        var planned: [(Item, Int, Option)] = []
        if let latest = perStage.last?.1 {
            let rule = questionnaire.scoring.suggestions
            let stuckIDs = Set(stuck.map(\.0.id))
            let order = Dictionary(questionnaire.items.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
            func domain(_ item: Item) -> String { item.area.flatMap(questionnaire.area)?.domain ?? "" }
            let rated = questionnaire.scoredItems.compactMap { item in latest.values[item.id].flatMap(Self.level).map { (item: item, level: $0) } }
            var picked: [(item: Item, level: Int, rank: Int)] = []
            for key in Array(Set(rated.map { domain($0.item) })) {
                let inDomain = rated.filter { domain($0.item) == key }
                guard let lowest = inDomain.map(\.level).min(), Double(lowest) < levels.maxValue else { continue }
                let weakest = inDomain.filter { $0.level == lowest }
                    .sorted { (stuckIDs.contains($0.item.id) ? 0 : 1, order[$0.item.id] ?? 0) < (stuckIDs.contains($1.item.id) ? 0 : 1, order[$1.item.id] ?? 0) }
                picked += weakest.prefix(rule.perDomain).enumerated().map { (item: $1.item, level: $1.level, rank: $0) }
            }
            // Every weak domain gets its first suggestion before any gets a second.
            picked.sort { ($0.rank, $0.level, stuckIDs.contains($0.item.id) ? 0 : 1, order[$0.item.id] ?? 0) < ($1.rank, $1.level, stuckIDs.contains($1.item.id) ? 0 : 1, order[$1.item.id] ?? 0) }
            for (item, level, _) in picked.prefix(rule.total).sorted(by: { (order[$0.item.id] ?? 0) < (order[$1.item.id] ?? 0) }) {
                if let target = levels.option(value: Double(level + 1)) { planned.append((item, level, target)) }
            }
        }
        var measures: [String: [(item: Item, text: String)]] = [:]
        let freeText = questionnaire.items.filter(\.isFreeText)
        for (stage, response) in perStage {
            let filled = freeText.compactMap { item in response.texts[item.id].flatMap { $0.isEmpty ? nil : (item: item, text: $0) } }
            if !filled.isEmpty { measures[stage.id] = filled }
        }
        var card = DevelopmentCard(child: name, stages: stages, ratedStages: perStage.map(\.0), change: change,
                                   regressions: regressions, stuckAtLowest: stuck, plannedWork: planned)
        card.measures = measures
        return card
    }

    /// Per criterion and child, how levels moved between two stages (for the class dynamics view).
    public func dynamics(from: Stage, to: Stage) -> [LevelChange: Int] {
        var result: [LevelChange: Int] = [.improved: 0, .same: 0, .regressed: 0]
        let later = Dictionary((byStage[to.id] ?? []).compactMap { r in r.respondent.map { (TextFolding.fold($0), r) } }, uniquingKeysWith: { a, _ in a })
        for r in byStage[from.id] ?? [] {
            guard let name = r.respondent, let next = later[TextFolding.fold(name)] else { continue }
            for item in questionnaire.scoredItems {
                guard let a = r.values[item.id], let b = next.values[item.id] else { continue }
                result[b > a ? .improved : b < a ? .regressed : .same, default: 0] += 1
            }
        }
        return result
    }
}
