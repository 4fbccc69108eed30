/// Streaming tabulation of a survey: counts per item and option, favourable answers, and the sums that
/// Cronbach's alpha needs, in memory independent of the number of respondents.
/// Two accumulators over halves of the data merge into the one over all of it.
public struct TabulationAccumulator: Sendable {
    public let questionnaire: Questionnaire
    /// Scored items in questionnaire order; index = position in `counts`.
    let items: [Item]
    let scales: [ResponseScale]
    /// Option value → option index (display order), per scored item.
    private let optionIndex: [[Double: Int]]
    /// Keyed value per item and option index.
    let keyedValues: [[Double]]
    let favourable: [[Bool]]

    public private(set) var respondents = 0
    /// Counts of every item's options, flat: item i's options start at `offsets[i]` (display order).
    private var flatCounts: [Int]
    private let offsets: [Int]
    /// Keyed value of every item's options, laid out like `flatCounts`.
    private let flatKeyed: [Double]

    /// counts[item][option], options in display order.
    public var counts: [[Int]] { offsets.indices.map { i in Array(flatCounts[offsets[i]..<offsets[i] + scales[i].options.count]) } }
    /// Answered but not a valid option value (cannot happen through import; kept honest for direct use).
    private(set) var composites: [CompositeAccumulator]
    public private(set) var comments: [(item: String, text: String)] = []

