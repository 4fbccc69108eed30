import Foundation
import SurveyEngine
#if canImport(Glibc)
import Glibc
#endif

/// The spellings each column has shown, each with its option index (−1 blank, −2 not an answer), looked
/// up by length then bytes: a column has a handful of distinct spellings, mostly of different lengths, so a
/// lookup is a few integer compares and one memcmp — no hashing, no String. Raw memory owned by one part
/// (one thread), so the hot loop pays no copy-on-write checks or reference counting.
final class SpellingTables: @unchecked Sendable {
    static let slots = 32
    let columns: Int
    private let lengths: UnsafeMutablePointer<Int>
    private let offsets: UnsafeMutablePointer<Int>
    private let results: UnsafeMutablePointer<Int>
    private let used: UnsafeMutablePointer<Int>
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity = 4096
    private var arenaCount = 0

    init(columns: Int) {
        self.columns = columns
        let n = max(1, columns * Self.slots)
        lengths = .allocate(capacity: n)
        offsets = .allocate(capacity: n)
        results = .allocate(capacity: n)
        used = .allocate(capacity: max(1, columns))
        used.initialize(repeating: 0, count: max(1, columns))
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        lengths.deallocate()
        offsets.deallocate()
        results.deallocate()
        used.deallocate()
        arena.deallocate()
    }

    @inline(__always)
    func lookup(_ column: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = bytes.count, base = column &* Self.slots, count = used[column]
        var i = 0
        while i < count {
            if lengths[base &+ i] == n && (n == 0 || memcmp(arena + offsets[base &+ i], bytes.baseAddress!, n) == 0) {
                return results[base &+ i]
            }
            i &+= 1
        }
        return nil
    }

    /// Remembers a spelling; a column that has shown `slots` spellings already is matched without the cache.
    func insert(_ column: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ result: Int) {
        let count = used[column]
        guard count < Self.slots else { return }
        if arenaCount + bytes.count > arenaCapacity {
            let capacity = max(arenaCapacity * 2, arenaCount + bytes.count)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = capacity
        }
        if let source = bytes.baseAddress { (arena + arenaCount).update(from: source, count: bytes.count) }
        let slot = column * Self.slots + count
        lengths[slot] = bytes.count
        offsets[slot] = arenaCount
        results[slot] = result
        arenaCount += bytes.count
        used[column] = count + 1
    }
}

/// Tabulates answer records without building a `Response`: every cell is still checked exactly as `survey
/// import` checks it (labels, aliases, values, blanks, unknown values named with line and column), but the
/// common spellings cost a cache hit. One part per thread; parts merge.
public struct TabulationPart: Sendable {
    public enum Role: Sendable, Equatable {
        case respondent
        /// Position among the questionnaire's scored items.
        case scored(Int)
        case freeText(String)
        case unnamed
        /// The `--by` column: its value names the respondent's group.
        case group
    }

    public private(set) var accumulator: TabulationAccumulator
    /// The first problems found (up to `keep`), and how many there were in all.
    public private(set) var problems: [Diagnostic] = []
    public private(set) var problemCount = 0
    public private(set) var rows = 0
    /// With `--by`: an accumulator per group value.
    public private(set) var groups: [String: TabulationAccumulator] = [:]
    let file: String
    let roles: [Role]
    let keep: Int
    private let spellings: SpellingTables
    private var matchers: [CellMatcher?]
    private var row: [Int]
    /// Roles as integers for the hot loop: ≥ 0 a scored position, −1 anything else (handled by `roles`).
    private let codes: [Int]
    /// Respondents named so far (only when the file has a respondent column), for the duplicate check.
    private var seen: [String: Int] = [:]

    public init(questionnaire q: Questionnaire, roles: [Role], file: String, keep: Int = 1000) {
        accumulator = TabulationAccumulator(questionnaire: q)
        self.roles = roles
        self.file = file
        self.keep = keep
        spellings = SpellingTables(columns: roles.count)
        let scored = q.scoredItems
        matchers = roles.map { role in
            if case .scored(let index) = role, let scale = q.scale(of: scored[index]) { return CellMatcher(scale: scale) }
            return nil
        }
        row = [Int](repeating: -1, count: scored.count)
        codes = roles.map { if case .scored(let position) = $0 { return position }; return -1 }
    }

