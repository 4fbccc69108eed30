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

/// The raw cells each column has shown — the bytes between two separators, quotes included — each with its
/// option index, so that a common record is checked and counted straight from the reader's buffer
/// (`TabulationPart.take`). Cells are cut at the stops of a 64-byte bitmap (separator, CR, LF), so a cell's
/// length is known before it is looked up, and the lookup — by length and first word, then the remaining
/// bytes — is off the chain that finds where the next cell starts. Raw memory owned by one part.
final class CellTokens: @unchecked Sendable {
    /// Tokens remembered per column (fewer when a file has over 1 638 columns: token numbers are 16-bit).
    static let capacity = 40
    /// Longer cells are not remembered (they go through the reader); well under the reader's
    /// `shortcutFieldLimit`.
    static let longest = 256

    /// 16 bytes, and heads of 2: the tables of a 19-column file take 22 KB, not the 63 KB that made a lookup a
    /// cache miss (a tenth of `tabulate --from-csv` was spent waiting on them).
    struct Token {
        /// The first word, bytes past the token zeroed.
        var key: UInt64
        /// Where bytes 8… of the token are in the arena.
        var rest: UInt32
        var result: Int16
        /// The next token of the same column and length, + 1 (0: none).
        var next: UInt16
    }

    let delimiter: UInt8
    let delimiterWord: UInt64
    /// Per column and length (0…longest): the first token + 1 (0: none). Cells of one column mostly differ
    /// in length, so a lookup is one index and a key compare, rarely a short chain.
    private let heads: UnsafeMutablePointer<UInt16>
    private let perColumn: Int
    private let tokens: UnsafeMutablePointer<Token>
    private let used: UnsafeMutablePointer<Int>
    /// Token bytes past the first word, with a word of slack so comparisons may load whole words.
    private let arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    /// For rests of 0…32 bytes, the four word masks that keep just the rest's bytes: a rest that short is
    /// compared in four words without a loop (the loop's varying trip count costs a mispredicted branch
    /// per cell).
    private let restMasks: UnsafeMutablePointer<UInt64>
    /// The option indices of the record being taken, per scored item.
    let row: UnsafeMutablePointer<Int>
    let rowCount: Int

    init(columns: Int, scoredItems: Int, delimiter: UInt8) {
        self.delimiter = delimiter
        delimiterWord = UInt64(delimiter) &* 0x0101_0101_0101_0101
        perColumn = min(Self.capacity, Int(UInt16.max - 1) / max(1, columns))
        let headCount = max(1, columns * (Self.longest + 1)), tokenCount = max(1, columns * perColumn)
        heads = .allocate(capacity: headCount)
        heads.initialize(repeating: 0, count: headCount)
        tokens = .allocate(capacity: tokenCount)
        used = .allocate(capacity: max(1, columns))
        used.initialize(repeating: 0, count: max(1, columns))
        let arenaSize = tokenCount * Self.longest + 8
        arena = .allocate(capacity: arenaSize)
        arena.initialize(repeating: 0, count: arenaSize)
        restMasks = .allocate(capacity: 33 * 4)
        for rest in 0...32 {
            for word in 0..<4 {
                let bytes = min(8, max(0, rest - 8 * word))
                restMasks[rest * 4 + word] = bytes == 8 ? ~0 : (1 << UInt64(8 * bytes)) - 1
            }
        }
        rowCount = scoredItems
        row = .allocate(capacity: max(1, scoredItems))
    }

    deinit {
        heads.deallocate()
        tokens.deallocate()
        used.deallocate()
        arena.deallocate()
        restMasks.deallocate()
        row.deallocate()
    }

    /// Whether `byte` ends an unquoted cell: the separator, CR or LF.
    @inline(__always)
    func isStop(_ byte: UInt8) -> Bool { byte == delimiter || byte == 0x0A || byte == 0x0D }