    public init(questionnaire q: Questionnaire) {
        questionnaire = q
        items = q.scoredItems
        scales = items.map { q.scale(of: $0) ?? ResponseScale(id: "", options: []) }
        optionIndex = scales.map { scale in Dictionary(scale.options.enumerated().map { ($1.value, $0) }, uniquingKeysWith: { a, _ in a }) }
        keyedValues = zip(items, scales).map { item, scale in scale.options.map { scale.keyed($0.value, reverse: item.reverse) } }
        favourable = zip(items, scales).map { item, scale in
            scale.options.map { option in scale.favourableFrom.map { scale.keyed(option.value, reverse: item.reverse) >= $0 } ?? false }
        }
        var start = 0
        var offsets: [Int] = []
        for scale in scales { offsets.append(start); start += scale.options.count }
        self.offsets = offsets
        flatCounts = [Int](repeating: 0, count: start)
        flatKeyed = keyedValues.flatMap { $0 }
        let position = Dictionary(items.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let keyed = keyedValues
        composites = q.scoring.composites.map { composite in
            let members = composite.items.compactMap { position[$0] }
            let values = members.flatMap { keyed[$0] }
            return CompositeAccumulator(composite: composite, members: members,
                                        keyedRange: (values.min() ?? 0)...(values.max() ?? 0),
                                        integral: values.allSatisfy { $0.rounded() == $0 })
        }
    }

    /// The option index of each scored item's answer (−1 = blank), for the fast path that never builds a Response.
    public func optionIndex(item: Int, value: Double) -> Int { optionIndex[item][value] ?? -1 }
    public var scoredItemCount: Int { items.count }

    /// Adds one response.
    public mutating func add(_ response: Response) {
        var row = [Int](repeating: -1, count: items.count)
        for (i, item) in items.enumerated() {
            if let value = response.values[item.id] { row[i] = optionIndex[i][value] ?? -1 }
        }
        row.withUnsafeBufferPointer { add(optionRow: $0) }
        for item in questionnaire.items where item.isFreeText {
            if let text = response.texts[item.id], !text.isEmpty { comments.append((item.id, text)) }
        }
    }

    /// Adds one respondent given as option indices per scored item (−1 = blank).
    public mutating func add(optionRow row: UnsafeBufferPointer<Int>) {
        respondents += 1
        flatCounts.withUnsafeMutableBufferPointer { counts in
            offsets.withUnsafeBufferPointer { offsets in
                for i in 0..<row.count where row[i] >= 0 { counts[offsets[i] + row[i]] += 1 }
            }
        }
        flatKeyed.withUnsafeBufferPointer { keyed in
            offsets.withUnsafeBufferPointer { offsets in
                for c in composites.indices { composites[c].add(row, keyed: keyed, offsets: offsets) }
            }
        }
    }

    public mutating func addComment(item: String, text: String) { comments.append((item, text)) }

    /// Combines another accumulator over other respondents of the same questionnaire.
    public mutating func merge(_ other: TabulationAccumulator) {
        respondents += other.respondents
        for i in flatCounts.indices { flatCounts[i] += other.flatCounts[i] }
        for c in composites.indices { composites[c].merge(other.composites[c]) }
        comments += other.comments
    }

    public func result(population: Int? = nil) -> Tabulation {
        var itemResults: [ItemTabulation] = []
        var totalFavourable = 0, totalAnswered = 0
        let hasFavourable = scales.contains { $0.favourableFrom != nil }
        let counts = self.counts
        for (i, item) in items.enumerated() {
            let scale = scales[i]
            let answered = counts[i].reduce(0, +)
            let percents = largestRemainderPercents(counts[i])
            let favourableCount = zip(counts[i], favourable[i]).filter(\.1).map(\.0).reduce(0, +)
            let sum = zip(counts[i], scale.options).map { Double($0) * $1.value }.reduce(0, +)
            let keyedSum = zip(counts[i], keyedValues[i]).map { Double($0) * $1 }.reduce(0, +)
            if scale.favourableFrom != nil {
                totalFavourable += favourableCount
                totalAnswered += answered
            }
            itemResults.append(ItemTabulation(
                item: item, answered: answered, missing: respondents - answered,
                mean: answered > 0 ? sum / Double(answered) : nil,
                keyedMean: answered > 0 ? keyedSum / Double(answered) : nil,
                favourable: scale.favourableFrom != nil ? favourableCount : nil,
                positive: scale.favourableFrom != nil && answered > 0 ? Double(favourableCount) / Double(answered) : nil,
                options: scale.options.enumerated().map { o, option in
                    OptionTally(label: option.label, value: option.value, count: counts[i][o], percent: percents[o])
                }))
        }
        return Tabulation(
            questionnaire: questionnaire, respondents: respondents, population: population,
            items: itemResults,
            positive: hasFavourable && totalAnswered > 0 ? Double(totalFavourable) / Double(totalAnswered) : nil,
            favourableAnswers: totalFavourable, scoredAnswers: totalAnswered,
            composites: composites.map { $0.result(items: items) },
            comments: comments.map(\.text))
    }
}

/// Sums over complete cases for one composite: n, Σxᵢ, Σxᵢ², ΣT, ΣT² and Σxᵢ·T (T = the respondent's
/// total), and respondent means. That is all alpha and alpha-if-deleted need — var(T − xⱼ) = var T − 2
/// cov(xⱼ, T) + var xⱼ — so a respondent costs O(k), not the O(k²) of a covariance matrix.
struct CompositeAccumulator: Sendable {
    let composite: Composite
    /// Positions of the composite's items among the scored items.
    let members: [Int]
    var complete = 0
    /// Four runs of k: the current respondent's keyed values (scratch), then Σxᵢ, Σxᵢ² and Σxᵢ·T per
    /// member — one array so that a respondent costs one exclusive access, not four.
    private var moments: [Double]
    var totalSum = 0.0
    var totalSquares = 0.0
    /// Per-respondent composite means (over answered items, when enough are answered).
    var scored = 0
    var meanSum = 0.0
    var meanSquares = 0.0
    /// When every keyed value is a small whole number: respondents counted by (answered, total), so the
    /// mean and SD come out the same however the data was split and merged (doubles summed in another
    /// order differ in the last bits). `histogramWidth` = largest total + 1; nil = use the double sums.
    var histogram: [Int]
    let histogramWidth: Int?

    /// Σxₐ, Σxₐ² and Σxₐ·T of member `a`.
    func sum(_ a: Int) -> Double { moments[members.count + a] }
    func squares(_ a: Int) -> Double { moments[2 * members.count + a] }
    func withTotal(_ a: Int) -> Double { moments[3 * members.count + a] }

