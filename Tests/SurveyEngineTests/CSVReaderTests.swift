import Foundation
import Testing
@testable import SurveyFormats

// MARK: Helpers

/// What a reader produced for one input: records as strings with their lines, and what it detected.
private struct CSVReadout: Equatable {
    var records: [[String]] = []
    var lines: [Int] = []
    var fieldLines: [[Int]] = []
    var indexes: [Int] = []
    var encoding: CSVEncoding = .auto
    var delimiter: UInt8 = 0
    var hadBOM = false
    var hadSeparatorLine = false
}

private func readAll(_ bytes: [UInt8], _ options: CSVOptions = .init()) throws -> CSVReadout {
    let reader = try CSVReader(bytes: bytes, options: options)
    return try readout(reader)
}

private func readout(_ reader: CSVReader) throws -> CSVReadout {
    var out = CSVReadout(encoding: reader.encoding, delimiter: reader.delimiter, hadBOM: reader.hadBOM,
                         hadSeparatorLine: reader.hadSeparatorLine)
    try reader.forEach { record in
        out.records.append(record.strings)
        out.lines.append(record.line)
        out.fieldLines.append((0..<record.count).map(record.lineOfField))
        out.indexes.append(record.index)
    }
    return out
}

private func options(_ chunk: Int, encoding: CSVEncoding = .auto, delimiter: UInt8? = nil) -> CSVOptions {
    CSVOptions(encoding: encoding, delimiter: delimiter, chunkSize: chunk)
}

/// Windows-1251 bytes of Russian text (letters, Ёё, «», —, №) and ASCII, by table, independent of the reader.
private func cp1251(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0..<0x80: bytes.append(UInt8(scalar.value))
        case 0x410...0x44F: bytes.append(UInt8(scalar.value - 0x410 + 0xC0))
        case 0x401: bytes.append(0xA8)
        case 0x451: bytes.append(0xB8)
        case 0xAB: bytes.append(0xAB)
        case 0xBB: bytes.append(0xBB)
        case 0x2014: bytes.append(0x97)
        case 0x2116: bytes.append(0xB9)
        default: preconditionFailure("no Windows-1251 byte for U+\(String(scalar.value, radix: 16)) in this test table")
        }
    }
    return bytes
}

/// UTF-16 with a byte-order mark.
private func utf16(_ text: String, bigEndian: Bool = false, bom: Bool = true) -> [UInt8] {
    var bytes: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
    for unit in text.utf16 {
        let high = UInt8(unit >> 8), low = UInt8(unit & 0xFF)
        bytes += bigEndian ? [high, low] : [low, high]
    }
    return bytes
}

private let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
private func u8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Chunk sizes every table case runs with: tiny ones put every boundary everywhere.
private let chunkSizes = [1, 2, 3, 7, 1 << 20]

// MARK: Parsing

/// One well-formed input and what it must read as.
struct CSVParseCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var encoding: CSVEncoding = .auto
    var delimiter: UInt8? = nil
    var records: [[String]]
    var lines: [Int]? = nil
    var fieldLines: [[Int]]? = nil
    var expectEncoding: CSVEncoding? = nil
    var expectDelimiter: Character? = nil
    var expectBOM: Bool? = nil
    var expectSeparatorLine: Bool? = nil
    var testDescription: String { name }
}

