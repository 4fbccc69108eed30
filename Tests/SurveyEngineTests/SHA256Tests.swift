import Testing
@testable import SurveyFormats

@Suite("SHA-256")
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownAnswers(input: String, digest: String) {
        #expect(SHA256.hex(Array(input.utf8)) == digest)
    }

    @Test func aMillionAsInChunksOfAnySize() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        for chunk in [1, 63, 64, 65, 1000, 1_000_000] {
            var hasher = SHA256()
            var left = 1_000_000
            while left > 0 {
                let n = min(chunk, left)
                hasher.update([UInt8](repeating: 0x61, count: n))
                left -= n
            }
            #expect(hasher.finalize().map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() == expected, "chunk \(chunk)")
        }
        // A non-contiguous sequence takes the byte-by-byte path.
        var lazy = SHA256()
        lazy.update((0..<1000).lazy.map { _ in UInt8(0x61) })
        var whole = SHA256()
        whole.update([UInt8](repeating: 0x61, count: 1000))
        #expect(lazy.finalize() == whole.finalize())
    }
}
