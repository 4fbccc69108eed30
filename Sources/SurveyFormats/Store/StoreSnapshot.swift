import Foundation
import SurveyEngine
#if canImport(Glibc)
import Glibc
#endif

/// The committed state of one questionnaire's store, read in one pass in flat memory: records come one at
/// a time from a buffer, with their batch's tables and whether they are current. Memory is the buffer plus
/// the index (one line per batch, and the offsets of superseded records), whatever the number of records.
public final class StoreSnapshot {
    public let batches: [ResponseStore.BatchInfo]
    /// Messages for the user about what opening did (a conversion, a crash's spool removed).
    public let notes: [StoreNote]
    private let fd: Int32
    private let path: String
    private let committedLength: Int
    /// Offsets of superseded records, ascending.
    private let superseded: [Int]

    init(empty: Void, notes: [StoreNote] = []) {
        batches = []
        self.notes = notes
        fd = -1
        path = ""
        committedLength = 0
        superseded = []
    }

    init(fd: Int32, path: String, batches: [ResponseStore.BatchInfo], committedLength: Int, notes: [StoreNote]) {
        self.fd = fd
        self.path = path
        self.batches = batches
        self.committedLength = committedLength
        self.notes = notes
        superseded = batches.flatMap(\.superseded).sorted()
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Committed records, superseded ones included.
    public var recordCount: Int { batches.reduce(0) { $0 + $1.count } }
    /// Current records: one per respondent (and stage), every anonymous one.
    public var currentCount: Int { recordCount - Set(superseded).count }

    /// One record, valid only inside the callback that gets it.
    public struct Record {
        /// Index of its batch in `batches`.
        public let batch: Int
        public let offset: Int
        public let isCurrent: Bool
        let tables: BatchTables
        let view: StoreRecord.View
        let path: String

        /// The option code of each of the batch's columns (0 blank, 255 escaped; see `BatchTables`).
        public var codes: UnsafeRawBufferPointer { view.codes }
        public var hasEscapes: Bool { view.flags & StoreRecord.Flag.escapes != 0 }
        public var hasTexts: Bool { view.flags & StoreRecord.Flag.texts != 0 }
        public var hasAttributes: Bool { view.flags & StoreRecord.Flag.attributes != 0 }

        public func response() throws(StoreError) -> Response {
            guard let response = view.response(tables) else { throw .damaged(path: path, offset: offset, reason: Messages.storeRecordFieldsOverrun) }
            return response
        }

        /// The value of the kept column with index `key` in the batch's `tables.keys`, without decoding the rest.
        public func attribute(_ key: Int) -> String? { view.attribute(key) }

        /// The respondent's name without decoding the answers.
        public func respondent() -> String? { view.name() }

        func identity() -> String? { view.identity() }
        var byteCount: Int { view.body.count + 4 }

        /// The record's bytes, length field included.
        func withBytes(_ body: (UnsafeRawBufferPointer) -> Void) {
            guard let base = view.body.baseAddress else { return }
            body(UnsafeRawBufferPointer(start: base - 4, count: view.body.count + 4))
        }
    }

    /// Calls `body` for every committed record in log order (superseded ones too, marked).
    public func forEach(_ body: (Record) throws(StoreError) -> Void) throws(StoreError) {
        try forEachRecord(body)
    }

    /// Calls `body` for every current record.
    public func forEachCurrent(_ body: (Record) throws(StoreError) -> Void) throws(StoreError) {
        try forEachRecord { record throws(StoreError) in if record.isCurrent { try body(record) } }
    }

    /// Calls `body` for the records at these offsets (as `Record.offset` gave them), in the order given: a
    /// command that orders records by something else keeps their offsets, not their contents, and reads
    /// them back one at a time.
    public func forEach(at offsets: [Int], _ body: (Record) throws(StoreError) -> Void) throws(StoreError) {
        guard fd >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        for position in offsets {
            guard position >= ResponseStore.magic.count, position + 4 <= committedLength,
                  let batchIndex = batchIndex(of: position) else {
                throw .damaged(path: path, offset: position, reason: Messages.storeRecordOutsideBatches)
            }
            var lengthBytes = [UInt8](repeating: 0, count: 4)
            try readFully(&lengthBytes, count: 4, at: position)
            let length = Int(lengthBytes[0]) | Int(lengthBytes[1]) << 8 | Int(lengthBytes[2]) << 16 | Int(lengthBytes[3]) << 24
            guard length >= 3, position + 4 + length <= committedLength else {
                throw .damaged(path: path, offset: position, reason: Messages.storeRecordLength(length))
            }
            // The length field stays in front of the body, as in a record read in order (`withBytes`).
            if buffer.count < 4 + length { buffer = [UInt8](repeating: 0, count: 4 + length) }
            try readFully(&buffer, count: 4 + length, at: position)
            var superseded = false
            var low = 0, high = self.superseded.count
            while low < high { let mid = (low + high) / 2; if self.superseded[mid] < position { low = mid + 1 } else { high = mid } }
            if low < self.superseded.count && self.superseded[low] == position { superseded = true }
            var failure: StoreError?
            buffer.withUnsafeBytes { bytes in
                let view = StoreRecord.View(body: UnsafeRawBufferPointer(rebasing: bytes[4..<4 + length]))
                guard 3 + view.codeCount <= length else {
                    failure = .damaged(path: path, offset: position, reason: Messages.storeRecordCodesOverrun)
                    return
                }
                do throws(StoreError) {
                    try body(Record(batch: batchIndex, offset: position, isCurrent: !superseded, tables: batches[batchIndex].tables, view: view, path: path))
                } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// The batch whose bytes hold `position`.
    private func batchIndex(of position: Int) -> Int? {
        var low = 0, high = batches.count
        while low < high { let mid = (low + high) / 2; if batches[mid].offset + batches[mid].length <= position { low = mid + 1 } else { high = mid } }
        return low < batches.count && position >= batches[low].offset ? low : nil
    }

    private func readFully(_ buffer: inout [UInt8], count: Int, at offset: Int) throws(StoreError) {
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 { if errno == EINTR { continue }; throw .file(FileError(path: path, errno: errno)) }
            if n == 0 { throw .damaged(path: path, offset: offset, reason: Messages.storeLogShorter) }
            done += n
        }
    }

    func forEachRecord(_ visit: (Record) throws(StoreError) -> Void) throws(StoreError) {
        guard fd >= 0 else { return }
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 << 20, alignment: 8)
        defer { buffer.deallocate() }
        var filled = 0, start = 0
        var fileOffset = ResponseStore.magic.count  // offset of buffer[0]
        var batchIndex = 0
        var nextSuperseded = 0
        // Check the magic.
        var magic = [UInt8](repeating: 0, count: 8)
        let got = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 8, 0) }
        guard got == 8, magic == ResponseStore.magic else {
            throw .damaged(path: path, offset: 0, reason: Messages.storeNotFormat(ResponseStore.formatVersion))
        }
        var position = ResponseStore.magic.count
        while position < committedLength {
            // Make sure the buffer holds the length field and the whole record.
            func available() -> Int { filled - start }
            func refill(need: Int) throws(StoreError) {
                if start > 0 {
                    if available() > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: available()) }
                    fileOffset += start
                    filled -= start
                    start = 0
                }
                if need > buffer.count {
                    let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: need, alignment: 8)
                    if filled > 0 { grown.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: filled) }
                    buffer.deallocate()
                    buffer = grown
                }
                while filled < need {
                    let want = min(buffer.count - filled, committedLength - (fileOffset + filled))
                    guard want > 0 else { throw .damaged(path: path, offset: position, reason: Messages.storeRecordPastEnd) }
                    let n = pread(fd, buffer.baseAddress! + filled, want, off_t(fileOffset + filled))
                    if n < 0 { if errno == EINTR { continue }; throw .file(FileError(path: path, errno: errno)) }
                    if n == 0 { throw .damaged(path: path, offset: position, reason: Messages.storeLogShorter) }
                    filled += n
                }
            }
            if available() < 4 { try refill(need: 4) }
            let p = buffer.baseAddress! + start
            let length = Int(p.load(fromByteOffset: 0, as: UInt8.self)) | Int(p.load(fromByteOffset: 1, as: UInt8.self)) << 8
                | Int(p.load(fromByteOffset: 2, as: UInt8.self)) << 16 | Int(p.load(fromByteOffset: 3, as: UInt8.self)) << 24
            guard length >= 3, position + 4 + length <= committedLength else {
                throw .damaged(path: path, offset: position, reason: Messages.storeRecordLength(Int(length)))
            }
            if available() < 4 + length { try refill(need: 4 + length) }
            let body = UnsafeRawBufferPointer(start: buffer.baseAddress! + start + 4, count: length)
            let view = StoreRecord.View(body: body)
            guard 3 + view.codeCount <= length else { throw .damaged(path: path, offset: position, reason: Messages.storeRecordCodesOverrun) }
            while batchIndex < batches.count && position >= batches[batchIndex].offset + batches[batchIndex].length { batchIndex += 1 }
            guard batchIndex < batches.count, position >= batches[batchIndex].offset else {
                throw .damaged(path: path, offset: position, reason: Messages.storeRecordOutsideBatches)
            }
            while nextSuperseded < superseded.count && superseded[nextSuperseded] < position { nextSuperseded += 1 }
            let current = !(nextSuperseded < superseded.count && superseded[nextSuperseded] == position)
            try visit(Record(batch: batchIndex, offset: position, isCurrent: current, tables: batches[batchIndex].tables, view: view, path: path))
            start += 4 + length
            position += 4 + length
        }
    }
}