private let parseCases: [CSVParseCase] = [
    .init(name: "simple", input: u8("a,b,c\n1,2,3\n"), records: [["a", "b", "c"], ["1", "2", "3"]], lines: [1, 2],
          expectEncoding: .utf8, expectDelimiter: ",", expectBOM: false, expectSeparatorLine: false),
    .init(name: "no final newline", input: u8("a;b\n1;2"), records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
    .init(name: "CRLF", input: u8("a;b\r\n1;2\r\n"), records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
    .init(name: "lone CR", input: u8("a;b\r1;2\r"), records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
    .init(name: "mixed line endings", input: u8("a;b\r\n1;2\n3;4\r5;6"),
          records: [["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"]], lines: [1, 2, 3, 4]),
    .init(name: "CRLF without final newline", input: u8("a;b\r\n1;2"), records: [["a", "b"], ["1", "2"]]),
    .init(name: "quoted delimiter", input: u8("\"a;b\";c\n"), records: [["a;b", "c"]]),
    .init(name: "doubled quotes", input: u8("\"say \"\"hi\"\"\";\"\"\"\"\n"), records: [["say \"hi\"", "\""]]),
    .init(name: "quoted CRLF inside", input: u8("\"l1\r\nl2\";b\r\nc;d\r\n"), records: [["l1\r\nl2", "b"], ["c", "d"]],
          lines: [1, 3], fieldLines: [[1, 2], [3, 3]]),
    .init(name: "quoted LF and CR inside", input: u8("x;\"a\nb\rc\"\ny;z\n"), records: [["x", "a\nb\rc"], ["y", "z"]],
          lines: [1, 4], fieldLines: [[1, 1], [4, 4]]),
    .init(name: "quoted field starting with a line break", input: u8("\"\nx\";\"\r\n\"\nq;r"),
          records: [["\nx", "\r\n"], ["q", "r"]], lines: [1, 4], fieldLines: [[1, 2], [4, 4]]),
    .init(name: "many multi-line fields", input: u8("h;t\n1;\"a\n\nb\"\n2;\"c\r\n\r\nd\"\n3;e\n"),
          records: [["h", "t"], ["1", "a\n\nb"], ["2", "c\r\n\r\nd"], ["3", "e"]], lines: [1, 2, 5, 8]),
    .init(name: "empty fields", input: u8(";;\n;a;\n"), records: [["", "", ""], ["", "a", ""]]),
    .init(name: "empty line in the middle", input: u8("a\n\nb\n"), records: [["a"], [""], ["b"]], lines: [1, 2, 3]),
    .init(name: "empty CRLF lines", input: u8("a;b\r\n\r\n\r\nc;d\r\n"), records: [["a", "b"], [""], [""], ["c", "d"]], lines: [1, 2, 3, 4]),
    .init(name: "two final newlines", input: u8("a\n\n"), records: [["a"], [""]]),
    .init(name: "only a newline", input: u8("\n"), records: [[""]]),
    .init(name: "empty input", input: [], records: [], expectEncoding: .utf8, expectDelimiter: ","),
    .init(name: "only a BOM", input: bom, records: [], expectBOM: true),
    .init(name: "quote in the middle is data", input: u8("ab\"c;d\"\n5\" screen;x\n"),
          records: [["ab\"c", "d\""], ["5\" screen", "x"]]),
    .init(name: "empty quoted fields", input: u8("\"\";x;\"\"\n"), records: [["", "x", ""]]),
    .init(name: "quoted last field without newline", input: u8("a;\"b\""), records: [["a", "b"]]),
    .init(name: "quoted last field then CR", input: u8("a;\"b\"\r"), records: [["a", "b"]]),
    .init(name: "no trimming", input: u8(" a ; b \n"), records: [[" a ", " b "]]),
    .init(name: "sep=; line", input: u8("sep=;\na,b;c\n"), records: [["a,b", "c"]], lines: [2],
          expectDelimiter: ";", expectBOM: false, expectSeparatorLine: true),
    .init(name: "sep=, after a BOM with CRLF", input: bom + u8("sep=,\r\nx;y,z\r\n1;2,3\r\n"), records: [["x;y", "z"], ["1;2", "3"]],
          lines: [2, 3], expectDelimiter: ",", expectBOM: true, expectSeparatorLine: true),
    .init(name: "sep=tab", input: u8("sep=\t\r\na;b\tc\r\n"), records: [["a;b", "c"]], expectDelimiter: "\t"),
    .init(name: "sep= alone", input: u8("sep=;"), records: [], expectSeparatorLine: true),
    .init(name: "sep= is a record when it is not a separator line", input: u8("sep=ab;c\n"), records: [["sep=ab", "c"]],
          expectSeparatorLine: false),
    .init(name: "UTF-8 BOM", input: bom + u8("имя;ответ\nИван;Согласен\n"), records: [["имя", "ответ"], ["Иван", "Согласен"]],
          expectEncoding: .utf8, expectBOM: true),
    .init(name: "UTF-8 without BOM", input: u8("ФИО;«Ёлка»\r\nПётр;Не согласен\r\n"), records: [["ФИО", "«Ёлка»"], ["Пётр", "Не согласен"]],
          expectEncoding: .utf8, expectBOM: false),
    .init(name: "UTF-16LE Excel unicode text", input: utf16("имя\tответ\r\n😀 Ёж\t\"x\ty\"\r\nя\t\r\n"),
          records: [["имя", "ответ"], ["😀 Ёж", "x\ty"], ["я", ""]], lines: [1, 2, 3],
          expectEncoding: .utf16, expectDelimiter: "\t", expectBOM: true),
    .init(name: "UTF-16BE", input: utf16("имя\tответ\n𝄞\t\"a\nb\"\nz\t€", bigEndian: true),
          records: [["имя", "ответ"], ["𝄞", "a\nb"], ["z", "€"]], lines: [1, 2, 4], expectEncoding: .utf16, expectBOM: true),
    .init(name: "UTF-16 sep= line", input: utf16("sep=;\r\na;b\r\n"), records: [["a", "b"]], lines: [2], expectSeparatorLine: true),
    .init(name: "cp1251 detected", input: cp1251("Вопрос;Ответ\r\n1;Полностью согласен\r\n2;Не согласен\r\n3;«Скорее нет» — ё\r\n"),
          records: [["Вопрос", "Ответ"], ["1", "Полностью согласен"], ["2", "Не согласен"], ["3", "«Скорее нет» — ё"]],
          expectEncoding: .cp1251, expectDelimiter: ";", expectBOM: false),
    .init(name: "cp1251 header only", input: cp1251("Полностью согласен;Не согласен"), records: [["Полностью согласен", "Не согласен"]],
          expectEncoding: .cp1251),
    .init(name: "cp1251 forced", input: cp1251("Да;Нет\r\nЁ;№\r\n"), encoding: .cp1251, records: [["Да", "Нет"], ["Ё", "№"]],
          expectEncoding: .cp1251),
    .init(name: "cp1251 forced on ASCII", input: u8("a;b\n"), encoding: .cp1251, records: [["a", "b"]], expectEncoding: .cp1251),
    .init(name: "utf-8 forced", input: u8("a;b\nя;ю\n"), encoding: .utf8, records: [["a", "b"], ["я", "ю"]], expectEncoding: .utf8),
    .init(name: "utf-16 forced without BOM is little-endian", input: utf16("a\tб\n", bom: false), encoding: .utf16,
          records: [["a", "б"]], expectEncoding: .utf16, expectBOM: false),
    .init(name: "utf-8 forced with a BOM", input: bom + u8("a,b\n"), encoding: .utf8, records: [["a", "b"]], expectBOM: true),
    .init(name: "detect ; over ,", input: u8("a;b;c,d\n1;2;3,4\n"), records: [["a", "b", "c,d"], ["1", "2", "3,4"]], expectDelimiter: ";"),
    .init(name: "detect , over ;", input: u8("a,b,c;d\n"), records: [["a", "b", "c;d"]], expectDelimiter: ","),
    .init(name: "detect tab over ,", input: u8("a\tb\tc,d\n"), records: [["a", "b", "c,d"]], expectDelimiter: "\t"),
    .init(name: "tie ; and ,", input: u8("a;b,c\n"), records: [["a", "b,c"]], expectDelimiter: ";"),
    .init(name: "tie tab and ,", input: u8("a\tb,c\n"), records: [["a", "b,c"]], expectDelimiter: "\t"),
    .init(name: "tie ; and tab", input: u8("a\tb;c\n"), records: [["a\tb", "c"]], expectDelimiter: ";"),
    .init(name: "no delimiter: one column", input: u8("abc\n1\n"), records: [["abc"], ["1"]], expectDelimiter: ","),
    .init(name: "detection ignores quoted delimiters", input: u8("\"a,b,c\";d\n1;2\n"), records: [["a,b,c", "d"], ["1", "2"]],
          expectDelimiter: ";"),
    .init(name: "detection reads only the first record", input: u8("a;b\n1,2,3,4\n"), records: [["a", "b"], ["1,2,3,4"]],
          expectDelimiter: ";"),
    .init(name: "detection with a multi-line quoted header", input: u8("\"a\nb;c;d\",e\n1,2\n"), records: [["a\nb;c;d", "e"], ["1", "2"]],
          lines: [1, 3], expectDelimiter: ","),
    .init(name: "given delimiter wins", input: u8("a;b,c\n"), delimiter: UInt8(ascii: ","), records: [["a;b", "c"]], expectDelimiter: ","),
    .init(name: "given delimiter wins over sep=", input: u8("sep=;\na;b,c\n"), delimiter: UInt8(ascii: ","), records: [["a;b", "c"]],
          lines: [2], expectSeparatorLine: true),
]

@Suite("CSVReader: parsing")
struct CSVReaderParsingTests {
    @Test(arguments: parseCases, chunkSizes)
    func parses(_ c: CSVParseCase, chunk: Int) throws {
        let out = try readAll(c.input, CSVOptions(encoding: c.encoding, delimiter: c.delimiter, chunkSize: chunk))
        #expect(out.records == c.records)
        #expect(out.indexes == (0..<c.records.count).map { $0 + 1 })
        if let lines = c.lines { #expect(out.lines == lines) }
        if let fieldLines = c.fieldLines { #expect(out.fieldLines == fieldLines) }
        if let e = c.expectEncoding { #expect(out.encoding == e) }
        if let d = c.expectDelimiter { #expect(out.delimiter == d.asciiValue) }
        if let b = c.expectBOM { #expect(out.hadBOM == b) }
        if let s = c.expectSeparatorLine { #expect(out.hadSeparatorLine == s) }
    }

    @Test("tiny chunks read exactly like one big chunk", arguments: parseCases)
    func chunkIndependence(_ c: CSVParseCase) throws {
        let whole = try readAll(c.input, CSVOptions(encoding: c.encoding, delimiter: c.delimiter, chunkSize: 1 << 20))
        for chunk in 1...9 {
            let pieces = try readAll(c.input, CSVOptions(encoding: c.encoding, delimiter: c.delimiter, chunkSize: chunk))
            #expect(pieces == whole, "chunk \(chunk)")
        }
    }

    @Test func recordAccessors() throws {
        let reader = try CSVReader(bytes: u8("id;\"q\"\"1\";\nabc;;x\n"))
        var seen = 0
        try reader.forEach { record in
            seen += 1
            #expect(record.count == 3)
            #expect(record.column(0) == 1 && record.column(2) == 3)
            if record.index == 1 {
                #expect(Array(record.bytes(1)) == u8("q\"1"))
                #expect(record.isEmpty(2) && !record.isEmpty(0))
                #expect(!record.isBlank)
            } else {
                #expect(record.string(0) == "abc" && record.isEmpty(1))
                #expect(record.strings == ["abc", "", "x"])
            }
        }
        #expect(seen == 2)
        #expect(reader.bytesRead == 18 && reader.totalBytes == 18)
    }

    @Test func blankRecord() throws {
        var blanks: [Bool] = []
        try CSVReader(bytes: u8("a\n\n;\n")).forEach { blanks.append($0.isBlank) }
        #expect(blanks == [false, true, false])
    }

    @Test func bodyErrorsStopTheReading() throws {
        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try CSVReader(bytes: u8("a\nb\nc\n")).forEach { _ in
                seen += 1
                if seen == 2 { throw Stop() }
            }
        }
        #expect(seen == 2)
    }

    @Test func emptyLinesAtTheEndAreRecordsCallersSkip() throws {
        let out = try readAll(u8("h;i\r\n1;2\r\n;\r\n\r\n"))
        #expect(out.records == [["h", "i"], ["1", "2"], ["", ""], [""]])
    }

    /// A long unquoted field grows the buffer past the chunk without rescanning forever.
    @Test func longFieldsAcrossManyChunks() throws {
        let long = String(repeating: "я", count: 50_000)
        let input = u8("a;\"\(long)\n\(long)\"\n\(long);b\n")
        for chunk in [7, 1000, 1 << 20] {
            let out = try readAll(input, options(chunk))
            #expect(out.records == [["a", "\(long)\n\(long)"], [long, "b"]])
            #expect(out.lines == [1, 3])
        }
    }
}

// MARK: Random round trips

/// Random records, written the way Excel and hand editors do (quoting when needed, random line endings),
/// with the line each record starts on. `pieces` bounds the pieces per field (long fields cross the
/// scanner's 64-byte blocks).
private func randomTable(seed: UInt64, delimiter: Character, pieces maxPieces: Int = 4) -> (text: String, records: [[String]], lines: [Int]) {
    var rng = SplitMix(state: seed)
    let pieces = ["a", "Согласен", "ё", " ", "\"", "\n", "\r\n", "\r", String(delimiter), "😀", "x y", "", "5\""]
    var text = ""
    var records: [[String]] = []
    var lines: [Int] = []
    var line = 1
    let width = Int.random(in: 1...6, using: &rng)
    for _ in 0..<Int.random(in: 1...40, using: &rng) {
        var fields: [String] = []
        for _ in 0..<width {
            var field = ""
            for _ in 0..<Int.random(in: 0...maxPieces, using: &rng) { field += pieces.randomElement(using: &rng) ?? "" }
            fields.append(field)
        }
        if width == 1 && fields[0].isEmpty { fields[0] = "e" }  // an empty single field would be a blank line
        records.append(fields)
        lines.append(line)
        var row: [String] = []
        for field in fields {
            let needsQuotes = field.contains("\"") || field.contains("\n") || field.contains("\r") || field.contains(delimiter)
                || Bool.random(using: &rng)
            row.append(needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field)
        }
        let ending = ["\n", "\r\n", "\r"].randomElement(using: &rng) ?? "\n"
        let written = row.joined(separator: String(delimiter)) + ending
        text += written
        // Line breaks in what was written: CRLF, CR and LF are one each.
        line += written.unicodeScalars.reduce(into: (0, false)) { state, scalar in
            if scalar == "\r" { state.0 += 1; state.1 = true } else { if scalar == "\n" && !state.1 { state.0 += 1 }; state.1 = false }
        }.0
    }
    if Bool.random(using: &rng), text.hasSuffix("\n") || text.hasSuffix("\r") {
        // No final newline (keep a CRLF whole: drop both).
        text.removeLast()  // "\r\n" is one Character
    }
    return (text, records, lines)
}

@Suite("CSVReader: random round trips")
struct CSVReaderRoundTripTests {
    @Test(arguments: 0..<40)
    func roundTrip(seed: Int) throws {
        let delimiter: Character = [";", ",", "\t"][seed % 3]
        let (text, records, lines) = randomTable(seed: UInt64(seed), delimiter: delimiter)
        let encodings: [(String, [UInt8], CSVEncoding)] = [
            ("utf-8", u8(text), .utf8),
            ("utf-8 BOM", bom + u8(text), .utf8),
            ("utf-16le", utf16(text), .utf16),
            ("utf-16be", utf16(text, bigEndian: true), .utf16),
        ]
        for (name, bytes, expected) in encodings {
            for chunk in [1, 3, 7, 64, 1 << 20] {
                let out = try readAll(bytes, CSVOptions(delimiter: delimiter.asciiValue, chunkSize: chunk))
                #expect(out.records == records, "\(name) chunk \(chunk)")
                #expect(out.lines == lines, "\(name) chunk \(chunk)")
                #expect(out.encoding == expected)
            }
        }
    }

    /// Long fields and records, so fields start and end anywhere in the scanner's 64-byte blocks.
    @Test(arguments: 100..<130)
    func longFieldsRoundTrip(seed: Int) throws {
        let delimiter: Character = [";", ",", "\t"][seed % 3]
        let (text, records, lines) = randomTable(seed: UInt64(seed), delimiter: delimiter, pieces: 40)
        for chunk in [5, 64, 1000, 1 << 20] {
            for bytes in [u8(text), utf16(text)] {
                let out = try readAll(bytes, CSVOptions(delimiter: delimiter.asciiValue, chunkSize: chunk))
                #expect(out.records == records, "chunk \(chunk)")
                #expect(out.lines == lines, "chunk \(chunk)")
            }
        }
    }

    @Test(arguments: 0..<10)
    func cp1251RoundTrip(seed: Int) throws {
        var rng = SplitMix(state: UInt64(seed) &+ 1000)
        let words = ["Полностью согласен", "Не согласен", "Скорее да", "Ёж", "ёлка", "«нет»", "№ 5", "—"]
        var text = "ФИО;Вопрос;Ответ\r\n"
        var records = [["ФИО", "Вопрос", "Ответ"]]
        for _ in 0..<Int.random(in: 1...30, using: &rng) {
            let row = (0..<3).map { _ in words.randomElement(using: &rng) ?? "" }
            records.append(row)
            text += row.map { $0.contains(";") ? "\"\($0)\"" : $0 }.joined(separator: ";") + "\r\n"
        }
        for chunk in [1, 2, 7, 1 << 20] {
            let out = try readAll(cp1251(text), options(chunk))
            #expect(out.records == records, "chunk \(chunk)")
            #expect(out.encoding == .cp1251)
            #expect(out.delimiter == UInt8(ascii: ";"))
        }
    }
}

// MARK: Errors

/// One malformed input and the error it must raise.
struct CSVErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var options = CSVOptions()
    var line: Int
    var column: Int?
    var message: String
    var hint: String? = nil
    /// Records handed over before the error.
    var before: Int? = nil
    var testDescription: String { name }
}

private let errorCases: [CSVErrorCase] = [
    .init(name: "invalid UTF-8 later in a UTF-8 file", input: u8("a;b\nя;ю\nx;") + [0xFF] + u8("z\n"),
          options: CSVOptions(encoding: .utf8), line: 3, column: 2, message: "invalid UTF-8 (byte 0xFF)", hint: "cp1251", before: 2),
    .init(name: "cp1251 text forced as UTF-8", input: cp1251("a;b\n1;Да\n"), options: CSVOptions(encoding: .utf8),
          line: 2, column: 2, message: "invalid UTF-8", hint: "--encoding cp1251", before: 1),
    .init(name: "invalid UTF-8 inside a multi-line field", input: u8("a;\"x\ny") + [0xC0, 0x80] + u8("z\";q\n"),
          options: CSVOptions(encoding: .utf8), line: 2, column: 2, message: "invalid UTF-8 (byte 0xC0)", before: 0),
    .init(name: "UTF-8 cut at the end", input: u8("a;b\nc;") + [0xD0], options: CSVOptions(encoding: .utf8),
          line: 2, column: 2, message: "invalid UTF-8 (byte 0xD0)", before: 1),
    .init(name: "surrogate in UTF-8", input: u8("a\n") + [0xED, 0xA0, 0x80], options: CSVOptions(encoding: .utf8),
          line: 2, column: 1, message: "invalid UTF-8", before: 1),
    .init(name: "cannot tell the encoding (Latin-1)", input: u8("caf") + [0xE9] + u8(";") + [0xE9] + u8("t") + [0xE9] + u8("\n"),
          line: 1, message: "cannot tell the encoding", hint: "--encoding utf-8|cp1251|utf-16"),
    .init(name: "cannot tell the encoding (binary)", input: u8("a;b\nc;d\n") + [0x80, 0x81, 0x82, 0x83, 0x99, 0xFE],
          line: 3, message: "cannot tell the encoding"),
    .init(name: "NUL byte", input: u8("a;b\nc") + [0] + u8("d;e\n"), line: 2, column: 1,
          message: "NUL byte: this is not a text file", before: 1),
    .init(name: "NUL in a quoted field", input: u8("a;\"b\n") + [0] + u8("\"\n"), line: 2, column: 2, message: "NUL byte"),
    .init(name: "NUL after a closing quote", input: u8("\"a\"") + [0], line: 1, column: 1, message: "NUL byte"),
    .init(name: "UTF-16 without BOM looks like NULs", input: utf16("a;b\n", bom: false), line: 1, column: 1, message: "NUL byte",
          hint: "--encoding utf-16"),
    .init(name: "unterminated quote", input: u8("a;b\nc;\"open\nmore\nstill\n"), line: 2, column: 2,
          message: "a quoted field opened on line 2 is never closed", before: 1),
    .init(name: "unterminated quote at the very end", input: u8("a;\""), line: 1, column: 2, message: "never closed"),
    .init(name: "text after a closing quote", input: u8("a;\"b\"x;c\n"), line: 1, column: 2, message: "unexpected text after a closing quote"),
    .init(name: "text after a closing quote on a later line", input: u8("h;i\n1;\"two\nlines\" x\n"), line: 3, column: 2,
          message: "unexpected text after a closing quote", before: 1),
    .init(name: "field too long", input: u8("abc;abcd\nabcde\n"), options: CSVOptions(maxFieldBytes: 4), line: 2, column: 1,
          message: "a field is longer than 4 bytes", before: 1),
    .init(name: "field too long at the end", input: u8("a;abcdefgh"), options: CSVOptions(maxFieldBytes: 4), line: 1, column: 2,
          message: "longer than 4 bytes"),
    .init(name: "quoted field too long", input: u8("a;\"ab\ncd\"\n"), options: CSVOptions(maxFieldBytes: 4), line: 1, column: 2,
          message: "longer than 4 bytes"),
    .init(name: "unterminated quote hits the field limit", input: u8("a;\"") + Array(repeating: UInt8(ascii: "x"), count: 100),
          options: CSVOptions(maxFieldBytes: 10), line: 1, column: 2, message: "longer than 10 bytes"),
    .init(name: "too many columns", input: u8("a;b;c\n1;2;3;4\n"), options: CSVOptions(maxColumns: 3), line: 2, column: 4,
          message: "more than 3 fields", before: 1),
    .init(name: "record too long", input: u8("a;b\n") + Array(repeating: UInt8(ascii: ";"), count: 200),
          options: CSVOptions(chunkSize: 16, maxRecordBytes: 64), line: 2, message: "longer than 64 bytes", before: 1),
    .init(name: "cp1251 undefined byte 0x98", input: cp1251("Да;Нет\n") + [0x98] + u8("\n"), options: CSVOptions(encoding: .cp1251),
          line: 2, column: 1, message: "byte 0x98 is not a character in Windows-1251", before: 1),
    .init(name: "UTF-16 unpaired high surrogate", input: utf16("a\tb\n") + [0x3D, 0xD8, 0x41, 0x00, 0x0A, 0x00], line: 2, column: 1,
          message: "unpaired surrogate 0xD83D", before: 1),
    .init(name: "UTF-16 unpaired low surrogate", input: utf16("a\tb\nc\t") + [0x00, 0xDC], line: 2, column: 2,
          message: "unpaired surrogate 0xDC00", before: 1),
    .init(name: "UTF-16 high surrogate at the end", input: utf16("a\n") + [0x3D, 0xD8], line: 2, column: 1, message: "unpaired surrogate"),
    .init(name: "UTF-16 odd length", input: utf16("a\tb\n") + [0x41], line: 2, column: 1,
          message: "the UTF-16 text ends in the middle of a character", before: 1),
    .init(name: "UTF-8 BOM but cp1251 given", input: bom + u8("a\n"), options: CSVOptions(encoding: .cp1251), line: 1,
          message: "UTF-8 byte-order mark, but --encoding cp1251 was given"),
    .init(name: "UTF-16 BOM but utf-8 given", input: utf16("a\n"), options: CSVOptions(encoding: .utf8), line: 1,
          message: "UTF-16 byte-order mark"),
    .init(name: "invalid delimiter", input: u8("a\n"), options: CSVOptions(delimiter: UInt8(ascii: "\"")), line: 0,
          message: "a delimiter must be"),
]

@Suite("CSVReader: errors")
struct CSVReaderErrorTests {
    @Test(arguments: errorCases, chunkSizes)
    func fails(_ c: CSVErrorCase, chunk: Int) throws {
        var opts = c.options
        if opts.chunkSize == CSVOptions().chunkSize { opts.chunkSize = chunk }
        var delivered = 0
        let error = #expect(throws: CSVError.self) {
            let reader = try CSVReader(bytes: c.input, options: opts)
            try reader.forEach { _ in delivered += 1 }
        }
        guard let error else { return }
        #expect(error.line == c.line, "\(error)")
        #expect(error.column == c.column, "\(error)")
        #expect(error.message.contains(c.message), "\(error)")
        if let hint = c.hint { #expect(error.hint?.contains(hint) == true, "\(error.hint ?? "no hint")") }
        if let before = c.before { #expect(delivered == before) }
    }

    /// A UTF-8 file whose first megabyte is fine but which goes bad later: the sniff says UTF-8, the
    /// error comes with its line and the cp1251 hint.
    @Test func invalidUTF8PastTheSniff() throws {
        let row = "Иванов Иван;Полностью согласен\n"
        let rows = CSVReader.sniffLimit / row.utf8.count + 100
        let input = u8(String(repeating: row, count: rows)) + cp1251("Петров;Да\n")
        for chunk in [4096, 1 << 20] {
            var delivered = 0
            let error = #expect(throws: CSVError.self) {
                let reader = try CSVReader(bytes: input, options: options(chunk))
                #expect(reader.encoding == .utf8)
                try reader.forEach { _ in delivered += 1 }
            }
            #expect(error?.line == rows + 1)
            #expect(error?.column == 1)
            #expect(error?.hint?.contains("--encoding cp1251") == true)
            #expect(delivered == rows)
        }
    }

    @Test func descriptions() {
        #expect(CSVError(line: 14, column: 3, Message(verbatim: "m")).description == "line 14, column 3: m")
        #expect(CSVError(line: 2, Message(verbatim: "m")).description == "line 2: m")
        #expect(CSVError(line: 0, Message(verbatim: "cannot open")).description == "cannot open")
    }
}

// MARK: Files and spellings

@Suite("CSVReader: files and options")
struct CSVReaderFileTests {
    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "csvreader-\(UUID().uuidString).csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [7, 1 << 20])
    func readsAFile(chunk: Int) throws {
        let content = bom + u8("sep=;\r\nФИО;\"Ответ\r\nдлинный\"\r\nИванов;Согласен\r\n\r\nПетров;\"Не \"\"очень\"\"\"\r\n")
        let path = try temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CSVReader(path: path, options: options(chunk))
        #expect(reader.totalBytes == content.count)
        let out = try readout(reader)
        #expect(out.records == [["ФИО", "Ответ\r\nдлинный"], ["Иванов", "Согласен"], [""], ["Петров", "Не \"очень\""]])
        #expect(out.lines == [2, 4, 5, 6])
        #expect(out.hadBOM && out.hadSeparatorLine && out.delimiter == UInt8(ascii: ";"))
        #expect(reader.bytesRead == content.count)
        #expect(out == (try readAll(content, options(chunk))))
    }

    @Test func readsAUTF16File() throws {
        let content = utf16("имя\tответ\r\nПётр\t😀\r\n")
        let path = try temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for chunk in [1, 5, 1 << 20] {
            let out = try readout(try CSVReader(path: path, options: options(chunk)))
            #expect(out.records == [["имя", "ответ"], ["Пётр", "😀"]])
            #expect(out.encoding == .utf16 && out.delimiter == 9)
        }
    }

    @Test func missingFileAndFolder() {
        let missing = #expect(throws: CSVError.self) { _ = try CSVReader(path: "/nonexistent/answers.csv") }
        #expect(missing?.line == 0)
        #expect(missing?.message.contains("cannot open") == true)
        let folder = #expect(throws: CSVError.self) { _ = try CSVReader(path: NSTemporaryDirectory()) }
        #expect(folder?.message.contains("folder") == true)
    }

    @Test(arguments: [
        ("auto", UInt8??.some(nil)), (",", .some(44)), (";", .some(59)), ("tab", .some(9)), ("TAB", .some(9)),
        ("\t", .some(9)), ("semicolon", .some(59)), ("|", nil), ("", nil), (";;", nil),
    ] as [(String, UInt8??)])
    func delimiterSpellings(_ text: String, _ expected: UInt8??) {
        #expect(CSVDelimiter.parse(text) == expected)
    }

    @Test(arguments: [
        ("auto", CSVEncoding.auto), ("utf-8", .utf8), ("UTF8", .utf8), ("cp1251", .cp1251), ("windows-1251", .cp1251),
        ("utf-16", .utf16), ("utf16", .utf16), ("latin1", nil), ("", nil),
    ] as [(String, CSVEncoding?)])
    func encodingSpellings(_ text: String, _ expected: CSVEncoding?) {
        #expect(CSVEncoding.parse(text) == expected)
        if let expected { #expect(CSVEncoding(rawValue: expected.rawValue) == expected) }
    }

    @Test func delimiterNames() {
        #expect(CSVDelimiter.name(9) == "tab")
        #expect(CSVDelimiter.name(59) == ";")
    }
}

// MARK: Encodings

@Suite("CSVReader: text encodings")
struct CSVTextEncodingTests {
    /// Every defined Windows-1251 byte decodes to the scalar the code page assigns (checked against the
    /// Unicode mapping for the letters and a sample of the rest).
    @Test func cp1251Table() {
        let table = CSVText.cp1251High
        #expect(table.count == 128)
        #expect(table[0x98 - 0x80] == 0)
        for b in 0xC0...0xFF { #expect(table[b - 0x80] == UInt16(0x410 + b - 0xC0)) }
        let sample: [(Int, UInt16)] = [(0x80, 0x402), (0x88, 0x20AC), (0x96, 0x2013), (0x97, 0x2014), (0xA8, 0x401), (0xAB, 0xAB),
                                       (0xB2, 0x406), (0xB3, 0x456), (0xB8, 0x451), (0xB9, 0x2116), (0xBB, 0xBB), (0xFF, 0x44F)]
        for (byte, scalar) in sample { #expect(table[byte - 0x80] == scalar) }
    }

    /// Every byte decodes to its table scalar in UTF-8; 0x98 becomes U+FFFD and a problem at its place; a NUL
    /// stays NUL (the parser refuses it, as in UTF-8).
    @Test func cp1251DecodesEveryByte() {
        let input = (0..<256).map { UInt8($0) }
        var expected = ""
        for byte in 0..<256 {
            let value = byte < 0x80 ? UInt32(byte) : UInt32(CSVText.cp1251High[byte - 0x80])
            expected.unicodeScalars.append(Unicode.Scalar(byte != 0 && value == 0 ? 0xFFFD : value) ?? "?")
        }
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: 3 * 256 + 8)
        defer { out.deallocate() }
        var problems: [(Int, CSVText.Problem)] = []
        let end = input.withUnsafeBufferPointer { CSVText.decodeCP1251($0.baseAddress!, count: 256, into: out, at: 0) { problems.append(($0, $1)) } }
        #expect(Array(UnsafeBufferPointer(start: out, count: end)) == Array(expected.utf8))
        #expect(problems.count == 1)
        let before = String(String.UnicodeScalarView(expected.unicodeScalars.prefix(0x98)))
        #expect(problems.first?.0 == before.utf8.count)
        #expect(problems.first?.1 == .undefinedCP1251(0x98))
    }

    /// Every BMP scalar and a few astral ones survive UTF-16 (both byte orders) fed in odd-sized pieces.
    @Test(arguments: [false, true], [1, 3, 4, 7, 4096])
    func utf16DecodesEverything(bigEndian: Bool, piece: Int) {
        var text = ""
        for value in UInt32(1)...0xFFFF where !(0xD800...0xDFFF).contains(value) { text.unicodeScalars.append(Unicode.Scalar(value) ?? "?") }
        text += "😀𝄞\u{10FFFF}"
        let input = utf16(text, bigEndian: bigEndian, bom: false)
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * input.count + 16)
        defer { out.deallocate() }
        var state = CSVText.UTF16State(bigEndian: bigEndian)
        var end = 0
        var problems = 0
        input.withUnsafeBufferPointer { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = min(piece, bytes.count - offset)
                end = CSVText.decodeUTF16(bytes.baseAddress! + offset, count: n, state: &state, into: out, at: end, final: false) { _, _ in problems += 1 }
                offset += n
            }
            end = CSVText.decodeUTF16(bytes.baseAddress!, count: 0, state: &state, into: out, at: end, final: true) { _, _ in problems += 1 }
        }
        #expect(problems == 0)
        #expect(Array(UnsafeBufferPointer(start: out, count: end)) == Array(text.utf8))
    }

    @Test(arguments: [
        ("Полностью согласен;Не согласен", true),
        ("ФИО;Ёлка;«ответ» — №1", true),
        ("ascii only", false),
    ])
    func recognisesRussian(_ text: String, _ expected: Bool) {
        let bytes = cp1251(text)
        #expect(bytes.withUnsafeBufferPointer(CSVText.looksLikeCP1251) == expected)
    }

    @Test(arguments: [
        ([0x63, 0x61, 0x66, 0xE9, 0x20, 0xE9, 0x74, 0xE9] as [UInt8], false),  // Latin-1 "café été"
        ([0xC4, 0xE0, 0x98] as [UInt8], false),                                // 0x98 is undefined
        ([0xC4, 0xE0] as [UInt8], true),                                       // «Да»
    ] as [([UInt8], Bool)])
    func rejectsOtherBytes(_ bytes: [UInt8], _ expected: Bool) {
        #expect(bytes.withUnsafeBufferPointer(CSVText.looksLikeCP1251) == expected)
    }

    /// The word-at-a-time validator agrees with the standard library on random text that is mostly
    /// valid (ASCII, Cyrillic, three- and four-byte characters) with random damage, at every alignment.
    @Test(arguments: 0..<20)
    func validatorAgreesWithTheStandardLibrary(seed: Int) {
        var rng = SplitMix(state: UInt64(seed) &* 7919)
        let pieces: [[UInt8]] = ["a", "bc;", "Я", "ё", "€", "😀", "\r\n", "𝄞", "abcdefgh", "ПолностьюСогласен"].map { Array($0.utf8) }
        let damage: [UInt8] = [0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xD0, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF]
        for _ in 0..<200 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...30, using: &rng) { bytes += pieces.randomElement(using: &rng) ?? [] }
            if Int.random(in: 0..<3, using: &rng) > 0, !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = damage.randomElement(using: &rng) ?? 0xFF
            }
            let from = Int.random(in: 0...min(7, bytes.count), using: &rng)
            let slice = Array(bytes[from...])
            let valid = String(validating: slice, as: UTF8.self) != nil
            let (invalid, resume) = bytes.withUnsafeBufferPointer { CSVText.validateUTF8($0.baseAddress!, from: from, to: $0.count, final: true) }
            #expect((invalid == nil) == valid, "\(slice)")
            if let invalid {
                #expect(String(validating: bytes[from..<invalid], as: UTF8.self) != nil, "\(slice) at \(invalid)")
                #expect(resume == invalid)
            } else {
                #expect(resume == bytes.count)
            }
            // Not final: a sequence cut by the end waits for more.
            let partial = bytes.withUnsafeBufferPointer { CSVText.validateUTF8($0.baseAddress!, from: from, to: $0.count, final: false) }
            if valid { #expect(partial.invalid == nil && partial.resume == bytes.count) }
        }
    }

    @Test(arguments: 0..<10)
    func stopMaskMatchesBytes(seed: Int) {
        var rng = SplitMix(state: UInt64(seed) &+ 17)
        let alphabet: [UInt8] = [0, 9, 10, 13, 34, 44, 59, 0x41, 0x7F, 0x80, 0x8A, 0x8D, 0xBB, 0xD0, 0xFF, 0x0B, 0x3A, 0x3C]
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
        defer { p.deallocate() }
        for _ in 0..<500 {
            for k in 0..<64 { p[k] = alphabet.randomElement(using: &rng) ?? 0 }
            for delimiter: UInt8 in [59, 44, 9] {
                var expected: UInt64 = 0
                for k in 0..<64 where [0, 10, 13, delimiter].contains(p[k]) { expected |= 1 << UInt64(k) }
                #expect(CSVReader.stopMask(p, UInt64(delimiter) &* 0x0101_0101_0101_0101) == expected)
                // Without NUL (the tabulation shortcut's bitmap).
                var withoutNUL: UInt64 = 0
                for k in 0..<64 where [10, 13, delimiter].contains(p[k]) { withoutNUL |= 1 << UInt64(k) }
                #expect(CSVReader.stopMask(p, UInt64(delimiter) &* 0x0101_0101_0101_0101, nul: false) == withoutNUL)
            }
        }
    }

    @Test(arguments: [
        ([0x61, 0xD0, 0xAF] as [UInt8], true, nil as Int?, 3),
        ([0x61, 0xD0] as [UInt8], false, nil, 1),          // cut at the end: resume there
        ([0x61, 0xD0] as [UInt8], true, 1, 1),             // cut at the end of the input: invalid
        ([0xE0, 0x80, 0x80] as [UInt8], true, 0, 0),       // overlong
        ([0xED, 0xB0, 0x80] as [UInt8], true, 0, 0),       // surrogate
        ([0xF4, 0x90, 0x80, 0x80] as [UInt8], true, 0, 0), // past U+10FFFF
        ([0xF0, 0x9F, 0x98, 0x80] as [UInt8], true, nil, 4),
        (Array("0123456789abcdefя".utf8), true, nil, 18),
        (Array("0123456789abcdef".utf8) + [0xFF], true, 16, 16),
    ] as [([UInt8], Bool, Int?, Int)])
    func validatesUTF8(_ bytes: [UInt8], _ final: Bool, _ invalid: Int?, _ resume: Int) {
        let result = bytes.withUnsafeBufferPointer { CSVText.validateUTF8($0.baseAddress!, from: 0, to: $0.count, final: final) }
        #expect(result.invalid == invalid)
        #expect(result.resume == resume)
    }
}

// MARK: Reading in ranges, on several threads

/// One record as a whole-file reader or a part sees it, copied out.
private struct RangeRow: Sendable, Equatable, CustomStringConvertible {
    var line: Int
    var index: Int
    var fields: [String]
    var fieldLines: [Int]

    init(_ record: CSVRecord) {
        line = record.line
        index = record.index
        fields = record.strings
        fieldLines = (0..<record.count).map(record.lineOfField)
    }

    var description: String { "\(line)#\(index) \(fields)" }
}

/// A temporary folder for the test files, removed by `cleanUp`.
private final class TempFolder {
    let path = NSTemporaryDirectory() + "csvrange-\(UUID().uuidString)"
    private var count = 0

    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }

    func write(_ bytes: [UInt8]) throws -> String {
        count += 1
        let file = path + "/\(count).csv"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}

/// Every record of the file, by one reader.
private func wholeFile(_ path: String, _ options: CSVOptions = .init()) throws -> [RangeRow] {
    var rows: [RangeRow] = []
    try CSVReader(path: path, options: options).forEach { rows.append(RangeRow($0)) }
    return rows
}

/// The data records by `parallelRun`, parts concatenated in order.
private func parallel(_ path: String, _ layout: CSVReader.Layout, parts: Int, _ options: CSVOptions,
                      verify: Bool = true) throws -> (rows: [RangeRow], stats: CSVReader.ParallelStats) {
    let (results, stats) = try CSVReader.parallelRun(path: path, layout: layout, parts: parts, options: options, verifySplits: verify,
                                                     make: { [RangeRow]() }, consume: { rows, record in rows.append(RangeRow(record)) })
    #expect(results.count == stats.parts)
    return (results.flatMap { $0 }, stats)
}

/// The data records by `parallelForEach` with `renumber`: parts start at their candidates with provisional
/// numbers and are shifted once the part before has ended there.
private func renumbered(_ path: String, _ layout: CSVReader.Layout, parts: Int, _ options: CSVOptions) throws -> [RangeRow] {
    try CSVReader.parallelForEach(path: path, layout: layout, parts: parts, options: options, make: { [RangeRow]() },
                                  renumber: { rows, lines, records in
                                      for k in rows.indices {
                                          rows[k].line += lines
                                          rows[k].index += records
                                          rows[k].fieldLines = rows[k].fieldLines.map { $0 + lines }
                                      }
                                      return true
                                  },
                                  consume: { rows, record in rows.append(RangeRow(record)) }).flatMap { $0 }
}

/// Lines of a long quoted field that read as malformed records when parsing starts inside it.
private let trapLines = (0..<40).map { "z;\"\"x\"\"y \($0)" }.joined(separator: "\n")

/// Inputs for range reading: name, bytes, and the options the whole-file reader gets.
private let rangeInputs: [(name: String, bytes: [UInt8], options: CSVOptions)] = {
    var inputs: [(String, [UInt8], CSVOptions)] = []
    var plain = "id;a;b\n"
    for i in 0..<200 { plain += "\(i);x\(i);y\n" }
    inputs.append(("plain", u8(plain), CSVOptions()))

    var quoted = "id;text;n\n"
    for i in 0..<150 {
        switch i % 7 {
        case 0: quoted += "\(i);\"two\nlines\";\(i)\n"
        case 1: quoted += "\(i);\"crlf\r\ninside; and \"\"quotes\"\"\";\(i)\n"
        case 2: quoted += "\(i);\"\(String(repeating: "many\n", count: 9))\";\(i)\n"
        case 3: quoted += "\(i);\"\(trapLines)\";\(i)\n"
        case 4: quoted += "\(i);5\" screen;\"\"\n"
        default: quoted += "\(i);plain;\(i)\n"
        }
    }
    inputs.append(("quoted multi-line", u8(quoted), CSVOptions()))
    inputs.append(("CRLF", u8(quoted.replacingOccurrences(of: "\n", with: "\r\n")), CSVOptions()))
    inputs.append(("lone CR", u8(quoted.replacingOccurrences(of: "\n", with: "\r")), CSVOptions()))

    var russian = "ФИО;Вопрос;Ответ\r\n"
    for i in 0..<120 {
        russian += i % 5 == 0 ? "Пётр \(i);\"Ёлка\r\n«да» — №\(i)\";Не согласен\r\n" : "Иванов \(i);Согласен;Полностью согласен\r\n"
    }
    inputs.append(("cp1251", cp1251(russian), CSVOptions()))
    inputs.append(("UTF-8 BOM", bom + u8(russian), CSVOptions()))
    inputs.append(("sep=; line", u8("sep=;\n" + quoted.replacingOccurrences(of: ";x", with: ",x")), CSVOptions()))
    inputs.append(("BOM, sep=, multi-line header", bom + u8("sep=,\r\n\"head\r\ner\",b\r\n" + plain.replacingOccurrences(of: ";", with: ",")),
                   CSVOptions()))
    inputs.append(("blank lines, no final newline", u8("h\n\n1\n\n\n2\n\"3\n\"\n\n4"), CSVOptions()))
    inputs.append(("blank lines at the end", u8("h;i\r\n1;2\r\n;\r\n\r\n\r\n"), CSVOptions()))
    inputs.append(("UTF-16", utf16("имя\tответ\r\n" + (0..<50).map { "Пётр \($0)\t\"a\nb\"\r\n" }.joined()), CSVOptions()))
    inputs.append(("header only", u8("a;b\n"), CSVOptions()))
    inputs.append(("empty", [], CSVOptions()))
    inputs.append(("only a BOM", bom, CSVOptions()))
    for seed in 0..<16 {
        let delimiter: Character = [";", ",", "\t"][seed % 3]
        let text = randomTable(seed: UInt64(seed) &+ 500, delimiter: delimiter, pieces: seed < 8 ? 4 : 40).text
        inputs.append(("random \(seed)", u8(text), CSVOptions(delimiter: delimiter.asciiValue)))
    }
    return inputs
}()

/// A file whose middle is one quoted field of 2,000 lines that look like malformed records: every split
/// point near the middle falls inside it. Enough records around it that parts check for cancellation.
private let (straddling, straddlingField): ([UInt8], Range<Int>) = {
    var text = "id;text\n"
    for i in 0..<3000 { text += "\(i);before\n" }
    let fieldStart = text.utf8.count + 4
    text += "big;\"" + (0..<50).map { _ in trapLines }.joined(separator: "\n") + "\""
    let fieldEnd = text.utf8.count
    text += "\n"
    for i in 0..<3000 { text += "\(i);after\n" }
    return (u8(text), fieldStart..<fieldEnd)
}()

@Suite("CSVRange: parallel reading")
struct CSVRangeTests {
    @Test(arguments: rangeInputs.indices)
    func parallelMatchesOneReader(_ which: Int) throws {
        let (name, bytes, base) = rangeInputs[which]
        let folder = try TempFolder()
        defer { folder.cleanUp() }
        let path = try folder.write(bytes)
        let whole = try wholeFile(path, base)
        let (layout, header) = try CSVReader.layout(path: path, options: base)
        #expect(header == (whole.first?.fields ?? []), "\(name)")
        #expect(layout.fileSize == bytes.count)
        let data = Array(whole.dropFirst())
        #expect(layout.dataStartLine == (data.first?.line ?? layout.dataStartLine), "\(name)")
        #expect(layout.dataStartIndex == 2 || whole.isEmpty, "\(name)")
        for chunk in [1, 3, 7, 64, 1 << 20] {
            var options = base
            options.chunkSize = chunk
            for parts in 1...4 {
                let exact = try parallel(path, layout, parts: parts, options)
                #expect(exact.rows == data, "\(name), chunk \(chunk), \(parts) parts")
                #expect(exact.stats.reparses == 0, "\(name), chunk \(chunk), \(parts) parts")
                if layout.encoding == .utf16 {
                    #expect(exact.stats.parts == 1)
                } else if data.count >= 100 {
                    #expect(exact.stats.parts == parts, "\(name)")
                }
                // Numbered after the fact: every field, line and index the same.
                #expect(try renumbered(path, layout, parts: parts, options) == data, "\(name), chunk \(chunk), \(parts) parts")
                // Without checking the split points first: wrong ones are caught by the merge and re-parsed.
                let speculative = try parallel(path, layout, parts: parts, options, verify: false)
                #expect(speculative.rows.map(\.line) == data.map(\.line), "\(name), chunk \(chunk), \(parts) parts")
                #expect(speculative.rows.map(\.fields) == data.map(\.fields), "\(name), chunk \(chunk), \(parts) parts")
                #expect(speculative.rows.map(\.fieldLines) == data.map(\.fieldLines), "\(name), chunk \(chunk), \(parts) parts")
            }
        }
    }

    @Test func splitInsideAQuotedMultiLineField() throws {
        let folder = try TempFolder()
        defer { folder.cleanUp() }
        let path = try folder.write(straddling)
        let data = Array(try wholeFile(path).dropFirst())
        let (layout, _) = try CSVReader.layout(path: path)
        // The naive middle split is inside the big field.
        let points = try CSVReader.splitPoints(path: path, layout: layout, parts: 2)
        #expect(points.count == 3 && straddlingField.contains(points[1]), "\(points) \(straddlingField)")
        for chunk in [5, 4096, 1 << 20] {
            let options = CSVOptions(chunkSize: chunk)
            for parts in 2...4 {
                let exact = try parallel(path, layout, parts: parts, options)
                #expect(exact.rows == data, "chunk \(chunk), \(parts) parts")
                let speculative = try parallel(path, layout, parts: parts, options, verify: false)
                #expect(speculative.rows.map(\.line) == data.map(\.line), "chunk \(chunk), \(parts) parts")
                #expect(speculative.rows.map(\.fields) == data.map(\.fields), "chunk \(chunk), \(parts) parts")
                #expect(try renumbered(path, layout, parts: parts, options) == data, "chunk \(chunk), \(parts) parts")
                #expect(exact.stats.reparses == 0, "\(exact.stats)")
                if parts == 2 {
                    // The candidate is corrected before parsing (by the scan of the piece before it)…
                    #expect(exact.stats.moved == 1, "\(exact.stats)")
                    // …or, unchecked, the part is parsed from it, fails, and is parsed again.
                    #expect(speculative.stats.reparses == 1, "\(speculative.stats)")
                }
                // Four parts: scan pieces (half parts) start inside the field and are scanned again.
                if parts == 4 { #expect(exact.stats.rescans > 0, "\(exact.stats)") }
            }
        }
        // The public entry point.
        let counts = try CSVReader.parallelForEach(path: path, layout: layout, parts: 2, make: { 0 }, consume: { n, _ in n += 1 })
        #expect(counts.reduce(0, +) == data.count)
    }

    /// The protocol by hand: range readers over `splitPoints`, each checked against the previous `endOffset`.
    @Test(arguments: [1, 7, 1 << 20])
    func rangeReadersByHand(chunk: Int) throws {
        let folder = try TempFolder()
        defer { folder.cleanUp() }
        for bytes in [straddling, rangeInputs[1].bytes, rangeInputs[4].bytes] {
            let path = try folder.write(bytes)
            let data = Array(try wholeFile(path).dropFirst())
            let options = CSVOptions(chunkSize: chunk)
            let (layout, _) = try CSVReader.layout(path: path, options: options)
            for parts in 1...5 {
                let points = try CSVReader.splitPoints(path: path, layout: layout, parts: parts)
                #expect(points.first == layout.dataStart && points.last == layout.fileSize)
                #expect(points.count >= 2 && points.count <= parts + 1)
                for (k, point) in points.enumerated() where k > 0 && k < points.count - 1 {
                    #expect(point > points[k - 1])
                    #expect(bytes[point - 1] == 10 || (bytes[point - 1] == 13 && bytes[point] != 10), "split at \(point)")
                }
                var rows: [RangeRow] = []
                var offset = layout.dataStart, line = layout.dataStartLine, index = layout.dataStartIndex
                var corrected = 0
                for k in 0..<(points.count - 1) {
                    if offset != points[k] { corrected += 1 }
                    let reader = try CSVReader(path: path, layout: layout, range: offset..<max(offset, points[k + 1]),
                                               firstLine: line, firstIndex: index, options: options)
                    try reader.forEach { rows.append(RangeRow($0)) }
                    (offset, line, index) = (reader.endOffset, reader.nextLine, reader.nextIndex)
                }
                #expect(rows == data, "\(parts) parts")
                #expect(offset == bytes.count)
                if bytes == straddling && parts == 2 { #expect(corrected == 1) }
            }
        }
    }

    @Test func layoutAndOffsets() throws {
        let folder = try TempFolder()
        defer { folder.cleanUp() }
        let content = bom + u8("sep=;\r\nh1;\"h\r\n2\"\r\n1;2\r\n")
        let path = try folder.write(content)
        let (layout, header) = try CSVReader.layout(path: path)
        #expect(header == ["h1", "h\r\n2"])
        #expect(layout == CSVReader.Layout(encoding: .utf8, delimiter: UInt8(ascii: ";"), dataStart: 3 + 7 + 11,
                                           dataStartLine: 4, dataStartIndex: 2, fileSize: content.count))
        // cp1251: offsets are in the file's bytes, not the decoded text's.
        let russian = cp1251("Вопрос;Ответ\r\nДа;Нет\r\n")
        let (cpLayout, cpHeader) = try CSVReader.layout(path: try folder.write(russian))
        #expect(cpHeader == ["Вопрос", "Ответ"])
        #expect(cpLayout.encoding == .cp1251 && cpLayout.dataStart == 14 && cpLayout.dataStartLine == 2)
        // UTF-16: likewise (BOM 2 + 12 units).
        let wide = utf16("имя\tответ\r\nя\tб\r\n")
        let (wideLayout, _) = try CSVReader.layout(path: try folder.write(wide))
        #expect(wideLayout.encoding == .utf16 && wideLayout.dataStart == 2 + 2 * 11)
        #expect(try CSVReader.splitPoints(path: folder.write(wide), layout: wideLayout, parts: 4) == [wideLayout.dataStart, wide.count])
        // A whole-file reader reports where it stands too.
        for chunk in [1, 1 << 20] {
            for bytes in [content, russian, wide] {
                let reader = try CSVReader(bytes: bytes, options: CSVOptions(chunkSize: chunk))
                var count = 0
                try reader.forEach { _ in count += 1 }
                #expect(reader.endOffset == bytes.count)
                #expect(reader.nextIndex == count + 1)
            }
        }
        let reader = try CSVReader(path: path)
        #expect(reader.endOffset == 10 && reader.nextLine == 2 && reader.nextIndex == 1)
        // An empty range reads nothing.
        let empty = try CSVReader(path: path, layout: layout, range: 12..<12, firstLine: 9, firstIndex: 9)
        var none = 0
        try empty.forEach { _ in none += 1 }
        #expect(none == 0 && empty.endOffset == 12 && empty.nextLine == 9)
    }

    /// A file of `rows` data records with malformed ones at the given rows.
    private func malformed(rows: Int, at bad: Set<Int>) -> [UInt8] {
        var text = "id;v\n"
        for i in 1...rows { text += bad.contains(i) ? "\(i);\"q\"x\n" : (i % 50 == 0 ? "\(i);\"multi\nline\"\n" : "\(i);ok\n") }
        return u8(text)
    }

    private func wholeFileError(_ path: String, _ options: CSVOptions) -> CSVError? {
        #expect(throws: CSVError.self) { _ = try wholeFile(path, options) }
    }

    @Test(arguments: [7, 1 << 20])
    func errorInALaterPart(chunk: Int) throws {
        let folder = try TempFolder()
        defer { folder.cleanUp() }
        let cases: [([UInt8], CSVEncoding)] = [
            (malformed(rows: 3000, at: [2900]), .auto),
            (malformed(rows: 3000, at: [100, 2900]), .auto),  // the first part's error wins
            (malformed(rows: 3000, at: [1600, 2990]), .auto),
            (u8("h;i\n") + Array(repeating: u8("1;2\n"), count: 2000).flatMap { $0 } + u8("3;") + [0xFF] + u8("\n4;5\n"), .utf8),
        ]
        for (bytes, encoding) in cases {
            let options = CSVOptions(encoding: encoding, chunkSize: chunk)
            let path = try folder.write(bytes)
            let expected = wholeFileError(path, options)
            let (layout, _) = try CSVReader.layout(path: path, options: options)
            for parts in 1...4 {
                for verify in [true, false] {
                    let error = #expect(throws: CSVError.self) { _ = try parallel(path, layout, parts: parts, options, verify: verify) }
                    #expect(error == expected, "\(parts) parts: \(error.map(String.init(describing:)) ?? "none")")
                }
            }
        }
    }

    @Test func consumeErrorsInFileOrder() throws {
        struct Stop: Error, Equatable { var line: Int }
        let folder = try TempFolder()
        defer { folder.cleanUp() }
        let path = try folder.write(malformed(rows: 5000, at: []))
        let (layout, _) = try CSVReader.layout(path: path)
        let data = Array(try wholeFile(path).dropFirst())
        let early = data[200].line, late = data[4800].line
        for parts in 1...4 {
            let error = #expect(throws: Stop.self) {
                _ = try CSVReader.parallelForEach(path: path, layout: layout, parts: parts, make: { 0 }, consume: { _, record in
                    if record.line == early || record.line == late { throw Stop(line: record.line) }
                })
            }
            #expect(error == Stop(line: early))
        }
    }
}