    init(composite: Composite, members: [Int], keyedRange: ClosedRange<Double>, integral: Bool) {
        self.composite = composite
        self.members = members
        moments = [Double](repeating: 0, count: 4 * members.count)
        let largest = keyedRange.upperBound * Double(members.count)
        if integral && keyedRange.lowerBound >= 0 && largest <= 10_000 {
            histogramWidth = Int(largest) + 1
            histogram = [Int](repeating: 0, count: (members.count + 1) * (Int(largest) + 1))
        } else {
            histogramWidth = nil
            histogram = []
        }
    }

    mutating func add(_ row: UnsafeBufferPointer<Int>, keyed: UnsafeBufferPointer<Double>, offsets: UnsafeBufferPointer<Int>) {
        let k = members.count
        var answered = 0
        var total = 0.0
        moments.withUnsafeMutableBufferPointer { moments in
            members.withUnsafeBufferPointer { members in
                for m in 0..<k {
                    let item = members[m]
                    let option = row[item]
                    guard option >= 0 else { continue }
                    let x = keyed[offsets[item] &+ option]
                    moments[m] = x
                    total += x
                    answered &+= 1
                }
            }
            guard answered == k else { return }
            for a in 0..<k {
                let x = moments[a]
                moments[k &+ a] += x
                moments[2 &* k &+ a] += x * x
                moments[3 &* k &+ a] += x * total
            }
        }
        if answered > 0 && Double(answered) >= composite.minAnswered * Double(k) {
            scored += 1
            if let width = histogramWidth {
                histogram[answered * width + Int(total)] += 1
            } else {
                let mean = total / Double(answered)
                meanSum += mean
                meanSquares += mean * mean
            }
        }
        guard answered == k else { return }
        complete += 1
        totalSum += total
        totalSquares += total * total
    }

    mutating func merge(_ other: CompositeAccumulator) {
        complete += other.complete
        // The scratch run is added too: harmless, it is overwritten before it is read.
        for i in moments.indices { moments[i] += other.moments[i] }
        totalSum += other.totalSum
        totalSquares += other.totalSquares
        scored += other.scored
        meanSum += other.meanSum
        meanSquares += other.meanSquares
        for i in histogram.indices { histogram[i] += other.histogram[i] }
    }

    /// Σ mean and Σ mean² over scored respondents, from the histogram in a fixed order when there is one.
    var meanSums: (sum: Double, squares: Double) {
        guard let width = histogramWidth else { return (meanSum, meanSquares) }
        var sum = 0.0, squares = 0.0
        for (index, count) in histogram.enumerated() where count > 0 {
            let mean = Double(index % width) / Double(index / width)
            sum += Double(count) * mean
            squares += Double(count) * mean * mean
        }
        return (sum, squares)
    }

    /// Raw alpha over the members, or all but one: k/(k−1)·(1 − Σσ²ᵢ/σ²_T), with every variance a sample
    /// variance (n − 1) over complete cases and T the total of the chosen members.
    func alpha(excluding excluded: Int? = nil) -> Double? {
        let k = Double(members.count - (excluded == nil ? 0 : 1))
        guard k >= 2, complete >= 2 else { return nil }
        let n = Double(complete)
        func variance(_ sum: Double, _ squares: Double) -> Double { (squares - sum * sum / n) / (n - 1) }
        var trace = 0.0
        for a in members.indices where a != excluded { trace += variance(sum(a), squares(a)) }
        var total = variance(totalSum, totalSquares)
        if let j = excluded {
            let covariance = (withTotal(j) - sum(j) * totalSum / n) / (n - 1)
            total += variance(sum(j), squares(j)) - 2 * covariance
        }
        guard total > 0 else { return nil }
        return k / (k - 1) * (1 - trace / total)
    }

