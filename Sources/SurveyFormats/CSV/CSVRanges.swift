import Foundation
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Reading one file on several threads: the file's layout, split points at record boundaries, and a
/// parallel `forEach` whose records (fields, lines, indexes) are exactly those of one reader over the file.
///
/// How `parallelForEach` stays exact:
/// 1. `layout` reads the header once (encoding, delimiter, where the data starts and on which line).
/// 2. `splitPoints` cuts the data at line breaks near even offsets. A cut may fall inside a quoted field
///    that holds a line break, so it is only a candidate.
/// 3. The stretch before the last part is scanned on all threads by a light, quote-aware record scanner
///    (no fields, no decoding): from each candidate, where the first record at or after the next one
///    starts, and how many line breaks and records lie between. Scanned in order, each piece's true start
///    is the previous piece's end; a piece whose candidate start was wrong is scanned again from the true
///    start. This gives every part its exact first record, line and index before any record is handed over.
/// 4. Each part is parsed by its own `CSVReader` on its own thread into its own accumulator.
/// 5. The parts are checked in file order: part k must start where part k − 1's reader ended. If not (it
///    cannot happen on input the scanner and the reader agree on; it is the safety net), part k's
///    accumulator is thrown away and the part is parsed again, sequentially, from the right offset. The
///    first error in file order is thrown; parts after a failed one stop early.
///
/// Line breaks and the bytes that matter for record boundaries (quote, delimiter, CR, LF) are ASCII in
/// UTF-8 and Windows-1251, so both are scanned and split as raw bytes. UTF-16 is not split (one part).
extension CSVReader {
    /// What a whole-file reader learned about the file: encoding, delimiter, where data starts (after BOM,
    /// `sep=` line and the header record), so range readers need not detect again.
    public struct Layout: Sendable, Equatable {
        /// The encoding in use (never `.auto`).
        public var encoding: CSVEncoding
        public var delimiter: UInt8
        /// Byte offset of the first record after the header (the file's size when there is none).
        public var dataStart: Int
        /// The line and the record index of the record at `dataStart`.
        public var dataStartLine: Int
        public var dataStartIndex: Int
        /// The file's size in bytes when the layout was read.
        public var fileSize: Int

        public init(encoding: CSVEncoding, delimiter: UInt8, dataStart: Int, dataStartLine: Int, dataStartIndex: Int, fileSize: Int) {
            self.encoding = encoding
            self.delimiter = delimiter
            self.dataStart = dataStart
            self.dataStartLine = dataStartLine
            self.dataStartIndex = dataStartIndex
            self.fileSize = fileSize
        }
    }

    private struct HeaderRead: Error {}

    /// Reads only the header record (record 1) and reports the layout; `header` are its fields as Strings
    /// (empty for an empty file). Detection follows `options` as a whole-file reader's does. The file must
    /// be a regular file (its parts are read at offsets).
    public static func layout(path: String, options: CSVOptions = .init()) throws(CSVError) -> (layout: Layout, header: [String]) {
        let reader = try CSVReader(path: path, options: options)
        guard let size = reader.totalBytes else {
            throw CSVError(line: 0, Messages.notRegularFileForParts)
        }
        var header: [String] = []
        do {
            try reader.forEach { record in
                header = record.strings
                throw HeaderRead()
            }
        } catch let error as CSVError {
            throw error
        } catch {
            // HeaderRead: the header is in, the reader stands at the first data record.
        }
        let layout = Layout(encoding: reader.encoding, delimiter: reader.delimiter, dataStart: reader.endOffset,
                            dataStartLine: reader.nextLine, dataStartIndex: reader.nextIndex, fileSize: size)
        return (layout, header)
    }

    /// Candidate split points for `parts` ranges over [layout.dataStart, fileSize): the boundaries, first
    /// `layout.dataStart` and last `layout.fileSize`, so consecutive pairs are the ranges (one range when
    /// `parts` ≤ 1, the data is empty, or no line break follows an even split). Each interior point is just
    /// after a line break (a CRLF is never cut) found by scanning forward from an even split; it is not
    /// quote-aware, so a point may fall inside a quoted field that holds a line break: callers verify it
    /// against the previous range's `endOffset` (`parallelForEach` does).
    ///
    /// UTF-16 is never split (one range): its line breaks are two bytes wide and not worth the care.
    public static func splitPoints(path: String, layout: Layout, parts: Int) throws(CSVError) -> [Int] {
        let (fd, _) = try openFile(path)
        defer { close(fd) }
        return try splitPoints(fd: fd, from: layout.dataStart, to: layout.fileSize, parts: layout.encoding == .utf16 ? 1 : parts)
    }

