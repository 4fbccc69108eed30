import SurveyEngine

/// The language of human-facing output. Russian is the default; JSON keys and ids are never translated.
public enum Language: String, Sendable, CaseIterable {
    case ru, en

    /// Picks the text for this language.
    public func t(_ ru: String, _ en: String) -> String { self == .ru ? ru : en }
}

/// A questionnaire's labels in the chosen language, falling back to the definition's own language.
public struct Labels: Sendable {
    public let questionnaire: Questionnaire
    public let language: Language
    private let translation: Translation?

    public init(_ questionnaire: Questionnaire, _ language: Language) {
        self.questionnaire = questionnaire
        self.language = language
        self.translation = questionnaire.language == language.rawValue ? nil : questionnaire.translations[language.rawValue]
    }

    public var title: String { translation?.title ?? questionnaire.title }
    /// The name of an area, domain, stage, band or composite.
    public func name(_ id: String, fallback: String) -> String { translation?.names[id] ?? fallback }
    public func area(_ area: Area) -> String { name(area.id, fallback: area.title) }
    public func text(_ item: Item) -> String { translation?.items[item.id] ?? item.text }
    public func option(_ option: Option, of scale: ResponseScale) -> String {
        translation?.options[scale.id]?[option.label] ?? option.label
    }

    public func kindName(_ kind: QuestionnaireKind) -> String {
        switch kind {
        case .likert: language.t("опрос", "survey")
        case .deficits: language.t("самодиагностика", "self-diagnosis")
        case .monitoring: language.t("мониторинг", "monitoring")
        }
    }
}
