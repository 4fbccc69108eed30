/// The normal form in which hand-typed labels and headers are compared: case folded, ё read as е,
/// runs of white space (including no-break spaces) collapsed to one space, ends trimmed.
///
/// «  Полностью  НЕ согласен » and «полностью не согласен» fold alike; «Несогласен» does not (a scale
/// declares it as an alias), so folding never merges two different words.
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isWhitespace || scalar == "\u{00A0}" {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.unicodeScalars.append(" ")
                pendingSpace = false
            }
            switch scalar {
            case "ё": out.unicodeScalars.append("е")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Roman numerals for levels, as typed: Latin I/V or Cyrillic І (U+0406) and Ⅰ-style ligatures.
    /// Returns nil when the text is not a Roman numeral from 1 to 10.
    public static func romanValue(_ text: String) -> Int? {
        var normalised = ""
        for scalar in text.uppercased().unicodeScalars where !scalar.properties.isWhitespace {
            switch scalar {
            case "I", "І", "Ӏ", "l": normalised.append("I")
            case "V": normalised.append("V")
            case "X", "Х": normalised.append("X")
            case "Ⅰ": normalised.append("I")
            case "Ⅱ": normalised.append("II")
            case "Ⅲ": normalised.append("III")
            default: return nil
            }
        }
        let table = ["I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10]
        return table[normalised]
    }

    /// Edit distance between two folded strings, for "did you mean" suggestions.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// The candidate nearest to `text` after folding, if it is near enough to be a plausible typo.
    public static func nearest(_ text: String, among candidates: [String]) -> String? {
        let folded = fold(text)
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(folded, fold(candidate))
            if best == nil || d < best!.1 { best = (candidate, d) }
        }
        guard let (candidate, d) = best else { return nil }
        let limit = max(2, folded.unicodeScalars.count / 3)
        return d <= limit ? candidate : nil
    }
}