/// `index.jsonl`: a header line, then one JSON object per committed batch (docs/STORE.md).
enum StoreIndex {
    static func parse(_ bytes: [UInt8], path: String) throws(StoreError) -> ResponseStore.Index {
        var index = ResponseStore.Index()
        index.fileLength = bytes.count
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            guard let newline = bytes[lineStart...].firstIndex(of: 0x0A) else { break }  // a torn last line
            lineNumber += 1
            let line = Array(bytes[lineStart..<newline])
            guard let node = try? JSONTreeParser.parse(line), case .object(let members) = node.value else {
                throw .corrupt(path: path, line: lineNumber, reason: Messages.storeNotJSONObject)
            }
            let fields = Dictionary(members.map { ($0.key, $0.value.value) }, uniquingKeysWith: { a, _ in a })
            if lineNumber == 1 {
                guard case .number(let version) = fields["store"] else { throw .corrupt(path: path, line: 1, reason: Messages.storeNotIndex) }
                guard version == Double(ResponseStore.formatVersion) else {
                    throw .corrupt(path: path, line: 1, reason: Messages.storeUnknownFormat(JSONOutput.format(version), reads: ResponseStore.formatVersion))
                }
            } else {
                index.batches.append(try batch(fields, path: path, line: lineNumber))
            }
            lineStart = newline + 1
            index.validLength = lineStart
        }
        index.committedLength = index.batches.map { $0.offset + $0.length }.max() ?? ResponseStore.magic.count
        return index
    }

    private static func batch(_ fields: [String: JSONValue], path: String, line: Int) throws(StoreError) -> ResponseStore.BatchInfo {
        func int(_ key: String) throws(StoreError) -> Int {
            guard case .number(let n) = fields[key], let value = Int(exactly: n), value >= 0 else { throw .corrupt(path: path, line: line, reason: Messages.storeNotCount(key)) }
            return value
        }
        func strings(_ key: String) throws(StoreError) -> [String] {
            guard case .array(let nodes) = fields[key] else { throw .corrupt(path: path, line: line, reason: Messages.storeNotList(key)) }
            var out: [String] = []
            for node in nodes {
                guard case .string(let text) = node.value else { throw .corrupt(path: path, line: line, reason: Messages.storeNonString(key)) }
                out.append(text)
            }
            return out
        }
        guard case .string(let id) = fields["batch"] else { throw .corrupt(path: path, line: line, reason: Messages.storeBatchWithoutID) }
        let columns = try strings("columns")
        guard case .array(let valueLists) = fields["values"], valueLists.count == columns.count else {
            throw .corrupt(path: path, line: line, reason: Messages.storeValuesPerColumn)
        }
        var values: [[Double]] = []
        for list in valueLists {
            guard case .array(let nodes) = list.value, nodes.count <= StoreRecord.maxCodes else { throw .corrupt(path: path, line: line, reason: Messages.storeValuesNonList) }
            var row: [Double] = []
            for node in nodes {
                guard case .number(let value) = node.value else { throw .corrupt(path: path, line: line, reason: Messages.storeValuesNonNumber) }
                row.append(value)
            }
            values.append(row)
        }
        var superseded: [Int] = []
        if case .array(let nodes) = fields["superseded"] {
            for node in nodes {
                guard case .number(let n) = node.value, let offset = Int(exactly: n) else { throw .corrupt(path: path, line: line, reason: Messages.storeSupersededNonOffset) }
                superseded.append(offset)
            }
        }
        return ResponseStore.BatchInfo(
            id: id, count: try int("count"), source: fields["source"]?.stringValue ?? "", checksum: fields["checksum"]?.stringValue,
            at: fields["at"]?.stringValue ?? "", offset: try int("offset"), length: try int("length"),
            tables: BatchTables(columns: columns, values: values, keys: try strings("keys")),
            superseded: superseded, runs: try strings("runs"))
    }

    static func headerLine(_ questionnaireID: String) -> String {
        var out = "{\"store\":\(ResponseStore.formatVersion),\"questionnaire\":"
        JSONOutput.writeString(questionnaireID, to: &out)
        return out + "}\n"
    }

    static func line(_ batch: ResponseStore.BatchInfo) -> String {
        var out = "{\"batch\":"
        JSONOutput.writeString(batch.id, to: &out)
        out += ",\"source\":"
        JSONOutput.writeString(batch.source, to: &out)
        out += ",\"checksum\":"
        if let checksum = batch.checksum { JSONOutput.writeString(checksum, to: &out) } else { out += "null" }
        out += ",\"at\":"
        JSONOutput.writeString(batch.at, to: &out)
        out += ",\"offset\":\(batch.offset),\"length\":\(batch.length),\"count\":\(batch.count),\"columns\":["
        for (k, column) in batch.tables.columns.enumerated() {
            if k > 0 { out += "," }
            JSONOutput.writeString(column, to: &out)
        }
        // Values in Swift's shortest exact form (finite only; others are escaped in the records).
        out += "],\"values\":[" + batch.tables.values.map { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }.joined(separator: ",")
        out += "],\"keys\":["
        for (k, key) in batch.tables.keys.enumerated() {
            if k > 0 { out += "," }
            JSONOutput.writeString(key, to: &out)
        }
        out += "],\"superseded\":[" + batch.superseded.map(String.init).joined(separator: ",")
        out += "],\"runs\":[" + batch.runs.map { "\"\($0)\"" }.joined(separator: ",") + "]}\n"
        return out
    }

    /// Appends one batch's line (the commit point) after `existingLength` bytes, writing the header first
    /// into a new index, and fsyncs.
    static func append(_ batch: ResponseStore.BatchInfo, to path: String, questionnaireID: String, existingLength: Int) throws(StoreError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .file(FileError(path: path, errno: errno)) }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let text = (existingLength == 0 ? headerLine(questionnaireID) : "") + line(batch)
        guard lseek(fd, off_t(existingLength), SEEK_SET) >= 0 else { throw .file(FileError(path: path, errno: errno)) }
        do throws(FileError) { try FileIO.writeAll(fd, Array(text.utf8)[...], path: path) } catch { throw .file(error) }
        while fsync(fd) != 0 { if errno != EINTR { throw .file(FileError(path: path, errno: errno)) } }
        if existingLength == 0 { syncFolder((path as NSString).deletingLastPathComponent) }
    }

    /// Writes a whole index (a conversion, a rewrite after `forget`).
    static func write(_ batches: [ResponseStore.BatchInfo], to path: String, questionnaireID: String) throws(StoreError) {
        let text = headerLine(questionnaireID) + batches.map(line).joined()
        try ResponseStore(root: "").writePrivate(path, Array(text.utf8))
    }
}

