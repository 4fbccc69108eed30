/// The character encoding of an answer file, as `--encoding` spells it.
public enum CSVEncoding: String, Sendable, CaseIterable {
    /// Byte-order mark, else strict UTF-8, else recognised Windows-1251 Russian text, else an error.
    case auto
    case utf8 = "utf-8"
    /// Windows-1251, what Excel on Russian Windows writes for "CSV (разделители — запятые)".
    case cp1251
    /// UTF-16 with a byte-order mark (little-endian without one), Excel's "Unicode text".
    case utf16 = "utf-16"

    /// Reads a command-line spelling, case-insensitive: `auto`, `utf-8`/`utf8`, `cp1251`/`windows-1251`,
    /// `utf-16`/`utf16`. Nil for anything else.
    public static func parse(_ text: String) -> CSVEncoding? {
        switch text.lowercased() {
        case "auto": return .auto
        case "utf-8", "utf8": return .utf8
        case "cp1251", "windows-1251", "win1251", "1251": return .cp1251
        case "utf-16", "utf16": return .utf16
        default: return nil
        }
    }
}

/// Field separators as `--delimiter` spells them.
public enum CSVDelimiter {
    /// `auto` → `.some(nil)` (detect); `,` `;` `tab` (also `comma`, `semicolon`, a literal tab or `\t`) →
    /// the byte; anything else → nil (not a valid spelling).
    public static func parse(_ text: String) -> UInt8?? {
        switch text.lowercased() {
        case "auto": return .some(nil)
        case ",", "comma": return .some(UInt8(ascii: ","))
        case ";", "semicolon": return .some(UInt8(ascii: ";"))
        case "tab", "\t", "\\t": return .some(UInt8(ascii: "\t"))
        default: return nil
        }
    }

    /// How messages name a delimiter: `;`, `,`, `tab`.
    public static func name(_ byte: UInt8) -> String {
        byte == UInt8(ascii: "\t") ? "tab" : String(UnicodeScalar(byte))
    }
}

/// A malformed answer file, with the physical line (1-based; 0 when the problem is with the file as a
/// whole, such as a failed open) and, when it is known, the field number in the record.
public struct CSVError: MessageError, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    /// The 1-based field number within the record.
    public var column: Int?
    /// What is wrong, in both languages (from `Messages`).
    public var text: Message
    /// What to do about it (`give --encoding cp1251`), printed on its own line.
    public var hintText: Message?

    public init(line: Int, column: Int? = nil, _ text: Message, hint: Message? = nil) {
        self.line = line
        self.column = column
        self.text = text
        self.hintText = hint
    }

    /// The English text (for logs and tests); people get `text.text(language)`.
    public var message: String { text.en }
    public var hint: String? { hintText?.en }
    public var hintMessage: Message? { hintText }

    /// `строка 14, поле 3: текст после закрывающей кавычки` / `line 14, column 3: unexpected text after a closing quote`.
    public var problem: Message { message(withPlace: true) }
    public func message(withPlace: Bool) -> Message {
        let place = Messages.place(line: line, column: column)
        return place.en.isEmpty || !withPlace ? text : place + Message(verbatim: ": ") + text
    }

    public var description: String { message(withPlace: true).en }
}

/// How to read an answer file.
public struct CSVOptions: Sendable {
    public var encoding: CSVEncoding = .auto
    /// The field separator; nil detects it (a `sep=` first line, else the first record).
    public var delimiter: UInt8? = nil
    /// A longer field (in UTF-8 bytes, as read, before `""` is unescaped) is an error.
    public var maxFieldBytes = 1 << 20
    /// A record with more fields is an error.
    public var maxColumns = 10_000
    /// Whether UTF-8 input is validated as it is read (the default). A caller that validates the cells it
    /// decodes itself — the tabulation fast path, whose cache hits are byte-identical to cells already
    /// checked — may turn it off; the bytes handed out are then unchecked.
    public var validatesUTF8 = true
    /// Bytes read per read(2).
    public var chunkSize = 1 << 20
    /// A longer record (in UTF-8 bytes) is an error; it bounds the reader's memory.
    public var maxRecordBytes = 1 << 26

    public init(encoding: CSVEncoding = .auto, delimiter: UInt8? = nil, maxFieldBytes: Int = 1 << 20, maxColumns: Int = 10_000,
                chunkSize: Int = 1 << 20, maxRecordBytes: Int = 1 << 26) {
        self.encoding = encoding
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
        self.maxColumns = maxColumns
        self.chunkSize = chunkSize
        self.maxRecordBytes = maxRecordBytes
    }
}