    /// Boundaries of up to `parts` ranges over [from, to), interior ones just after line breaks.
    static func splitPoints(fd: Int32, from: Int, to: Int, parts: Int) throws(CSVError) -> [Int] {
        var points = [from]
        if parts > 1 && to > from {
            for k in 1..<parts {
                let target = from + (to - from) / parts * k + (to - from) % parts * k / parts
                let last = points[points.count - 1]
                guard let point = try lineStart(fd: fd, atOrAfter: max(target, last), before: to) else { break }
                if point > last { points.append(point) }
            }
        }
        points.append(max(from, to))
        return points
    }

    /// The offset just after the first line break at or after `offset` (after the LF of a CRLF), if it is
    /// before `limit`.
    private static func lineStart(fd: Int32, atOrAfter offset: Int, before limit: Int) throws(CSVError) -> Int? {
        let size = 1 << 16
        let piece = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        defer { piece.deallocate() }
        var base = offset
        var afterCR = false  // the previous piece ended with a CR
        while base < limit {
            let n = try readAt(fd, piece, count: min(size, limit - base + 1), offset: base)
            if n == 0 { return nil }
            if afterCR {
                let point = piece[0] == lf ? base + 1 : base
                return point < limit ? point : nil
            }
            for k in 0..<n where piece[k] == lf || piece[k] == cr {
                if piece[k] == cr {
                    if k + 1 == n { afterCR = true; break }
                    let point = piece[k + 1] == lf ? base + k + 2 : base + k + 1
                    return point < limit ? point : nil
                }
                return base + k + 1 < limit ? base + k + 1 : nil
            }
            base += n
        }
        return nil
    }

    /// One pread(2), EINTR-safe: up to `count` bytes at `offset`, 0 at the end of the file.
    private static func readAt(_ fd: Int32, _ destination: UnsafeMutablePointer<UInt8>, count: Int, offset: Int) throws(CSVError) -> Int {
        while true {
            let n = pread(fd, destination, count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw CSVError(line: 0, Messages.readFailed(Messages.system(errno))) }
        }
    }

    private static let quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    // MARK: Record boundaries

    /// A place in the file: a record start, its line and its record index.
    struct Position: Sendable, Equatable {
        var offset: Int
        var line: Int
        var index: Int
    }

    /// What `scanRecords` found: where the first record at or after the limit starts (or the end of the
    /// file), and the line breaks and records from the start up to there.
    struct RecordScan: Sendable, Equatable {
        var end: Int
        var lines: Int
        var records: Int
    }

