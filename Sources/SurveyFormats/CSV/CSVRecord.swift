/// Where one field of the current record lies in the reader's buffer, and the line it starts on.
@usableFromInline
struct CSVFieldSpan {
    @usableFromInline var start: Int
    @usableFromInline var end: Int
    @usableFromInline var line: Int

    @inlinable
    init(start: Int, end: Int, line: Int) {
        self.start = start
        self.end = end
        self.line = line
    }
}

/// One record handed to `CSVReader.forEach`; valid only during the callback (its fields point into the
/// reader's reused buffer, so copy out what you keep: `string(_:)`, `strings`).
public struct CSVRecord {
    /// 1-based record number; the header is record 1 (a `sep=` line is not a record).
    public var index: Int
    /// The physical line (1-based) the record starts on, counting the `sep=` line and line breaks inside
    /// quoted fields.
    public var line: Int
    /// Number of fields (an empty line is one empty field).
    public var count: Int

    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let spans: UnsafePointer<CSVFieldSpan>

    init(index: Int, line: Int, count: Int, base: UnsafePointer<UInt8>, spans: UnsafePointer<CSVFieldSpan>) {
        self.index = index
        self.line = line
        self.count = count
        self.base = base
        self.spans = spans
    }

    /// Field `i` (0-based), unquoted and unescaped, in UTF-8 (already transcoded and validated). O(1).
    @inlinable
    public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(i >= 0 && i < count, "field \(i) of a record with \(count) fields")
        let span = spans[i]
        return UnsafeBufferPointer(start: base + span.start, count: span.end - span.start)
    }

    /// Field `i` (0-based) as a String.
    @inlinable
    public func string(_ i: Int) -> String { String(decoding: bytes(i), as: UTF8.self) }

    /// Whether field `i` (0-based) is empty. O(1).
    @inlinable
    public func isEmpty(_ i: Int) -> Bool {
        precondition(i >= 0 && i < count, "field \(i) of a record with \(count) fields")
        return spans[i].start == spans[i].end
    }

    /// Every field as a String.
    public var strings: [String] { (0..<count).map(string) }

    /// Whether the record is an empty line (one empty field); callers usually skip it.
    public var isBlank: Bool { count == 1 && isEmpty(0) }

    /// The 1-based field number of field `i`, for messages.
    @inlinable
    public func column(_ i: Int) -> Int { i + 1 }

    /// The physical line (1-based) where field `i` (0-based) starts.
    @inlinable
    public func lineOfField(_ i: Int) -> Int {
        precondition(i >= 0 && i < count, "field \(i) of a record with \(count) fields")
        return spans[i].line
    }
}
