/// Writes RFC 4180 CSV that Excel opens as intended: quoting where needed, CRLF line ends, optionally a
/// UTF-8 BOM and `;` (Russian Excel), and text cells that would run as formulas defused.
public struct CSVWriter: Sendable {
    public var delimiter: Character
    public var lineEnd = "\r\n"
    private(set) public var text = ""

    public init(delimiter: Character = ";", bom: Bool = false) {
        self.delimiter = delimiter
        if bom { text = "\u{FEFF}" }
    }

    /// Appends one record. `defuse` marks cells that hold free text (names, comments).
    public mutating func row(_ cells: [String], defuse: Set<Int> = []) {
        text += cells.enumerated().map { i, cell in
            Self.quote(defuse.contains(i) ? Self.defused(cell) : cell, delimiter: delimiter)
        }.joined(separator: String(delimiter)) + lineEnd
    }

    /// The text written so far, handed over and cleared (for output written a piece at a time).
    public mutating func take() -> String {
        defer { text = "" }
        return text
    }

    /// A cell Excel would evaluate (`=`, `+`, `-`, `@`, tab or CR first) gets a leading apostrophe, which
    /// Excel shows as text and `survey import` removes again.
    public static func defused(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        return "'" + cell
    }

    /// `delimiter` must be ASCII (Excel's are `;`, `,` and tab).
    public static func quote(_ cell: String, delimiter: Character) -> String {
        guard let d = delimiter.asciiValue else { preconditionFailure("CSVWriter: the delimiter «\(delimiter)» is not ASCII") }
        // On bytes: a Character compare costs a Unicode normalisation check per cell (`sample` spent most of
        // its time there), and every character that calls for quotes is ASCII.
        let needs = cell.utf8.contains { $0 == d || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            || cell.utf8.first == 0x20 || cell.utf8.last == 0x20
        return needs ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
    }
}
