/// A test's result in one area: the share of points of the tasks answered, and the Р-201 level.
public struct TestResult: Sendable, Equatable {
    /// 0–100: points earned over the points of the tasks answered.
    public var score: Double
    public var answered: Int
    public var total: Int
    /// nil until every task of the area is answered: a half-done test decides nothing.
    public var band: Band?
    /// The tasks answered wrongly or in part, for the profile's «что показал тест».
    public var missed: [Item]
}

/// How the self-report and the test agree in an area.
public enum SelfTestAgreement: String, Sendable {
    /// The self-assessment put the area higher than the test did.
    case selfHigher
    /// The self-assessment put the area lower than the test did.
    case selfLower
    case agree
}

/// One area of a teacher's self-diagnosis: a POMP score, the band the definition puts it in, and the
/// statements that pulled it down; beside it the test result where the area has tasks.
public struct AreaScore: Sendable, Equatable {
    public enum Withheld: Sendable, Equatable {
        /// Fewer answers than the definition asks for.
        case tooFewAnswers
        /// So many statements were «не относится к моей работе» that too few remain.
        case mostlyNotApplicable
    }

    public var area: Area
    /// 0–100 (percent of maximum possible over the keyed values); nil when too few statements were answered.
    public var score: Double?
    /// The mean keyed answer on the scale (1–4), nil with `score`.
    public var mean: Double?
    /// The band the area is in: the self-report's, or the deficit a test result forces.
    public var band: Band?
    /// The band the self-report alone gives.
    public var selfBand: Band?
    /// Answers on the scale (not counting «не относится»).
    public var answered: Int
    /// Statements of the area that apply to this teacher.
    public var total: Int
    /// Statements answered «не относится к моей работе».
    public var notApplicable: Int
    /// 1 = most urgent; nil when the area is no deficit (or has no score).
    public var priority: Int?
    /// Answered statements whose keyed value is below the scale's midpoint, weakest first.
    public var weakest: [Item]
    /// One answer moved by one step would change the band.
    public var borderline: Bool
    public var test: TestResult?
    public var agreement: SelfTestAgreement?
    /// The test result made the area a deficit although the self-report did not.
    public var forcedByTest: Bool

    public var isDeficit: Bool { band?.deficit ?? false }
    public var isStrength: Bool { band?.strength ?? false }
    /// Why there is no score, when there is none.
    public var withheld: Withheld? {
        guard score == nil else { return nil }
        // Whichever took more answers away: «не относится» or blanks.
        let blanks = total - notApplicable - answered
        return notApplicable > 0 && notApplicable >= blanks ? .mostlyNotApplicable : .tooFewAnswers
    }

    public init(area: Area, score: Double?, mean: Double? = nil, band: Band?, selfBand: Band? = nil, answered: Int, total: Int,
                notApplicable: Int = 0, priority: Int?, weakest: [Item], borderline: Bool = false, test: TestResult? = nil,
                agreement: SelfTestAgreement? = nil, forcedByTest: Bool = false) {
        self.area = area
        self.score = score
        self.mean = mean
        self.band = band
        self.selfBand = selfBand ?? band
        self.answered = answered
        self.total = total
        self.notApplicable = notApplicable
        self.priority = priority
        self.weakest = weakest
        self.borderline = borderline
        self.test = test
        self.agreement = agreement
        self.forcedByTest = forcedByTest
    }
}

/// A definition's items sorted once by area, with their scales: scoring a district's teachers looks up no item
/// by id and filters no list per teacher.
public struct DeficitScoringPlan: Sendable {
    public let questionnaire: Questionnaire
    /// A scored statement with what its scale's range comes to, worked out once.
    struct Statement: Sendable {
        let item: Item
        let min: Double, max: Double, span: Double
        /// How far one option up or down moves the value.
        let step: Double
        /// The value of «не относится», if the scale has one.
        let notApplicable: Double?
    }

    /// Per area (in the definition's order): the scored statements outside the confidential block.
    let statements: [[Statement]]
    /// Per area: the test tasks.
    let tests: [[Item]]

    public init(_ q: Questionnaire) {
        questionnaire = q
        statements = q.areas.map { area in
            q.items.compactMap { item in
                guard item.area == area.id, !item.confidential, let scale = q.scale(of: item) else { return nil }
                let min = scale.minValue, max = scale.maxValue, count = scale.scaleOptions.count
                return Statement(item: item, min: min, max: max, span: max - min,
                                 step: count > 1 ? (max - min) / Double(count - 1) : 1, notApplicable: scale.notApplicableValue)
            }
        }
        tests = q.areas.map { area in q.items.filter { $0.area == area.id && $0.test != nil } }
    }
}

