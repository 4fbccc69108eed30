import Testing
@testable import SurveyFormats

/// The store's file checksum must be the published XXH64 (what `xxhsum -H64` prints), so that a third party
/// can recompute it; the expected values below were computed with the reference implementation (python-xxhash).
@Suite("XXH64")
struct XXH64Tests {
    static let data: [UInt8] = (0..<1000).map { UInt8(($0 * 7 + 3) % 256) }

    @Test(arguments: [(0, "ef46db3751d8e999"), (3, "31d2363f52e564c9"), (31, "a2aa5f33cc4a6119"), (32, "23c3c17ef790fd97"),
                      (33, "50a7cfc7ba588784"), (100, "a61f8d4c170fe531"), (1000, "5f235fa033f1a3fb")])
    func knownAnswers(length: Int, digest: String) {
        var hasher = XXH64()
        hasher.update(Array(Self.data[0..<length]))
        #expect(hasher.hex() == digest)
    }

    @Test func chunksOfAnySizeGiveTheSameDigest() {
        for chunk in [1, 5, 31, 32, 33, 64, 999] {
            var hasher = XXH64()
            var at = 0
            while at < Self.data.count {
                let end = min(at + chunk, Self.data.count)
                hasher.update(Array(Self.data[at..<end]))
                at = end
            }
            #expect(hasher.hex() == "5f235fa033f1a3fb", "chunk \(chunk)")
        }
        var abc = XXH64()
        abc.update(Array("abc".utf8))
        #expect(abc.hex() == "44bc2cf5ad770999")
    }
}