/// The identity runs: files of (fingerprint, offset) pairs, 16 bytes each, little-endian, sorted by
/// fingerprint then offset. A commit adds one run for its batch and merges the newest runs while the last
/// is at least half the one before (a binary counter: a record is merged O(log n) times over the store's
/// life), so a lookup probes a few runs by binary search and no append reads the log.
struct IdentityRuns {
    let folder: String
    let names: [String]

    private func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    private func entryCount(_ name: String) -> Int {
        var info = stat()
        return stat(path(name), &info) == 0 ? Int(info.st_size) / 16 : 0
    }

    /// The latest offset of a record holding `identity` (its fingerprint `fingerprint`), checked in the log.
    func latest(_ fingerprint: UInt64, identity: String, log: LogFile) throws(StoreError) -> Int? {
        var best: Int?
        for name in names {
            let fd = open(path(name), O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .file(FileError(path: path(name), errno: errno)) }
            defer { close(fd) }
            let count = entryCount(name)
            func entry(_ i: Int) -> (UInt64, UInt64)? {
                var pair = (UInt64(0), UInt64(0))
                let n = withUnsafeMutableBytes(of: &pair) { pread(fd, $0.baseAddress, 16, off_t(i * 16)) }
                return n == 16 ? (UInt64(littleEndian: pair.0), UInt64(littleEndian: pair.1)) : nil
            }
            var low = 0, high = count
            while low < high {
                let mid = (low + high) / 2
                guard let (fp, _) = entry(mid) else { break }
                if fp < fingerprint { low = mid + 1 } else { high = mid }
            }
            var i = low
            while i < count, let (fp, offset) = entry(i), fp == fingerprint {
                if best.map({ Int(offset) > $0 }) ?? true, log.identity(at: Int(offset)) == identity { best = Int(offset) }
                i += 1
            }
        }
        return best
    }

