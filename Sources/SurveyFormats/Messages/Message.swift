import Foundation
import SurveyEngine

/// A sentence for people in both languages of the program: the catalogue (`Messages`) makes them, errors
/// carry them, and the command line shows `text(language)` — Russian by default, English with `--lang en`.
///
/// `description` is the English text, for logs and for tests that match an English phrase.
public struct Message: Sendable, Equatable, CustomStringConvertible {
    public var ru: String
    public var en: String

    public init(_ ru: String, _ en: String) {
        self.ru = ru
        self.en = en
    }

    /// Text that is the same in both languages: a path, a file's own words, text already rendered in the
    /// reader's language by the caller.
    public init(verbatim text: String) { self.init(text, text) }

    public func text(_ language: Language) -> String { language == .ru ? ru : en }

    public var description: String { en }

    /// Both texts joined, each in its own language.
    public static func + (left: Message, right: Message) -> Message { Message(left.ru + right.ru, left.en + right.en) }

    /// A count with its noun in each language: «5 строк» / «5 rows»; digits grouped as `Language.integer` does.
    public static func count(_ n: Int, ru forms: (one: String, few: String, many: String), en: (one: String, other: String)) -> Message {
        Message(Language.ru.count(n, ru: forms, en: en), Language.en.count(n, ru: forms, en: en))
    }

    /// A whole number in each language's convention («12 345» / «12345»).
    public static func integer(_ n: Int) -> Message { Message(Language.ru.integer(n), Language.en.integer(n)) }

    /// Messages joined with a separator.
    public static func joined(_ parts: [Message], separator: String) -> Message {
        Message(parts.map(\.ru).joined(separator: separator), parts.map(\.en).joined(separator: separator))
    }
}

/// An error that can say what went wrong in both languages.
public protocol MessageError: Error {
    /// What went wrong, with its place.
    var problem: Message { get }
    /// What to do about it, when there is something to say.
    var hintMessage: Message? { get }
}

extension MessageError {
    public var hintMessage: Message? { nil }
}
