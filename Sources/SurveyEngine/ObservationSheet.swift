/// How many children are at each level (or band) and what share of the children assessed at the stage
/// that is: whole percents by the largest remainder, so that the parts, "not rated" included, add up to 100.
public struct LevelTally: Sendable, Equatable {
    /// Level value (or band id) → children.
    public var counts: [String: Int]
    /// Children of the stage without a level here (a blank cell, or an area with too many blanks).
    public var missing: Int
    /// Level value (or band id) → whole percent of the stage's children.
    public var percents: [String: Int]
    public var missingPercent: Int

    /// `keys` in display order; the order breaks ties of the rounding.
    init(keys: [String], counts: [String: Int], missing: Int) {
        self.counts = Dictionary(uniqueKeysWithValues: keys.map { ($0, counts[$0] ?? 0) })
        self.missing = missing
        let rounded = largestRemainderPercents(keys.map { counts[$0] ?? 0 } + [missing])
        percents = Dictionary(uniqueKeysWithValues: zip(keys, rounded))
        missingPercent = rounded.last ?? 0
    }
}

/// One stage's observation sheet as seed 002 publishes it: children as rows, criteria as columns, one level
/// per cell, each child's mean and level; footer rows with the children at each level per criterion; and the
/// class's distribution per area and per domain. Percents are of the children actually assessed at the stage.
public struct ObservationSheet: Sendable {
    public struct Row: Sendable {
        public var child: String
        /// Criterion id → level.
        public var levels: [String: Int]
        /// The mean over the criteria rated at this stage.
        public var mean: Double?
        public var band: Band?
        /// Domain id → the mean of the child's banded area means in it, and its band.
        public var domainMeans: [String: Double]
        public var domainBands: [String: Band]
        /// The teacher's corrective measures planned after this stage (free-text items), in item order.
        public var measures: [String]
    }

    public struct Group: Sendable {
        public var id: String
        public var title: String
        /// Band id → children whose area (or domain) level falls in it.
        public var tally: LevelTally
    }

    public var stage: Stage
    public var rows: [Row]
    /// Per scored criterion, in questionnaire order: children at each level value.
    public var criteria: [(item: Item, tally: LevelTally)]
    public var areas: [Group]
    public var domains: [Group]
    /// Children at each band by their own mean.
    public var overall: LevelTally

    public var children: Int { rows.count }
}

/// Children of a class across the year: present at the first stage, arrived later, left (not seen at a later
/// stage after an earlier one), present at the last stage.
public struct ChildMovement: Sendable, Equatable {
    public var firstStage: Stage?
    public var lastStage: Stage?
    public var start: Int
    public var arrived: [String]
    public var left: [String]
    public var end: Int
}

extension MonitoringAnalysis {
    /// A stage's sheet; children in natural order (№3 before №10).
    public func sheet(of stage: Stage) -> ObservationSheet {
        let responses = (byStage[stage.id] ?? []).sorted { NaturalOrder.less($0.respondent ?? "", $1.respondent ?? "") }
        let levelKeys = levelValues.map(String.init)
        let bandKeys = questionnaire.scoring.bands.map(\.id)
        let scored = questionnaire.scoredItems
        let freeText = questionnaire.items.filter(\.isFreeText)
        let rule = questionnaire.scoring.area ?? AreaRule()

        var rows: [ObservationSheet.Row] = []
        var perArea: [String: [String: Int]] = [:], areaMissing: [String: Int] = [:]
        var perDomain: [String: [String: Int]] = [:], domainMissing: [String: Int] = [:]
        var overall: [String: Int] = [:], overallMissing = 0
        for response in responses {
            var levels: [String: Int] = [:]
            for item in scored { if let v = response.values[item.id], let level = Self.level(v) { levels[item.id] = level } }
            let mean = levels.isEmpty ? nil : Double(levels.values.reduce(0, +)) / Double(levels.count)
            let banded = !levels.isEmpty && Double(levels.count) >= rule.minAnswered * Double(scored.count)
            let band = banded ? mean.flatMap { questionnaire.scoring.band(for: $0) } : nil
            if let band { overall[band.id, default: 0] += 1 } else { overallMissing += 1 }
            let measures = freeText.compactMap { item -> String? in
                guard let text = response.texts[item.id], !text.isEmpty else { return nil }
                return item.domain.flatMap { d in questionnaire.domains.first { $0.id == d } }.map { "\($0.title): \(text)" } ?? text
            }

            var domainMeans: [String: [Double]] = [:]
            for area in questionnaire.areas {
                let level = areaLevel(response, area: area)
                if let band = level.band { perArea[area.id, default: [:]][band.id, default: 0] += 1 } else { areaMissing[area.id, default: 0] += 1 }
                if let domain = area.domain, level.band != nil, let mean = level.mean { domainMeans[domain, default: []].append(mean) }
            }
            var rowDomainMeans: [String: Double] = [:], rowDomainBands: [String: Band] = [:]
            for domain in questionnaire.domains {
                let means = domainMeans[domain.id] ?? []
                let mean = means.isEmpty ? nil : means.reduce(0, +) / Double(means.count)
                if let mean { rowDomainMeans[domain.id] = mean }
                if let band = mean.flatMap({ questionnaire.scoring.band(for: $0) }) {
                    rowDomainBands[domain.id] = band
                    perDomain[domain.id, default: [:]][band.id, default: 0] += 1
                } else { domainMissing[domain.id, default: 0] += 1 }
            }
            rows.append(.init(child: response.respondent ?? "", levels: levels, mean: mean, band: band,
                              domainMeans: rowDomainMeans, domainBands: rowDomainBands, measures: measures))
        }
        let criteria = scored.map { item -> (item: Item, tally: LevelTally) in
            var counts: [String: Int] = [:]
            for row in rows { if let level = row.levels[item.id] { counts[String(level), default: 0] += 1 } }
            return (item, LevelTally(keys: levelKeys, counts: counts, missing: rows.count - counts.values.reduce(0, +)))
        }
        return ObservationSheet(
            stage: stage, rows: rows, criteria: criteria,
            areas: questionnaire.areas.map { .init(id: $0.id, title: $0.title, tally: LevelTally(keys: bandKeys, counts: perArea[$0.id] ?? [:], missing: areaMissing[$0.id] ?? 0)) },
            domains: questionnaire.domains.map { .init(id: $0.id, title: $0.title, tally: LevelTally(keys: bandKeys, counts: perDomain[$0.id] ?? [:], missing: domainMissing[$0.id] ?? 0)) },
            overall: LevelTally(keys: bandKeys, counts: overall, missing: overallMissing))
    }