    /// The fingerprints of `sorted` (sorted by fingerprint) that some run holds: by binary search for a
    /// small batch, by one sequential pass over a run for a batch that is large next to it.
    func present(_ sorted: [(fingerprint: UInt64, offset: Int)]) throws(StoreError) -> Set<UInt64> {
        var found = Set<UInt64>()
        guard !sorted.isEmpty else { return found }
        for name in names {
            let count = entryCount(name)
            if sorted.count * 32 < count {
                let fd = open(path(name), O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw .file(FileError(path: path(name), errno: errno)) }
                defer { close(fd) }
                for entry in sorted where !found.contains(entry.fingerprint) {
                    var low = 0, high = count
                    while low < high {
                        let mid = (low + high) / 2
                        var fp: UInt64 = 0
                        guard withUnsafeMutableBytes(of: &fp, { pread(fd, $0.baseAddress, 8, off_t(mid * 16)) }) == 8 else { break }
                        if UInt64(littleEndian: fp) < entry.fingerprint { low = mid + 1 } else { high = mid }
                    }
                    var fp: UInt64 = 0
                    if low < count, withUnsafeMutableBytes(of: &fp, { pread(fd, $0.baseAddress, 8, off_t(low * 16)) }) == 8,
                       UInt64(littleEndian: fp) == entry.fingerprint {
                        found.insert(entry.fingerprint)
                    }
                }
            } else {
                var reader = try RunReader(path: path(name))
                var k = 0
                while let (fp, _) = reader.peek, k < sorted.count {
                    if fp < sorted[k].fingerprint { reader.advance() } else if fp > sorted[k].fingerprint { k += 1 } else {
                        found.insert(fp)
                        reader.advance()
                    }
                }
                if reader.failed { throw .file(FileError(path: path(name), reason: Messages.storeIdentityRun)) }
                reader.finish()
            }
        }
        return found
    }

