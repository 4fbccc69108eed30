import Foundation
import SurveyEngine

/// The version-2 record codec: one response as a few bytes — an option code per column of its batch —
/// with escapes for any other value, and the strings (name, stage, free texts, kept columns) after them.
/// docs/STORE.md describes the bytes; this file is the reference implementation.
enum StoreRecord {
    static let blank: UInt8 = 0
    /// A value that is not in its column's table: the exact Double follows in the escape list.
    static let escape: UInt8 = 255
    /// Codes 1…254 name the values of a column's table; a column with more distinct values escapes the rest.
    static let maxCodes = 254

    enum Flag {
        static let respondent: UInt8 = 1
        static let stage: UInt8 = 2
        static let texts: UInt8 = 4
        static let attributes: UInt8 = 8
        static let escapes: UInt8 = 16
    }

    /// FNV-1a 64 of the identity's UTF-8: the fixed-size key of the identity runs. A match is always checked
    /// against the stored record, so a collision never replaces anyone else's answers.
    static func fingerprint(_ identity: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var text = identity
        text.withUTF8 { bytes in
            for b in bytes { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        }
        return hash
    }

    /// Appends one record (its length field first) to `out`, registering new columns, values and keys.
    static func encode(_ response: Response, tables: inout BatchTables, into out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: [0, 0, 0, 0, 0])  // length, flags
        var flags: UInt8 = 0
        // The codes go straight into `out` (grown to the widest column seen); escapes are rare.
        var width = 0
        var escaped: [(column: Int, value: Double)] = []
        let codesAt = out.count + 2
        out.append(contentsOf: [0, 0])
        for (id, value) in response.values {
            let column = tables.column(id)
            if column >= width {
                out.append(contentsOf: repeatElement(0, count: column + 1 - width))
                width = column + 1
            }
            let code = tables.code(column: column, value: value)
            out[codesAt + column] = code
            if code == escape { escaped.append((column, value)) }
        }
        out[codesAt - 2] = UInt8(truncatingIfNeeded: width)
        out[codesAt - 1] = UInt8(truncatingIfNeeded: width >> 8)
        if !escaped.isEmpty {
            flags |= Flag.escapes
            // Escapes in column order, so the reader pairs them with the 255 codes as it meets them.
            for (_, value) in escaped.sorted(by: { $0.column < $1.column }) { appendU64(value.bitPattern, &out) }
        }
        if let respondent = response.respondent { flags |= Flag.respondent; appendString32(respondent, &out) }
        if let stage = response.stage { flags |= Flag.stage; appendString16(stage, &out) }
        if !response.texts.isEmpty {
            flags |= Flag.texts
            appendPairs(response.texts, code: { tables.column($0) }, &out)
        }
        if !response.attributes.isEmpty {
            flags |= Flag.attributes
            appendPairs(response.attributes, code: { tables.key($0) }, &out)
        }
        let length = UInt32(out.count - start - 4)
        for k in 0..<4 { out[start + k] = UInt8(truncatingIfNeeded: length >> (8 * k)) }
        out[start + 4] = flags
    }

    /// `encode` for a record whose codes are known (no escapes) and whose strings are bytes already: the
    /// same bytes `encode` writes for the response they make (a test compares the two).
    static func encodeCoded(_ codes: UnsafeBufferPointer<UInt8>, respondent: UnsafeBufferPointer<UInt8>?, stage: [UInt8]?,
                            kept: ArraySlice<(key: Int, bytes: UnsafeBufferPointer<UInt8>)>, into out: inout [UInt8]) {
        let start = out.count
        // As `encode`: the codes up to the last answered column.
        var width = codes.count
        while width > 0 && codes[width - 1] == blank { width -= 1 }
        var flags: UInt8 = 0
        if respondent != nil { flags |= Flag.respondent }
        if stage != nil { flags |= Flag.stage }
        if !kept.isEmpty { flags |= Flag.attributes }
        out.append(contentsOf: [0, 0, 0, 0, flags, UInt8(truncatingIfNeeded: width), UInt8(truncatingIfNeeded: width >> 8)])
        out.append(contentsOf: UnsafeBufferPointer(rebasing: codes[0..<width]))
        if let respondent { appendBytes32(respondent, &out) }
        if let stage { appendU16(stage.count, &out); out.append(contentsOf: stage) }
        if !kept.isEmpty {
            appendU16(kept.count, &out)
            for (key, bytes) in kept {
                appendU16(key, &out)
                appendBytes32(bytes, &out)
            }
        }
        let length = UInt32(out.count - start - 4)
        for k in 0..<4 { out[start + k] = UInt8(truncatingIfNeeded: length >> (8 * k)) }
    }

