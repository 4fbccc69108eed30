/// One person's (or one child's, at one stage) answers: raw option values per item as given, before
/// reverse keying, plus free-text answers. Blank items are simply absent.
public struct Response: Sendable, Equatable {
    /// The respondent's id or name; nil for an anonymous survey.
    public var respondent: String?
    /// The monitoring stage (`start`, `mid`, `final`); nil for other kinds.
    public var stage: String?
    /// Item id → the chosen option's value.
    public var values: [String: Double]
    /// Item id → free text.
    public var texts: [String: String]
    /// Extra columns kept on import (`--keep school`), for breakdowns (`tabulate --by school`).
    public var attributes: [String: String]

    public init(respondent: String? = nil, stage: String? = nil, values: [String: Double] = [:], texts: [String: String] = [:],
                attributes: [String: String] = [:]) {
        self.respondent = respondent
        self.stage = stage
        self.values = values
        self.texts = texts
        self.attributes = attributes
    }

    /// The key under which a later response replaces an earlier one: the same respondent at the same stage.
    /// Names compare folded (case, runs of spaces, ё/е), the one rule for a person's name everywhere, so
    /// «морозова  татьяна» is «Морозова Татьяна». Anonymous responses never replace each other.
    public var identity: String? {
        guard let respondent else { return nil }
        let person = TextFolding.fold(respondent)
        return stage.map { "\(person)\u{1F}\($0)" } ?? person
    }
}
