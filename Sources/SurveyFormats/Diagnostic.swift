/// A problem with a place, in the style of compilers and swift-format's `Finding`:
/// `teacher-deficits.json:41:18: $.items[12].scale: unknown scale "agree5"`.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// A JSON path for definitions (`$.items[3].scale`), or a named cell for answer files.
    public var path: String?
    public var message: String
    /// What to do about it, printed on its own line.
    public var hint: String?

    public init(file: String, line: Int? = nil, column: Int? = nil, path: String? = nil, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
        self.hint = hint
    }

    public var location: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        if let path { text += ": \(path)" }
        return text
    }

    public var description: String { "\(location): \(message)" }
}
