import Foundation
import SurveyEngine
import SurveyFormats

/// A file that cannot be read as CSV: the problem at its line and field, and the summary, in the reader's language.
func csvRefusal(_ error: CSVError, path: String, _ language: Language, nothingStored: Bool) -> CLIError {
    let diagnostic = Diagnostic(file: path, line: error.line > 0 ? error.line : nil, path: error.column.map { Messages.column($0).text(language) },
                                error.text, hint: error.hintText)
    return .refused([diagnostic], summary: Messages.fileCannotBeRead(path, nothingStored: nothingStored).text(language))
}