    /// Bit k set when `p[k]` is the separator, CR or LF, for k in 0..<64: the reader's stop bitmap, less NUL
    /// (a NUL cannot be in a remembered token, so a cell holding one is never found and goes to the reader).
    @inline(__always)
    func stops(_ p: UnsafePointer<UInt8>) -> UInt64 { CSVReader.stopMask(p, delimiterWord, nul: false) }

    /// The first word of a cell of `length` bytes at `p`, bytes past the cell zeroed.
    @inline(__always)
    static func key(_ p: UnsafePointer<UInt8>, length: Int) -> UInt64 {
        let w = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        return length >= 8 ? w : w & ((1 &<< UInt64(truncatingIfNeeded: length &* 8)) &- 1)
    }

    /// The option index remembered for the `length` bytes at `p` in `column`, if any.
    @inline(__always)
    func lookup(_ column: Int, _ p: UnsafePointer<UInt8>, length: Int) -> Int? {
        guard length <= Self.longest else { return nil }
        var t = Int(heads[column &* (Self.longest &+ 1) &+ length])
        guard t != 0 else { return nil }
        let key = Self.key(p, length: length)
        repeat {
            let token = tokens[t &- 1]
            if token.key == key && (length <= 8 || equalRest(arena + Int(token.rest), p + 8, length &- 8)) { return Int(token.result) }
            t = Int(token.next)
        } while t != 0
        return nil
    }

    /// Remembers a token (nothing when the column has `capacity` already, or the token is long or holds a
    /// stop — a quoted separator — so that the bitmap never cuts it whole).
    func insert(_ column: Int, _ p: UnsafePointer<UInt8>, length: Int, result: Int) {
        let count = used[column]
        guard count < perColumn, length <= Self.longest, let small = Int16(exactly: result),
              !(0..<length).contains(where: { isStop(p[$0]) }) else { return }
        let t = column * perColumn + count
        if length > 8 { (arena + arenaCount).update(from: p + 8, count: length - 8) }
        // Appended to its chain: the spellings seen first are usually the common ones, so they stay in front.
        tokens[t] = Token(key: Self.key(p, length: length), rest: UInt32(arenaCount), result: small, next: 0)
        let head = column * (Self.longest + 1) + length
        if heads[head] == 0 {
            heads[head] = UInt16(t + 1)
        } else {
            var last = Int(heads[head]) - 1
            while tokens[last].next != 0 { last = Int(tokens[last].next) - 1 }
            tokens[last].next = UInt16(t + 1)
        }
        arenaCount += max(0, length - 8)
        used[column] = count + 1
    }

    /// Where a cell not yet remembered ends, found as the reader would find it: its length (quotes included)
    /// and its content. Nil when the reader must handle it: a quote inside quotes, a line break or NUL
    /// inside, text after a closing quote, a cell longer than `longest`, cut by `count`.
    @inline(__always)
    func cell(_ p: UnsafePointer<UInt8>, count: Int) -> (length: Int, content: UnsafeBufferPointer<UInt8>)? {
        let quote = UInt8(ascii: "\""), limit = min(count, Self.longest + 2)
        if count > 0 && p[0] == quote {
            var k = 1
            while k < limit && p[k] != quote && p[k] != 0x0A && p[k] != 0x0D && p[k] != 0 { k += 1 }
            guard k < limit, p[k] == quote, k + 1 < count, isStop(p[k + 1]) else { return nil }
            return (k + 1, UnsafeBufferPointer(start: p + 1, count: k - 1))
        }
        var k = 0
        while k < limit && !isStop(p[k]) && p[k] != 0 { k += 1 }
        guard k < limit, p[k] != 0 else { return nil }
        return (k, UnsafeBufferPointer(start: p, count: k))
    }

    /// Where reading goes after the cell that ends at `i` in column `column` of `columns`: past the separator,
    /// or past the line break after the last cell; nil for anything else (the reader's to handle).
    @inline(__always)
    func next(after i: Int, column: Int, of columns: Int, _ bytes: UnsafePointer<UInt8>, count: Int) -> Int? {
        let b = bytes[i]
        if column &+ 1 < columns { return b == delimiter ? i &+ 1 : nil }
        if b == 0x0A { return i &+ 1 }
        guard b == 0x0D, i &+ 1 < count else { return nil }
        return i &+ (bytes[i &+ 1] == 0x0A ? 2 : 1)
    }

