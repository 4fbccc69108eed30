/// The three kinds of questionnaire the engine serves; the kind decides which analyses apply.
public enum QuestionnaireKind: String, Sendable, Codable, CaseIterable {
    /// Statements rated on an agreement scale (staff and parent surveys).
    case likert
    /// Self-diagnosis of professional deficits across competence areas.
    case deficits
    /// Levels 1–3 per criterion for each child, at several stages a year.
    case monitoring
}

/// A questionnaire definition: what is asked, how answers are scored, and the rules that turn scores into
/// decisions. Loaded from `questionnaires/*.json`; every threshold lives here, none in code.
public struct Questionnaire: Sendable, Equatable {
    public var id: String
    public var version: String
    public var kind: QuestionnaireKind
    public var title: String
    public var language: String
    public var description: String?
    public var scales: [ResponseScale]
    public var domains: [Domain]
    public var areas: [Area]
    public var stages: [Stage]
    public var items: [Item]
    public var scoring: ScoringRules
    /// Questions about the person asked before the items (a teacher's role, subject, experience…).
    public var context: [ContextField]
    /// Labels in other languages, keyed by language code (`en`), then by the id they translate.
    public var translations: [String: Translation]
    /// Variants of one definition for different groups (taught in Russian, taught in Kazakh): the first keeps
    /// the definition's id, each other is the questionnaire `<id>-<variant id>` (see `variant(_:)`).
    public var variants: [Variant] = []

    public init(
        id: String, version: String = "1", kind: QuestionnaireKind, title: String, language: String = "ru",
        description: String? = nil, scales: [ResponseScale], domains: [Domain] = [], areas: [Area] = [],
        stages: [Stage] = [], items: [Item], scoring: ScoringRules = ScoringRules(),
        translations: [String: Translation] = [:], context: [ContextField] = []
    ) {
        self.id = id
        self.version = version
        self.kind = kind
        self.title = title
        self.language = language
        self.description = description
        self.scales = scales
        self.domains = domains
        self.areas = areas
        self.stages = stages
        self.items = items
        self.scoring = scoring
        self.translations = translations
        self.context = context
    }

    /// Whether an item is part of a variant: items of common areas and items without an area always are.
    public func isActive(_ item: Item, in variant: String) -> Bool {
        guard let area = item.area.flatMap(self.area), let own = area.variant else { return true }
        return own == variant
    }

    /// The questionnaire one variant is: its own areas and the common ones, their items; the first variant
    /// keeps the id, another gets `<id>-<variant id>` and its title. Without variants, itself.
    public func variant(_ variant: Variant) -> Questionnaire {
        var q = self
        let isFirst = variants.first?.id == variant.id
        q.variants = []
        q.areas = areas.filter { $0.variant == nil || $0.variant == variant.id }
        q.items = items.filter { isActive($0, in: variant.id) }
        // Translations of the other variants' areas go with them.
        let dropped = Set(areas.map(\.id)).subtracting(q.areas.map(\.id))
        let kept = Set(q.items.map(\.id))
        q.translations = translations.mapValues { t in
            var t = t
            t.names = t.names.filter { !dropped.contains($0.key) }
            t.items = t.items.filter { kept.contains($0.key) }
            return t
        }
        if !isFirst {
            q.id = id + "-" + variant.id
            if let title = variant.questionnaireTitle { q.title = title }
        }
        return q
    }

    /// Every questionnaire the definition gives: itself, or one per variant (the first keeping the id).
    public var resolvedVariants: [Questionnaire] { variants.isEmpty ? [self] : variants.map(variant) }

    public func scale(_ id: String) -> ResponseScale? { scales.first { $0.id == id } }
    public func area(_ id: String) -> Area? { areas.first { $0.id == id } }
    public func item(_ id: String) -> Item? { items.first { $0.id == id } }

    /// The scale an item is answered on; nil for free-text items.
    public func scale(of item: Item) -> ResponseScale? { item.scale.flatMap(scale) }

