/// Sorts fingerprints (hashes, so their top 16 bits spread evenly) in place with no buffer beside them: one
/// American-flag pass on the top 16 bits, then each of the 65 536 buckets — about n / 65 536 elements — by
/// insertion, or by the standard sort if it is large. For a million respondents this is a few tens of
/// milliseconds and no second array (the standard stable sort needs half the array again as its merge buffer,
/// which was the import's peak memory, and costs several times the instructions on 64-bit keys).
@inline(__always)
func sortByFingerprint<Element>(_ elements: inout [Element], fingerprint: (Element) -> UInt64, by less: (Element, Element) -> Bool) {
    guard elements.count > 4096 else {
        elements.sort(by: less)
        return
    }
    let buckets = 1 << 16
    @inline(__always) func bucket(_ element: Element) -> Int { Int(truncatingIfNeeded: fingerprint(element) >> 48) }
    var starts = [Int](repeating: 0, count: buckets + 1)
    elements.withUnsafeMutableBufferPointer { p in
        for element in p { starts[bucket(element) + 1] += 1 }
        for k in 0..<buckets { starts[k + 1] += starts[k] }
        // Each bucket's next free place; an element out of place is carried round its cycle until one belongs here.
        var next = starts
        for k in 0..<buckets {
            while next[k] < starts[k + 1] {
                var carried = p[next[k]]
                var home = bucket(carried)
                while home != k {
                    swap(&carried, &p[next[home]])
                    next[home] += 1
                    home = bucket(carried)
                }
                p[next[k]] = carried
                next[k] += 1
            }
        }
        for k in 0..<buckets {
            let low = starts[k], high = starts[k + 1]
            guard high - low > 1 else { continue }
            if high - low > 64 {
                var bucket = UnsafeMutableBufferPointer(rebasing: p[low..<high])
                bucket.sort(by: less)
                continue
            }
            for i in (low + 1)..<high {
                let element = p[i]
                var j = i - 1
                while j >= low && less(element, p[j]) {
                    p[j + 1] = p[j]
                    j -= 1
                }
                p[j + 1] = element
            }
        }
    }
}

/// (fingerprint, offset) pairs by fingerprint, then offset: the store's sorted identities.
func sortIdentityPairs(_ pairs: inout [(fingerprint: UInt64, offset: Int)]) {
    sortByFingerprint(&pairs, fingerprint: \.fingerprint) { a, b in
        a.fingerprint != b.fingerprint ? a.fingerprint < b.fingerprint : a.offset < b.offset
    }
}

/// Name fingerprints in ascending order (duplicate respondents are equal neighbours).
func sortFingerprints(_ fingerprints: inout [UInt64]) {
    sortByFingerprint(&fingerprints, fingerprint: { $0 }, by: <)
}