    func result(items: [Item]) -> CompositeResult {
        let (meanSum, meanSquares) = meanSums
        let mean = scored > 0 ? meanSum / Double(scored) : nil
        let sd: Double? = scored > 1 ? ((meanSquares - meanSum * meanSum / Double(scored)) / Double(scored - 1)).squareRoot() : nil
        return CompositeResult(
            composite: composite, complete: complete, alpha: alpha(),
            alphaIfDeleted: members.indices.map { (items[members[$0]].id, alpha(excluding: $0)) },
            scored: scored, mean: mean, standardDeviation: sd)
    }
}

/// Rounds shares of a total to whole percents that add up to exactly 100 (largest remainder). Equal counts
/// always get equal percents: among options with equal remainders the extra points go to whole groups of
/// equal counts whose sizes add up to what is missing (4, 7, 4 of 15 → 27, 46, 27, not 27, 47, 26); only when
/// no such choice exists are ties broken by option order. All zeros when nothing was answered.
public func largestRemainderPercents(_ counts: [Int]) -> [Int] {
    let total = counts.reduce(0, +)
    guard total > 0 else { return counts.map { _ in 0 } }
    var floors = counts.map { $0 * 100 / total }
    let remainders = counts.map { ($0 * 100) % total }
    var missing = 100 - floors.reduce(0, +)
    // Remainders from the highest; each level's options fall into groups of equal counts (in display order).
    for remainder in Set(remainders).sorted(by: >) where missing > 0 {
        let level = remainders.indices.filter { remainders[$0] == remainder && counts[$0] > 0 }
        if level.count <= missing {
            for index in level { floors[index] += 1 }
            missing -= level.count
            continue
        }
        var groups: [[Int]] = []
        for index in level {
            if let g = groups.firstIndex(where: { counts[$0[0]] == counts[index] }) { groups[g].append(index) } else { groups.append([index]) }
        }
        // The first subset of whole groups (in display order) whose sizes make up exactly what is missing.
        var chosen: [Int]?
        for mask in 1..<(1 << min(groups.count, 16)) {
            let picked = groups.indices.filter { mask & (1 << $0) != 0 }
            if picked.map({ groups[$0].count }).reduce(0, +) == missing { chosen = picked.flatMap { groups[$0] }; break }
        }
        for index in chosen ?? Array(level.prefix(missing)) { floors[index] += 1 }
        missing = 0
    }
    return floors
}

// MARK: - Results

public struct OptionTally: Sendable, Equatable {
    public var label: String
    public var value: Double
    public var count: Int
    /// Whole percent of answered, rounded so that an item's options add up to 100.
    public var percent: Int
}

public struct ItemTabulation: Sendable {
    public var item: Item
    public var answered: Int
    public var missing: Int
    /// Mean of the values as answered (not reverse-keyed).
    public var mean: Double?
    /// Mean after reverse keying: comparable across items.
    public var keyedMean: Double?
    /// How many answers are favourable (reverse-aware); nil when the scale has no favourable side.
    public var favourable: Int?
    /// favourable / answered.
    public var positive: Double?
    public var options: [OptionTally]
}

public struct CompositeResult: Sendable {
    public var composite: Composite
    /// Respondents who answered every item of the composite (alpha is computed over them: listwise).
    public var complete: Int
    public var alpha: Double?
    /// Alpha with each item left out: an item whose removal raises alpha may be mis-keyed.
    public var alphaIfDeleted: [(item: String, alpha: Double?)]
    /// Respondents with a composite score (enough items answered).
    public var scored: Int
    /// Mean and standard deviation of respondents' keyed composite means.
    public var mean: Double?
    public var standardDeviation: Double?
}

public struct Tabulation: Sendable {
    public var questionnaire: Questionnaire
    public var respondents: Int
    public var population: Int?
    public var items: [ItemTabulation]
    /// Favourable answers over all answered scored items.
    public var positive: Double?
    public var favourableAnswers: Int
    public var scoredAnswers: Int
    public var composites: [CompositeResult]
    public var comments: [String]

    /// respondents / population, when the population is known.
    public var participation: Double? {
        guard let population, population > 0 else { return nil }
        return Double(respondents) / Double(population)
    }
}
