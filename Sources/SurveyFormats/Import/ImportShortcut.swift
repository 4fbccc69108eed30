import SurveyEngine
#if canImport(Glibc)
import Glibc
#endif

/// The records `survey import` can store straight from the reader's buffer, as `TabulationPart.take` counts
/// them for `tabulate --from-csv`: every scored cell a spelling that matches an option (remembered per
/// column by its raw bytes, matched once), a respondent and kept columns that are plain text, the other
/// cells empty, one line per record. Such a record is written to the batch as the option codes it holds —
/// the bytes `StoreRecord.encode` writes for the `Response` the general path would build (a test compares
/// the stores) — with no `Response`, no String per cell. Anything else — a problem to name, a quote inside
/// quotes, a name in another alphabet, a respondent already seen, a free-text answer — stops the shortcut at
/// that record, which `AnswerFile`'s general path then reads, checks and reports as before.
///
/// Only for files without context columns or test tasks (those need the general path's rules per row).
final class ImportShortcut {
    /// Per file column: ≥ 0 the batch column of a scored item, −1 a cell that must be empty (a column with no
    /// header, a free-text item), −2 the respondent, −3 a kept column, −4 read past (a row number, a reasons column).
    private let kinds: [Int]
    /// Per file column: for a kept column, its place in `kept` (the order of the kept names).
    private let keptPlace: [Int]
    /// Per kept place: the key index in the batch.
    private let keptKeys: [Int]
    private var matchers: [CellMatcher?]
    private let tokens: CellTokens
    private let writer: BatchWriter?
    /// A dry run's tables (nothing is written, but values still need codes).
    private var dryTables = BatchTables()
    private let stage: [UInt8]?
    private let needsRespondent: Bool
    /// The batch columns in use (scored items of the file).
    let batchColumns: Int
    /// The record being built: one code per batch column, the kept cells by place.
    private let codes: UnsafeMutablePointer<UInt8>
    private var kept: [(key: Int, bytes: UnsafeBufferPointer<UInt8>)]
    private var keptCells: [UnsafeBufferPointer<UInt8>?]
    private var folded: [UInt8] = []
    /// Per batch column: records taken with an answer there (the rest are blanks, for the summary).
    private(set) var answered: [Int]
    /// Records taken.
    private(set) var rows = 0
    /// A failure writing the spool: the shortcut stops, the import reports it.
    private(set) var error: StoreError?
    /// The item index of each batch column.
    let itemOfColumn: [Int]

    /// Nil when the file's columns need the general path (context columns, test tasks) or the delimiter is unknown.
    /// Whether `take` checks each name against the file's earlier ones (`seen`).
    private let checksDuplicates: Bool

