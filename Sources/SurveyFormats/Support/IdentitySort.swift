/// Sorts fingerprints (hashes, so their bytes spread evenly) in place with no buffer beside them: an
/// American-flag pass on the top byte into 256 buckets, then the same on the next byte within each bucket,
/// and so on, until a bucket holds 32 elements or fewer, which are sorted by insertion. A million elements take
/// two passes and stay in cache after the first: 256 buckets keep the first pass's writes in 256 places that
/// move forward (65 536 buckets made every move a cache miss: a tenth of `tabulate --from-csv`), and a
/// first-level bucket of a few thousand elements fits in the core's cache. No second array, unlike the
/// standard stable sort, whose merge buffer was the import's peak memory.
@inline(__always)
func sortByFingerprint<Element>(_ elements: inout [Element], fingerprint: (Element) -> UInt64, by less: (Element, Element) -> Bool) {
    elements.withUnsafeMutableBufferPointer { radixSort($0, shift: 56, fingerprint: fingerprint, by: less) }
}

private func radixSort<Element>(_ p: UnsafeMutableBufferPointer<Element>, shift: Int,
                                fingerprint: (Element) -> UInt64, by less: (Element, Element) -> Bool) {
    guard p.count > 32 && shift >= 0 else {
        // Small, or every fingerprint equal (the ties are ordered by `less`).
        guard p.count > 1 else { return }
        for i in 1..<p.count {
            let element = p[i]
            var j = i - 1
            while j >= 0 && less(element, p[j]) {
                p[j + 1] = p[j]
                j -= 1
            }
            p[j + 1] = element
        }
        return
    }
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 513) { table in
        let starts = table.baseAddress!, next = starts + 257
        starts.initialize(repeating: 0, count: 257)
        let digit = UInt64(truncatingIfNeeded: shift)
        @inline(__always) func bucket(_ element: Element) -> Int { Int(truncatingIfNeeded: (fingerprint(element) &>> digit) & 0xFF) }
        for element in p { starts[bucket(element) + 1] += 1 }
        for k in 0..<256 { starts[k + 1] += starts[k] }
        next.update(from: starts, count: 256)
        // Each bucket's next free place; an element out of place is carried round its cycle until one belongs here.
        for k in 0..<256 {
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
        for k in 0..<256 where starts[k + 1] - starts[k] > 1 {
            radixSort(UnsafeMutableBufferPointer(rebasing: p[starts[k]..<starts[k + 1]]), shift: shift - 8, fingerprint: fingerprint, by: less)
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