    /// Who was there when: over the stages that have sheets, in the definition's order.
    public var movement: ChildMovement {
        let rated = questionnaire.stages.filter { !(byStage[$0.id] ?? []).isEmpty }
        func names(_ stage: Stage) -> [String: String] {
            Dictionary((byStage[stage.id] ?? []).compactMap { r in r.respondent.map { (TextFolding.fold($0), $0) } }, uniquingKeysWith: { a, _ in a })
        }
        guard let first = rated.first, let last = rated.last else {
            return ChildMovement(firstStage: nil, lastStage: nil, start: 0, arrived: [], left: [], end: 0)
        }
        let perStage = rated.map(names)
        let atStart = perStage[0]
        var arrived: [String] = [], left: [String] = []
        var seen = Set(atStart.keys)
        for stage in perStage.dropFirst() {
            for (key, name) in stage where !seen.contains(key) { arrived.append(name); seen.insert(key) }
        }
        let atEnd = perStage[perStage.count - 1]
        for key in seen where atEnd[key] == nil {
            if let name = perStage.lazy.compactMap({ $0[key] }).first { left.append(name) }
        }
        return ChildMovement(firstStage: first, lastStage: last, start: atStart.count,
                             arrived: arrived.sorted(by: NaturalOrder.less), left: left.sorted(by: NaturalOrder.less), end: atEnd.count)
    }
}

/// Names and labels compared as people read them: runs of digits by their value (№3 before №10), the rest
/// folded (case, ё/е).
public enum NaturalOrder {
    public static func less(_ a: String, _ b: String) -> Bool {
        less(runs(TextFolding.fold(a)), runs(TextFolding.fold(b)), a, b)
    }

    /// `items` in the natural order of their names, each name folded and split once (a district's teachers).
    public static func sorted<T>(_ items: [T], by name: (T) -> String) -> [T] {
        let keyed = items.map { item -> (runs: [Run], name: String, item: T) in
            let text = name(item)
            return (runs(TextFolding.fold(text)), text, item)
        }
        return keyed.sorted { less($0.runs, $1.runs, $0.name, $1.name) }.map(\.item)
    }

    static func less(_ x: [Run], _ y: [Run], _ a: String, _ b: String) -> Bool {
        for (p, q) in zip(x, y) where p != q {
            switch (p, q) {
            case (.number(let m, let mText), .number(let n, let nText)): return m != n ? m < n : mText < nText
            case (.number, .text): return true
            case (.text, .number): return false
            case (.text(let s), .text(let t)): return s < t
            }
        }
        return x.count != y.count ? x.count < y.count : a < b
    }

    enum Run: Equatable {
        case number(Double, String)
        case text(String)
    }

    static func runs(_ text: String) -> [Run] {
        var out: [Run] = []
        var current = "", digits = false
        func flush() {
            guard !current.isEmpty else { return }
            out.append(digits ? .number(Double(current) ?? 0, current) : .text(current))
            current = ""
        }
        for ch in text {
            let isDigit = ch.isASCII && ch.isNumber
            if isDigit != digits { flush(); digits = isDigit }
            current.append(ch)
        }
        flush()
        return out
    }
}
