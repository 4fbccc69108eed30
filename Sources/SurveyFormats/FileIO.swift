import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A failed file operation, with the path and the reason (the system's, in words from `Messages.system`).
public struct FileError: MessageError, Sendable, CustomStringConvertible {
    public var path: String
    public var reasonText: Message
    public init(path: String, reason: Message) {
        self.path = path
        self.reasonText = reason
    }
    /// A reason already in the reader's language (or the same in both).
    public init(path: String, reason: String) {
        self.init(path: path, reason: Message(verbatim: reason))
    }
    public init(path: String, errno code: Int32) {
        self.init(path: path, reason: Messages.system(code))
    }
    /// The reason in English (for logs and tests).
    public var reason: String { reasonText.en }
    public var problem: Message { Messages.atPath(path, reasonText) }
    public var description: String { problem.en }
}

/// Thin, EINTR-safe wrappers over the system calls the formats need (after swift-system's
/// `valueOrErrno(retryOnInterrupt:)`): errors come back as values naming the path.
public enum FileIO {
    /// Retries a call interrupted by a signal; returns the result or the errno.
    @inline(__always)
    static func retrying(_ call: () -> Int) -> Result<Int, Errno> {
        while true {
            let result = call()
            if result >= 0 { return .success(result) }
            if errno != EINTR { return .failure(Errno(code: errno)) }
        }
    }

    /// A system error number as an `Error` value.
    struct Errno: Error { var code: Int32 }

    /// Reads a whole (small) file, refusing one larger than `limit` bytes.
    public static func readAll(path: String, limit: Int) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileError(path: path, errno: errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw FileError(path: path, reason: Messages.isFolder) }
        if Int(info.st_size) > limit {
            throw FileError(path: path, reason: Messages.fileTooLarge(size: Int(info.st_size), limit: limit))
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let result = buffer.withUnsafeMutableBytes { raw in retrying { read(fd, raw.baseAddress, raw.count) } }
            switch result {
            case .failure(let e): throw FileError(path: path, errno: e.code)
            case .success(0): return bytes
            case .success(let n):
                bytes.append(contentsOf: buffer[0..<n])
                if bytes.count > limit { throw FileError(path: path, reason: Messages.fileGrew(limit: limit)) }
            }
        }
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and interrupted calls.
    public static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, path: String) throws(FileError) {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, errno: errno)
            }
            offset += n
        }
    }

    /// Appends `count` bytes of `input` from `offset` at `output`'s position: in the kernel (`sendfile`, no
    /// copy through this process) where it can, else through a buffer. `from`, `to`: the paths, for messages.
    static func copy(_ input: Int32, offset: Int, count: Int, to output: Int32, from: String, to: String) throws(FileError) {
        var position = off_t(offset)
        var left = count
        while left > 0 {
            let n = sendfile(output, input, &position, left)
            if n > 0 { left -= n; continue }
            if n < 0 && errno == EINTR { continue }
            if n == 0 { throw FileError(path: from, reason: Messages.fileEndedBefore(byte: offset + count)) }
            guard [EXDEV, ENOSYS, EINVAL, EOPNOTSUPP, EBADF].contains(errno) else { throw FileError(path: to, errno: errno) }
            break  // not here: copy through a buffer
        }
        var buffer = [UInt8](repeating: 0, count: min(max(left, 1), 1 << 20))
        while left > 0 {
            let n = buffer.withUnsafeMutableBytes { pread(input, $0.baseAddress, min($0.count, left), position) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw n == 0 ? FileError(path: from, reason: Messages.fileEndedBefore(byte: offset + count)) : FileError(path: from, errno: errno) }
            try writeAll(output, buffer[0..<n], path: to)
            position += off_t(n)
            left -= n
        }
    }

    public static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}
