/// How answers become scores and scores become decisions, declared in the definition so that a methodist
/// can change a threshold without a compiler.
public struct ScoringRules: Sendable, Equatable {
    /// Sets of items scored together (a survey's overall scale); reliability is computed per composite.
    public var composites: [Composite]
    /// How an area's score is formed (deficit areas, monitoring areas).
    public var area: AreaRule?
    /// Bands over an area score: POMP 0–100 for deficits, the mean level for monitoring.
    public var bands: [Band]
    /// Monitoring: how many generated suggestions a development card lists.
    public var suggestions = SuggestionRule()

    public init(composites: [Composite] = [], area: AreaRule? = nil, bands: [Band] = []) {
        self.composites = composites
        self.area = area
        self.bands = bands
    }

    /// The band a score falls in: `from` inclusive, `to` exclusive, the last band closed at its top.
    public func band(for score: Double) -> Band? {
        for (index, band) in bands.enumerated() {
            let isLast = index == bands.count - 1
            if score >= band.from && (score < band.to || (isLast && score <= band.to)) { return band }
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

    public init(minAnswered: Double = 0.5, maxMissing: Int? = nil) {
        self.minAnswered = minAnswered
        self.maxMissing = maxMissing
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

    public init(
        id: String, label: String, from: Double, to: Double, deficit: Bool = false, strength: Bool = false,
        description: String? = nil
    ) {
        self.id = id
        self.label = label
        self.from = from
        self.to = to
        self.deficit = deficit
        self.strength = strength
        self.description = description
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