/// The confidential block (the teacher's own state): for the teacher's eyes only.
public struct ConfidentialScore: Sendable, Equatable {
    public var score: Double
    public var band: Band?
    public var answered: Int
    public var total: Int
}

/// A teacher's deficit profile: every area scored and banded, deficits ordered most severe first
/// (ties by the definition's area order).
public struct DeficitProfile: Sendable, Equatable {
    public var respondent: String?
    public var areas: [AreaScore]
    /// The definition's version the answers were scored with.
    public var version: String
    public var context: TeacherContext
    /// Never shown to anyone but the teacher (seed 000 §4.1.3); nil without answers.
    public var confidential: ConfidentialScore?
    /// The answers as given (item id → value), to show the answer beside a statement that pulled a score down.
    public var answers: [String: Double]

    public var deficits: [AreaScore] { areas.filter(\.isDeficit).sorted { ($0.priority ?? .max) < ($1.priority ?? .max) } }
    public var strengths: [AreaScore] { areas.filter(\.isStrength) }

    public init(respondent: String?, areas: [AreaScore], version: String = "1", context: TeacherContext = TeacherContext(),
                confidential: ConfidentialScore? = nil, answers: [String: Double] = [:]) {
        self.respondent = respondent
        self.areas = areas
        self.version = version
        self.context = context
        self.confidential = confidential
        self.answers = answers
    }

    /// Scores a response against the definition's area rule and bands, the statements that apply to the
    /// teacher's context only; tests beside them.
    public init(_ response: Response, questionnaire q: Questionnaire) {
        self.init(response, plan: DeficitScoringPlan(q))
    }

    /// The same, with the definition's items already sorted by area (a district's teachers share one plan).
    public init(_ response: Response, plan: DeficitScoringPlan) {
        let q = plan.questionnaire
        let rule = q.scoring.area ?? AreaRule()
        let context = TeacherContext(attributes: response.attributes)
        var scores: [AreaScore] = []
        for (areaIndex, area) in q.areas.enumerated() {
            let statements = context.isEmpty ? plan.statements[areaIndex] : plan.statements[areaIndex].filter { q.applies($0.item, to: context) }
            var keyed: [(item: Item, pomp: Double, value: Double)] = []
            var notApplicable = 0
            var step = 1.0, span = 1.0
            for statement in statements {
                // A value outside the scale's range (a damaged store, a scale narrowed after answers were
                // stored) is not an answer: it would put the score outside 0–100.
                guard let value = response.values[statement.item.id] else { continue }
                if value == statement.notApplicable { notApplicable += 1; continue }
                guard value >= statement.min && value <= statement.max else { continue }
                let k = statement.item.reverse ? statement.min + statement.max - value : value
                keyed.append((statement.item, statement.span > 0 ? 100 * (k - statement.min) / statement.span : 0, k))
                // One answer one option up or down moves its value by `step` on a scale `span` wide.
                span = statement.span
                step = statement.step
            }
            let applicable = statements.count - notApplicable
            let enough = applicable > 0 && keyed.count >= max(1, rule.minAnswers)
                && Double(keyed.count) >= rule.minAnswered * Double(applicable)
                && (rule.maxMissing.map { applicable - keyed.count <= $0 } ?? true)
            // The mean of POMP values equals the POMP of the mean keyed value when items share a scale.
            let score = enough ? keyed.map(\.pomp).reduce(0, +) / Double(keyed.count) : nil
            let mean = enough ? keyed.map(\.value).reduce(0, +) / Double(keyed.count) : nil
            let basis = rule.bandsOn == .mean ? mean : score
            let selfBand = basis.flatMap { q.scoring.band(for: $0) }
            let borderline = basis.map { Self.isBorderline($0, answers: keyed.count, step: rule.bandsOn == .mean ? step : 100 * step / max(1e-9, span), rules: q.scoring) } ?? false
            let weakest = keyed.filter { $0.pomp < 50 }.sorted { $0.pomp < $1.pomp }.map(\.item)
            let test = Self.testResult(response, q, tasks: plan.tests[areaIndex].filter { q.applies($0, to: context) })
            var band = selfBand
            var forced = false
            var agreement: SelfTestAgreement?
            if let test, let testBand = test.band {
                let testLevel = q.scoring.testBands.firstIndex { $0.id == testBand.id }
                if let selfBand, let selfLevel = q.scoring.testBands.firstIndex(where: { $0.equivalent.contains(selfBand.id) }), let testLevel {
                    agreement = selfLevel > testLevel ? .selfHigher : selfLevel < testLevel ? .selfLower : .agree
                }
                if testBand.overrides, !(selfBand?.deficit ?? false),
                   let forcedBand = q.scoring.bands.first(where: { testBand.equivalent.contains($0.id) && $0.deficit }) {
                    band = forcedBand
                    forced = true
                    if selfBand == nil { agreement = nil }
                }
            }
            scores.append(AreaScore(area: area, score: score, mean: mean, band: band, selfBand: selfBand, answered: keyed.count,
                                    total: statements.count, notApplicable: notApplicable, priority: nil, weakest: weakest,
                                    borderline: borderline, test: test, agreement: agreement, forcedByTest: forced))
        }
        // Priority: the most severe band first, then the lowest score; equal ones keep the definition's order.
        let rank = { (s: AreaScore) in q.scoring.bands.firstIndex { $0.id == s.band?.id } ?? .max }
        let order = scores.indices.filter { scores[$0].isDeficit }.sorted {
            (rank(scores[$0]), scores[$0].score ?? 0) < (rank(scores[$1]), scores[$1].score ?? 0)
        }
        for (position, index) in order.enumerated() { scores[index].priority = position + 1 }
        self.init(respondent: response.respondent, areas: scores, version: q.version, context: context,
                  confidential: Self.confidentialScore(response, q),
                  answers: Self.openAnswers(response, q))
    }

