import Foundation

/// A parsed JSON value that remembers where it stood in the file, so that a problem found later
/// (an unknown scale, an overlapping band) can be reported at its line and column.
public indirect enum JSONValue: Sendable, Equatable {
    case object([(key: String, value: JSONNode)])
    case array([JSONNode])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)): return x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    public var typeName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "true or false"
        case .null: "null"
        }
    }
}

/// A value and the byte offset where it starts.
public struct JSONNode: Sendable, Equatable {
    public var value: JSONValue
    public var offset: Int
}

/// A JSON syntax error at a byte offset.
public struct JSONSyntaxError: Error, Sendable {
    public var offset: Int
    public var kind: Kind
    /// What is wrong, put into words by `Messages.jsonSyntax`.
    public enum Kind: Sendable, Equatable {
        case textAfterValue, endExpectingValue, unexpectedCharacter(UInt8), tooDeep(Int), expectedKey(UInt8), endInObject
        case duplicateKey(String), expectedColon(String), expectedObjectSeparator(UInt8), endInArray, expectedArraySeparator(UInt8)
        case unexpectedWord(String), numberNeedsDigits, leadingZero, fractionDigits, exponentDigits, numberOutOfRange(String)
        case unterminatedString, stringNotUTF8, unpairedSurrogate, invalidUnicodeEscape, invalidEscape(UInt8), controlCharacter(UInt8), hexDigits
    }
    public var text: Message { Messages.jsonSyntax(kind) }
    /// The English text (logs, tests).
    public var message: String { text.en }
}

/// A strict RFC 8259 parser over bytes that keeps each value's offset. It refuses what would make
/// a definition ambiguous or a machine suffer: duplicate keys, nesting deeper than `maxDepth`.
public struct JSONTreeParser {
    public static let maxDepth = 64

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    public static func parse(_ data: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        var parser = JSONTreeParser(bytes: data)
        // A UTF-8 byte order mark is tolerated: editors on Windows add one.
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        parser.skipSpace()
        let node = try parser.parseValue()
        parser.skipSpace()
        if parser.index < data.count { throw parser.error(.textAfterValue) }
        return node
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func error(_ kind: JSONSyntaxError.Kind, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? index, kind: kind)
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONNode {
        guard index < bytes.count else { throw error(.endExpectingValue) }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "{"): return JSONNode(value: try parseObject(), offset: start)
        case UInt8(ascii: "["): return JSONNode(value: try parseArray(), offset: start)
        case UInt8(ascii: "\""): return JSONNode(value: .string(try parseString()), offset: start)
        case UInt8(ascii: "t"): try expectWord("true"); return JSONNode(value: .bool(true), offset: start)
        case UInt8(ascii: "f"): try expectWord("false"); return JSONNode(value: .bool(false), offset: start)
        case UInt8(ascii: "n"): try expectWord("null"); return JSONNode(value: .null, offset: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return JSONNode(value: .number(try parseNumber()), offset: start)
        default: throw error(.unexpectedCharacter(bytes[index]))
        }
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw error(.tooDeep(Self.maxDepth)) }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [(key: String, value: JSONNode)] = []
        var keys = Set<String>()
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error(index < bytes.count ? .expectedKey(bytes[index]) : .endInObject)
            }
            let keyOffset = index
            let key = try parseString()
            if !keys.insert(key).inserted { throw error(.duplicateKey(key), at: keyOffset) }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error(.expectedColon(key)) }
            index += 1
            skipSpace()
            members.append((key, try parseValue()))
            skipSpace()
            guard index < bytes.count else { throw error(.endInObject) }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw error(.expectedObjectSeparator(bytes[index]))
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONNode] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipSpace()
            elements.append(try parseValue())
            skipSpace()
            guard index < bytes.count else { throw error(.endInArray) }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw error(.expectedArraySeparator(bytes[index]))
        }
    }

    private mutating func expectWord(_ word: String) throws(JSONSyntaxError) {
        let utf8 = Array(word.utf8)
        guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
            throw error(.unexpectedWord(word))
        }
        index += utf8.count
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits() -> Int {
            let from = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - from
        }
        let intStart = index
        let intDigits = digits()
        if intDigits == 0 { throw error(.numberNeedsDigits, at: start) }
        if intDigits > 1 && bytes[intStart] == UInt8(ascii: "0") { throw error(.leadingZero, at: start) }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            if digits() == 0 { throw error(.fractionDigits) }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            if digits() == 0 { throw error(.exponentDigits) }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw error(.numberOutOfRange(text), at: start) }
        return value
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw error(.unterminatedString, at: start) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let text = String(validating: out, as: UTF8.self) else {
                    throw error(.stringNotUTF8, at: start)
                }
                return text
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw error(.unterminatedString, at: start) }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error(.unpairedSurrogate)
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error(.unpairedSurrogate) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error(.unpairedSurrogate)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error(.invalidUnicodeEscape) }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw error(.invalidEscape(escape), at: index - 2)
                }
            case 0..<0x20:
                throw error(.controlCharacter(byte))
            default:
                out.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error(.hexDigits) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw error(.hexDigits)
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }
}

/// Turns byte offsets into 1-based line and column (columns count characters, not bytes), computed
/// only when a problem is reported. O(1) per position after an O(n) index: a file of one long line with
/// many problems (minified JSON) must not cost a scan of the line per problem.
public struct LineIndex: Sendable {
    private let lineStarts: [Int]
    private let bytes: [UInt8]
    /// `leadsBefore[k]`: the UTF-8 lead bytes (those that start a character) in `bytes[0..<64·k]`.
    private let leadsBefore: [Int]

    public init(_ bytes: [UInt8]) {
        var starts = [0]
        var leads = [0]
        leads.reserveCapacity(bytes.count / 64 + 1)
        var count = 0
        for (i, b) in bytes.enumerated() {
            if b == 0x0A { starts.append(i + 1) }
            if b & 0xC0 != 0x80 { count += 1 }
            if i & 63 == 63 { leads.append(count) }
        }
        self.lineStarts = starts
        self.bytes = bytes
        self.leadsBefore = leads
    }

    public func position(of offset: Int) -> (line: Int, column: Int) {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        let end = max(start, min(offset, bytes.count))
        // Count UTF-8 lead bytes so that a Cyrillic letter is one column.
        let column = leads(before: end) - leads(before: start) + 1
        return (low + 1, column)
    }

    /// The lead bytes in `bytes[0..<end]`: a block count and at most 63 bytes scanned.
    private func leads(before end: Int) -> Int {
        let block = end >> 6
        var count = leadsBefore[block]
        for i in (block << 6)..<end where bytes[i] & 0xC0 != 0x80 { count += 1 }
        return count
    }
}
