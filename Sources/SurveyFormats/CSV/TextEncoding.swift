#if canImport(Glibc)
import Glibc
#endif

/// Byte-level text encodings for answer files: strict UTF-8 validation, Windows-1251 recognition and
/// decoding, UTF-16 transcoding. Everything works on raw pointers and chunks so a file of any size streams
/// through; nothing here builds a `String`.
enum CSVText {
    /// Why a stretch of input is not text in the encoding the reader uses.
    enum Problem: Sendable, Equatable {
        case invalidUTF8(UInt8)
        case undefinedCP1251(UInt8)
        case unpairedSurrogate(UInt16)
        case oddUTF16Length
    }

    // MARK: UTF-8

    /// Strictly validates `p[from..<to]` as UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
    ///
    /// Returns the offset of the first byte that starts an invalid sequence, or nil, and the offset where a
    /// later call must resume: `to`, or the start of a sequence cut by the end of the range when `final` is
    /// false. O(n): words of ASCII and two-byte sequences (Russian text) go eight bytes per step; anything
    /// else, sequence by sequence.
    static func validateUTF8(_ p: UnsafePointer<UInt8>, from: Int, to: Int, final: Bool) -> (invalid: Int?, resume: Int) {
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = from
        while i < to {
            #if _endian(little)
            // Fast phase. Per byte: bit 7 set and bit 6 set = a lead, bit 7 set and bit 6 clear = a
            // continuation; a word passes when it has only two-byte leads (not C0/C1) each followed by a
            // continuation, and continuations only there. A lead in the last byte carries to the next word.
            var carry: UInt64 = 0  // 0x80 when the previous word ended with a lead
            while i &+ 8 <= to {
                let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let top = w & high
                let bit6 = (w &<< 1) & high
                let bit5 = (w &<< 2) & high
                let lead = top & bit6
                let c0c1 = ~((w & 0x1E1E_1E1E_1E1E_1E1E) &+ 0x7F7F_7F7F_7F7F_7F7F) & high  // bits 4–1 clear
                let bad = (lead & (bit5 | c0c1)) | ((top & ~bit6) ^ ((lead &<< 8) | carry))
                if bad != 0 { break }
                carry = lead &>> 56
                i &+= 8
            }
            if carry != 0 { i &-= 1 }
            let limit = min(to, i &+ 8)
            #else
            let limit = to
            #endif
            // Slow phase: sequence by sequence, past the word that stopped the fast phase.
            while i < limit {
                let b = p[i]
                if b < 0x80 { i &+= 1; continue }
                if b &- 0xC2 <= 0xDF - 0xC2 {
                    if i &+ 1 >= to { return final ? (i, i) : (nil, i) }
                    if p[i &+ 1] & 0xC0 != 0x80 { return (i, i) }
                    i &+= 2
                    continue
                }
                var low: UInt8 = 0x80
                var high: UInt8 = 0xBF
                let need: Int
                switch b {
                case 0xE0: need = 2; low = 0xA0
                case 0xE1...0xEC, 0xEE, 0xEF: need = 2
                case 0xED: need = 2; high = 0x9F
                case 0xF0: need = 3; low = 0x90
                case 0xF1...0xF3: need = 3
                case 0xF4: need = 3; high = 0x8F
                default: return (i, i)
                }
                var k = 1
                while k <= need {
                    if i &+ k >= to { return final ? (i, i) : (nil, i) }
                    let c = p[i &+ k]
                    if k == 1 ? (c < low || c > high) : (c & 0xC0 != 0x80) { return (i, i) }
                    k &+= 1
                }
                i &+= need &+ 1
            }
        }
        return (nil, to)
    }

    // MARK: Windows-1251

