import Foundation
#if canImport(Glibc)
import Glibc
#endif

// What the import's signal handler may touch: plain memory set up before the handlers are installed.
/// The spool files (the batch's and its parts'), as C strings made before the handlers are installed.
nonisolated(unsafe) private var interruptedFiles: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
nonisolated(unsafe) private var interruptedFileCount = 0
nonisolated(unsafe) private var interruptMessage: UnsafeMutablePointer<UInt8>?
nonisolated(unsafe) private var interruptMessageLength = 0

/// Ctrl-C, SIGTERM or SIGHUP during an import: the spool (records read so far, names in them) is deleted,
/// the user told that nothing was stored, and the process leaves with 128 + the signal (130, 143, 129).
private func abandonImport(_ signal: Int32) {
    if let interruptedFiles {
        for k in 0..<interruptedFileCount { if let file = interruptedFiles[k] { unlink(file) } }
    }
    if let interruptMessage, interruptMessageLength > 0 { _ = write(2, interruptMessage, interruptMessageLength) }
    _exit(128 + signal)
}

/// The import's interrupt guard: from `arm` until the commit starts, an interrupt removes the spool; from
/// the commit on, interrupts wait until the command ends (the commit is all or nothing, and its report is
/// the truth, so it is not cut in the middle).
enum ImportInterrupt {
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    static func arm(spool: [String], message: String) {
        let files = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: max(1, spool.count))
        for (k, path) in spool.enumerated() { files[k] = strdup(path) }
        interruptedFiles = files
        interruptedFileCount = spool.count
        let bytes = Array(message.utf8)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
        buffer.initialize(from: bytes, count: bytes.count)
        interruptMessage = buffer
        interruptMessageLength = bytes.count
        for signal in signals { Glibc.signal(signal, abandonImport) }
        // A parent may have started us with these blocked (the mask is inherited): an import wants them.
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Blocks the interrupts for the rest of the process (the commit and its report).
    static func holdForCommit() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }
}
