import Foundation
import Testing

/// Finds English sentences in text meant to be Russian.
///
/// A line holds an English sentence when, after removing what legitimately stays Latin — option names
/// (`--dry-run`), placeholders in capitals (`FILE`, `CSV`), a command line from `survey ` (or a path ending in
/// `/survey`) to the end of the line, text quoted in '…' or «…», ids with `-` or `_` (`teacher-deficits`,
/// `$SURVEY_DATA`), file names and paths (`answers.csv`, `./questionnaires`) — it still has three or more
/// Latin words separated only by spaces («Store the valid rows»). A list such as «md, csv, json или html»
/// is not a sentence: commas break the run.
enum EnglishDetector {
    private static let removals: [String] = [
        #"'[^']*'"#,                                   // 'survey validate', ';'
        #"«[^»]*»"#,                                    // «Cогласен»
        #"(^|\s)(\S*/)?survey(\s.*)?$"#,                // survey import …, .build/release/survey bench
        #"--[A-Za-z][A-Za-z0-9-]*"#,                    // option names
        #"\S*[/\\]\S*"#,                                // paths
        #"[A-Za-z0-9_.-]+\.[A-Za-z]{2,5}\b"#,           // file names
        #"\$?[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+"#,       // ids with - or _
        #"\b[A-Z][A-Z0-9]+\b"#,                         // placeholders and acronyms in capitals
    ]
    private static let sentence = #"(?<![\p{L}\p{N}])[A-Za-z]+(?:[ \t]+[A-Za-z]+){2,}(?![\p{L}\p{N}])"#

    /// The lines that still read as English after the removals, each with the run found.
    static func englishLines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).compactMap { line in
            var cleaned = String(line)
            for pattern in removals {
                cleaned = cleaned.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
            }
            guard let range = cleaned.range(of: sentence, options: .regularExpression) else { return nil }
            return "\(line)   ← «\(cleaned[range])»"
        }
    }
}