    /// Finds record boundaries in raw bytes from `start` (a record start) the way the reader does, without
    /// parsing fields or decoding: a quote opens a field only at a field start, `""` inside quotes is data,
    /// records end at LF, CRLF or a lone CR, line breaks count one each inside quotes too. Counts the
    /// records that start before `limit`. Malformed input (text after a closing quote, an unclosed quote)
    /// gets some answer: the reader fails on that record anyway, and that error wins over anything after.
    ///
    /// With `quoteAware` false quotes are data: the count of line breaks is still exact, records are lines.
    static func scanRecords(fd: Int32, from start: Int, limit: Int, delimiter: UInt8, quoteAware: Bool, chunk: Int) throws(CSVError) -> RecordScan {
        if start >= limit { return RecordScan(end: start, lines: 0, records: 0) }
        let size = max(1, chunk)
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        defer { buf.deallocate() }
        let quote = Self.quote, lf = Self.lf, cr = Self.cr
        var base = start
        var lines = 0, records = 0
        var recordStart = start
        var inQuotes = false
        var pendingQuote = false  // inside quotes, the previous piece ended with a quote: `""` or closing?
        var pendingCR = false     // outside quotes, the previous piece ended with a CR: is an LF next?
        var previous = lf         // the byte before `buf[0]`
        while true {
            let n = try readAt(fd, buf, count: size, offset: base)
            if n == 0 {
                if pendingCR || recordStart < base { records += 1 }  // the last record, ended by a CR or by the end
                return RecordScan(end: base, lines: lines, records: records)
            }
            var i = 0
            // The next quote, CR and LF at or after `i`, each found by memchr when the last one is passed
            // (`n`: none left in this piece). Typical answer files have no CR and a quote every few fields.
            var nextQuote = quoteAware ? -1 : n, nextCR = -1, nextLF = -1
            @inline(__always) func find(_ byte: UInt8, from k: Int) -> Int {
                guard k < n, let hit = memchr(buf + k, Int32(byte), n - k) else { return n }
                return hit.assumingMemoryBound(to: UInt8.self) - buf
            }
            if pendingCR {
                pendingCR = false
                if buf[0] == lf { i = 1 }
                records += 1
                recordStart = base + i
                if recordStart >= limit { return RecordScan(end: recordStart, lines: lines, records: records) }
            } else if pendingQuote {
                pendingQuote = false
                if buf[0] == quote { i = 1 } else { inQuotes = false }
            }
            while i < n {
                if nextQuote < i { nextQuote = find(quote, from: i) }
                if nextCR < i { nextCR = find(cr, from: i) }
                if nextLF < i { nextLF = find(lf, from: i) }
                let j = min(nextQuote, nextCR, nextLF)
                if j == n { break }
                let b = buf[j]
                let before = j > 0 ? buf[j - 1] : previous
                if inQuotes {
                    if b == quote {
                        if j + 1 == n { pendingQuote = true; break }
                        if buf[j + 1] == quote { i = j + 2 } else { inQuotes = false; i = j + 1 }
                    } else {
                        if b == cr || before != cr { lines += 1 }
                        i = j + 1
                    }
                } else if b == quote {  // never when not quote-aware: quotes are not looked for
                    if base + j == recordStart || before == delimiter { inQuotes = true }
                    i = j + 1
                } else {
                    lines += 1
                    var next = j + 1
                    if b == cr {
                        if next == n { pendingCR = true; break }
                        if buf[next] == lf { next += 1 }
                    }
                    records += 1
                    recordStart = base + next
                    if recordStart >= limit { return RecordScan(end: recordStart, lines: lines, records: records) }
                    i = next
                }
            }
            previous = buf[n - 1]
            base += n
        }
    }

    // MARK: Parallel reading

    /// Parses the file's data records on `parts` threads and merges: calls `make()` once per part to get a
    /// per-thread accumulator, `consume(&acc, record)` for each record of the part, and returns the accumulators
    /// in file order. Guarantees every record is consumed exactly once, in its part, with exact line numbers;
    /// if a speculative split point was wrong, that part is re-parsed from the right offset.
    ///
    /// - Records, field bytes, `line`, `lineOfField` and `index` are exactly those of one reader over the
    ///   whole file (the header, before `layout.dataStart`, is not read). Fewer accumulators than `parts`
    ///   come back when the file is small or UTF-16 (see `splitPoints`); at least one always does.
    /// - `make` and `consume` run concurrently on several threads: each accumulator is touched by one thread
    ///   at a time, and `make` must return a fresh one each call (that is what lets accumulators that are
    ///   not `Sendable` come back). An accumulator whose part is re-parsed is dropped and a new one made, so
    ///   the ones returned have seen each record once.
    /// - Errors: the first in file order is thrown (a malformed record, or what `consume` threw); parts
    ///   after a failed one stop early.
    /// - `options` applies to each part's reader except encoding and delimiter, which are `layout`'s.
    ///
    /// `shortcut`, when given, is offered each part's buffer before each record, as in `forEach(shortcut:)`.
    ///
    /// `renumber`, when given, lets every part start at once, with no scan of the file before it: a part
    /// after the first starts at its candidate split point with provisional numbers (line 1, index 1), and
    /// once the part before it has ended exactly there, `renumber(&accumulator, lines, records)` shifts what
    /// the accumulator kept by the true offsets. It returns false when it cannot (say, it holds messages
    /// with line numbers in their text); the part is then parsed again from its exact start, as is a part
    /// whose split point was not a record start, or that failed (its error would carry provisional lines).
    public static func parallelForEach<A>(path: String, layout: Layout, parts: Int, options: CSVOptions = .init(),
                                          make: @Sendable () -> A,
                                          shortcut: (@Sendable (inout A, UnsafePointer<UInt8>, Int, Int, Int) -> (bytes: Int, records: Int))? = nil,
                                          renumber: (@Sendable (inout A, _ lines: Int, _ records: Int) -> Bool)? = nil,
                                          consume: @Sendable (inout A, CSVRecord) throws -> Void) throws -> [A] {
        try parallelRun(path: path, layout: layout, parts: parts, options: options, verifySplits: true,
                        make: make, shortcut: shortcut, renumber: renumber, consume: consume).results
    }