    /// The answers to items of the definition outside the confidential block (one pass over the items, not a
    /// lookup per answer: `group` scores a district's teachers).
    static func openAnswers(_ response: Response, _ q: Questionnaire) -> [String: Double] {
        var open: [String: Double] = [:]
        open.reserveCapacity(response.values.count)
        for item in q.items where !item.confidential { if let value = response.values[item.id] { open[item.id] = value } }
        return open
    }

    /// Whether one of `answers` answers moved one option up or down would put `basis` in another band. The
    /// shifted value is nudged up by a hair before banding: a band includes its `from`, so landing exactly on
    /// a cut-off (which floating point may put a hair below) belongs to the upper band.
    static func isBorderline(_ basis: Double, answers: Int, step: Double, rules: ScoringRules) -> Bool {
        guard answers > 0, let here = rules.band(for: basis), let lower = rules.bands.first?.from, let upper = rules.bands.last?.to else { return false }
        let delta = step / Double(answers)
        let down = rules.band(for: max(lower, basis - delta + 1e-9)), up = rules.band(for: min(upper, basis + delta + 1e-9))
        return down?.id != here.id || up?.id != here.id
    }

    static func testResult(_ response: Response, _ q: Questionnaire, tasks: [Item]) -> TestResult? {
        guard !tasks.isEmpty else { return nil }
        var earned = 0.0, possible = 0.0, answered = 0
        var missed: [Item] = []
        for item in tasks {
            guard let task = item.test, let value = response.values[item.id], task.chosen(value) != nil else { continue }
            answered += 1
            let points = task.score(value)
            earned += points
            possible += task.points
            if points < task.points { missed.append(item) }
        }
        guard answered > 0, possible > 0 else { return nil }
        let score = 100 * earned / possible
        return TestResult(score: score, answered: answered, total: tasks.count,
                          band: answered == tasks.count ? q.scoring.testBand(for: score) : nil, missed: missed)
    }

    static func confidentialScore(_ response: Response, _ q: Questionnaire) -> ConfidentialScore? {
        let items = q.items.filter { $0.confidential && $0.scale != nil }
        let pomps = items.compactMap { item -> Double? in
            guard let scale = q.scale(of: item), let value = response.values[item.id], value >= scale.minValue, value <= scale.maxValue,
                  !(scale.option(value: value)?.notApplicable ?? false) else { return nil }
            return scale.pomp(scale.keyed(value, reverse: item.reverse))
        }
        guard !pomps.isEmpty else { return nil }
        let score = pomps.reduce(0, +) / Double(pomps.count)
        return ConfidentialScore(score: score, band: ScoringRules.band(for: score, in: q.scoring.confidentialBands),
                                 answered: pomps.count, total: items.count)
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

    public init(areas: [AreaChange]) { self.areas = areas }

    public init(before: DeficitProfile, after: DeficitProfile) {
        areas = after.areas.map { now in
            let then = before.areas.first { $0.area.id == now.area.id }
            return AreaChange(area: now.area, before: then?.score, after: now.score,
                              closed: (then?.isDeficit ?? false) && !now.isDeficit && now.score != nil,
                              opened: !(then?.isDeficit ?? true) && now.isDeficit)
        }
    }
}