    init?(questionnaire q: Questionnaire, roles: [ColumnRole], stage: String?, delimiter: UInt8, writer: BatchWriter?,
          checksDuplicates: Bool = true) {
        guard !roles.isEmpty else { return nil }
        var kinds: [Int] = [], keptPlace: [Int] = [], keptNames: [String] = [], itemOfColumn: [Int] = []
        var matchers: [CellMatcher?] = []
        var dryTables = BatchTables()
        func column(_ id: String) -> Int { writer?.column(id) ?? dryTables.column(id) }
        for role in roles {
            var kind = -4, place = -1
            var matcher: CellMatcher?
            switch role {
            case .context: return nil
            case .respondent: kind = -2
            case .ignored: kind = -4
            case .unnamed: kind = -1
            case .kept(let name):
                kind = -3
                place = keptNames.count
                keptNames.append(name)
            case .item(let index):
                let item = q.items[index]
                if item.isTest { return nil }
                if let scale = q.scale(of: item) {
                    kind = column(item.id)
                    matcher = CellMatcher(scale: scale)
                    if kind == itemOfColumn.count {
                        itemOfColumn.append(index)
                        // Codes in the order of the scale's options, whatever order the rows show them in:
                        // the parts of a file read on several cores then share one table.
                        for option in scale.options { _ = writer?.code(column: kind, value: option.value) ?? dryTables.code(column: kind, value: option.value) }
                    }
                } else {
                    kind = -1
                }
            }
            kinds.append(kind)
            keptPlace.append(place)
            matchers.append(matcher)
        }
        // Two columns for one item would need the general path's rules; and batch columns must be 0…n−1.
        guard itemOfColumn.count == Set(kinds.filter { $0 >= 0 }).count,
              kinds.filter({ $0 >= 0 }).count == itemOfColumn.count else { return nil }
        // Kept columns are written in the order of their names, as `StoreRecord.encode` writes attributes.
        let order = keptNames.indices.sorted { keptNames[$0] < keptNames[$1] }
        var rank = [Int](repeating: 0, count: keptNames.count)
        for (r, k) in order.enumerated() { rank[k] = r }
        self.keptPlace = keptPlace.map { $0 >= 0 ? rank[$0] : -1 }
        keptKeys = order.map { writer?.key(keptNames[$0]) ?? dryTables.key(keptNames[$0]) }
        self.kinds = kinds
        self.matchers = matchers
        self.itemOfColumn = itemOfColumn
        self.dryTables = dryTables
        self.writer = writer
        self.stage = stage.map { Array($0.utf8) }
        needsRespondent = q.kind != .likert
        self.checksDuplicates = checksDuplicates
        batchColumns = itemOfColumn.count
        tokens = CellTokens(columns: roles.count, scoredItems: 0, delimiter: delimiter)
        codes = .allocate(capacity: max(1, batchColumns))
        answered = [Int](repeating: 0, count: batchColumns)
        kept = []
        kept.reserveCapacity(keptNames.count)
        keptCells = [UnsafeBufferPointer<UInt8>?](repeating: nil, count: keptNames.count)
    }

    deinit { codes.deallocate() }