    /// Items answered on a scale (free-text items and test tasks excluded), in questionnaire order.
    public var scoredItems: [Item] { items.filter { $0.scale != nil } }

    /// Test tasks with a key, in questionnaire order.
    public var testItems: [Item] { items.filter { $0.test != nil } }
}

/// An ordered set of answer options. Options are kept in display order, which need not be value order
/// (the seed's agreement scale is shown «Полностью согласен» first, value 4).
public struct ResponseScale: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// Agreement or frequency options with values.
        case ordinal
        /// Developmental levels: values 1…n, n the highest, listed lowest first.
        case levels
    }

    public var id: String
    public var kind: Kind
    public var options: [Option]
    /// Keyed values at or above this count as favourable ("positive") answers; nil when the scale has no
    /// favourable side. On the 4-point agreement scale it is 3 (top-2).
    public var favourableFrom: Double?

    public init(id: String, kind: Kind = .ordinal, options: [Option], favourableFrom: Double? = nil) {
        self.id = id
        self.kind = kind
        self.options = options
        self.favourableFrom = favourableFrom
    }

    /// The answers that measure something: «Не относится к моей работе» is an answer but no point on the scale.
    public var scaleOptions: [Option] { options.filter { !$0.notApplicable } }
    // Without building `scaleOptions`: scoring reads these per answer (a district's `group`).
    public var minValue: Double {
        var low: Double?
        for option in options where !option.notApplicable { low = Swift.min(low ?? option.value, option.value) }
        return low ?? 0
    }
    public var maxValue: Double {
        var high: Double?
        for option in options where !option.notApplicable { high = Swift.max(high ?? option.value, option.value) }
        return high ?? 0
    }

    /// The value of the «does not apply» answer, if the scale has one.
    public var notApplicableValue: Double? { options.first(where: \.notApplicable)?.value }

    /// Reverse keying uses the declared range, never the observed one: `min + max − x`.
    public func keyed(_ value: Double, reverse: Bool) -> Double {
        reverse ? minValue + maxValue - value : value
    }

    /// Percent of maximum possible: 100·(x − min)/(max − min).
    public func pomp(_ keyedValue: Double) -> Double {
        let span = maxValue - minValue
        return span > 0 ? 100 * (keyedValue - minValue) / span : 0
    }

    public func option(value: Double) -> Option? { options.first { $0.value == value } }
}

/// One answer option: what is printed, the number it scores as, and the other spellings accepted on input.
public struct Option: Sendable, Equatable {
    public var label: String
    public var value: Double
    /// Other spellings seen on paper («Несогласен», «Согласна»); matched after folding.
    public var aliases: [String]
    /// A behavioural anchor or level descriptor shown beside the label.
    public var descriptor: String?
    /// «Не относится к моей работе»: the statement is not the person's job. It counts as neither a deficit
    /// nor a strength: scores leave it out as if the statement had not been asked.
    public var notApplicable: Bool

    public init(label: String, value: Double, aliases: [String] = [], descriptor: String? = nil, notApplicable: Bool = false) {
        self.label = label
        self.value = value
        self.aliases = aliases
        self.descriptor = descriptor
        self.notApplicable = notApplicable
    }
}

