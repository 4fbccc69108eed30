/// A problem with a place, in the style of compilers and swift-format's `Finding`:
/// `teacher-deficits.json:41:18: $.items[12].scale: неизвестный id шкалы "agree5"`.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// A JSON path for definitions (`$.items[3].scale`), or a named cell for answer files.
    public var path: String?
    /// What is wrong, in both languages.
    public var text: Message
    /// What to do about it, printed on its own line.
    public var hintText: Message?

    public init(file: String, line: Int? = nil, column: Int? = nil, path: String? = nil, _ text: Message, hint: Message? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.text = text
        self.hintText = hint
    }

    /// A message already in the reader's language.
    public init(file: String, line: Int? = nil, column: Int? = nil, path: String? = nil, message: String, hint: String? = nil) {
        self.init(file: file, line: line, column: column, path: path, Message(verbatim: message), hint: hint.map(Message.init(verbatim:)))
    }

    /// The English text (logs, tests); people get `text.text(language)`.
    public var message: String { text.en }
    public var hint: String? { hintText?.en }

    public var location: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        if let path { text += ": \(path)" }
        return text
    }

    public var description: String { "\(location): \(message)" }
}