    /// Whether the `n` bytes at `a` and `b` are equal; up to 32 in four masked words, branch-free.
    @inline(__always)
    private func equalRest(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n <= 32 else { return Self.equal(a, b, n) }
        let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b), m = restMasks + n &* 4
        let d0 = (x.loadUnaligned(as: UInt64.self) ^ y.loadUnaligned(as: UInt64.self)) & m[0]
        let d1 = (x.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ y.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) & m[1]
        let d2 = (x.loadUnaligned(fromByteOffset: 16, as: UInt64.self) ^ y.loadUnaligned(fromByteOffset: 16, as: UInt64.self)) & m[2]
        let d3 = (x.loadUnaligned(fromByteOffset: 24, as: UInt64.self) ^ y.loadUnaligned(fromByteOffset: 24, as: UInt64.self)) & m[3]
        return d0 | d1 | d2 | d3 == 0
    }

    /// Whether the first `n` bytes at `a` and `b` are equal, a word at a time (both may be read up to the
    /// next whole word: the arena and the reader's buffer have slack).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
        var k = 0
        var difference: UInt64 = 0
        while k &+ 8 <= n {
            difference |= x.loadUnaligned(fromByteOffset: k, as: UInt64.self) ^ y.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            k &+= 8
        }
        let rest = n &- k
        let mask: UInt64 = (1 &<< UInt64(truncatingIfNeeded: rest &* 8)) &- 1
        difference |= (x.loadUnaligned(fromByteOffset: k, as: UInt64.self) ^ y.loadUnaligned(fromByteOffset: k, as: UInt64.self)) & mask
        return difference == 0
    }
}

/// The stops (separator, CR, LF) of a buffer one 64-byte block at a time, for the shortcuts that cut
/// records into cells without the reader: `next(i)` is the first stop at or after `i`, or `count`.
/// The reader's buffer has slack past `count`, so a block may be read whole; stops past `count` are not trusted.
struct StopScanner {
    let tokens: CellTokens
    let bytes: UnsafePointer<UInt8>
    let count: Int
    private var blockBase = -128
    private var blockStops: UInt64 = 0

    init(_ tokens: CellTokens, _ bytes: UnsafePointer<UInt8>, count: Int) {
        self.tokens = tokens
        self.bytes = bytes
        self.count = count
    }

    @inline(__always)
    mutating func next(_ i: Int) -> Int {
        let shift = i &- blockBase
        if shift >= 64 || shift < 0 {
            blockBase = i
            blockStops = tokens.stops(bytes + i)
        } else {
            blockStops &= ~0 &<< UInt64(truncatingIfNeeded: shift)
        }
        while blockStops == 0 {
            blockBase &+= 64
            if blockBase >= count { return count }
            blockStops = tokens.stops(bytes + blockBase)
        }
        return blockBase &+ blockStops.trailingZeroBitCount
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
        /// Not answers: a row-number column beside the name, the reason column of a rejects file, a
        /// context column («Должность»), a test task.
        case ignored
        /// The `--by` column: its value names the respondent's group.
        case group
    }

