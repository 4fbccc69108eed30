/// A hash table keyed by raw byte strings, looked up straight from a buffer without allocating:
/// the hot path of matching a cell («Согласен») to its value.
struct ByteTable<Value: Sendable>: Sendable {
    private var arena: [UInt8] = []
    private var slots: [Int32]                  // index into entries, −1 = empty
    private var entries: [(offset: Int, length: Int, hash: UInt64, value: Value)] = []

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
    }

    var count: Int { entries.count }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100000001b3 }
        return h
    }

    func value(for bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        let h = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            let entry = entries[index]
            if entry.hash == h && entry.length == bytes.count && equal(entry.offset, bytes) { return entry.value }
            slot = (slot + 1) & mask
        }
    }

    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, _ value: Value) {
        if (entries.count + 1) * 2 > slots.count { grow() }
        let h = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] >= 0 {
            let entry = entries[Int(slots[slot])]
            if entry.hash == h && entry.length == bytes.count && equal(entry.offset, bytes) { return }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(entries.count)
        entries.append((arena.count, bytes.count, h, value))
        arena.append(contentsOf: bytes)
    }

    mutating func insert(_ key: [UInt8], _ value: Value) {
        key.withUnsafeBufferPointer { insert($0, value) }
    }

    private func equal(_ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        arena.withUnsafeBufferPointer { stored in
            for i in 0..<bytes.count where stored[offset + i] != bytes[i] { return false }
            return true
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}