    /// The roles of a header's columns, or the header's problems.
    public static func roles(header: [String], questionnaire q: Questionnaire, idColumn: String?, by: String? = nil) -> (roles: [Role], problems: [HeaderProblem]) {
        let plan = HeaderMatcher(questionnaire: q, idColumn: idColumn, keep: by.map { [$0] } ?? []).plan(header)
        let position = Dictionary(q.scoredItems.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let roles = plan.roles.map { role -> Role in
            switch role {
            case .respondent: return .respondent
            case .unnamed: return .unnamed
            case .kept: return .group
            case .item(let index):
                let item = q.items[index]
                return position[item.id].map(Role.scored) ?? .freeText(item.id)
            }
        }
        return (roles, plan.problems)
    }

    private mutating func problem(_ line: Int, _ path: String?, _ message: String, hint: String? = nil) {
        problemCount += 1
        if problems.count < keep { problems.append(Diagnostic(file: file, line: line, path: path, message: message, hint: hint)) }
    }

    /// The option index of a cell: from the column's cache, else matched and remembered.
    @inline(__always)
    private mutating func optionIndex(column: Int, position: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if let cached = spellings.lookup(column, bytes) { return cached }
        // A spelling seen for the first time is validated here (the reader may leave UTF-8 unchecked):
        // −3 marks bytes that are not UTF-8.
        guard let text = String(validating: bytes, as: UTF8.self) else {
            spellings.insert(column, bytes, -3)
            return -3
        }
        let result: Int
        switch matchers[column]?.match(text) ?? .blank {
        case .blank, .text: result = -1
        case .value(let value): result = accumulator.optionIndex(item: position, value: value)
        case .invalid: result = -2
        }
        spellings.insert(column, bytes, result)
        return result
    }

    /// Checks and counts one data record.
    public mutating func consume(_ record: CSVRecord) {
        for i in row.indices { row[i] = -1 }
        var anything = false
        var bad = false
        var group: String?
        let columns = min(record.count, roles.count)
        for column in 0..<columns {
            let bytes = record.bytes(column)
            let position = codes[column]
            if position >= 0 {
                // The hot path: a cached spelling of a scored item.
                let index = spellings.lookup(column, bytes) ?? optionIndex(column: column, position: position, bytes)
                if index >= 0 {
                    row[position] = index
                    anything = true
                    continue
                }
            }
            guard position >= 0 || isUTF8(bytes) else {
                anything = true
                bad = true
                problem(record.lineOfField(column), "column \(column + 1)", "the cell is not valid UTF-8", hint: "give --encoding cp1251 if the file is from Excel on Windows")
                continue
            }
            switch roles[column] {
            case .scored(let position):
                let index = optionIndex(column: column, position: position, bytes)
                if index == -3 {
                    anything = true
                    bad = true
                    problem(record.lineOfField(column), "column \(column + 1)", "the cell is not valid UTF-8", hint: "give --encoding cp1251 if the file is from Excel on Windows")
                } else if index == -2 {
                    anything = true
                    bad = true
                    let raw = String(decoding: bytes, as: UTF8.self)
                    let item = accumulator.questionnaire.scoredItems[position]
                    let suggestion: String?
                    if case .invalid(let s) = matchers[column]?.match(raw) ?? .blank { suggestion = s } else { suggestion = nil }
                    problem(record.lineOfField(column), "column \(column + 1), item \(item.number)",
                            "«\(raw)» is not an answer of this item" + (suggestion.map { " — did you mean «\($0)»?" } ?? ""))
                }
            case .freeText(let id):
                if !isBlank(bytes) {
                    anything = true
                    accumulator.addComment(item: id, text: cleanFreeText(String(decoding: bytes, as: UTF8.self)))
                }
            case .respondent:
                if !isBlank(bytes) {
                    anything = true
                    let name = cleanFreeText(String(decoding: bytes, as: UTF8.self))
                    if let earlier = seen[name] {
                        bad = true
                        problem(record.line, nil, "«\(name)» already answered on line \(earlier) of this file")
                    } else {
                        seen[name] = record.line
                    }
                }
            case .unnamed:
                if !isBlank(bytes) {
                    anything = true
                    bad = true
                    problem(record.lineOfField(column), "column \(column + 1)", "a value in a column with no header")
                }
            case .group:
                let value = cleanFreeText(String(decoding: bytes, as: UTF8.self))
                group = value.isEmpty ? nil : value
            }
        }
        if record.count > roles.count {
            for column in roles.count..<record.count where !isUTF8(record.bytes(column)) || !isBlank(record.bytes(column)) {
                bad = true
                anything = true
                problem(record.line, nil, "the row has \(record.count) cells but the header only \(roles.count)")
                break
            }
        }
        // Rows with nothing in them are not respondents (Excel leaves some at the end).
        guard anything else { return }
        rows += 1
        guard !bad else { return }
        row.withUnsafeBufferPointer { accumulator.add(optionRow: $0) }
        if roles.contains(.group) {
            let key = group ?? ""
            if groups[key] == nil { groups[key] = TabulationAccumulator(questionnaire: accumulator.questionnaire) }
            row.withUnsafeBufferPointer { groups[key]?.add(optionRow: $0) }
        }
    }

    /// Whether a cell's bytes are UTF-8 (cheap for ASCII); checked wherever the reader was told not to.
    @inline(__always)
    private func isUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte >= 0x80 { return String(validating: bytes, as: UTF8.self) != nil }
        return true
    }

    /// Blank as the import path sees it: nothing but white space (a no-break space included).
    @inline(__always)
    private func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { isBlankCell(bytes) }

    /// Joins the part that follows this one in the file.
    public mutating func merge(_ next: TabulationPart) {
        accumulator.merge(next.accumulator)
        for (key, other) in next.groups {
            if groups[key] == nil { groups[key] = other } else { groups[key]?.merge(other) }
        }
        for (name, line) in next.seen.sorted(by: { $0.value < $1.value }) {
            if let earlier = seen[name] {
                problem(line, nil, "«\(name)» already answered on line \(earlier) of this file")
            } else {
                seen[name] = line
            }
        }
        for problem in next.problems where problems.count < keep { problems.append(problem) }
        problemCount += next.problemCount
        rows += next.rows
    }
}
