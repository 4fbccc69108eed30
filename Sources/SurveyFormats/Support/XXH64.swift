/// XXH64 (seed 0), streaming: the checksum by which the store recognises a file imported before.
///
/// Why not SHA-256 any more: the check only has to tell one school's file from another's, and SHA-256 in
/// portable Swift reads about 110 MB/s — 4 s for a district's 430 MB file, longer than the whole import.
/// XXH64 reads several GB/s and is a published algorithm (`xxhsum -H64` computes it), so a third party can
/// recompute a stored checksum. Collisions between two different files are as unlikely as 1 in 2⁶⁴ per pair.
public struct XXH64 {
    static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    private var v1 = p1 &+ p2, v2 = p2, v3: UInt64 = 0, v4: UInt64 = 0 &- p1
    /// Bytes not yet making a whole 32-byte stripe.
    private var tail: [UInt8] = []
    private var length: UInt64 = 0

    public init() { tail.reserveCapacity(32) }

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x &<< r) | (x &>> (64 &- r)) }
    @inline(__always) static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 { rotl(acc &+ input &* p2, 31) &* p1 }
    @inline(__always) static func merge(_ acc: UInt64, _ v: UInt64) -> UInt64 { (acc ^ round(0, v)) &* p1 &+ p4 }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var n = bytes.count
        length &+= UInt64(n)
        if !tail.isEmpty {
            let fill = min(32 - tail.count, n)
            tail.append(contentsOf: UnsafeRawBufferPointer(start: p, count: fill))
            p += fill
            n -= fill
            guard tail.count == 32 else { return }
            tail.withUnsafeBytes { stripes($0.baseAddress!, 1) }
            tail.removeAll(keepingCapacity: true)
        }
        let whole = n / 32
        if whole > 0 { stripes(p, whole) }
        p += whole * 32
        n -= whole * 32
        if n > 0 { tail.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n)) }
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    @inline(__always)
    private mutating func stripes(_ p: UnsafeRawPointer, _ count: Int) {
        var a = v1, b = v2, c = v3, d = v4
        var q = p
        for _ in 0..<count {
            a = Self.round(a, UInt64(littleEndian: q.loadUnaligned(as: UInt64.self)))
            b = Self.round(b, UInt64(littleEndian: q.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            c = Self.round(c, UInt64(littleEndian: q.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
            d = Self.round(d, UInt64(littleEndian: q.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
            q += 32
        }
        v1 = a; v2 = b; v3 = c; v4 = d
    }

    public func finalize() -> UInt64 {
        var h: UInt64
        if length >= 32 {
            h = Self.rotl(v1, 1) &+ Self.rotl(v2, 7) &+ Self.rotl(v3, 12) &+ Self.rotl(v4, 18)
            h = Self.merge(h, v1)
            h = Self.merge(h, v2)
            h = Self.merge(h, v3)
            h = Self.merge(h, v4)
        } else {
            h = Self.p5
        }
        h &+= length
        tail.withUnsafeBytes { raw in
            var k = 0
            let n = raw.count
            while k + 8 <= n {
                h ^= Self.round(0, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)))
                h = Self.rotl(h, 27) &* Self.p1 &+ Self.p4
                k += 8
            }
            if k + 4 <= n {
                h ^= UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt32.self))) &* Self.p1
                h = Self.rotl(h, 23) &* Self.p2 &+ Self.p3
                k += 4
            }
            while k < n {
                h ^= UInt64(raw[k]) &* Self.p5
                h = Self.rotl(h, 11) &* Self.p1
                k += 1
            }
        }
        h ^= h >> 33
        h &*= Self.p2
        h ^= h >> 29
        h &*= Self.p3
        h ^= h >> 32
        return h
    }

    /// The digest as 16 lower-case hex digits, as `xxhsum -H64` prints it.
    public func hex() -> String {
        let value = finalize()
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: (0..<16).map { digits[Int((value >> UInt64(60 - 4 * $0)) & 0xF)] }, as: UTF8.self)
    }
}