/// A group of areas (the five developmental domains of the pre-school standard).
public struct Domain: Sendable, Equatable {
    public var id: String
    public var title: String
    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

/// One variant of a definition: who it is for, and the title its questionnaire carries.
public struct Variant: Sendable, Equatable {
    public var id: String
    /// Who uses it: «Группы с казахским языком обучения».
    public var title: String
    /// The questionnaire's title in this variant (the first variant keeps the definition's).
    public var questionnaireTitle: String?
    public init(id: String, title: String, questionnaireTitle: String? = nil) {
        self.id = id
        self.title = title
        self.questionnaireTitle = questionnaireTitle
    }
}

/// A competence area (deficits) or an area of organised activity (monitoring).
public struct Area: Sendable, Equatable {
    public var id: String
    public var title: String
    public var domain: String?
    /// The variant the area belongs to (nil: common to all variants).
    public var variant: String?
    public init(id: String, title: String, domain: String? = nil) {
        self.id = id
        self.title = title
        self.domain = domain
    }
}

/// A monitoring stage of the school year (стартовый, промежуточный, итоговый).
public struct Stage: Sendable, Equatable {
    public var id: String
    public var title: String
    /// The month it is held in, 1–12, for ordering and display.
    public var month: Int?
    public init(id: String, title: String, month: Int? = nil) {
        self.id = id
        self.title = title
        self.month = month
    }
}

/// A statement, question or criterion.
public struct Item: Sendable, Equatable {
    public var id: String
    public var number: Int
    public var text: String
    /// The response scale's id; nil for a free-text item.
    public var scale: String?
    public var area: String?
    /// Negatively worded: disagreeing is the good answer, so values are keyed `min + max − x`.
    public var reverse: Bool
    public var required: Bool
    /// A test task with a key (then `scale` is nil and the answer is the chosen options).
    public var test: TestTask?
    /// Whom the statement concerns; nil = everyone.
    public var appliesTo: Applicability?
    /// About the person's own state (burnout): shown to the person only, never by name to anyone else,
    /// never part of an area or a route.
    public var confidential: Bool
    /// Where the statement or task comes from (a seed, a law's article), for docs and `show`.
    public var source: String?
    /// Descriptors written for this statement, one per option of its scale in order; nil = the scale's own.
    public var descriptors: [String]?
    /// Monitoring: what the child observably does at each level (level value → indicator), so that a level
    /// is judged against this criterion's own description, not only the scale's generic one.
    public var indicators: [Int: String] = [:]
    /// Other codes accepted for this item in an answer file's header, such as an ASCII spelling of a code
    /// whose letter cp1251 cannot hold («5-A.1» for «5-Ә.1»).
    public var aliases: [String] = []
    /// Monitoring: a free-text item for one domain (the teacher's measures for «Физическое развитие»).
    public var domain: String?

    public init(
        id: String, number: Int, text: String, scale: String?, area: String? = nil,
        reverse: Bool = false, required: Bool = true, test: TestTask? = nil, appliesTo: Applicability? = nil,
        confidential: Bool = false, source: String? = nil, descriptors: [String]? = nil
    ) {
        self.id = id
        self.number = number
        self.text = text
        self.scale = scale
        self.area = area
        self.reverse = reverse
        self.required = required
        self.test = test
        self.appliesTo = appliesTo
        self.confidential = confidential
        self.source = source
        self.descriptors = descriptors
    }

    public var isFreeText: Bool { scale == nil && test == nil }
    public var isTest: Bool { test != nil }
}

/// Labels of one other language. Missing entries fall back to the questionnaire's own language.
public struct Translation: Sendable, Equatable {
    public var title: String?
    /// Keyed by area, domain, stage or band id.
    public var names: [String: String]
    /// Keyed by item id.
    public var items: [String: String]
    /// Keyed by scale id, then by the option's label in the questionnaire's language.
    public var options: [String: [String: String]]

    public init(
        title: String? = nil, names: [String: String] = [:], items: [String: String] = [:],
        options: [String: [String: String]] = [:]
    ) {
        self.title = title
        self.names = names
        self.items = items
        self.options = options
    }
}

extension Questionnaire {
    /// The definition a stored response was given under: this one when it answers any of its items, else the
    /// earlier version whose items it answers most (ids are never reused across versions).
    public func version(for response: Response, among earlier: [Questionnaire]) -> Questionnaire {
        let answered = Set(response.values.keys).union(response.texts.keys)
        if items.contains(where: { answered.contains($0.id) }) || answered.isEmpty { return self }
        let best = earlier.max { a, b in
            a.items.filter { answered.contains($0.id) }.count < b.items.filter { answered.contains($0.id) }.count
        }
        guard let best, best.items.contains(where: { answered.contains($0.id) }) else { return self }
        return best
    }
}
