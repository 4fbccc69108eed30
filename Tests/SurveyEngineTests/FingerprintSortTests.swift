import Testing
@testable import SurveyFormats

/// The radix sort of fingerprints that duplicate checks and the store's identities rely on: the same order as
/// the standard sort, on random, repeated, clustered and tied input of every size around its thresholds.
@Suite("Fingerprint sort")
struct FingerprintSortTests {
    /// Inputs: spread hashes, many repeats, values that share their top bytes (deep buckets), all equal.
    func inputs(_ n: Int, seed: UInt64) -> [[UInt64]] {
        var random = SplitMix(state: seed)
        let spread = (0..<n).map { _ in random.next() }
        let repeats = (0..<n).map { _ in spread.isEmpty ? 0 : spread[Int(random.next() % UInt64(max(1, n / 3 + 1))) % spread.count] }
        let clustered = (0..<n).map { _ in 0xABCD_EF00_0000_0000 | (random.next() & 0xFFFF) }
        let equal = [UInt64](repeating: 42, count: n)
        return [spread, repeats, clustered, equal]
    }

    @Test(arguments: [0, 1, 2, 31, 32, 33, 100, 4096, 4097, 20_000, 150_000])
    func fingerprintsSortAsTheStandardSort(n: Int) {
        for input in inputs(n, seed: UInt64(n) &+ 5) {
            var sorted = input
            sortFingerprints(&sorted)
            #expect(sorted == input.sorted())
        }
    }

    @Test(arguments: [0, 3, 33, 5000, 70_000])
    func identityPairsSortByFingerprintThenOffset(n: Int) {
        for input in inputs(n, seed: UInt64(n) &+ 9) {
            var random = SplitMix(state: UInt64(n))
            var pairs = input.map { (fingerprint: $0, offset: Int(random.next() % 1_000_000)) }
            let expected = pairs.sorted { $0.fingerprint != $1.fingerprint ? $0.fingerprint < $1.fingerprint : $0.offset < $1.offset }
            sortIdentityPairs(&pairs)
            #expect(pairs.map(\.fingerprint) == expected.map(\.fingerprint) && pairs.map(\.offset) == expected.map(\.offset))
        }
    }
}