    /// Takes the records at the start of `bytes[0..<count]` that need nothing but the checks above, writes
    /// them to the batch, and returns the bytes and records taken (one line each, the first on `line`).
    /// Stops at the first record that needs more and leaves it to the reader; takes none at or after `limit`.
    func take(_ bytes: UnsafePointer<UInt8>, count: Int, limit: Int, line: Int, seen: inout FingerprintTable) -> (bytes: Int, records: Int) {
        guard error == nil else { return (0, 0) }
        let columns = kinds.count, width = batchColumns
        var scanner = StopScanner(tokens, bytes, count: count)
        var at = 0, records = 0
        // The per-record state lives in locals while the loop runs (a class's stored properties would be
        // checked for exclusive access at every touch), and goes back when it ends.
        var keptCells = self.keptCells, kept = self.kept, folded = self.folded, answered = self.answered
        self.keptCells = []
        self.kept = []
        self.folded = []
        self.answered = []
        defer {
            self.keptCells = keptCells
            self.kept = kept
            self.folded = folded
            self.answered = answered
        }
        let keptPlace = self.keptPlace, keptKeys = self.keptKeys, codes = self.codes, tokens = self.tokens
        let stage = self.stage, writer = self.writer, needsRespondent = self.needsRespondent, checksDuplicates = self.checksDuplicates
        return kinds.withUnsafeBufferPointer { kinds in
            record: while at < count && at < limit {
                codes.update(repeating: 0, count: width)
                for k in keptCells.indices { keptCells[k] = nil }
                var i = at
                var anything = false
                var name: UnsafeBufferPointer<UInt8>?
                for column in 0..<columns {
                    let stop = scanner.next(i)
                    guard stop < count else { break record }
                    let kind = kinds[column]
                    if kind >= 0 {
                        if let code = tokens.lookup(column, bytes + i, length: stop &- i) {
                            if code > 0 { codes[kind] = UInt8(truncatingIfNeeded: code); anything = true }
                            i = stop
                        } else {
                            guard let (length, code) = learn(column, kind, bytes + i, count: count &- i), code >= 0 else { break record }
                            if code > 0 { codes[kind] = UInt8(truncatingIfNeeded: code); anything = true }
                            i &+= length
                        }
                    } else if kind == -2 || kind == -3 {
                        let length = stop &- i
                        if length > 0 {
                            // Taken as its bytes when plain (what `cleanFreeText` would leave as it is).
                            guard TabulationPart.isPlainCell(bytes + i, length) else { break record }
                            anything = true
                            let cell = UnsafeBufferPointer(start: bytes + i, count: length)
                            if kind == -2 { name = cell } else { keptCells[keptPlace[column]] = cell }
                        }
                        i = stop
                    } else if kind == -4 {
                        // Read past, but checked as UTF-8 (a parallel read's reader leaves that to the shortcut).
                        if stop != i {
                            let cell = UnsafeBufferPointer(start: bytes + i, count: stop &- i)
                            guard Self.isUTF8(cell) else { break record }
                            if !anything && !isBlankCell(cell) { anything = true }
                        }
                        i = stop
                    } else if stop != i {
                        break record  // a free-text answer or a stray value: the general path deals with it
                    }
                    guard let next = tokens.next(after: i, column: column, of: columns, bytes, count: count) else { break record }
                    i = next
                }
                // Rows with nothing in them, and rows that need a name and have none: the general path's.
                guard anything, name != nil || !needsRespondent else { break record }
                var fingerprint: UInt64?
                if let name {
                    // The identity as `Response.identity` makes it: the name folded, then U+001F and the stage.
                    guard TextFolding.foldRussianOrASCII(name, into: &folded) else { break record }
                    if let stage {
                        folded.append(0x1F)
                        folded.append(contentsOf: stage)
                    }
                    let print = folded.withUnsafeBufferPointer { TabulationPart.fingerprint($0.baseAddress!, $0.count) }
                    // Named before in this file: the general path names both lines. (Parts of a parallel
                    // read leave the check to the batch's sorted identities, `readInParallel`.)
                    guard !checksDuplicates || seen.insert(print, line: line &+ records) == nil else { break record }
                    fingerprint = print
                }
                kept.removeAll(keepingCapacity: true)
                for (place, cell) in keptCells.enumerated() { if let cell { kept.append((keptKeys[place], cell)) } }
                do throws(StoreError) {
                    try writer?.appendCoded(UnsafeBufferPointer(start: codes, count: width), respondent: name, stage: stage,
                                            kept: kept[...], fingerprint: fingerprint)
                } catch {
                    self.error = error
                    break record
                }
                for k in 0..<width where codes[k] != 0 { answered[k] &+= 1 }
                at = i
                records &+= 1
            }
            rows &+= records
            return (at, records)
        }
    }

    @inline(__always)
    static func isUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte >= 0x80 { return String(validating: bytes, as: UTF8.self) != nil }
        return true
    }

    /// A cell not seen in this column: matched as the general path matches it, remembered by its raw bytes.
    /// The result is the store code (0 blank); nil, or a negative code, when the general path must read it.
    private func learn(_ column: Int, _ batchColumn: Int, _ p: UnsafePointer<UInt8>, count: Int) -> (length: Int, code: Int)? {
        guard let (length, content) = tokens.cell(p, count: count), String(validating: content, as: UTF8.self) != nil else { return nil }
        let code: Int
        switch matchers[column]?.match(bytes: content) ?? .blank {
        case .blank, .text: code = 0
        case .invalid: return (length, -1)
        case .value(let value):
            let stored = writer?.code(column: batchColumn, value: value) ?? dryTables.code(column: batchColumn, value: value)
            // An escaped value carries its number after the codes: the general path writes it.
            guard stored != StoreRecord.escape else { return (length, -1) }
            code = Int(stored)
        }
        tokens.insert(column, p, length: length, result: code)
        return (length, code)
    }
}