@Suite("CLI: help and usage errors in Russian, English with --lang en")
struct CLIHelpLanguageTests {
    @Test func theDetectorCatchesEnglishAndSparesWhatStaysLatin() {
        #expect(EnglishDetector.englishLines("  --skip-invalid        Store the valid rows; write the others to --rejects.").count == 1)
        #expect(EnglishDetector.englishLines("OVERVIEW: Show help for survey or one of its commands.").count == 1)
        #expect(EnglishDetector.englishLines("""
          --format FORMAT   text (по умолчанию), md, csv, json или html.
          --encoding ENC    Кодировка файла: auto (по умолчанию), utf-8, cp1251 или utf-16.
        ИСПОЛЬЗОВАНИЕ: survey import ID FILE [--encoding auto|utf-8|cp1251|utf-16] [--stage start|mid|final]
          swift build -c release && .build/release/survey bench
          printf '1\\nСогласен\\n…' | survey take preschool-staff-survey
          --questionnaires DIR  Папка с анкетами (по умолчанию: $SURVEY_QUESTIONNAIRES, иначе ./questionnaires).
        """).isEmpty)
    }

    /// Lines of a Russian help whose text has no Cyrillic letter at all: an untranslated summary, argument or
    /// option too short to read as an English sentence («csv or json.»). The text is what follows the name
    /// column (two or more spaces) in the lists, and what follows «ОБЗОР:».
    static func untranslatedLines(_ help: String) -> [String] {
        var inList = false
        var found: [String] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if ["КОМАНДЫ:", "АРГУМЕНТЫ:", "ПАРАМЕТРЫ:", "ОБЩИЕ ПАРАМЕТРЫ:"].contains(line) { inList = true; continue }
            if line.isEmpty || !line.hasPrefix("  ") { inList = false }
            var text: Substring?
            if line.hasPrefix("ОБЗОР:") { text = line.dropFirst("ОБЗОР:".count) }
            if inList, let gap = line.dropFirst(2).range(of: "  ") { text = line.dropFirst(2)[gap.upperBound...] }
            if let text, !text.unicodeScalars.contains(where: { (0x0400...0x04FF).contains($0.value) }) { found.append(line) }
        }
        return found
    }

    /// Every `--option` a help names, with how often, in its explanation, lists and examples.
    static func optionNames(_ help: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        var rest = help[...]
        while let range = rest.range(of: #"--[a-z][a-z0-9-]*"#, options: .regularExpression) {
            counts[String(rest[range]), default: 0] += 1
            rest = rest[range.upperBound...]
        }
        return counts
    }

    /// The command names listed by the overview, between its «КОМАНДЫ:» and «ОБЩИЕ ПАРАМЕТРЫ:».
    private func commandNames(_ overview: String) -> [String] {
        guard let list = overview.components(separatedBy: "КОМАНДЫ:").dropFirst().first?
            .components(separatedBy: "ОБЩИЕ ПАРАМЕТРЫ:").first else { return [] }
        return list.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    @Test func everyHelpIsRussianByDefault() throws {
        let overview = try survey(["--help"])
        #expect(overview.status == 0)
        #expect(overview.stdout.contains("ИСПОЛЬЗОВАНИЕ: survey <команда>"))
        #expect(EnglishDetector.englishLines(overview.stdout) == [], "survey --help")
        #expect(Self.untranslatedLines(overview.stdout) == [], "survey --help")
        let names = commandNames(overview.stdout)
        #expect(names.count >= 10 && names.contains("import") && names.contains("help"), "\(names)")
        #expect(try survey([]).stdout == overview.stdout)
        for name in names {
            let help = try survey(["help", name])
            #expect(help.status == 0)
            for heading in ["ОБЗОР: ", "ИСПОЛЬЗОВАНИЕ: survey \(name)", "ПАРАМЕТРЫ:"] {
                #expect(help.stdout.contains(heading), "survey help \(name): no \(heading)")
            }
            #expect(EnglishDetector.englishLines(help.stdout) == [], "survey help \(name)")
            #expect(Self.untranslatedLines(help.stdout) == [], "survey help \(name): no translation in HelpCatalogue")
            // A translation made from an older English text is noticed by the options it names: the Russian
            // help must name the same options as the English one (a new option, a rewritten explanation).
            let english = try survey(["help", name, "--lang", "en"])
            #expect(Self.optionNames(help.stdout) == Self.optionNames(english.stdout),
                    "survey help \(name): the Russian help names other options than the English one; update HelpCatalogue")
            let dashed = try survey([name, "--help"])
            #expect(dashed.stdout == help.stdout, "survey \(name) --help")
        }
    }

    @Test func langEnAndSurveyLangGiveTheEnglishHelp() throws {
        let overview = try survey(["--help", "--lang", "en"])
        #expect(overview.stdout.contains("USAGE: survey <command>") && overview.stdout.contains("GLOBAL OPTIONS:"))
        #expect(!EnglishDetector.englishLines(overview.stdout).isEmpty, "the English overview reads as English")
        #expect(Self.untranslatedLines(try survey(["help", "export", "--lang", "en"]).stdout.replacingOccurrences(of: "OPTIONS:", with: "ПАРАМЕТРЫ:"))
            .contains("  --format FORMAT       csv (default) or json."), "the check finds a short untranslated option")
        let help = try survey(["import", "--help", "--lang", "en"])
        #expect(help.stdout.contains("USAGE: survey import ID FILE"))
        #expect(help.stdout.contains("Check the file and print the summary; store nothing."))
        let fromEnvironment = try survey(["help", "import"], environment: ["SURVEY_LANG": "en"])
        #expect(fromEnvironment.stdout == help.stdout)
        let overridden = try survey(["help", "import", "--lang", "ru"], environment: ["SURVEY_LANG": "en"])
        #expect(overridden.stdout.contains("Проверить файл и показать итог, ничего не сохраняя."))
    }

    @Test(arguments: [
        (["lst"], "неизвестная команда 'lst'", "unknown command 'lst'"),
        (["help", "lst"], "может быть, 'list'?", "did you mean 'list'?"),
        (["list", "--fromat", "json"], "может быть, '--format'?", "did you mean '--format'?"),
        (["list", "--bogus"], "неизвестный параметр '--bogus'", "unknown option '--bogus'"),
        (["list", "--format", "xml"], "--format принимает одно из значений: text, json", "--format takes one of text, json"),
        (["list", "--format"], "после --format нужно значение (FORMAT)", "--format needs a value (FORMAT)"),
        (["list", "--format", "json", "--format", "text"], "--format указан дважды", "--format is given twice"),
        (["list", "--help=yes"], "--help не принимает значения", "--help takes no value"),
        (["show"], "не хватает аргумента: 'survey show' принимает 1 аргумент", "missing argument"),
        (["show", "a", "b"], "лишний аргумент 'b'", "unexpected argument 'b'"),
        (["import", "x"], "принимает 2 аргумента", "takes 2 argument(s)"),
        (["import", "preschool-staff-survey", "a.csv", "--max-errors", "lots"], "--max-errors принимает целое число", "--max-errors takes a whole number"),
    ])
    func usageErrorsAreRussianByDefaultAndEnglishWithLangEn(arguments: [String], russian: String, english: String) throws {
        let ru = try survey(arguments)
        #expect(ru.status == 64, "\(arguments)")
        #expect(ru.stderr.hasPrefix("error: "))
        #expect(ru.stderr.contains(russian), "\(ru.stderr)")
        #expect(EnglishDetector.englishLines(ru.stderr) == [], "\(arguments)")
        let en = try survey(["--lang", "en"] + arguments)
        #expect(en.status == 64, "\(arguments) --lang en")
        #expect(en.stderr.contains(english), "\(en.stderr)")
    }

    @Test func anUnknownQuestionnaireIsNamedInRussian() throws {
        let ru = try survey(["show", "teacher-deficit"])
        #expect(ru.status == 1)
        #expect(ru.stderr.contains("неизвестная анкета 'teacher-deficit'") && ru.stderr.contains("может быть, 'teacher-deficits'?"), "\(ru.stderr)")
        #expect(EnglishDetector.englishLines(ru.stderr) == [])
    }
}
