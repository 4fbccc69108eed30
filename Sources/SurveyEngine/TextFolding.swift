/// The normal form in which hand-typed labels and headers are compared: case folded, ё read as е,
/// runs of white space (including no-break spaces) collapsed to one space, ends trimmed.
///
/// «  Полностью  НЕ согласен » and «полностью не согласен» fold alike; «Несогласен» does not (a scale
/// declares it as an alias), so folding never merges two different words.
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        if let folded = foldRussianOrASCII(text) { return folded }
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

    /// `fold` on UTF-8 bytes for text of ASCII and the Russian alphabet only (names, labels: nearly every
    /// call), with no `lowercased()` String in between; nil for any other text, which takes the general path.
    /// The result is the same as the general path's (a test compares them).
    static func foldRussianOrASCII(_ text: String) -> String? {
        var text = text
        var out = [UInt8]()
        guard text.withUTF8({ foldRussianOrASCII($0, into: &out) }) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// The same on bytes, into `out` (emptied first, its capacity reused): false for text with any letter
    /// outside ASCII and the Russian alphabet. For the import's shortcut, which folds a name per row.
    public static func foldRussianOrASCII(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        return foldRussianOrASCII(bytes) { out.append($0) }
    }

    /// FNV-1a 64 of what `foldRussianOrASCII` would write, without writing it: nil for text with any letter
    /// outside ASCII and the Russian alphabet. The tabulation's fingerprint of a respondent's name, a row at a time.
    public static func foldedFNV1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        guard foldRussianOrASCII(bytes, emit: { hash = (hash ^ UInt64($0)) &* 0x0000_0100_0000_01B3 }) else { return nil }
        return hash
    }

    /// The folding itself, byte by byte into `emit`.
    @inline(__always)
    static func foldRussianOrASCII(_ bytes: UnsafeBufferPointer<UInt8>, emit: (UInt8) -> Void) -> Bool {
        var pendingSpace = false, emitted = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                if b == 0x20 || (0x09...0x0D).contains(b) {
                    pendingSpace = emitted
                    i += 1
                    continue
                }
                if pendingSpace { emit(0x20); pendingSpace = false }
                emit((0x41...0x5A).contains(b) ? b | 0x20 : b)
                emitted = true
                i += 1
                continue
            }
            guard i + 1 < bytes.count else { return false }
            let c = bytes[i + 1]
            var pair: (UInt8, UInt8)
            switch (b, c) {
            case (0xD0, 0x90...0x9F): pair = (0xD0, c + 0x20)        // А–П → а–п
            case (0xD0, 0xA0...0xAF): pair = (0xD1, c - 0x20)        // Р–Я → р–я
            case (0xD0, 0xB0...0xBF), (0xD1, 0x80...0x8F): pair = (b, c)  // а–я
            case (0xD0, 0x81), (0xD1, 0x91): pair = (0xD0, 0xB5)     // Ё, ё → е
            default: return false
            }
            if pendingSpace { emit(0x20); pendingSpace = false }
            emit(pair.0)
            emit(pair.1)
            emitted = true
            i += 2
        }
        return true
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

    /// The candidate nearest to `text` after folding, if it is near enough to be a plausible typo: within
    /// `max(2, n / 3)` edits of the folded text's n scalars; the first of equally near candidates.
    ///
    /// Each comparison is bounded by that limit (then by the best distance so far): a candidate whose length
    /// alone puts it out of reach costs nothing, the others O(length × limit) at most. A 1 MB cell or header
    /// no longer takes seconds per candidate. The answer is the same as comparing every candidate in full.
    public static func nearest(_ text: String, among candidates: [String]) -> String? {
        let folded = Array(fold(text).unicodeScalars)
        var limit = max(2, folded.count / 3)
        var best: String?
        for candidate in candidates {
            guard let d = distance(folded, Array(fold(candidate).unicodeScalars), limit: limit) else { continue }
            best = candidate
            if d == 0 { break }
            limit = d - 1  // only a strictly nearer candidate replaces it
        }
        return best
    }

    /// The edit distance of `x` and `y` when it is at most `limit`, else nil. Only the diagonal band of
    /// width 2·limit + 1 is computed, and the work stops at the first row that lies wholly above the limit.
    static func distance(_ x: [Unicode.Scalar], _ y: [Unicode.Scalar], limit: Int) -> Int? {
        guard limit >= 0, abs(x.count - y.count) <= limit else { return nil }
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        let over = limit + 1  // stands for every distance above the limit
        var previous = (0...y.count).map { min($0, over) }
        var current = [Int](repeating: over, count: y.count + 1)
        for i in 1...x.count {
            let from = max(1, i - limit), to = min(y.count, i + limit)
            current[from - 1] = from == 1 ? min(i, over) : over
            var rowMinimum = current[from - 1]
            for j in from...to {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                let value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost, over)
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if to < y.count { current[to + 1] = over }
            if rowMinimum > limit { return nil }
            swap(&previous, &current)
        }
        return previous[y.count] <= limit ? previous[y.count] : nil
    }
}