    static func appendBytes32(_ bytes: UnsafeBufferPointer<UInt8>, _ out: inout [UInt8]) {
        for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: bytes.count >> (8 * k))) }
        out.append(contentsOf: bytes)
    }

    /// A decoded record's parts, read from its body (the bytes after the length field).
    struct View {
        let body: UnsafeRawBufferPointer
        var flags: UInt8 { body[0] }
        var codeCount: Int { Int(body[1]) | Int(body[2]) << 8 }
        var codes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: body[3..<3 + codeCount]) }

        /// The whole response, or nil if the record is damaged (lengths pointing past its end).
        func response(_ tables: BatchTables) -> Response? {
            var cursor = Cursor(body: body, at: 3 + codeCount)
            var response = Response()
            let codes = self.codes
            let escapes = flags & Flag.escapes != 0
            for (column, code) in codes.enumerated() where code != blank {
                guard column < tables.columns.count else { return nil }
                if code == escape {
                    guard escapes, let bits = cursor.u64() else { return nil }
                    response.values[tables.columns[column]] = Double(bitPattern: bits)
                } else {
                    let values = tables.values[column]
                    guard Int(code) <= values.count else { return nil }
                    response.values[tables.columns[column]] = values[Int(code) - 1]
                }
            }
            if flags & Flag.respondent != 0 { guard let name = cursor.string32() else { return nil }; response.respondent = name }
            if flags & Flag.stage != 0 { guard let stage = cursor.string16() else { return nil }; response.stage = stage }
            if flags & Flag.texts != 0 {
                guard let count = cursor.u16() else { return nil }
                for _ in 0..<count {
                    guard let column = cursor.u16(), column < tables.columns.count, let text = cursor.string32() else { return nil }
                    response.texts[tables.columns[column]] = text
                }
            }
            if flags & Flag.attributes != 0 {
                guard let count = cursor.u16() else { return nil }
                for _ in 0..<count {
                    guard let key = cursor.u16(), key < tables.keys.count, let value = cursor.string32() else { return nil }
                    response.attributes[tables.keys[key]] = value
                }
            }
            return response
        }

        /// The value of kept column `key` (an index into the batch's keys), skipping the rest; nil if absent.
        func attribute(_ key: Int) -> String? {
            guard flags & Flag.attributes != 0 else { return nil }
            var cursor = Cursor(body: body, at: 3 + codeCount)
            if flags & Flag.escapes != 0 { cursor.skip(8 * codes.reduce(0) { $0 + ($1 == escape ? 1 : 0) }) }
            if flags & Flag.respondent != 0 { guard let n = cursor.u32() else { return nil }; cursor.skip(n) }
            if flags & Flag.stage != 0 { guard let n = cursor.u16() else { return nil }; cursor.skip(n) }
            if flags & Flag.texts != 0 {
                guard let count = cursor.u16() else { return nil }
                for _ in 0..<count {
                    guard cursor.u16() != nil, let n = cursor.u32() else { return nil }
                    cursor.skip(n)
                }
            }
            guard let count = cursor.u16() else { return nil }
            for _ in 0..<count {
                guard let index = cursor.u16(), let value = cursor.string32() else { return nil }
                if index == key { return value }
            }
            return nil
        }

        /// The respondent's name as stored (for messages), skipping the rest.
        func name() -> String? {
            var cursor = respondentCursor()
            return cursor?.string32()
        }

        /// A cursor at the respondent's name (past the codes and escapes); nil when the record names nobody.
        private func respondentCursor() -> Cursor? {
            guard flags & Flag.respondent != 0 else { return nil }
            var cursor = Cursor(body: body, at: 3 + codeCount)
            if flags & Flag.escapes != 0 { cursor.skip(8 * codes.reduce(0) { $0 + ($1 == escape ? 1 : 0) }) }
            return cursor
        }

        /// Only the identity (respondent and stage), skipping the rest: the name folded as `Response.identity`
        /// folds it, so that a later answer under another spelling supersedes this one.
        func identity() -> String? {
            guard var cursor = respondentCursor(), let raw = cursor.string32() else { return nil }
            let name = TextFolding.fold(raw)
            if flags & Flag.stage != 0 { guard let stage = cursor.string16() else { return nil }; return "\(name)\u{1F}\(stage)" }
            return name
        }
    }

    struct Cursor {
        let body: UnsafeRawBufferPointer
        var at: Int
        mutating func skip(_ n: Int) { at += n }
        mutating func u16() -> Int? {
            guard at + 2 <= body.count else { return nil }
            defer { at += 2 }
            return Int(body[at]) | Int(body[at + 1]) << 8
        }
        mutating func u32() -> Int? {
            guard at + 4 <= body.count else { return nil }
            defer { at += 4 }
            return (0..<4).reduce(0) { $0 | Int(body[at + $1]) << (8 * $1) }
        }
        mutating func u64() -> UInt64? {
            guard at + 8 <= body.count else { return nil }
            defer { at += 8 }
            return (0..<8).reduce(UInt64(0)) { $0 | UInt64(body[at + $1]) << (8 * UInt64($1)) }
        }
        mutating func bytes(_ n: Int) -> String? {
            guard n >= 0, at + n <= body.count else { return nil }
            defer { at += n }
            return String(decoding: UnsafeRawBufferPointer(rebasing: body[at..<at + n]), as: UTF8.self)
        }
        mutating func string32() -> String? { u32().flatMap { bytes($0) } }
        mutating func string16() -> String? { u16().flatMap { bytes($0) } }
    }

    /// A count, then each key's code and its text, in key order (a single one needs no sorting, and gets no
    /// array): the record's free texts and kept attributes.
    @inline(__always)
    static func appendPairs(_ pairs: [String: String], code: (String) -> Int, _ out: inout [UInt8]) {
        appendU16(pairs.count, &out)
        if pairs.count == 1, let (key, value) = pairs.first {
            appendU16(code(key), &out)
            appendString32(value, &out)
        } else {
            for (key, value) in pairs.sorted(by: { $0.key < $1.key }) {
                appendU16(code(key), &out)
                appendString32(value, &out)
            }
        }
    }

    static func appendU16(_ value: Int, _ out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value))
        out.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    static func appendU64(_ value: UInt64, _ out: inout [UInt8]) {
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(k)))) }
    }

    static func appendString32(_ text: String, _ out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: bytes.count >> (8 * k))) }
            out.append(contentsOf: bytes)
        }
    }

    static func appendString16(_ text: String, _ out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            let n = min(bytes.count, 0xFFFF)
            appendU16(n, &out)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<n]))
        }
    }
}