    public private(set) var accumulator: TabulationAccumulator
    /// The first problems found (up to `keep`), and how many there were in all.
    public private(set) var problems: [Diagnostic] = []
    public private(set) var problemCount = 0
    public private(set) var rows = 0
    /// With `--by`: an accumulator per group value.
    public var groups: [String: TabulationAccumulator] {
        var all = groupTable
        // A slot registered for a record `take` then left to `consume` may have no one in it.
        for (key, slot) in zip(groupKeys, groupSlots) where slot.respondents > 0 {
            if all[key] == nil { all[key] = slot } else { all[key]?.merge(slot) }
        }
        return all
    }
    /// Groups met by `consume`, by value; `take` keeps its own in `groupSlots`, by index (no hashing per row).
    private var groupTable: [String: TabulationAccumulator] = [:]
    private var groupSlots: [TabulationAccumulator] = []
    let file: String
    let roles: [Role]
    let keep: Int
    let language: Language
    private let spellings: SpellingTables
    private var matchers: [CellMatcher?]
    private var row: [Int]
    /// Roles as integers for the hot loop: ≥ 0 a scored position, −1 anything else (handled by `roles`).
    private let codes: [Int]
    /// A fixed-size fingerprint of every named respondent so far (8 bytes each, never the name): duplicates
    /// are found once the whole file is read (`findDuplicates`), and only then are the few names concerned
    /// read again, with their lines, to be quoted.
    private var named: [UInt64] = []
    /// Where each sorted run of `named` starts, once parts sorted on their own cores are merged (nil: not in
    /// sorted runs), so that repeats are found by walking the runs side by side, not by sorting again.
    private var namedRuns: [Int]?
    /// Where the first problems are, to order them as the file does whichever route found them.
    private var problemPlaces: [(line: Int, column: Int)] = []
    /// Per column for `take`: ≥ 0 a scored position, −1 a column that must be empty, −2 the respondent,
    /// −3 the `--by` group.
    private let kinds: [Int]
    /// Whether two columns name the same statement (`take` then clears its row per record).
    private let sharedPositions: Bool
    /// `--by` values seen in `take`, by their raw bytes (index into `groupKeys`).
    private let groupSpellings: SpellingTables
    private var groupKeys: [String] = []
    /// For `take`: the file's raw cells (nil when records must go through `consume`: the delimiter is not
    /// known, or a column needs more than a cell check — respondent names, `--by` groups).
    private let tokens: CellTokens?

    /// `delimiter`: the file's separator, which lets `take` read common records straight from the buffer.
    public init(questionnaire q: Questionnaire, roles: [Role], file: String, keep: Int = 1000, delimiter: UInt8? = nil, language: Language = .ru) {
        self.language = language
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
        kinds = roles.map { role in
            switch role {
            case .scored(let position): return position
            case .freeText, .unnamed: return -1
            case .respondent: return -2
            case .group: return -3
            case .ignored: return -4
            }
        }
        groupSpellings = SpellingTables(columns: 1)
        let positions = codes.filter { $0 >= 0 }
        sharedPositions = Set(positions).count != positions.count
        tokens = !roles.isEmpty ? delimiter.map { CellTokens(columns: roles.count, scoredItems: scored.count, delimiter: $0) } : nil
    }

