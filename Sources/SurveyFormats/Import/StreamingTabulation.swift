import Foundation
import SurveyEngine
#if canImport(Glibc)
import Glibc
#endif

/// The spellings one column has shown, each with its option index (−1 blank, −2 not an answer), looked up
/// by length then bytes: a column has a handful of distinct spellings, mostly of different lengths, so a
/// lookup is a few integer compares and one memcmp — no hashing, no String.
struct SpellingCache: Sendable {
    private var lengths: [Int] = []
    private var offsets: [Int] = []
    private var results: [Int] = []
    private var arena: [UInt8] = []
    static let capacity = 64

    var isFull: Bool { lengths.count >= Self.capacity }

    func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = bytes.count
        return arena.withUnsafeBufferPointer { stored -> Int? in
            for i in 0..<lengths.count where lengths[i] == n {
                if n == 0 || memcmp(stored.baseAddress! + offsets[i], bytes.baseAddress!, n) == 0 { return results[i] }
            }
            return nil
        }
    }

    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, _ result: Int) {
        guard !isFull else { return }
        lengths.append(bytes.count)
        offsets.append(arena.count)
        results.append(result)
        arena.append(contentsOf: bytes)
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
    private var caches: [SpellingCache]
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
        caches = roles.map { _ in SpellingCache() }
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
        if let cached = caches[column].lookup(bytes) { return cached }
        let result: Int
        switch matchers[column]?.match(String(decoding: bytes, as: UTF8.self)) ?? .blank {
        case .blank, .text: result = -1
        case .value(let value): result = accumulator.optionIndex(item: position, value: value)
        case .invalid: result = -2
        }
        caches[column].insert(bytes, result)
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
                let index = caches[column].lookup(bytes) ?? optionIndex(column: column, position: position, bytes)
                if index >= 0 {
                    row[position] = index
                    anything = true
                    continue
                }
            }
            switch roles[column] {
            case .scored(let position):
                let index = optionIndex(column: column, position: position, bytes)
                if index == -2 {
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
            for column in roles.count..<record.count where !isBlank(record.bytes(column)) {
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