/// The tables a batch's records refer to: its columns (item ids), each column's values (code k is
/// `values[column][k - 1]`), and the keys of kept columns. Built as rows arrive; written in the batch's
/// index line at the commit.
public struct BatchTables: Sendable, Equatable {
    public internal(set) var columns: [String] = []
    public internal(set) var values: [[Double]] = []
    public internal(set) var keys: [String] = []
    private var columnIndex: [String: Int] = [:]
    private var valueCodes: [[UInt64: UInt8]] = []
    private var keyIndex: [String: Int] = [:]

    init() {}

    init(columns: [String], values: [[Double]], keys: [String]) {
        self.columns = columns
        self.values = values
        self.keys = keys
        columnIndex = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        valueCodes = values.map { Dictionary($0.enumerated().map { ($1.bitPattern, UInt8($0 + 1)) }, uniquingKeysWith: { a, _ in a }) }
        keyIndex = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public static func == (a: BatchTables, b: BatchTables) -> Bool {
        a.columns == b.columns && a.values.map { $0.map(\.bitPattern) } == b.values.map { $0.map(\.bitPattern) } && a.keys == b.keys
    }

    mutating func column(_ id: String) -> Int {
        if let index = columnIndex[id] { return index }
        columns.append(id)
        values.append([])
        valueCodes.append([:])
        columnIndex[id] = columns.count - 1
        return columns.count - 1
    }

    /// The value's code in its column, or the escape when the table is full or the value cannot be written
    /// exactly as a JSON number (not finite).
    mutating func code(column: Int, value: Double) -> UInt8 {
        // A column has a handful of values: a scan of their bit patterns is cheaper than hashing.
        let bits = value.bitPattern
        if values[column].count <= 16 {
            for (k, known) in values[column].enumerated() where known.bitPattern == bits { return UInt8(k + 1) }
        } else if let code = valueCodes[column][bits] {
            return code
        }
        guard value.isFinite, values[column].count < StoreRecord.maxCodes else { return StoreRecord.escape }
        values[column].append(value)
        let code = UInt8(values[column].count)
        valueCodes[column][value.bitPattern] = code
        return code
    }

    mutating func key(_ key: String) -> Int {
        if let index = keyIndex[key] { return index }
        keys.append(key)
        keyIndex[key] = keys.count - 1
        return keys.count - 1
    }
}