    /// Writes a run of `entries` and merges as the policy says; returns the runs then in force.
    func adding(_ entries: [(UInt64, UInt64)]) throws(StoreError) -> IdentityRuns {
        try adding(sorted: entries.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { ($0.0, Int($0.1)) })
    }

    /// The same for entries already sorted by fingerprint, then offset; written through a small buffer.
    func adding(sorted entries: [(fingerprint: UInt64, offset: Int)]) throws(StoreError) -> IdentityRuns {
        var names = self.names
        if !entries.isEmpty {
            let name = Self.newName()
            let out = try LogFile(path: path(name), truncate: true)
            defer { out.close() }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(1 << 20)
            for (fp, offset) in entries {
                withUnsafeBytes(of: fp.littleEndian) { bytes.append(contentsOf: $0) }
                withUnsafeBytes(of: UInt64(offset).littleEndian) { bytes.append(contentsOf: $0) }
                if bytes.count >= 1 << 20 { try out.write(bytes); bytes.removeAll(keepingCapacity: true) }
            }
            try out.write(bytes)
            try out.sync()
            names.append(name)
        }
        while names.count >= 2 && (entryCount(names[names.count - 1]) * 2 >= entryCount(names[names.count - 2]) || names.count > 32) {
            let merged = try merge(names[names.count - 2], names[names.count - 1])
            names.removeLast(2)
            names.append(merged)
        }
        syncFolder(folder)
        return IdentityRuns(folder: folder, names: names)
    }

