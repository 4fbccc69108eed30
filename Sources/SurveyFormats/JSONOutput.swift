import Foundation

/// A JSON value to write, with object keys in the order given, so that `--format json` output is stable
/// and reads in the order of the contract.
public indirect enum JSONOutput: Sendable, Equatable {
    case object([(String, JSONOutput)])
    case array([JSONOutput])
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null

    public static func == (a: JSONOutput, b: JSONOutput) -> Bool { a.rendered() == b.rendered() }

    public static func optional(_ value: String?) -> JSONOutput { value.map(JSONOutput.string) ?? .null }
    public static func optional(_ value: Double?) -> JSONOutput { value.map(JSONOutput.number) ?? .null }
    public static func optional(_ value: Int?) -> JSONOutput { value.map(JSONOutput.integer) ?? .null }
    public static func optional(_ value: Bool?) -> JSONOutput { value.map(JSONOutput.bool) ?? .null }

    /// Pretty-printed with two-space indents and a final newline.
    public func rendered() -> String {
        var out = ""
        write(to: &out, indent: 0)
        out.append("\n")
        return out
    }

    /// Pretty-printed as a value nested `indent` levels deep (no final newline): for documents written a
    /// piece at a time, which must read as if `rendered()` had written them whole.
    public func rendered(indent: Int) -> String {
        var out = ""
        write(to: &out, indent: indent)
        return out
    }

    /// On one line, no spaces: for JSON Lines files.
    public func compact() -> String {
        var out = ""
        writeCompact(to: &out)
        return out
    }

    private func writeCompact(to out: inout String) {
        switch self {
        case .object(let members):
            out.append("{")
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(",") }
                Self.writeString(key, to: &out)
                out.append(":")
                value.writeCompact(to: &out)
            }
            out.append("}")
        case .array(let elements):
            out.append("[")
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(",") }
                element.writeCompact(to: &out)
            }
            out.append("]")
        default:
            write(to: &out, indent: 0)
        }
    }

    private func write(to out: inout String, indent: Int) {
        let pad = Self.pad(indent + 1), closePad = Self.pad(indent)
        switch self {
        case .object(let members):
            if members.isEmpty { out.append("{}"); return }
            out.append("{\n")
            for (i, (key, value)) in members.enumerated() {
                out.append(pad)
                Self.writeString(key, to: &out)
                out.append(": ")
                value.write(to: &out, indent: indent + 1)
                out.append(i == members.count - 1 ? "\n" : ",\n")
            }
            out.append(closePad + "}")
        case .array(let elements):
            if elements.isEmpty { out.append("[]"); return }
            // Arrays of scalars stay on one line: option values, item lists.
            if elements.allSatisfy(\.isScalar) {
                out.append("[")
                for (i, element) in elements.enumerated() {
                    if i > 0 { out.append(", ") }
                    element.write(to: &out, indent: indent)
                }
                out.append("]")
                return
            }
            out.append("[\n")
            for (i, element) in elements.enumerated() {
                out.append(pad)
                element.write(to: &out, indent: indent + 1)
                out.append(i == elements.count - 1 ? "\n" : ",\n")
            }
            out.append(closePad + "]")
        case .string(let text): Self.writeString(text, to: &out)
        case .number(let value): out.append(Self.format(value))
        case .integer(let value): out.append(String(value))
        case .bool(let value): out.append(value ? "true" : "false")
        case .null: out.append("null")
        }
    }

    /// Two spaces per level (the first levels made once).
    static let pads = (0..<16).map { String(repeating: "  ", count: $0) }
    static func pad(_ level: Int) -> String { level < pads.count ? pads[level] : String(repeating: "  ", count: level) }

    private var isScalar: Bool {
        switch self {
        case .object, .array: false
        default: true
        }
    }

    /// Whole numbers without a fraction; others with up to 15 significant digits (no binary noise).
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value.rounded() == value && abs(value) < 1e15 { return String(Int(value)) }
        var text = String(format: "%.15g", value)
        if text.contains("e") { text = String(value) }
        return text
    }

    static func writeString(_ text: String, to out: inout String) {
        out.append("\"")
        // Most strings need no escape: appended whole, not a scalar at a time.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0xE2 }) {
            out.append(text)
            out.append("\"")
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case let s where s.value < 0x20 || s.value == 0x2028 || s.value == 0x2029:
                out.append(String(format: "\\u%04x", s.value))
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }
}