/// Latin and Cyrillic letters that look the same (Excel users type «Cогласен» with a Latin C, or a code
/// «5-K.1» with a Latin K): the twins of folded (lower-case) text, and where a word mixes the two scripts.
///
/// A twin is tried only after the text as typed failed to match, and taken only when exactly one of the two
/// twins matches, so folding never turns one known word into another.
public enum LookAlikeLetters {
    /// Lower-case pairs whose upper or lower forms look alike: a/а, b/в (B), c/с, e/е, h/н (H), k/к, m/м (M),
    /// o/о, p/р, t/т (T), x/х, y/у.
    static let latinToCyrillic: [Unicode.Scalar: Unicode.Scalar] = [
        "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о", "p": "р", "t": "т", "x": "х", "y": "у",
    ]
    static let cyrillicToLatin: [Unicode.Scalar: Unicode.Scalar] = Dictionary(uniqueKeysWithValues: latinToCyrillic.map { ($1, $0) })

    /// Folded text with every Latin look-alike made Cyrillic, and with every Cyrillic look-alike made Latin;
    /// nil where nothing would change.
    public static func twins(ofFolded text: String) -> (cyrillic: String?, latin: String?) {
        func swapped(_ table: [Unicode.Scalar: Unicode.Scalar]) -> String? {
            var out = String.UnicodeScalarView()
            var changed = false
            for scalar in text.unicodeScalars {
                if let twin = table[scalar] { out.append(twin); changed = true } else { out.append(scalar) }
            }
            return changed ? String(out) : nil
        }
        return (swapped(latinToCyrillic), swapped(cyrillicToLatin))
    }

    /// The one key among `known` that a twin of `folded` names, or nil when none or both do.
    public static func resolve(_ folded: String, in known: (String) -> Bool) -> String? {
        let (cyrillic, latin) = twins(ofFolded: folded)
        let hits = [cyrillic, latin].compactMap { $0 }.filter(known)
        return hits.count == 1 ? hits[0] : nil
    }

    public enum Script: Sendable, Equatable { case latin, cyrillic }

    /// A letter of the other script inside a word: the letter as typed, its script and its position (1-based,
    /// in characters of the whole text). Nil when no word mixes Latin and Cyrillic letters.
    public static func stray(in text: String) -> (letter: Character, script: Script, position: Int)? {
        // One pass, word by word: linear in the text, however long (a 1 MB cell is refused, not parsed twice).
        var word: [(Character, Script?)] = []
        var wordStart = 0, position = 0
        func check() -> (letter: Character, script: Script, position: Int)? {
            let latin = word.filter { $0.1 == .latin }.count, cyrillic = word.filter { $0.1 == .cyrillic }.count
            guard latin > 0 && cyrillic > 0 else { return nil }
            // The minority script is the stray one; on a tie, the Latin letter inside a Russian text.
            let strayScript: Script = latin <= cyrillic ? .latin : .cyrillic
            guard let offset = word.firstIndex(where: { $0.1 == strayScript }) else { return nil }
            return (word[offset].0, strayScript, wordStart + offset + 1)
        }
        for character in text {
            if character.isWhitespace {
                if let found = check() { return found }
                word.removeAll(keepingCapacity: true)
                wordStart = position + 1
            } else {
                word.append((character, script(of: character)))
            }
            position += 1
        }
        return check()
    }

    static func script(of character: Character) -> Script? {
        guard let scalar = character.unicodeScalars.first, character.isLetter else { return nil }
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A: return .latin
        case 0x0400...0x04FF: return .cyrillic
        default: return nil
        }
    }
}
