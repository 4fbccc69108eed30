import Foundation

/// Something opening or writing the store did that the user should hear of (on stderr, as a warning).
public enum StoreNote: Sendable, Equatable {
    /// A format-1 store was converted; `tornBytes` of an unfinished write at its end were left out.
    case converted(folder: String, responses: Int, batches: Int, tornBytes: Int)
    /// Bytes after the last committed batch (a write cut short by a crash) were cut off.
    case repaired(files: [String], bytes: Int)
    /// An import's spool left by a crash (never stored) was deleted.
    case staleSpool(path: String, bytes: Int)

    public func text(_ language: Language) -> String { Messages.storeNote(self).text(language) }
}