    /// What `parallelRun` did, for tests: the parts, the parts whose exact start is not the candidate split
    /// point, the scan pieces scanned again from a corrected start, the parts parsed again.
    struct ParallelStats: Sendable, Equatable {
        var parts = 0
        var moved = 0
        var rescans = 0
        var reparses = 0
    }

    /// `parallelForEach`, with its safety net exposed: with `verifySplits` false the split points are not
    /// checked before parsing (quotes are ignored when counting lines), so a wrong one is only caught by the
    /// merge and re-parsed; `index` is then exact only up to the first quoted line break.
    static func parallelRun<A>(path: String, layout: Layout, parts: Int, options: CSVOptions, verifySplits: Bool,
                               make: @Sendable () -> A,
                               shortcut: (@Sendable (inout A, UnsafePointer<UInt8>, Int, Int, Int) -> (bytes: Int, records: Int))? = nil,
                               renumber: (@Sendable (inout A, Int, Int) -> Bool)? = nil,
                               consume: @Sendable (inout A, CSVRecord) throws -> Void) throws -> (results: [A], stats: ParallelStats) {
        let (fd, _) = try openFile(path)
        defer { close(fd) }
        let chunk = max(1, options.chunkSize)
        let bounds = try splitPoints(fd: fd, from: layout.dataStart, to: layout.fileSize,
                                     parts: layout.encoding == .utf16 ? 1 : max(1, parts))
        let count = bounds.count - 1
        var stats = ParallelStats(parts: count)
        var starts = [Position(offset: bounds[0], line: layout.dataStartLine, index: layout.dataStartIndex)]

        // With `renumber`: no phase 1, parts after the first start at their candidates, numbered from 1.
        if renumber != nil {
            for k in 1..<max(1, count) { starts.append(Position(offset: bounds[k], line: 1, index: 1)) }
        }
        // Phase 1: the exact start, line and index of every part. The stretch before the last part is cut
        // into about `parts` pieces (each part's range into equal shares), scanned in parallel.
        if count > 1 && renumber == nil {
            let share = (max(1, parts) + count - 2) / (count - 1)
            var pieces = [bounds[0]]
            var endsPart: [Bool] = []
            for k in 0..<(count - 1) {
                let inner = try splitPoints(fd: fd, from: bounds[k], to: bounds[k + 1], parts: share)
                for point in inner.dropFirst() {
                    pieces.append(point)
                    endsPart.append(point == bounds[k + 1])
                }
            }
            let pieceCount = pieces.count - 1
            let scans = Slots<Result<RecordScan, CSVError>>(count: pieceCount)
            let points = pieces, delimiter = layout.delimiter
            DispatchQueue.concurrentPerform(iterations: pieceCount) { j in
                scans[j] = Result { () throws(CSVError) in
                    try scanRecords(fd: fd, from: points[j], limit: points[j + 1], delimiter: delimiter,
                                    quoteAware: verifySplits, chunk: chunk)
                }
            }
            var position = starts[0]
            for j in 0..<pieceCount {
                var scan = try scans.take(j).get()
                if position.offset != pieces[j] {
                    stats.rescans += 1
                    scan = try scanRecords(fd: fd, from: position.offset, limit: max(position.offset, pieces[j + 1]),
                                           delimiter: delimiter, quoteAware: verifySplits, chunk: chunk)
                }
                position = Position(offset: scan.end, line: position.line + scan.lines, index: position.index + scan.records)
                if endsPart[j] {
                    if position.offset != pieces[j + 1] { stats.moved += 1 }
                    starts.append(position)
                }
            }
        }

        // Phase 2: every part on its own thread, each with its own reader.
        let outcomes = Slots<PartOutcome<A>>(count: count)
        let failures = PartFailures()
        let partStarts = starts
        DispatchQueue.concurrentPerform(iterations: count) { k in
            let outcome = runPart(path: path, layout: layout, from: partStarts[k], upper: max(partStarts[k].offset, bounds[k + 1]),
                                  options: options, make: make, shortcut: shortcut, consume: consume) { failures.failed(before: k) }
            if case .failed = outcome { failures.fail(k) }
            outcomes[k] = outcome
        }

        // Merge in file order: each part must start where the previous one's reader ended.
        var results: [A] = []
        results.reserveCapacity(count)
        var expected = partStarts[0]
        for k in 0..<count {
            var outcome = outcomes.take(k)
            let start = partStarts[k]
            // Provisionally numbered parts are shifted when they began where the part before ended, and are
            // otherwise parsed again from there; exactly numbered ones must have begun there.
            let again: Bool
            if let renumber, k > 0 {
                let lines = expected.line - start.line, records = expected.index - start.index
                if start.offset == expected.offset, case .done(var accumulator, let end) = outcome, renumber(&accumulator, lines, records) {
                    results.append(accumulator)
                    expected = Position(offset: end.offset, line: end.line + lines, index: end.index + records)
                    continue
                }
                if start.offset != expected.offset { stats.reparses += 1 }
                again = true
            } else {
                let wrongStart = start.offset != expected.offset || start.line != expected.line
                    || (verifySplits && start.index != expected.index)
                if wrongStart { stats.reparses += 1 }
                again = wrongStart || outcome.isCancelled
            }
            if again {
                outcome = runPart(path: path, layout: layout, from: expected, upper: max(expected.offset, bounds[k + 1]),
                                  options: options, make: make, shortcut: shortcut, consume: consume) { false }
            }
            switch outcome {
            case .done(let accumulator, let end):
                results.append(accumulator)
                expected = end
            case .failed(let error):
                throw error
            case .cancelled:
                preconditionFailure("a part re-run without cancellation was cancelled")
            }
        }
        return (results, stats)
    }

