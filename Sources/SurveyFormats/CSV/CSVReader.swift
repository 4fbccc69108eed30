import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A streaming RFC 4180 reader over bytes: answer files of any size in flat memory.
///
/// Input is read in `chunkSize` pieces, decoded to UTF-8 at the byte level (a UTF-8 BOM is stripped,
/// UTF-16 and Windows-1251 are transcoded chunk by chunk) and parsed by a byte state machine. Each record
/// is handed to the caller as slices of one reused buffer; nothing builds a String unless asked.
///
/// - A quote opens a field only at its start (elsewhere it is data); `""` inside quotes is a quote; CR and
///   LF inside quotes are data. Records end at LF, CRLF or a lone CR; a final line break adds no record; an
///   empty line is a record with one empty field. Fields are not trimmed.
/// - Lines count LF, CRLF and CR as one break each, inside quotes too; the `sep=` line is line 1 when
///   present. Errors carry the line and the field number.
/// - Work is O(n) in the input; memory is O(chunkSize + longest record).
/// - A range reader (`init(path:layout:range:…)`) reads only the records that start in a byte range of a
///   file; `parallelForEach` (CSVRanges.swift) uses them to read one file on several threads, exactly.
public final class CSVReader {
    /// The encoding used, after detection: `.utf8`, `.cp1251` or `.utf16`.
    public private(set) var encoding: CSVEncoding = .utf8
    /// The field separator used, after detection.
    public private(set) var delimiter: UInt8 = UInt8(ascii: ",")
    /// Whether the input began with a byte-order mark (UTF-8 or UTF-16).
    public private(set) var hadBOM = false
    /// Whether the input began with an Excel `sep=` line (which is not a record).
    public private(set) var hadSeparatorLine = false
    /// Raw bytes read from the input so far, for progress lines.
    public private(set) var bytesRead = 0
    /// The input's size in bytes when known (for a range reader: the range's length).
    public var totalBytes: Int?
    /// After `forEach`: the byte offset in the input just past the last record read, which is where the next
    /// range must start (before `forEach`: where the first record starts). Exact for every encoding.
    public var endOffset: Int { inputOffset(ofBuffer: start) }
    /// After `forEach`: the line the next record would start on (before: the first record's line).
    public var nextLine: Int { line }
    /// After `forEach`: the index the next record would get (before: the first record's index).
    public var nextIndex: Int { recordIndex + 1 }

    /// Bytes examined to tell UTF-8 from Windows-1251 when there is no byte-order mark.
    static let sniffLimit = 1 << 20

    private enum Source {
        case file(Int32)
        case memory([UInt8])
    }

    private enum Mode {
        case utf8, cp1251, utf16
    }

    private enum Step {
        case record(next: Int, lineAfter: Int)
        case needMore
    }

    private let options: CSVOptions
    private let chunkSize: Int
    private var source: Source
    private var memoryOffset = 0
    /// The input offset of the next raw byte `readRaw` hands out (read-ahead bytes first).
    private var rawOffset = 0
    /// A range reader stops at the first record that starts at or after this input offset (Int.max: none).
    private var limitOffset = Int.max
    /// Where the input byte at `limitOffset` lands in `buffer`, once decoded (Int.max: not yet).
    private var limitPos = Int.max
    /// Raw bytes read ahead (the byte-order mark and encoding sniff), served before the source.
    private var readAhead: [UInt8] = []
    private var readAheadOffset = 0

    private var mode: Mode = .utf8
    private var utf16 = CSVText.UTF16State(bigEndian: false)
    /// Raw bytes of one chunk, for the encodings that are transcoded.
    private var raw: UnsafeMutablePointer<UInt8>
    /// UTF-8 validated up to here (UTF-8 mode).
    private var validatedEnd = 0
    /// The first byte of the buffer that is not text in the input's encoding (Int.max: none yet). The
    /// record that contains it fails when the parser reaches it, so earlier records still come through.
    private var invalidAt = Int.max
    private var invalidProblem = CSVText.Problem.oddUTF16Length

    /// Decoded UTF-8: `buffer[start..<end]` is unparsed; `buffer[end]` is always a NUL sentinel, and
    /// `slack` bytes past the capacity let the scanner read whole words up to it.
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEOF = false

    private var line = 1
    private var recordIndex = 0
    private var spans: UnsafeMutablePointer<CSVFieldSpan>
    private var spanCapacity: Int
    private var unescapeList: UnsafeMutablePointer<Int>
    private var fieldCount = 0
    /// The stops not yet passed in the 64 bytes from `blockBase`: bit k set when `buffer[blockBase + k]`
    /// is the delimiter, CR, LF or NUL and lies at or after the scan position. Unquoted fields are found
    /// with it, one tzcnt and one clear-lowest-bit per field, no per-byte branches; `fill` invalidates it.
    private var blockBase = -128
    private var blockStops: UInt64 = 0
    /// Bytes that stop the scan of an unquoted field (delimiter, CR, LF, NUL) and of a quoted one
    /// (quote, CR, LF, NUL).
    private let unquotedStops: UnsafeMutablePointer<UInt8>
    private let quotedStops: UnsafeMutablePointer<UInt8>

