/// Fingerprint → first line, in flat memory: open addressing with linear probing over a table of any size
/// (the slot is the fingerprint's high product with the size, not a power of two), 12 bytes a slot, kept at
/// most 85 % full. For a million named rows that is 15 MB, where a `Dictionary<UInt64, Int32>` takes 24.
struct FingerprintTable {
    private var keys: [UInt64] = []
    private var lines: [Int32] = []
    /// The fingerprint 0 (0 marks an empty slot, so it is kept aside).
    private var zeroLine: Int32?
    private(set) var count = 0

    /// Makes room for `n` fingerprints at once (no table held twice while growing).
    mutating func reserve(_ n: Int) {
        let size = Int(Double(n) / 0.85) + 16
        if size > keys.count { rehash(size) }
    }

    /// Records `fingerprint` at `line`; returns the line it was recorded at first, if it was.
    mutating func insert(_ fingerprint: UInt64, line: Int) -> Int? {
        guard fingerprint != 0 else {
            if let zeroLine { return Int(zeroLine) }
            zeroLine = Int32(clamping: line)
            count += 1
            return nil
        }
        if (count + 1) * 100 > keys.count * 85 { rehash(max(64, keys.count * 2)) }
        let key = fingerprint
        var slot = Int((key.multipliedFullWidth(by: UInt64(keys.count))).high)
        while true {
            if keys[slot] == 0 {
                keys[slot] = key
                lines[slot] = Int32(clamping: line)
                count += 1
                return nil
            }
            if keys[slot] == key { return Int(lines[slot]) }
            slot += 1
            if slot == keys.count { slot = 0 }
        }
    }

    private mutating func rehash(_ size: Int) {
        let oldKeys = keys, oldLines = lines
        keys = [UInt64](repeating: 0, count: size)
        lines = [Int32](repeating: 0, count: size)
        count = zeroLine == nil ? 0 : 1
        for (key, line) in zip(oldKeys, oldLines) where key != 0 { _ = insert(key, line: Int(line)) }
    }

    /// Frees the table.
    mutating func removeAll() {
        keys = []
        lines = []
        zeroLine = nil
        count = 0
    }
}