    /// Merges two runs into a new one, streaming.
    private func merge(_ a: String, _ b: String) throws(StoreError) -> String {
        let name = Self.newName()
        let outPath = path(name)
        let out = try LogFile(path: outPath, truncate: true)
        defer { out.close() }
        var left = try RunReader(path: path(a)), right = try RunReader(path: path(b))
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        while true {
            let next: (UInt64, UInt64)
            switch (left.peek, right.peek) {
            case (nil, nil):
                try out.write(buffer)
                try out.sync()
                return name
            case (let l?, nil): next = l; left.advance()
            case (nil, let r?): next = r; right.advance()
            case (let l?, let r?):
                if l.0 < r.0 || (l.0 == r.0 && l.1 <= r.1) { next = l; left.advance() } else { next = r; right.advance() }
            }
            withUnsafeBytes(of: next.0.littleEndian) { buffer.append(contentsOf: $0) }
            withUnsafeBytes(of: next.1.littleEndian) { buffer.append(contentsOf: $0) }
            if buffer.count >= 1 << 20 { try out.write(buffer); buffer.removeAll(keepingCapacity: true) }
            if left.failed || right.failed { throw .file(FileError(path: outPath, reason: Messages.storeIdentityRun)) }
        }
    }

    /// Deletes run files (and leftovers) that are not in `keeping`.
    func removeUnused(keeping: [String]) {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let keep = Set(keeping)
        for file in files where !keep.contains(file) { unlink(path(file)) }
    }

    static func newName() -> String {
        "r-" + String(SHA256.hex(Array("\(getpid())|\(Date().timeIntervalSince1970)|\(UInt64.random(in: 0...UInt64.max))".utf8)).prefix(12)) + ".bin"
    }
}

/// Reads a run file sequentially through a buffer.
private struct RunReader {
    let fd: Int32
    var buffer: [UInt8] = []
    var position = 0
    var peek: (UInt64, UInt64)?
    var failed = false

    init(path: String) throws(StoreError) {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .file(FileError(path: path, errno: errno)) }
        advance()
    }

    /// Closes the file if the run was not read to its end.
    mutating func finish() {
        if peek != nil && fd >= 0 { close(fd) }
        peek = nil
    }

    mutating func advance() {
        if position + 16 > buffer.count {
            let rest = Array(buffer[position...])
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { failed = true }
            buffer = rest + chunk.prefix(max(0, n))
            position = 0
        }
        guard position + 16 <= buffer.count else {
            peek = nil
            if fd >= 0 { close(fd) }
            return
        }
        var fp: UInt64 = 0, offset: UInt64 = 0
        for k in 0..<8 {
            fp |= UInt64(buffer[position + k]) << (8 * UInt64(k))
            offset |= UInt64(buffer[position + 8 + k]) << (8 * UInt64(k))
        }
        position += 16
        peek = (fp, offset)
    }
}