    /// The roles of a header's columns, or the header's problems.
    public static func roles(header: [String], questionnaire q: Questionnaire, idColumn: String?, by: String? = nil,
                             language: Language = .ru) -> (roles: [Role], problems: [HeaderProblem]) {
        let plan = HeaderMatcher(questionnaire: q, idColumn: idColumn, keep: by.map { [$0] } ?? [], language: language, keepOption: .by).plan(header)
        let position = Dictionary(q.scoredItems.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let roles = plan.roles.map { role -> Role in
            switch role {
            case .respondent: return .respondent
            case .unnamed: return .unnamed
            case .ignored: return .ignored
            case .kept: return .group
            case .context: return .ignored
            case .item(let index):
                let item = q.items[index]
                if item.isTest { return .ignored }
                return position[item.id].map(Role.scored) ?? .freeText(item.id)
            }
        }
        return (roles, plan.problems)
    }

    private mutating func problem(_ line: Int, _ path: String?, _ message: String, hint: String? = nil, column: Int = Int.max) {
        problemCount += 1
        if problems.count < keep {
            problems.append(Diagnostic(file: file, line: line, path: path, message: message, hint: hint))
            problemPlaces.append((line, column))
        }
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

    /// Takes the records at the start of `bytes[0..<count]` (decoded UTF-8 from a record start) that need
    /// nothing but cell checks: one cell per column, every scored cell a spelling that matches, every other
    /// cell empty, no quote inside quotes, no line break or NUL in a cell, the record's line break within
    /// `count`. Counts them as `consume` would and returns the bytes and records taken (one line each).
    /// Stops at the first record that needs more — a problem to name, a comment, an odd shape, the end of
    /// the buffer — and leaves it to `consume`; takes no record starting at or after `limit`. Reads up to 64
    /// bytes past `count` (the reader's buffer has that slack), never trusting them.
    public mutating func take(_ bytes: UnsafePointer<UInt8>, count: Int, limit: Int, line: Int = 0) -> (bytes: Int, records: Int) {
        guard let tokens else { return (0, 0) }
        let hasGroup = roles.contains(.group)
        let row = tokens.row, width = tokens.rowCount
        let columns = codes.count
        var at = 0, records = 0
        var scanner = StopScanner(tokens, bytes, count: count)
        let kinds = self.kinds
        // Each scored cell writes its result, blank (−1) included, so a record overwrites the whole row and it
        // need not be cleared per record — unless two columns name one statement (then the answer of either counts).
        let clearEachRecord = sharedPositions
        row.update(repeating: -1, count: width)
        return kinds.withUnsafeBufferPointer { codes in
            record: while at < count && at < limit {
                if clearEachRecord { row.update(repeating: -1, count: width) }
                var i = at
                var answered = false
                var name: (UnsafePointer<UInt8>, Int)?
                var group = -1
                for column in 0..<columns {
                    let stop = scanner.next(i)
                    guard stop < count else { break record }
                    let position = codes[column]
                    if position == -2 || position == -3 {
                        // A name or a group: taken when it is plain (no quotes, no white space at its ends, no
                        // control byte, valid UTF-8), so its bytes are what `consume` would make of them.
                        let length = stop &- i
                        if length > 0 {
                            guard Self.isPlainCell(bytes + i, length) else { break record }
                            if position == -2 {
                                name = (bytes + i, length)
                                answered = true
                            } else {
                                let cell = UnsafeBufferPointer(start: bytes + i, count: length)
                                if let known = groupSpellings.lookup(0, cell) {
                                    group = known
                                } else {
                                    guard groupKeys.count < SpellingTables.slots else { break record }
                                    groupKeys.append(String(decoding: cell, as: UTF8.self))
                                    groupSlots.append(TabulationAccumulator(questionnaire: accumulator.questionnaire))
                                    group = groupKeys.count - 1
                                    groupSpellings.insert(0, cell, group)
                                }
                            }
                        }
                        i = stop
                    } else if position >= 0 {
                        if let result = tokens.lookup(column, bytes + i, length: stop &- i) {
                            if result >= 0 {
                                row[position] = result
                                answered = true
                            } else if !clearEachRecord {
                                row[position] = -1
                            }
                            i = stop
                        } else {
                            guard let (length, result) = learn(tokens, column, position, bytes + i, count: count &- i),
                                  result >= -1 else { break record }
                            if result >= 0 {
                                row[position] = result
                                answered = true
                            } else if !clearEachRecord {
                                row[position] = -1
                            }
                            i &+= length
                        }
                    } else if position == -4 {
                        i = stop  // a row number, a context column, a test task: read past, whatever it holds
                    } else if stop != i {
                        break record  // a comment or a stray value: `consume` deals with it
                    }
                    // After the cell: a separator, or the line break after the last.
                    guard let next = tokens.next(after: i, column: column, of: columns, bytes, count: count) else { break record }
                    i = next
                }
                // Rows with nothing in them are not respondents, as in `consume`.
                if answered {
                    rows &+= 1
                    let values = UnsafeBufferPointer(start: row, count: width)
                    accumulator.add(optionRow: values)
                    if let (p, n) = name { named.append(nameFingerprint(UnsafeBufferPointer(start: p, count: n))) }
                    if hasGroup {
                        if group < 0 {
                            // A blank group cell: the group of no value, as in `consume`.
                            if let known = groupSpellings.lookup(0, UnsafeBufferPointer(start: bytes, count: 0)) {
                                group = known
                            } else {
                                groupKeys.append("")
                                groupSlots.append(TabulationAccumulator(questionnaire: accumulator.questionnaire))
                                group = groupKeys.count - 1
                                groupSpellings.insert(0, UnsafeBufferPointer(start: bytes, count: 0), group)
                            }
                        }
                        groupSlots[group].add(optionRow: values)
                    }
                }
                at = i
                records &+= 1
            }
            return (at, records)
        }
    }

    /// A cell `take` has not seen in this column: finds its end as the reader would, matches its content
    /// (validating it as UTF-8), and remembers the token. Nil when the reader must handle it: a quote
    /// inside quotes, a line break or NUL inside, text after a closing quote, cut by the end of the buffer.
    private mutating func learn(_ tokens: CellTokens, _ column: Int, _ position: Int, _ p: UnsafePointer<UInt8>,
                                count: Int) -> (length: Int, result: Int)? {
        guard let (length, content) = tokens.cell(p, count: count) else { return nil }
        let result = optionIndex(column: column, position: position, content)
        if result >= -1 { tokens.insert(column, p, length: length, result: result) }
        return (length, result)
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
                problem(record.lineOfField(column), Messages.column(column + 1).text(language), Messages.cellNotUTF8.text(language), hint: Messages.hintExcelCP1251.text(language), column: column)
                continue
            }
            switch roles[column] {
            case .scored(let position):
                let index = optionIndex(column: column, position: position, bytes)
                if index == -3 {
                    anything = true
                    bad = true
                    problem(record.lineOfField(column), Messages.column(column + 1).text(language), Messages.cellNotUTF8.text(language), hint: Messages.hintExcelCP1251.text(language), column: column)
                } else if index == -2 {
                    anything = true
                    bad = true
                    let raw = String(decoding: bytes, as: UTF8.self)
                    let item = accumulator.questionnaire.scoredItems[position]
                    let suggestion: String?
                    if case .invalid(let s) = matchers[column]?.match(raw) ?? .blank { suggestion = s } else { suggestion = nil }
                    problem(record.lineOfField(column), Messages.columnItem(column + 1, item: item.number).text(language),
                            Messages.notAnAnswer(raw, suggestion: suggestion).text(language)
                                + (strayLetterNote(raw, language: language).map { " (\($0))" } ?? ""), column: column)
                }
            case .freeText(let id):
                if !isBlank(bytes) {
                    anything = true
                    accumulator.addComment(item: id, text: cleanFreeText(String(decoding: bytes, as: UTF8.self)))
                }
            case .respondent:
                if !isBlank(bytes) {
                    anything = true
                    // Names compare folded (case, spaces, ё/е), as everywhere: the fingerprint is of the folded name.
                    let name = cleanFreeText(String(decoding: bytes, as: UTF8.self))
                    named.append(Self.nameFingerprint(name))
                }
            case .ignored:
                break
            case .unnamed:
                if !isBlank(bytes) {
                    anything = true
                    bad = true
                    problem(record.lineOfField(column), Messages.column(column + 1).text(language), Messages.valueWithoutHeader.text(language), column: column)
                }
            case .group:
                let value = cleanFreeText(String(decoding: bytes, as: UTF8.self))
                group = value.isEmpty ? nil : value
            }
        }
        // A row with fewer cells than the header, or more that are not empty, is refused (never shifted).
        // The shortcut leaves such rows to this path.
        if record.count > roles.count {
            for column in roles.count..<record.count where !isUTF8(record.bytes(column)) || !isBlank(record.bytes(column)) {
                bad = true
                anything = true
                problem(record.line, nil, cellCountMessage(cells: record.count, header: roles.count, language: language), column: roles.count)
                break
            }
        } else if record.count < roles.count && anything {
            bad = true
            problem(record.line, nil, cellCountMessage(cells: record.count, header: roles.count, language: language))
        }
        // Rows with nothing in them are not respondents (Excel leaves some at the end).
        guard anything else { return }
        rows += 1
        guard !bad else { return }
        row.withUnsafeBufferPointer { accumulator.add(optionRow: $0) }
        if roles.contains(.group) {
            let key = group ?? ""
            if groupTable[key] == nil { groupTable[key] = TabulationAccumulator(questionnaire: accumulator.questionnaire) }
            row.withUnsafeBufferPointer { groupTable[key]?.add(optionRow: $0) }
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

    /// Shifts the line numbers this part kept (it was read with provisional numbers, see
    /// `CSVReader.parallelForEach(renumber:)`); false when it holds problems, whose messages quote lines.
    public mutating func renumber(lines: Int) -> Bool {
        guard problemCount == 0 else { return false }
        return true
    }

    /// Joins the part that follows this one in the file.
    public mutating func merge(_ next: TabulationPart) {
        accumulator.merge(next.accumulator)
        for (key, other) in next.groups {
            if groupTable[key] == nil { groupTable[key] = other } else { groupTable[key]?.merge(other) }
        }
        if let mine = namedRuns, let theirs = next.namedRuns, !next.named.isEmpty {
            namedRuns = named.isEmpty ? theirs : mine + theirs.map { $0 + named.count }
        } else if !next.named.isEmpty {
            namedRuns = nil
        }
        named += next.named
        for (problem, place) in zip(next.problems, next.problemPlaces) where problems.count < keep {
            problems.append(problem)
            problemPlaces.append(place)
        }
        problemCount += next.problemCount
        rows += next.rows
    }

    // MARK: - Respondents named twice

    /// The fingerprint of a respondent's name as every command compares names: folded (case, spaces, ё/е).
    /// The same from a plain cell's bytes, folded and hashed in one walk without a String (names of ASCII and
    /// the Russian alphabet: nearly all); any other name through `nameFingerprint(_: String)`.
    @inline(__always)
    private func nameFingerprint(_ cell: UnsafeBufferPointer<UInt8>) -> UInt64 {
        TextFolding.foldedFNV1a(cell) ?? Self.nameFingerprint(String(decoding: cell, as: UTF8.self))
    }

    /// Sorts the fingerprints of the respondents named so far (each part on its own thread, before the parts
    /// merge; `duplicateCandidates` then finds the merged list in sorted runs).
    public mutating func sortNamed() {
        sortFingerprints(&named)
        namedRuns = [0]
    }

    static func nameFingerprint(_ name: String) -> UInt64 {
        var folded = TextFolding.fold(name)
        return folded.withUTF8 { fingerprint($0.baseAddress!, $0.count) }
    }

    /// FNV-1a 64 of a name's bytes.
    static func fingerprint(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in 0..<n { hash = (hash ^ UInt64(p[k])) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// Whether a name or group cell can be taken as its bytes: not quoted, no white space at either end (nor
    /// a leading apostrophe, which `cleanFreeText` drops before = + - @), no control byte, valid UTF-8.
    @inline(__always)
    static func isPlainCell(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let first = p[0], last = p[n - 1]
        guard first > 0x20 && first != 0x22 && first != 0x27 && first != 0x7F && last > 0x20 && last != 0x7F else { return false }
        // Multi-byte scalars at the ends may be white space (U+00A0, U+2000…, U+3000): only letters of the
        // two-byte blocks (Latin-1 letters, Cyrillic) are let through there.
        if first >= 0x80 && !(first >= 0xC3 && first <= 0xD4) { return false }
        if last >= 0x80 {
            guard n >= 2, p[n - 2] >= 0xC3 && p[n - 2] <= 0xD4 else { return false }
        }
        var k = 0
        while k < n {
            let b = p[k]
            if b < 0x80 {
                if b < 0x20 || b == 0x7F { return false }
                k += 1
            } else if b >= 0xC2 && b <= 0xDF {
                guard k + 1 < n, p[k + 1] & 0xC0 == 0x80 else { return false }
                k += 2
            } else {
                // Three- and four-byte scalars: checked by the standard library.
                let width = b >= 0xF0 ? 4 : 3
                guard k + width <= n, String(validating: UnsafeBufferPointer(start: p + k, count: width), as: UTF8.self) != nil else { return false }
                k += width
            }
        }
        return true
    }

    /// Fingerprints that more than one respondent has (candidates: the names decide). Sorts `named` unless
    /// it is in sorted runs already.
    public mutating func duplicateCandidates() -> Set<UInt64> {
        if namedRuns == nil { sortNamed() }
        var repeated = Set<UInt64>()
        // The runs side by side (as many as the cores that read the file): each step takes the smallest head,
        // so values come in ascending order and a repeat is equal to the value before it.
        let starts = namedRuns ?? [0]
        var heads = starts
        let ends = Array(starts.dropFirst()) + [named.count]
        var previous: UInt64?
        named.withUnsafeBufferPointer { values in
            while true {
                var pick = -1
                for r in heads.indices where heads[r] < ends[r] && (pick < 0 || values[heads[r]] < values[heads[pick]]) { pick = r }
                guard pick >= 0 else { break }
                let value = values[heads[pick]]
                heads[pick] += 1
                if value == previous { repeated.insert(value) }
                previous = value
            }
        }
        return repeated
    }

    /// The lines and names of the respondents whose fingerprint is in `candidates` (the respondent cell,
    /// cleaned as `consume` cleans it), reading the input again: only when some fingerprints repeat.
    public func respondentNames(reading reader: () throws -> CSVReader, candidates: Set<UInt64>) throws -> [Int: String] {
        guard let column = roles.firstIndex(of: .respondent), !candidates.isEmpty else { return [:] }
        var names: [Int: String] = [:]
        var header = true
        try reader().forEach { record in
            if header { header = false; return }
            guard column < record.count, !isBlankCell(record.bytes(column)) else { return }
            let name = cleanFreeText(String(decoding: record.bytes(column), as: UTF8.self))
            if candidates.contains(Self.nameFingerprint(name)) { names[record.line] = name }
        }
        return names
    }

    /// Reports every respondent named again after an earlier line, as `import` does, and puts the problems
    /// in the file's order (whichever route — shortcut, parts — found them).
    public mutating func reportDuplicates(names: [Int: String]) {
        let column = roles.firstIndex(of: .respondent) ?? 0
        var first: [String: Int] = [:]
        for line in names.keys.sorted() {
            guard let name = names[line] else { continue }
            let key = TextFolding.fold(name)
            if let earlier = first[key] {
                problem(line, nil, Messages.alreadyAnswered(name, line: earlier).text(language), column: column)
            } else {
                first[key] = line
            }
        }
        let order = problems.indices.sorted { a, b in
            let (x, y) = (problemPlaces[a], problemPlaces[b])
            return x.line != y.line ? x.line < y.line : x.column != y.column ? x.column < y.column : a < b
        }
        problems = order.prefix(keep).map { problems[$0] }
        problemPlaces = order.prefix(keep).map { problemPlaces[$0] }
    }

    /// For input that cannot be read again (a pipe): how many respondents are named more than once.
    public mutating func reportDuplicatesUnnamed() {
        sortFingerprints(&named)
        var repeated = 0
        var k = 1
        while k < named.count {
            if named[k] == named[k - 1] { repeated += 1 }
            k += 1
        }
        if repeated > 0 {
            problem(0, nil, Messages.repeatedFromPipe(repeated).text(language))
        }
    }

    /// `duplicateCandidates`, `respondentNames` and `reportDuplicates` in one: call once the file is read.
    public mutating func findDuplicates(path: String, options: CSVOptions) throws {
        try findDuplicates { () throws -> CSVReader in try CSVReader(path: path, options: options) }
    }

    /// The same, reading the input again through `reader`.
    public mutating func findDuplicates(reading reader: () throws -> CSVReader) throws {
        let candidates = duplicateCandidates()
        guard !candidates.isEmpty else { return }
        reportDuplicates(names: try respondentNames(reading: reader, candidates: candidates))
    }
}
