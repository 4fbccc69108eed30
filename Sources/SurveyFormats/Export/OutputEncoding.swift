/// Encodings for files the engine writes for Excel.
public enum OutputEncoding: String, Sendable {
    case utf8 = "utf-8"
    case cp1251

    private static let cp1251Encode: [UInt32: UInt8] = {
        var table: [UInt32: UInt8] = [:]
        for (offset, scalar) in CSVText.cp1251High.enumerated() where scalar != 0 { table[UInt32(scalar)] = UInt8(0x80 + offset) }
        return table
    }()

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

public struct UnencodableCharacter: Error, Sendable, CustomStringConvertible {
    public var character: Character
    public var description: String { "«\(character)» (U+\(String(character.unicodeScalars.first!.value, radix: 16, uppercase: true))) cannot be written in cp1251; use utf-8" }
}
