import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a command writes: standard output for results, standard error for errors, warnings and progress.
struct Console: Sendable {
    func out(_ text: String, raw: [UInt8]? = nil) {
        if let raw { writeBytes(1, raw[...]) } else { write(1, text) }
    }
    func err(_ text: String) { write(2, text) }

    /// Whether a stream is a terminal (decides raw mode, colour and progress lines).
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    private func write(_ fd: Int32, _ text: String) { writeBytes(fd, Array(text.utf8)[...]) }

    private func writeBytes(_ fd: Int32, _ bytes: ArraySlice<UInt8>) {
        var bytes = bytes
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return  // a closed pipe (`survey list | head`) is not an error worth a crash
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
