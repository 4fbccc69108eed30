import Foundation
import SurveyEngine

/// The catalogue of messages: every error, hint, warning, progress line, rejects-file reason and export
/// header meant for people, in Russian and English, one named function per message, grouped by area in the
/// files of this folder (`Messages+Files.swift` for files and CSV, `+Store`, `+Definitions`, `+Import`,
/// `+Commands`…). Call sites say what happened — `Messages.unclosedQuote(line: 4)` — and render it in the
/// reader's language at the edge: `.text(language)`.
///
/// What is not here, on purpose:
/// - help text: `Sources/survey-cli/HelpCatalogue.swift` (the help test checks it line by line);
/// - the wording of reports and documents — tabulation, profiles, routes, group and monitoring reports,
///   observation sheets — which is document layout, in `Sources/SurveyFormats/Render/*`;
/// - a questionnaire's own words (titles, statements, options), which come from its definition.
///
/// The labels `error:`, `hint:`, `warning:` stay English on purpose, as compilers print them and scripts
/// look for them; the text after the label is in the reader's language.
///
/// The rule, kept by `MessageCatalogueTests`: no `language.t("…", "…")` pair and no inline Russian/English
/// plural outside this folder and the renderers. See docs/MESSAGES.md.
public enum Messages {
    /// A system error number in words: Russian for the errors people meet, the C library's text otherwise.
    public static func system(_ code: Int32) -> Message {
        let en = String(cString: strerror(code))
        let ru: String
        switch code {
        case ENOENT: ru = "нет такого файла или папки"
        case EACCES, EPERM: ru = "нет прав доступа"
        case EISDIR: ru = "это папка, а не файл"
        case ENOTDIR: ru = "часть пути — не папка"
        case EEXIST: ru = "уже существует"
        case ENOSPC: ru = "на диске нет места"
        case EROFS: ru = "диск только для чтения"
        case EDQUOT: ru = "превышена квота диска"
        case ENAMETOOLONG: ru = "слишком длинное имя"
        case EIO: ru = "ошибка ввода-вывода"
        case EMFILE, ENFILE: ru = "открыто слишком много файлов"
        case EINVAL: ru = "недопустимый аргумент"
        case ELOOP: ru = "слишком много символических ссылок"
        case EBUSY: ru = "ресурс занят"
        default: ru = "системная ошибка: \(en)"
        }
        return Message(ru, en)
    }
}
