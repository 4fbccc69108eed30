import SurveyEngine

/// Encodings for files the engine writes for Excel.
public enum OutputEncoding: String, Sendable {
    case utf8 = "utf-8"
    case cp1251

    private static let cp1251Encode: [UInt32: UInt8] = {
        var table: [UInt32: UInt8] = [:]
        for (offset, scalar) in CSVText.cp1251High.enumerated() where scalar != 0 { table[UInt32(scalar)] = UInt8(0x80 + offset) }
        return table
    }()

    /// Whether cp1251 (or UTF-8) can hold this character.
    public func canEncode(_ scalar: Unicode.Scalar) -> Bool {
        self == .utf8 || scalar.value < 0x80 || Self.cp1251Encode[scalar.value] != nil
    }

    /// The text as a program saving it in this encoding leaves it: every character the encoding cannot hold
    /// becomes «?» (Excel on Russian Windows turns «5-Ә.1» into «5-?.1»).
    public func lossy(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { canEncode($0) ? $0 : "?" }))
    }

    /// The text's bytes, or the first character the encoding cannot hold.
    public func encode(_ text: String) -> Result<[UInt8], UnencodableCharacter> {
        guard self == .cp1251 else { return .success(Array(text.utf8)) }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 { out.append(UInt8(scalar.value)) } else if let byte = Self.cp1251Encode[scalar.value] { out.append(byte) } else {
                return .failure(UnencodableCharacter(character: Character(scalar)))
            }
        }
        return .success(out)
    }
}

public struct UnencodableCharacter: MessageError, Sendable, CustomStringConvertible {
    public var character: Character
    public var problem: Message {
        Messages.unwritableInCP1251(String(character), code: String(character.unicodeScalars.first!.value, radix: 16, uppercase: true))
    }
    public var description: String { problem.en }
}

/// Item codes in files that pass through cp1251: a code whose letter cp1251 cannot hold (the Kazakh «Ә» of
/// `5-Ә.1`) is written as an ASCII alias the definition declares, else in the form Excel leaves (`5-?.1`) when
/// that form names one item only; reading takes both back.
public enum CodeRecovery {
    /// The header to write for `item` in a file of `encoding`; nil when no recoverable form exists.
    public static func header(for item: Item, in q: Questionnaire, encoding: OutputEncoding) -> String? {
        if item.id.unicodeScalars.allSatisfy(encoding.canEncode) { return item.id }
        if let alias = item.aliases.first(where: { $0.unicodeScalars.allSatisfy(encoding.canEncode) }) { return alias }
        let lossy = encoding.lossy(item.id)
        return candidates(lossy, in: q).count == 1 ? lossy : nil
    }

    /// Items whose id or alias, saved in cp1251, reads as `header` (compared folded). Only headers holding «?».
    public static func candidates(_ header: String, in q: Questionnaire) -> [Int] {
        guard header.contains("?") else { return [] }
        let key = TextFolding.fold(header)
        return q.items.indices.filter { index in
            let item = q.items[index]
            return ([item.id] + item.aliases).contains { $0.contains { !$0.isASCII } && TextFolding.fold(OutputEncoding.cp1251.lossy($0)) == key }
        }
    }
}

extension CodeRecovery {
    /// A header row for a file of `encoding`: item ids in their recoverable form; other cells as they are.
    /// Fails with the first code that has none.
    public static func headerRow(_ header: [String], in q: Questionnaire, encoding: OutputEncoding) -> Result<[String], UnencodableCharacter> {
        var out: [String] = []
        for cell in header {
            guard let item = q.item(cell) else { out.append(cell); continue }
            guard let written = Self.header(for: item, in: q, encoding: encoding) else {
                let scalar = item.id.unicodeScalars.first { !encoding.canEncode($0) } ?? "?"
                return .failure(UnencodableCharacter(character: Character(scalar)))
            }
            out.append(written)
        }
        return .success(out)
    }
}
