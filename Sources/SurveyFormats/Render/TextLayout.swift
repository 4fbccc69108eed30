/// Terminal layout that counts what a terminal shows: a Cyrillic letter is one column, a CJK ideograph two,
/// a combining mark none.
public enum TextLayout {
    public static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + width(of: $1) }
    }

    static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        // Printable ASCII and Cyrillic letters (nearly all our text) are one column: no property lookup.
        if (0x20..<0x7F).contains(v) || (0x410...0x44F).contains(v) || v == 0x401 || v == 0x451 { return 1 }
        if v == 0 || scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark
            || (0x200B...0x200F).contains(v) { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        return 1
    }

    /// Pads (or, with `truncate`, cuts with an ellipsis) to exactly `columns` display columns.
    public static func pad(_ text: String, to columns: Int, alignRight: Bool = false, truncate: Bool = true) -> String {
        var text = text
        if truncate && width(text) > columns { text = cut(text, to: columns) }
        let fill = String(repeating: " ", count: max(0, columns - width(text)))
        return alignRight ? fill + text : text + fill
    }

    public static func cut(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        var out = "", used = 0
        for character in text {
            let w = width(String(character))
            if used + w > columns - 1 { return out + "…" }
            out.append(character)
            used += w
        }
        return out
    }

    /// Breaks text into lines of at most `columns`, at spaces where it can.
    public static func wrap(_ text: String, to columns: Int) -> [String] {
        var lines: [String] = [], line = ""
        // The line's width is kept as words are added (measuring the whole line per word made long reports slow).
        var lineWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let wordWidth = width(word)
            if line.isEmpty { line = word; lineWidth = wordWidth } else if lineWidth + 1 + wordWidth <= columns { line += " " + word; lineWidth += 1 + wordWidth } else {
                lines.append(line)
                line = word
                lineWidth = wordWidth
            }
            while lineWidth > columns {
                let head = String(line.prefix(columns))
                lines.append(head)
                line = String(line.dropFirst(columns))
                lineWidth = width(line)
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// A plain table: a header row, a rule, rows; columns sized to content, right-aligned where asked.
    public static func table(_ header: [String], _ rows: [[String]], alignRight: Set<Int> = [], maxWidth: [Int: Int] = [:]) -> String {
        var widths = header.map(width)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], width(cell)) }
        }
        for (i, limit) in maxWidth where i < widths.count { widths[i] = min(widths[i], limit) }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 && !alignRight.contains(i)
                    ? (width(cell) > widths[i] ? cut(cell, to: widths[i]) : cell)
                    : pad(cell, to: widths[i], alignRight: alignRight.contains(i))
            }.joined(separator: "  ")
        }
        var out = line(header) + "\n"
        out += widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}
