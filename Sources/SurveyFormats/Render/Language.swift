import Foundation
import SurveyEngine

/// The language of human-facing output. Russian is the default; JSON keys and ids are never translated.
public enum Language: String, Sendable, CaseIterable {
    case ru, en

    /// Picks the text for this language.
    public func t(_ ru: String, _ en: String) -> String { self == .ru ? ru : en }

    /// A number for people: a decimal comma in Russian («2,6»), a point in English; `digits` after it.
    public func decimal(_ value: Double, digits: Int = 1) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = digits == 0 ? String(Int(rounded)) : String(format: "%.\(digits)f", rounded)
        if rounded == 0 && text.hasPrefix("-") { text.removeFirst() }
        return self == .ru ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// "84 критерия", "5 критериев", "21 критерий", «12 345 строк»; English takes one or other.
    public func count(_ n: Int, ru forms: (one: String, few: String, many: String), en: (one: String, other: String)) -> String {
        guard self == .ru else { return "\(integer(n)) \(n == 1 ? en.one : en.other)" }
        return "\(integer(n)) \(Language.russianForm(n, forms))"
    }

    /// The Russian noun form for a count: 1 педагог, 2 педагога, 5 педагогов, 11 педагогов, 21 педагог.
    public static func russianForm(_ n: Int, _ forms: (one: String, few: String, many: String)) -> String {
        let tens = abs(n) % 100, units = abs(n) % 10
        return (11...14).contains(tens) ? forms.many : units == 1 ? forms.one : (2...4).contains(units) ? forms.few : forms.many
    }

    /// A whole number for people. Russian groups the digits of 10 000 and more in threes with a no-break
    /// space («12 345», «1 000 000»), as Russian typesetting does (4-digit numbers stay whole: «2026», «9999»);
    /// English keeps plain digits. JSON and CSV never go through this: they keep plain digits.
    public func integer(_ n: Int) -> String {
        let digits = String(n.magnitude)
        guard self == .ru, digits.count > 4 else { return String(n) }
        var grouped = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped.append("\u{00A0}") }
            grouped.append(digit)
        }
        return (n < 0 ? "-" : "") + grouped
    }
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

    /// How many items, named as this kind of questionnaire calls them.
    public func itemCount(_ n: Int) -> String {
        switch questionnaire.kind {
        case .monitoring: language.count(n, ru: ("критерий", "критерия", "критериев"), en: ("criterion", "criteria"))
        case .likert, .deficits: language.count(n, ru: ("утверждение", "утверждения", "утверждений"), en: ("statement", "statements"))
        }
    }

    public func kindName(_ kind: QuestionnaireKind) -> String { Messages.kindName(kind).text(language) }
}