    /// How one part went.
    private enum PartOutcome<A> {
        case done(A, end: Position)
        case failed(any Error)
        case cancelled

        var isCancelled: Bool {
            if case .cancelled = self { return true }
            return false
        }
    }

    private struct Cancelled: Error {}

    /// Parses the records that start in [from.offset, upper) into a fresh accumulator; checks `stop` (an
    /// earlier part failed: this one's work is moot) every 1024 records and whenever the shortcut is offered.
    private static func runPart<A>(path: String, layout: Layout, from: Position, upper: Int, options: CSVOptions,
                                   make: () -> A, shortcut: ((inout A, UnsafePointer<UInt8>, Int, Int, Int) -> (bytes: Int, records: Int))?,
                                   consume: (inout A, CSVRecord) throws -> Void,
                                   stop: () -> Bool) -> PartOutcome<A> {
        var accumulator = make()
        do {
            let reader = try CSVReader(path: path, layout: layout, range: from.offset..<upper, firstLine: from.line,
                                       firstIndex: from.index, options: options)
            var seen = 0
            var stopped = false
            try withoutActuallyEscaping(stop) { stop in
                // The shortcut is asked once per buffer and after each record it leaves: a cheap place to check.
                let taking: CSVReader.Shortcut? = shortcut.map { shortcut in
                    { bytes, count, limit, line in
                        if stop() { stopped = true; return (0, 0) }
                        return shortcut(&accumulator, bytes, count, limit, line)
                    }
                }
                try reader.forEach(shortcut: taking) { record in
                    if stopped { throw Cancelled() }
                    try consume(&accumulator, record)
                    seen &+= 1
                    if seen & 1023 == 0 && stop() { throw Cancelled() }
                }
            }
            return .done(accumulator, end: Position(offset: reader.endOffset, line: reader.nextLine, index: reader.nextIndex))
        } catch is Cancelled {
            return .cancelled
        } catch {
            return .failed(error)
        }
    }
}

/// One slot per task, written by that task's thread only and read after `concurrentPerform` returns (which
/// orders the write before the read): what lets values that are not `Sendable` come back from the threads.
private final class Slots<T>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<T?>
    private let count: Int

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: count)
        base.initialize(repeating: nil, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    subscript(k: Int) -> T? {
        get { base[k] }
        set { base[k] = newValue }
    }

    /// Moves slot `k`'s value out (it must have one).
    func take(_ k: Int) -> T {
        guard let value = base[k] else { preconditionFailure("task \(k) left no result") }
        base[k] = nil
        return value
    }
}

/// The lowest part that failed, so the parts after it can stop.
private final class PartFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var first = Int.max

    func fail(_ part: Int) {
        lock.lock()
        first = min(first, part)
        lock.unlock()
    }

    func failed(before part: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return first < part
    }
}