    /// Unicode scalars of Windows-1251 bytes 0x80–0xFF; 0 marks 0x98, which the code page leaves undefined.
    static let cp1251High: [UInt16] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
        0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417, 0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
        0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427, 0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
        0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
        0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447, 0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
    ]

    /// A Russian letter in Windows-1251: А–я (0xC0–0xFF), Ё (0xA8), ё (0xB8).
    @inline(__always)
    /// Russian letters, Ё ё, and І і (0xB2, 0xB3): the Cyrillic І people type for Roman levels (ІІ, ІІІ).
    static func isCP1251Letter(_ b: UInt8) -> Bool { b >= 0xC0 || b == 0xA8 || b == 0xB8 || b == 0xB2 || b == 0xB3 }

    /// Punctuation Russian text in Windows-1251 commonly carries: «» – — № “ ” „ … no-break space ° ·.
    @inline(__always)
    static func isCP1251Punctuation(_ b: UInt8) -> Bool {
        switch b {
        case 0xAB, 0xBB, 0x96, 0x97, 0xB9, 0x93, 0x94, 0x84, 0x85, 0xA0, 0xB0, 0xB7, 0x91, 0x92: return true
        default: return false
        }
    }

    /// Whether bytes that are not UTF-8 read as Russian text in Windows-1251: at least 90 % of the bytes
    /// ≥ 0x80 (common punctuation aside) are Cyrillic letters, and most of those letters stand next to
    /// another one (words, not the lone accented letters of Latin-1 text) or is a criterion code's letter
    /// (5-Ф.1). Byte 0x98 rules it out.
    static func looksLikeCP1251(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        var letters = 0, joined = 0, other = 0
        var previousIsLetter = false
        for (index, b) in p.enumerated() {
            guard b >= 0x80 else { previousIsLetter = false; continue }
            if b == 0x98 { return false }
            if isCP1251Letter(b) {
                letters += 1
                let nextIsLetter = index + 1 < p.count && isCP1251Letter(p[index + 1])
                // A criterion code's letter stands alone between «-» and «.» (5-Ф.1): a monitoring sheet's
                // header is mostly such letters, and they are as good a sign of Russian as a word.
                let codeLetter = index > 0 && p[index - 1] == 0x2D && index + 1 < p.count && p[index + 1] == 0x2E
                if previousIsLetter || nextIsLetter || codeLetter { joined += 1 }
                previousIsLetter = true
            } else {
                if !isCP1251Punctuation(b) { other += 1 }
                previousIsLetter = false
            }
        }
        return letters > 0 && letters * 10 >= (letters + other) * 9 && joined * 2 >= letters
    }

    /// Each Windows-1251 byte as UTF-8: bytes 0–2 of the word are the encoding in order (byte 0 lowest),
    /// byte 3 its length. 0x98 maps to U+FFFD; `decodeCP1251` reports it.
    static let cp1251UTF8: [UInt32] = (0..<256).map { byte in
        let value = byte < 0x80 ? UInt32(byte) : UInt32(cp1251High[byte - 0x80])
        // 0 in the high table marks the undefined 0x98 (U+FFFD, reported); a real NUL byte passes through
        // as NUL so that the parser refuses it as it does in UTF-8.
        let scalar = Unicode.Scalar(byte != 0 && value == 0 ? 0xFFFD : value) ?? "\u{FFFD}"
        var word: UInt32 = 0, length: UInt32 = 0
        for unit in String(scalar).utf8 {
            word |= UInt32(unit) << (8 * length)
            length += 1
        }
        return word | length << 24
    }

    /// Decodes Windows-1251 `input[0..<count]` as UTF-8 into `out` from `at`; returns the new end.
    /// `out` needs room for 3 bytes per input byte plus 4 of slack (each byte stores a whole word). An
    /// undefined byte (0x98) becomes U+FFFD and is reported through `problem`. Branch-free per byte.
    static func decodeCP1251(_ input: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<UInt8>, at start: Int,
                             problem: (Int, Problem) -> Void) -> Int {
        var o = start
        let hasUndefined = count > 0 && memchr(input, 0x98, count) != nil
        cp1251UTF8.withUnsafeBufferPointer { table in
            let raw = UnsafeMutableRawPointer(out)
            for i in 0..<count {
                let b = input[i]
                let entry = table[Int(b)]
                if hasUndefined && b == 0x98 { problem(o, .undefinedCP1251(b)) }
                raw.storeBytes(of: entry.littleEndian, toByteOffset: o, as: UInt32.self)
                o &+= Int(truncatingIfNeeded: entry &>> 24)
            }
        }
        return o
    }

    // MARK: UTF-16

    /// Streaming UTF-16 → UTF-8 state: a byte carried over from an odd-sized chunk and a high surrogate
    /// waiting for its partner.
    struct UTF16State {
        var bigEndian: Bool
        var carry: UInt8? = nil
        var pendingHigh: UInt16 = 0
    }

    /// Transcodes UTF-16 `input[0..<count]` into `out` from `at`, continuing `state` across chunks;
    /// returns the new end. `out` needs room for `2 * count + 8` bytes. At `final`, a dangling byte or high
    /// surrogate becomes U+FFFD and a problem. Unpaired surrogates become U+FFFD and a problem.
    static func decodeUTF16(_ input: UnsafePointer<UInt8>, count: Int, state: inout UTF16State, into out: UnsafeMutablePointer<UInt8>,
                            at start: Int, final: Bool, problem: (Int, Problem) -> Void) -> Int {
        var o = start
        var i = 0
        let big = state.bigEndian
        var pendingHigh = state.pendingHigh

        @inline(__always) func unit(_ a: UInt8, _ b: UInt8) -> UInt16 {
            big ? UInt16(a) << 8 | UInt16(b) : UInt16(b) << 8 | UInt16(a)
        }
        @inline(__always) func take(_ u: UInt16) {
            if pendingHigh != 0 {
                if u & 0xFC00 == 0xDC00 {
                    let scalar = 0x10000 + (UInt32(pendingHigh - 0xD800) << 10) + UInt32(u - 0xDC00)
                    pendingHigh = 0
                    o = writeUTF8(scalar, out, o)
                    return
                }
                problem(o, .unpairedSurrogate(pendingHigh))
                pendingHigh = 0
                o = writeUTF8(0xFFFD, out, o)
            }
            if u < 0x80 {
                out[o] = UInt8(truncatingIfNeeded: u); o &+= 1
            } else if u & 0xFC00 == 0xD800 {
                pendingHigh = u
            } else if u & 0xFC00 == 0xDC00 {
                problem(o, .unpairedSurrogate(u))
                o = writeUTF8(0xFFFD, out, o)
            } else {
                o = writeUTF8(UInt32(u), out, o)
            }
        }

        if let carried = state.carry, count > 0 {
            take(unit(carried, input[0]))
            state.carry = nil
            i = 1
        }
        while i &+ 1 < count {
            let u = unit(input[i], input[i &+ 1])
            // Below U+0800 (ASCII, Cyrillic): two stores and a length, no branch on which.
            if u < 0x800 && pendingHigh == 0 {
                let ascii = u < 0x80
                out[o] = ascii ? UInt8(truncatingIfNeeded: u) : UInt8(truncatingIfNeeded: 0xC0 | u &>> 6)
                out[o &+ 1] = UInt8(truncatingIfNeeded: 0x80 | u & 0x3F)
                o &+= ascii ? 1 : 2
            } else {
                take(u)
            }
            i &+= 2
        }
        if i < count { state.carry = input[i] }
        if final {
            if pendingHigh != 0 {
                problem(o, .unpairedSurrogate(pendingHigh))
                pendingHigh = 0
                o = writeUTF8(0xFFFD, out, o)
            }
            if state.carry != nil {
                problem(o, .oddUTF16Length)
                state.carry = nil
                o = writeUTF8(0xFFFD, out, o)
            }
        }
        state.pendingHigh = pendingHigh
        return o
    }

    /// Writes `scalar` as UTF-8 at `out[o...]`; returns the offset after it.
    @inline(__always)
    static func writeUTF8(_ scalar: UInt32, _ out: UnsafeMutablePointer<UInt8>, _ o: Int) -> Int {
        if scalar < 0x80 {
            out[o] = UInt8(truncatingIfNeeded: scalar)
            return o &+ 1
        } else if scalar < 0x800 {
            out[o] = UInt8(truncatingIfNeeded: 0xC0 | scalar >> 6)
            out[o &+ 1] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return o &+ 2
        } else if scalar < 0x10000 {
            out[o] = UInt8(truncatingIfNeeded: 0xE0 | scalar >> 12)
            out[o &+ 1] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F)
            out[o &+ 2] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return o &+ 3
        } else {
            out[o] = UInt8(truncatingIfNeeded: 0xF0 | scalar >> 18)
            out[o &+ 1] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 12 & 0x3F)
            out[o &+ 2] = UInt8(truncatingIfNeeded: 0x80 | scalar >> 6 & 0x3F)
            out[o &+ 3] = UInt8(truncatingIfNeeded: 0x80 | scalar & 0x3F)
            return o &+ 4
        }
    }
}
