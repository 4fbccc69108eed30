/// How answers become scores and scores become decisions, declared in the definition so that a methodist
/// can change a threshold without a compiler.
public struct ScoringRules: Sendable, Equatable {
    /// Sets of items scored together (a survey's overall scale); reliability is computed per composite.
    public var composites: [Composite]
    /// How an area's score is formed (deficit areas, monitoring areas).
    public var area: AreaRule?
    /// Bands over an area score: POMP 0–100 for deficits (or the mean answer, see `AreaRule.bandsOn`), the
    /// mean level for monitoring.
    public var bands: [Band]
    /// Bands over the share of test points, 0–100 (Р-201: below 60 % high, 60–80 % medium, above 80 % minimal).
    public var testBands: [Band]
    /// Bands over the confidential block's score (POMP), shown to the person only.
    public var confidentialBands: [Band]
    /// Monitoring: how many generated suggestions a development card lists.
    public var suggestions = SuggestionRule()

    public init(composites: [Composite] = [], area: AreaRule? = nil, bands: [Band] = [], testBands: [Band] = [],
                confidentialBands: [Band] = []) {
        self.composites = composites
        self.area = area
        self.bands = bands
        self.testBands = testBands
        self.confidentialBands = confidentialBands
    }

    /// The band a score falls in: `from` inclusive, `to` exclusive (inclusive for a band `closedAbove` and for
    /// the last band), so each definition states its own rule at the boundaries.
    public func band(for score: Double) -> Band? { Self.band(for: score, in: bands) }

    public func testBand(for score: Double) -> Band? { Self.band(for: score, in: testBands) }

    public static func band(for score: Double, in bands: [Band]) -> Band? {
        for (index, band) in bands.enumerated() {
            let closed = band.closedAbove || index == bands.count - 1
            if score >= band.from && (score < band.to || (closed && score <= band.to)) { return band }
        }
        return nil
    }
}

/// A scale score over several items, e.g. all 18 statements of the staff survey.
public struct Composite: Sendable, Equatable {
    public var id: String
    public var title: String
    public var items: [String]
    /// The share of the composite's items a respondent must answer for a score (0–1).
    public var minAnswered: Double

    public init(id: String, title: String, items: [String], minAnswered: Double = 0.5) {
        self.id = id
        self.title = title
        self.items = items
        self.minAnswered = minAnswered
    }
}

/// An area score is the mean of the keyed values of its answered items, withheld when too few are answered.
public struct AreaRule: Sendable, Equatable {
    /// The share of an area's items that must be answered for a score (0–1).
    public var minAnswered: Double
    /// The most criteria that may be missing before an area is not banded (ASQ-style); nil = no such rule.
    public var maxMissing: Int?
    /// The fewest answers on the scale (not counting «не относится») for a score: fewer say too little.
    public var minAnswers: Int
    /// What the bands are drawn on: the POMP score (0–100) or the mean answer on the scale (1–4), so that a
    /// band can be tied to the meaning of an answer.
    public var bandsOn: BandBasis

    public enum BandBasis: String, Sendable, CaseIterable {
        case pomp, mean
    }

    public init(minAnswered: Double = 0.5, maxMissing: Int? = nil, minAnswers: Int = 1, bandsOn: BandBasis = .pomp) {
        self.minAnswered = minAnswered
        self.maxMissing = maxMissing
        self.minAnswers = minAnswers
        self.bandsOn = bandsOn
    }
}

/// A named interval of scores: «выраженный дефицит» [0, 40), «ресурс» [85, 100].
public struct Band: Sendable, Equatable {
    public var id: String
    public var label: String
    public var from: Double
    public var to: Double
    /// Scores in this band are a deficit to work on.
    public var deficit: Bool
    /// Scores in this band are a strength the teacher can share as a mentor.
    public var strength: Bool
    /// What the band means, shown in reports.
    public var description: String?
    /// `to` belongs to this band (Р-201's «от 60 до 80 %» includes 80).
    public var closedAbove: Bool
    /// The answer whose meaning the band carries: answering it on every statement lands here (checked by
    /// `validate`).
    public var answer: String?
    /// Test bands: the self-report bands that mean the same level, for «самооценка выше/ниже теста».
    public var equivalent: [String]
    /// Test bands: a result here makes the area a deficit whatever the self-report says.
    public var overrides: Bool

    public init(
        id: String, label: String, from: Double, to: Double, deficit: Bool = false, strength: Bool = false,
        description: String? = nil, closedAbove: Bool = false, answer: String? = nil, equivalent: [String] = [],
        overrides: Bool = false
    ) {
        self.id = id
        self.label = label
        self.from = from
        self.to = to
        self.deficit = deficit
        self.strength = strength
        self.description = description
        self.closedAbove = closedAbove
        self.answer = answer
        self.equivalent = equivalent
        self.overrides = overrides
    }
}

/// The generated suggestions of a development card are few, so the teacher's own measures stay the plan:
/// the weakest criteria, at most `perDomain` in a domain and `total` in all.
public struct SuggestionRule: Sendable, Equatable {
    public var perDomain: Int
    public var total: Int
    public init(perDomain: Int = 2, total: Int = 7) {
        self.perDomain = perDomain
        self.total = total
    }
}
