import Foundation

/// Something opening or writing the store did that the user should hear of (on stderr, as a warning).
public enum StoreNote: Sendable, Equatable {
    /// A format-1 store was converted; `tornBytes` of an unfinished write at its end were left out.
    case converted(folder: String, responses: Int, batches: Int, tornBytes: Int)
    /// Bytes after the last committed batch (a write cut short by a crash) were cut off.
    case repaired(files: [String], bytes: Int)
    /// An import's spool left by a crash (never stored) was deleted.
    case staleSpool(path: String, bytes: Int)

    public func text(_ language: Language) -> String {
        switch self {
        case .converted(let folder, let responses, let batches, let torn):
            return language.t("\(folder): хранилище переведено в формат \(ResponseStore.formatVersion) (ответов: \(responses), партий: \(batches)); см. docs/STORE.md",
                              "\(folder): converted the store to format \(ResponseStore.formatVersion) (\(responses) response(s) in \(batches) batch(es)); see docs/STORE.md")
                + (torn > 0 ? language.t("; незавершённая запись в конце (\(torn) байт, оборвана сбоем) не перенесена",
                                         "; an unfinished write of \(torn) byte(s) at the end (cut off by a crash) was left out") : "")
        case .repaired(let files, let bytes):
            return language.t("удалена незавершённая запись (импорт или сеанс, оборванные сбоем или отключением питания): \(bytes) байт в \(files.joined(separator: ", ")); сохранённые данные целы",
                              "removed an unfinished write (an import or session cut off by a crash or power cut): \(bytes) byte(s) of \(files.joined(separator: ", ")); committed data is intact")
        case .staleSpool(let path, let bytes):
            return language.t("\(path): удалён черновик импорта, оставшийся после сбоя (\(bytes) байт, не был сохранён)",
                              "\(path): removed an import's spool left by a crash (\(bytes) byte(s), never stored)")
        }
    }
}