    private static let slack = 72
    private static let quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// Opens a file for streaming; it is never read whole.
    public convenience init(path: String, options: CSVOptions = .init()) throws(CSVError) {
        let (fd, size) = try Self.openFile(path)
        try self.init(source: .file(fd), size: size, options: options)
    }

    /// Wraps bytes already in memory (read in `chunkSize` pieces all the same, so it behaves like a file).
    public convenience init(bytes: [UInt8], options: CSVOptions = .init()) throws(CSVError) {
        try self.init(source: .memory(bytes), size: bytes.count, options: options)
    }

    /// A reader over the records that START in `range` (byte offsets in the file), for parsing one file on
    /// several threads (see `parallelForEach`, which does all of this for you).
    ///
    /// - `range.lowerBound` must be a record start at or after `layout.dataStart` (from `splitPoints`, made
    ///   exact by checking the previous range's `endOffset`). Reading continues past `range.upperBound` to
    ///   finish the last record that starts before it; a record starting exactly at `upperBound` belongs to
    ///   the next range. An empty range reads nothing.
    /// - `firstLine`/`firstIndex` are the line and record number of the record at `lowerBound`; lines and
    ///   indexes of the records after it are counted from there, exactly as a whole-file reader counts.
    /// - The encoding and delimiter are `layout`'s (`options.encoding`/`delimiter` are not consulted, nor is
    ///   anything detected); the rest of `options` applies. `hadBOM` describes the file;
    ///   `hadSeparatorLine` is false; `totalBytes` is the range's length and `bytesRead` counts from its start.
    /// - UTF-8 and Windows-1251 ranges may start at any record start. A UTF-16 range must start at an even
    ///   offset after the byte-order mark (in practice: `layout.dataStart`, as `splitPoints` never splits
    ///   UTF-16).
    public convenience init(path: String, layout: Layout, range: Range<Int>, firstLine: Int, firstIndex: Int,
                            options: CSVOptions = .init()) throws(CSVError) {
        let (fd, _) = try Self.openFile(path)
        var head = [UInt8](repeating: 0, count: 3)
        let got = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 3, 0) }
        if got < 0 || lseek(fd, off_t(range.lowerBound), SEEK_SET) < 0 {
            let reason = Messages.system(errno)
            close(fd)
            throw CSVError(line: 0, Messages.cannotRead(reason))
        }
        let start = RangeStart(layout: layout, range: range, firstLine: firstLine, firstIndex: firstIndex,
                               head: Array(head.prefix(max(0, got))))
        try self.init(source: .file(fd), size: range.count, options: options, range: start)
    }

    /// Opens `path` for reading: the descriptor and, for a regular file, its size.
    static func openFile(_ path: String) throws(CSVError) -> (fd: Int32, size: Int?) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CSVError(line: 0, Messages.cannotOpen(Messages.system(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = Messages.system(errno)
            close(fd)
            throw CSVError(line: 0, Messages.cannotRead(reason))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw CSVError(line: 0, Messages.isFolder)
        }
        return (fd, (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil)
    }

    /// Where a range reader starts, and the file's first bytes (to tell its byte-order mark).
    private struct RangeStart {
        var layout: Layout
        var range: Range<Int>
        var firstLine: Int
        var firstIndex: Int
        var head: [UInt8]
    }

    private init(source: Source, size: Int?, options: CSVOptions, range: RangeStart? = nil) throws(CSVError) {
        self.options = options
        self.source = source
        self.totalBytes = size
        chunkSize = max(1, options.chunkSize)
        raw = .allocate(capacity: chunkSize)
        capacity = max(3 * chunkSize + 16, 64)
        buffer = .allocate(capacity: capacity + Self.slack)
        buffer.initialize(repeating: 0, count: capacity + Self.slack)
        spanCapacity = min(64, max(1, options.maxColumns))
        spans = .allocate(capacity: spanCapacity)
        unescapeList = .allocate(capacity: spanCapacity)
        unquotedStops = .allocate(capacity: 256)
        unquotedStops.initialize(repeating: 0, count: 256)
        quotedStops = .allocate(capacity: 256)
        quotedStops.initialize(repeating: 0, count: 256)
        if let range {
            prepareRange(range)
        } else {
            try prepare()
        }
    }

    deinit {
        if case .file(let fd) = source { close(fd) }
        raw.deallocate()
        buffer.deallocate()
        spans.deallocate()
        unescapeList.deallocate()
        unquotedStops.deallocate()
        quotedStops.deallocate()
    }

    // MARK: Records

    /// Calls `body` for each record in order; stops and rethrows if `body` throws. Throws `CSVError` for
    /// malformed input, once the records before the problem have been handed over. Records already
    /// delivered are not delivered again by a second call.
    public func forEach(_ body: (CSVRecord) throws -> Void) throws {
        try forEach(shortcut: nil, body)
    }

    /// A reader's way past its own parsing, for callers that can take common records straight from the
    /// decoded bytes: given `bytes[0..<count]` (starting at a record start) and `limit` (records starting
    /// at or after it belong to the next range), it takes whole records from the start — each one line,
    /// ended by LF, CRLF or a lone CR followed by a byte before `count` — and returns the bytes and records
    /// taken; (0, 0) leaves the next record to the reader and `body`. It takes no field longer than
    /// `shortcutFieldLimit` bytes; a reader whose `maxFieldBytes` is below that does not offer it. The
    /// buffer stays readable for 64 bytes past `count` (its slack), so a shortcut may load whole words.
    /// `line` is the line of the first record offered (the shortcut's records are one line each).
    public typealias Shortcut = (_ bytes: UnsafePointer<UInt8>, _ count: Int, _ limit: Int, _ line: Int) -> (bytes: Int, records: Int)

    /// The longest field a shortcut may take (it keeps the reader's field limit only above this).
    public static let shortcutFieldLimit = 512

    /// `forEach`, offering the buffer to `shortcut` before each record it would parse. Lines, indexes,
    /// `endOffset` stay exact: the shortcut's records count as one line each.
    public func forEach(shortcut: Shortcut?, _ body: (CSVRecord) throws -> Void) throws {
        let shortcut = options.maxFieldBytes >= Self.shortcutFieldLimit ? shortcut : nil
        while true {
            if start >= limitPos { return }  // a range reader: this record belongs to the next range
            if start >= end {
                if atEOF { return }
                try fill()
                continue
            }
            if let shortcut {
                // Only bytes known to decode cleanly (a problem found while decoding is the reader's to report).
                let available = min(end, invalidAt) &- start
                let (bytes, records) = available > 0 ? shortcut(buffer + start, available, limitPos == Int.max ? Int.max : limitPos &- start, line) : (0, 0)
                if records > 0 {
                    start &+= bytes
                    line &+= records
                    recordIndex &+= records
                    continue
                }
            }
            switch try parseRecord() {
            case .record(let next, let lineAfter):
                recordIndex += 1
                let record = CSVRecord(index: recordIndex, line: line, count: fieldCount, base: buffer, spans: spans)
                start = next
                line = lineAfter
                try body(record)
            case .needMore:
                try readMore()
            }
        }
    }

    /// The input offset of the byte decoded to `buffer[position]` (`position` at most `end`, and at a
    /// character boundary): the raw bytes handed to the decoder so far, less those still held by the UTF-16
    /// decoder and those that decoded to `buffer[position..<end]`. Windows-1251 turns each byte into one
    /// scalar; UTF-16, two bytes per scalar and four per one that takes four bytes in UTF-8.
    private func inputOffset(ofBuffer position: Int) -> Int {
        var offset = rawOffset
        switch mode {
        case .utf8:
            offset -= end - position
        case .cp1251:
            for k in position..<max(position, end) where buffer[k] & 0xC0 != 0x80 { offset -= 1 }
        case .utf16:
            if utf16.carry != nil { offset -= 1 }
            if utf16.pendingHigh != 0 { offset -= 2 }
            for k in position..<max(position, end) {
                let b = buffer[k]
                if b & 0xC0 != 0x80 { offset -= b >= 0xF0 ? 4 : 2 }
            }
        }
        return offset
    }

    /// Appends input after an incomplete record: at least as much again as the record has so far, so a
    /// long record is rescanned O(1) times per byte.
    private func readMore() throws(CSVError) {
        let pending = end - start
        if pending > options.maxRecordBytes {
            throw CSVError(line: line, Messages.recordTooLong(options.maxRecordBytes),
                           hint: Messages.hintMissingClosingQuote)
        }
        repeat { try fill() } while !atEOF && end - start < 2 * pending
    }

    /// Parses one record at `start`. Fills `spans`/`fieldCount`; returns where the next record starts, or
    /// `.needMore` when the buffer ends inside the record and more input may come.
    private func parseRecord() throws(CSVError) -> Step {
        let p = buffer
        let end = self.end
        let eof = atEOF
        let unquoted = unquotedStops
        let quoted = quotedStops
        let delimiter = self.delimiter
        let maxField = options.maxFieldBytes
        let maxColumns = options.maxColumns
        let quote = Self.quote, lf = Self.lf, cr = Self.cr
        let delimiterWord = Self.broadcast(delimiter), quoteWord = Self.broadcast(quote)
        let lfWord = Self.broadcast(lf), crWord = Self.broadcast(cr)
        let recordStart = start
        var blockBase = self.blockBase, blockStops = self.blockStops
        defer { self.blockBase = blockBase; self.blockStops = blockStops }
        /// Drops the stops before `position` (an LF skipped after a CR, a quoted field's contents).
        @inline(__always) func passStops(before position: Int) {
            let shift = UInt(bitPattern: position &- blockBase)
            if shift < 64 { blockStops &= ~0 &<< UInt64(shift) }
        }
        passStops(before: recordStart)
        var spans = self.spans
        var spanCapacity = self.spanCapacity
        var i = recordStart
        var line = self.line
        var count = 0
        var unescapeCount = 0

        fields: while true {
            if count == spanCapacity {
                if count >= maxColumns {
                    throw located(CSVError(line: line, column: count + 1, Messages.tooManyFields(maxColumns)),
                                  at: i, recordStart: recordStart, fields: count)
                }
                growSpans()
                spans = self.spans
                spanCapacity = self.spanCapacity
            }
            let fieldLine = line
            if p[i] == quote {  // never the sentinel: at `end` this reads NUL
                let openLine = line
                let openAt = i
                i &+= 1
                let contentStart = i
                var doubled = false
                scan: while true {
                    #if _endian(little)
                    i = Self.scan(p, from: i, quoteWord, crWord, lfWord)
                    #else
                    while quoted[Int(p[i])] == 0 { i &+= 1 }
                    #endif
                    if i >= end {
                        if i &- contentStart > maxField {
                            throw located(fieldTooLong(line: fieldLine, column: count + 1), at: i, recordStart: recordStart, fields: count)
                        }
                        if !eof { return .needMore }
                        throw located(CSVError(line: openLine, column: count + 1,
                                               Messages.unclosedQuote(line: openLine),
                                               hint: Messages.hintUnclosedQuote),
                                      at: openAt, recordStart: recordStart, fields: count)
                    }
                    let b = p[i]
                    if b == quote {
                        if i &+ 1 < end {
                            if p[i &+ 1] == quote { doubled = true; i &+= 2; continue scan }
                        } else if !eof {
                            return .needMore
                        }
                        break scan
                    } else if b == lf {
                        if p[i &- 1] != cr { line &+= 1 }
                        i &+= 1
                    } else if b == cr {
                        line &+= 1
                        i &+= 1
                    } else {
                        throw located(nulByte(line: line, column: count + 1), at: i, recordStart: recordStart, fields: count)
                    }
                }
                if i &- contentStart > maxField {
                    throw located(fieldTooLong(line: fieldLine, column: count + 1), at: i, recordStart: recordStart, fields: count)
                }
                spans[count] = CSVFieldSpan(start: contentStart, end: i, line: fieldLine)
                if doubled { unescapeList[unescapeCount] = count; unescapeCount &+= 1 }
                count &+= 1
                i &+= 1
                if i >= end {
                    if !eof { return .needMore }
                    break fields
                }
                let b = p[i]
                if b == delimiter {
                    i &+= 1
                    passStops(before: i)
                    continue fields
                }
                if b == lf || b == cr { break fields }
                if b == 0 {
                    throw located(nulByte(line: line, column: count), at: i, recordStart: recordStart, fields: count)
                }
                // A byte that may start a character cut off by the end of the buffer: whether it is invalid
                // UTF-8 (reported first) is known only with the bytes after it, so read them, or the error
                // would depend on where a chunk happens to end.
                if mode == .utf8 && options.validatesUTF8 && !eof && invalidAt == Int.max && i >= validatedEnd { return .needMore }
                throw located(CSVError(line: line, column: count, Messages.textAfterClosingQuote,
                                       hint: Messages.hintDoubledQuote),
                              at: i, recordStart: recordStart, fields: count)
            } else {
                let fieldStart = i
                // The next stop from the block bitmap: no per-byte branches, one bitmap per 64 bytes.
                #if _endian(little)
                if UInt(bitPattern: i &- blockBase) >= 64 {
                    blockBase = i
                    blockStops = Self.stopMask(p + i, delimiterWord)
                }
                while blockStops == 0 {
                    blockBase &+= 64
                    blockStops = Self.stopMask(p + blockBase, delimiterWord)
                }
                i = blockBase &+ blockStops.trailingZeroBitCount
                blockStops &= blockStops &- 1
                #else
                while unquoted[Int(p[i])] == 0 { i &+= 1 }
                #endif
                if i &- fieldStart > maxField {
                    throw located(fieldTooLong(line: fieldLine, column: count + 1), at: i, recordStart: recordStart, fields: count)
                }
                if i >= end {
                    if !eof { return .needMore }
                    spans[count] = CSVFieldSpan(start: fieldStart, end: i, line: fieldLine)
                    count &+= 1
                    break fields
                }
                spans[count] = CSVFieldSpan(start: fieldStart, end: i, line: fieldLine)
                count &+= 1
                let b = p[i]
                if b == delimiter { i &+= 1; continue fields }
                if b == lf || b == cr { break fields }
                throw located(nulByte(line: line, column: count), at: i, recordStart: recordStart, fields: count - 1)
            }
        }

        // The record ends at `i`: a line break, or the end of the input.
        var next = i
        if i < end {
            if p[i] == lf {
                next = i &+ 1
            } else if i &+ 1 < end {
                next = p[i &+ 1] == lf ? i &+ 2 : i &+ 1
            } else if eof {
                next = i &+ 1
            } else {
                return .needMore  // a CR at the end of the buffer: is an LF next?
            }
            line &+= 1
        }
        if invalidAt < next { throw encodingError(recordStart: recordStart, fields: count) }
        for k in 0..<unescapeCount { unescapeQuotes(&spans[unescapeList[k]]) }
        fieldCount = count
        return .record(next: next, lineAfter: line)
    }

    @inline(__always)
    private static func broadcast(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// The offset of the first byte at or after `i` that is NUL or equals a byte of `a`, `b` or `c` (each
    /// a byte broadcast to a word), eight bytes per step. The sentinel NUL at `end` bounds it.
    ///
    /// Per word, `(x - 0x01…) & ~x & 0x80…` flags the bytes of `x` that are zero; it can also flag a byte
    /// just above a zero one (the borrow), never one below, so the lowest flag of the union is exact.
    @inline(__always)
    private static func scan(_ p: UnsafeMutablePointer<UInt8>, from start: Int, _ a: UInt64, _ b: UInt64, _ c: UInt64) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        var i = start
        while true {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            let xa = w ^ a, xb = w ^ b, xc = w ^ c
            let hits = ((w &- ones) & ~w | (xa &- ones) & ~xa | (xb &- ones) & ~xb | (xc &- ones) & ~xc) & high
            if hits != 0 { return i &+ (hits.trailingZeroBitCount &>> 3) }
            i &+= 8
        }
    }

    /// The stop bitmap of `p[0..<64]`: bit k is set when byte k is CR, LF or the delimiter (`delimiter`
    /// broadcast to a word), or NUL when `nul` (the parser stops at NUL to refuse it; the tabulation shortcut
    /// does not need to). Sixteen bytes at a time: compares give 0xFF per stop byte, kept as bit j of byte j
    /// (mod 8), and one multiply per eight bytes gathers those distinct bits into the top byte (no two
    /// partial products meet, so nothing carries). About half the instructions of the word-at-a-time version
    /// on SSE2, the x86-64 baseline; the reader and both shortcuts spend a fifth of their time here.
    @inline(__always)
    static func stopMask(_ p: UnsafePointer<UInt8>, _ delimiter: UInt64, nul: Bool = true) -> UInt64 {
        let raw = UnsafeRawPointer(p)
        let d = SIMD16<UInt8>(repeating: UInt8(truncatingIfNeeded: delimiter))
        let cr = SIMD16<UInt8>(repeating: 0x0D), lf = SIMD16<UInt8>(repeating: 0x0A), zero = SIMD16<UInt8>()
        let bits = SIMD16<UInt8>(1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128)
        let gather: UInt64 = 0x0101_0101_0101_0101
        var mask: UInt64 = 0
        for k in 0..<4 {
            let v = raw.loadUnaligned(fromByteOffset: k &* 16, as: SIMD16<UInt8>.self)
            var hit = (v .== d) .| (v .== cr) .| (v .== lf)
            if nul { hit = hit .| (v .== zero) }
            let words = unsafeBitCast(SIMD16<UInt8>(truncatingIfNeeded: hit._storage) & bits, to: SIMD2<UInt64>.self)
            let low = (words[0] &* gather) &>> 56, high = (words[1] &* gather) &>> 56
            mask |= (low | high &<< 8) &<< UInt64(truncatingIfNeeded: k &* 16)
        }
        return mask
    }

    /// Collapses each `""` of a quoted field to `"`, in place.
    private func unescapeQuotes(_ span: inout CSVFieldSpan) {
        let p = buffer
        var read = span.start, write = span.start
        while read < span.end {
            let b = p[read]
            p[write] = b
            write &+= 1
            read &+= b == Self.quote ? 2 : 1
        }
        span.end = write
    }

    private func growSpans() {
        let newCapacity = min(max(spanCapacity * 2, 64), max(options.maxColumns, 1))
        let newSpans = UnsafeMutablePointer<CSVFieldSpan>.allocate(capacity: newCapacity)
        newSpans.moveInitialize(from: spans, count: spanCapacity)
        spans.deallocate()
        spans = newSpans
        let newList = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
        newList.moveInitialize(from: unescapeList, count: spanCapacity)
        unescapeList.deallocate()
        unescapeList = newList
        spanCapacity = newCapacity
    }

    // MARK: Errors

    private func fieldTooLong(line: Int, column: Int) -> CSVError {
        CSVError(line: line, column: column, Messages.fieldTooLong(options.maxFieldBytes),
                 hint: Messages.hintMissingClosingQuote)
    }

    private func nulByte(line: Int, column: Int) -> CSVError {
        CSVError(line: line, column: column, Messages.nulByte,
                 hint: mode == .utf8 && !hadBOM ? Messages.hintUTF16WithoutBOM : nil)
    }

    /// `error`, unless an encoding problem comes before `offset` in the record: that one is reported first.
    private func located(_ error: CSVError, at offset: Int, recordStart: Int, fields: Int) -> CSVError {
        invalidAt <= offset ? encodingError(recordStart: recordStart, fields: fields) : error
    }

    /// The encoding problem at `invalidAt`, inside the record that starts at `recordStart`.
    private func encodingError(recordStart: Int, fields: Int) -> CSVError {
        let offset = invalidAt
        let errorLine = line + lineBreaks(from: recordStart, to: offset)
        var column = fields + 1
        for k in 0..<fields where spans[k].start <= offset && offset < spans[k].end {
            column = k + 1
            break
        }
        switch invalidProblem {
        case .invalidUTF8(let byte):
            return CSVError(line: errorLine, column: column, Messages.invalidUTF8(byte: hex(byte)),
                            hint: Messages.hintCP1251)
        case .undefinedCP1251(let byte):
            return CSVError(line: errorLine, column: column, Messages.notCP1251(byte: hex(byte)),
                            hint: Messages.hintCheckEncoding)
        case .unpairedSurrogate(let unit):
            return CSVError(line: errorLine, column: column, Messages.invalidUTF16(unit: hex(unit)),
                            hint: Messages.hintCheckEncoding)
        case .oddUTF16Length:
            return CSVError(line: errorLine, column: column, Messages.utf16Truncated,
                            hint: Messages.hintCutShort)
        }
    }

    private func hex<T: BinaryInteger>(_ value: T) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return text.count % 2 == 1 ? "0" + text : text
    }

    /// Line breaks (LF, CRLF, CR count one each) in `buffer[from..<to]`.
    private func lineBreaks(from: Int, to: Int) -> Int {
        var breaks = 0
        var i = from
        while i < to {
            let b = buffer[i]
            if b == Self.cr {
                breaks += 1
            } else if b == Self.lf && !(i > from && buffer[i - 1] == Self.cr) {
                breaks += 1
            }
            i += 1
        }
        return breaks
    }

    // MARK: Input

    /// Reads raw bytes: first those read ahead, then the source. Returns 0 at the end of the input.
    private func readRaw(into destination: UnsafeMutablePointer<UInt8>, max count: Int) throws(CSVError) -> Int {
        if readAheadOffset < readAhead.count {
            let n = min(count, readAhead.count - readAheadOffset)
            readAhead.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress else { return }
                destination.update(from: base + readAheadOffset, count: n)
            }
            readAheadOffset += n
            if readAheadOffset == readAhead.count {
                readAhead = []
                readAheadOffset = 0
            }
            rawOffset += n
            return n
        }
        let n = try readSource(into: destination, max: count)
        rawOffset += n
        return n
    }

    /// One read(2) (EINTR-safe) or one piece of the in-memory bytes.
    private func readSource(into destination: UnsafeMutablePointer<UInt8>, max count: Int) throws(CSVError) -> Int {
        switch source {
        case .file(let fd):
            while true {
                let n = read(fd, destination, count)
                if n >= 0 {
                    bytesRead += n
                    return n
                }
                if errno != EINTR {
                    throw CSVError(line: 0, Messages.readFailed(Messages.system(errno)))
                }
            }
        case .memory(let bytes):
            let n = min(count, bytes.count - memoryOffset)
            guard n > 0 else { return 0 }
            bytes.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress else { return }
                destination.update(from: base + memoryOffset, count: n)
            }
            memoryOffset += n
            bytesRead += n
            return n
        }
    }

    /// Moves the unparsed bytes to the front, then decodes one more chunk after them (or notes the end of
    /// the input). Keeps `buffer[end] == 0`.
    private func fill() throws(CSVError) {
        guard !atEOF else { return }
        if start > 0 {
            let shift = start
            if end > start { buffer.update(from: buffer + start, count: end - start) }
            end -= shift
            validatedEnd -= shift
            if invalidAt != Int.max { invalidAt -= shift }
            if limitPos != Int.max { limitPos -= shift }
            start = 0
        }
        let room = mode == .utf8 ? chunkSize : 3 * chunkSize + 16
        if capacity - end < room {
            let newCapacity = max(capacity * 2, end + room)
            let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity + Self.slack)
            newBuffer.initialize(repeating: 0, count: newCapacity + Self.slack)
            newBuffer.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = newBuffer
            capacity = newCapacity
        }
        // A range reader notes where the byte at `limitOffset` lands: decoding stops there and goes on.
        let rawStart = rawOffset
        switch mode {
        case .utf8:
            let n = try readRaw(into: buffer + end, max: chunkSize)
            if n == 0 { atEOF = true }
            if limitPos == Int.max && limitOffset <= rawStart + n { limitPos = end + max(0, limitOffset - rawStart) }
            end += n
            if invalidAt == Int.max && options.validatesUTF8 {
                let (invalid, resume) = CSVText.validateUTF8(buffer, from: validatedEnd, to: end, final: atEOF)
                validatedEnd = resume
                if let invalid { noteProblem(at: invalid, .invalidUTF8(buffer[invalid])) }
            }
        case .cp1251:
            let n = try readRaw(into: raw, max: chunkSize)
            if n == 0 { atEOF = true }
            var k = 0
            if limitPos == Int.max && limitOffset <= rawStart + n {
                k = max(0, limitOffset - rawStart)
                end = CSVText.decodeCP1251(raw, count: k, into: buffer, at: end) { noteProblem(at: $0, $1) }
                limitPos = end
            }
            end = CSVText.decodeCP1251(raw + k, count: n - k, into: buffer, at: end) { noteProblem(at: $0, $1) }
        case .utf16:
            let n = try readRaw(into: raw, max: chunkSize)
            if n == 0 { atEOF = true }
            var k = 0
            if limitPos == Int.max && limitOffset <= rawStart + n {
                k = max(0, limitOffset - rawStart)
                end = CSVText.decodeUTF16(raw, count: k, state: &utf16, into: buffer, at: end, final: false) { noteProblem(at: $0, $1) }
                limitPos = end
            }
            end = CSVText.decodeUTF16(raw + k, count: n - k, state: &utf16, into: buffer, at: end, final: atEOF) { noteProblem(at: $0, $1) }
        }
        buffer[end] = 0
        blockBase = -128
    }

    private func noteProblem(at offset: Int, _ problem: CSVText.Problem) {
        guard invalidAt == Int.max else { return }
        invalidAt = offset
        invalidProblem = problem
    }

    /// Fills until `count` bytes are unparsed or the input ends.
    private func ensure(_ count: Int) throws(CSVError) {
        while end - start < count && !atEOF { try fill() }
    }

    // MARK: Setup

    /// Byte-order mark and encoding, the decoding tables, a `sep=` line, the delimiter.
    private func prepare() throws(CSVError) {
        try chooseEncoding()
        if let given = options.delimiter {
            try checkDelimiter(given)
        }
        try ensure(8)
        if let separator = separatorLine() {
            hadSeparatorLine = true
            start += separator.length
            line = 2
            delimiter = options.delimiter ?? separator.delimiter
        } else if let given = options.delimiter {
            delimiter = given
        } else {
            delimiter = try detectDelimiter()
        }
        for stop in [delimiter, Self.cr, Self.lf, 0] { unquotedStops[Int(stop)] = 1 }
        for stop in [Self.quote, Self.cr, Self.lf, 0] { quotedStops[Int(stop)] = 1 }
    }

    /// A range reader's setup: everything from `layout`, nothing read or detected.
    private func prepareRange(_ start: RangeStart) {
        let head = start.head
        encoding = start.layout.encoding
        switch encoding {
        case .utf16:
            mode = .utf16
            hadBOM = head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF])
            utf16 = CSVText.UTF16State(bigEndian: head.starts(with: [0xFE, 0xFF]))
        case .cp1251:
            mode = .cp1251
        default:
            mode = .utf8
            hadBOM = head.starts(with: [0xEF, 0xBB, 0xBF])
        }
        delimiter = start.layout.delimiter
        line = start.firstLine
        recordIndex = start.firstIndex - 1
        rawOffset = start.range.lowerBound
        limitOffset = start.range.upperBound
        if start.range.isEmpty { limitPos = 0 }
        for stop in [delimiter, Self.cr, Self.lf, 0] { unquotedStops[Int(stop)] = 1 }
        for stop in [Self.quote, Self.cr, Self.lf, 0] { quotedStops[Int(stop)] = 1 }
    }

    private func checkDelimiter(_ byte: UInt8) throws(CSVError) {
        if byte == 0 || byte == Self.quote || byte == Self.cr || byte == Self.lf || byte >= 0x80 {
            throw CSVError(line: 0, Messages.badDelimiter,
                           hint: Messages.hintDelimiter)
        }
    }

    /// Reads ahead enough to see a byte-order mark (and, for `auto`, to tell UTF-8 from Windows-1251).
    private func chooseEncoding() throws(CSVError) {
        let wanted = options.encoding == .auto ? Self.sniffLimit : 3
        var ahead: [UInt8] = []
        let piece = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { piece.deallocate() }
        while ahead.count < wanted {
            let n = try readSource(into: piece, max: chunkSize)
            if n == 0 { break }
            ahead.append(contentsOf: UnsafeBufferPointer(start: piece, count: n))
        }
        let inputEnded = ahead.count < wanted

        var bom: CSVEncoding? = nil
        var bigEndian = false
        if ahead.starts(with: [0xEF, 0xBB, 0xBF]) {
            bom = .utf8
            readAheadOffset = 3
        } else if ahead.starts(with: [0xFF, 0xFE]) {
            bom = .utf16
            readAheadOffset = 2
        } else if ahead.starts(with: [0xFE, 0xFF]) {
            bom = .utf16
            bigEndian = true
            readAheadOffset = 2
        }
        hadBOM = bom != nil

        var chosen: CSVEncoding
        switch (options.encoding, bom) {
        case (.auto, let bom?):
            chosen = bom
        case (.auto, nil):
            chosen = try sniff(ahead, inputEnded: inputEnded)
        case (let given, nil):
            chosen = given
        case (let given, let bom?):
            guard given == bom else {
                let name = bom == .utf8 ? "UTF-8" : "UTF-16"
                throw CSVError(line: 1, Messages.byteOrderMarkMismatch(bom: name, given: given.rawValue),
                               hint: Messages.hintEncoding(bom.rawValue))
            }
            chosen = given
        }
        encoding = chosen
        switch chosen {
        case .utf16: mode = .utf16
        case .cp1251: mode = .cp1251
        default: mode = .utf8
        }
        utf16 = CSVText.UTF16State(bigEndian: bigEndian)
        rawOffset = readAheadOffset
        readAhead = ahead
        if readAheadOffset >= readAhead.count {
            readAhead = []
            readAheadOffset = 0
        }
    }

    /// Strict UTF-8 first (a sequence cut by the end of the sample is fine), then recognised Windows-1251
    /// Russian text, else an error: guessing silently is how answers get garbled.
    private func sniff(_ sample: [UInt8], inputEnded: Bool) throws(CSVError) -> CSVEncoding {
        let verdict: (invalid: Int?, resume: Int) = sample.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return (nil, 0) }
            return CSVText.validateUTF8(base, from: 0, to: bytes.count, final: inputEnded)
        }
        guard let invalid = verdict.invalid else { return .utf8 }
        if sample.withUnsafeBufferPointer(CSVText.looksLikeCP1251) { return .cp1251 }
        var errorLine = 1
        for k in 0..<invalid where sample[k] == Self.lf || (sample[k] == Self.cr && sample[k + 1] != Self.lf) { errorLine += 1 }
        throw CSVError(line: errorLine, Messages.cannotTellEncoding(byte: hex(sample[invalid])),
                       hint: Messages.hintGiveEncoding)
    }

    /// An Excel `sep=X` first line: the delimiter and the line's length with its line break.
    private func separatorLine() -> (delimiter: UInt8, length: Int)? {
        let p = buffer + start
        let available = end - start
        guard available >= 5 else { return nil }
        for (k, letter) in "sep=".utf8.enumerated() where p[k] | 0x20 != letter | 0x20 { return nil }
        let candidate = p[4]
        let isDelimiter = candidate == UInt8(ascii: "\t")
            || (candidate >= 0x21 && candidate < 0x7F && candidate != Self.quote
                && !(candidate >= 0x30 && candidate <= 0x39) && !((candidate | 0x20) >= 0x61 && (candidate | 0x20) <= 0x7A))
        guard isDelimiter else { return nil }
        if available == 5 { return (candidate, 5) }
        if p[5] == Self.lf { return (candidate, 6) }
        if p[5] == Self.cr { return (candidate, available > 6 && p[6] == Self.lf ? 7 : 6) }
        return nil
    }

    /// The most frequent of `;`, tab and `,` outside quotes in the first record (ties in that order);
    /// `,` when there is none (a single column).
    private func detectDelimiter() throws(CSVError) -> UInt8 {
        let semicolon = UInt8(ascii: ";"), comma = UInt8(ascii: ","), tab = UInt8(ascii: "\t")
        while true {
            if let counts = countFirstRecord(candidates: [semicolon, tab, comma]) {
                var best = comma
                var bestCount = 0
                for (candidate, count) in zip([semicolon, tab, comma], counts) where count > bestCount {
                    best = candidate
                    bestCount = count
                }
                return best
            }
            if end - start > options.maxRecordBytes {
                throw CSVError(line: line, Messages.firstRecordTooLong(options.maxRecordBytes),
                               hint: Messages.hintMissingClosingQuote)
            }
            let pending = end - start
            repeat { try fill() } while !atEOF && end - start < 2 * pending
        }
    }

    /// Counts each candidate outside quotes in the first record, or nil when the buffer ends first. A quote
    /// opens a field only after a candidate or at the record's start.
    private func countFirstRecord(candidates: [UInt8]) -> [Int]? {
        var counts = [Int](repeating: 0, count: candidates.count)
        var i = start
        var atFieldStart = true
        var inQuotes = false
        while i < end {
            let b = buffer[i]
            if inQuotes {
                if b == Self.quote {
                    if i + 1 >= end && !atEOF { return nil }
                    if i + 1 < end && buffer[i + 1] == Self.quote { i += 2; continue }
                    inQuotes = false
                }
                i += 1
                continue
            }
            if b == Self.lf || b == Self.cr { return counts }
            if let k = candidates.firstIndex(of: b) {
                counts[k] += 1
                atFieldStart = true
            } else {
                if b == Self.quote && atFieldStart { inQuotes = true }
                atFieldStart = false
            }
            i += 1
        }
        return atEOF ? counts : nil
    }
}
