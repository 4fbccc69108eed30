import Foundation
import SurveyEngine

/// What a column of an answer file holds.
public enum ColumnRole: Sendable, Equatable {
    case respondent
    /// Index into the questionnaire's items.
    case item(Int)
    /// An empty header: ignored if its cells are empty too.
    case unnamed
    /// A column whose cells are not answers and are ignored: the row number («№ п/п») beside a name
    /// column, or the reason column («Ошибка») of a rejects file.
    case ignored
    /// A column kept as an attribute (`--keep`, `--by`), by its header as given.
    case kept(String)
    /// A question about the person (a teacher's «Должность», «Стаж»…): index into the questionnaire's context.
    case context(Int)
}

/// A header problem: which column and what is wrong.
public struct HeaderProblem: Sendable, Equatable {
    public var column: Int
    public var message: String
    public var hint: String?
}

/// Matches an answer file's header row to a questionnaire (CONTRACT.md "Answer files"): a column names an
/// item by id, number or text (folded: case, spaces, ё/е; a Latin look-alike letter in a Cyrillic word and
/// the reverse forgiven when only one reading matches), or the respondent (`id`, `respondent`, `№`, `номер`,
/// `анкета`, `ФИО`, `ребенок`/`ребёнок`, or `--id-column`). A row-number column («№ п/п») beside a name
/// column, and the reason column of a rejects file («Ошибка»), are ignored. Any other column is an error.
public struct HeaderMatcher: Sendable {
    public static let respondentHeaders = ["id", "respondent", "респондент", "№", "номер", "анкета", "фио", "ребенок", "ребёнок", "child", "name", "имя"]
    /// Headers of a row-number column as forms print them: the respondent only when no column names a
    /// person, otherwise ignored.
    public static let rowNumberHeaders = ["№", "номер", "№ п/п", "№п/п", "п/п", "№ п.п.", "номер п/п"]
    /// The column `import --rejects` adds with each row's reasons: ignored, so a fixed rejects file imports.
    public static let rejectReasonHeaders = ["Ошибка", "Error"]
    /// Unknown columns get a "did you mean" only while there are fewer problems than this.
    public static let maxSuggestions = 20

    let questionnaire: Questionnaire
    let idColumn: String?
    /// Extra columns to keep rather than refuse, compared folded.
    let keep: [String]
    let language: Language
    /// How the command keeps an extra column, for the hint: `import --keep`, or `tabulate --by`.
    let keepOption: KeepOption

    public enum KeepOption: Sendable { case keep, by }

    public init(questionnaire: Questionnaire, idColumn: String? = nil, keep: [String] = [], language: Language = .ru,
                keepOption: KeepOption = .keep) {
        self.questionnaire = questionnaire
        self.idColumn = idColumn
        self.keep = keep
        self.language = language
        self.keepOption = keepOption
    }

    public func plan(_ header: [String]) -> (roles: [ColumnRole], problems: [HeaderProblem]) {
        var roles: [ColumnRole] = []
        var problems: [HeaderProblem] = []
        var itemColumn: [Int: Int] = [:]
        // Ids and the aliases a definition declares (an ASCII code for a letter cp1251 cannot hold, «Мероприятия»).
        let byID = Dictionary(questionnaire.items.enumerated().flatMap { index, item in ([item.id] + item.aliases).map { (TextFolding.fold($0), index) } },
                              uniquingKeysWith: { a, _ in a })
        let byNumber = Dictionary(questionnaire.items.enumerated().map { ($1.number, $0) }, uniquingKeysWith: { a, _ in a })
        let byText = Dictionary(questionnaire.items.enumerated().map { (TextFolding.fold($1.text), $0) }, uniquingKeysWith: { a, _ in a })
        let candidates = questionnaire.items.map(\.id) + questionnaire.items.map(\.text)
        let kept = Set(keep.map(TextFolding.fold)), respondentNames = Self.respondentNames
        let folded = header.map {
            Self.withoutLookAlikes(TextFolding.fold($0), known: { byID[$0] != nil || byText[$0] != nil || respondentNames.contains($0) || kept.contains($0) })
        }
        let respondentColumn = self.respondentColumn(folded)

        for (column, raw) in header.enumerated() {
            let folded = folded[column]
            var role: ColumnRole?
            if folded.isEmpty {
                role = .unnamed
            } else if let name = keep.first(where: { TextFolding.fold($0) == folded }) {
                role = .kept(name)
            } else if let index = contextField(folded) {
                role = .context(index)
            } else if column == respondentColumn {
                role = .respondent
            } else if Self.isIgnored(folded) {
                role = .ignored
            } else if let index = byID[folded] ?? byText[folded] ?? Self.number(in: folded).flatMap({ byNumber[$0] }) {
                role = .item(index)
            } else if raw.contains("?"), questionnaire.items.contains(where: { !$0.id.unicodeScalars.allSatisfy(OutputEncoding.cp1251.canEncode) }) {
                // A code whose letter cp1251 could not hold («5-?.1» for «5-Ә.1»): taken when only one item reads so.
                let found = CodeRecovery.candidates(raw, in: questionnaire)
                if found.count == 1 {
                    role = .item(found[0])
                } else if !found.isEmpty {
                    let names = found.map { index in
                        let item = questionnaire.items[index]
                        let ascii = item.aliases.first { $0.allSatisfy(\.isASCII) }
                        return "«\(item.id)»" + (ascii.map { " (\($0))" } ?? "")
                    }
                    problems.append(HeaderProblem(column: column + 1, message: Messages.lostLetterCouldBe(raw, names: names).text(language),
                                                  hint: Messages.hintASCIIAliasOrUTF8.text(language)))
                    roles.append(.unnamed)
                    continue
                } else {
                    problems.append(HeaderProblem(column: column + 1, message: Messages.lostLetterUnknown(raw, questionnaire: questionnaire.id).text(language),
                                                  hint: Messages.hintUTF8OrAlias(questionnaire.id).text(language)))
                    roles.append(.unnamed)
                    continue
                }
            }
            guard let role else {
                problems.append(unknownColumn(raw, column: column, folded: folded, candidates: candidates, suggest: problems.count < Self.maxSuggestions))
                roles.append(.unnamed)
                continue
            }
            if case .item(let index) = role {
                if let earlier = itemColumn[index] {
                    problems.append(HeaderProblem(column: column + 1, message: Messages.itemAlreadyInColumn(questionnaire.items[index].number, column: earlier + 1).text(language), hint: nil))
                }
                itemColumn[index] = column
            }
            roles.append(role)
        }
        for name in keep where !roles.contains(.kept(name)) {
            problems.append(HeaderProblem(column: 0, message: Messages.noColumnNamed(name, idColumn: false).text(language), hint: nil))
        }
        if let idColumn, respondentColumn == nil {
            problems.append(HeaderProblem(column: 0, message: Messages.noColumnNamed(idColumn, idColumn: true).text(language), hint: nil))
        }
        return (roles, problems)
    }

    /// A context column by its label, an alias or its id, folded («Педагогический стаж» → experience).
    func contextField(_ folded: String) -> Int? {
        questionnaire.context.firstIndex { field in
            ([field.id, field.label] + field.aliases).contains { TextFolding.fold($0) == folded }
        }
    }

    // MARK: - Header recognition, one concern per function

    /// The column that names the respondent: `--id-column`; else the first column naming a person (ФИО,
    /// ребёнок, id…); else the first row-number column («№», «№ п/п»). Folded headers in, index out.
    func respondentColumn(_ folded: [String]) -> Int? {
        let kept = Set(keep.map(TextFolding.fold))
        if let idColumn { return folded.firstIndex(of: TextFolding.fold(idColumn)) }
        let rowNumbers = Set(Self.rowNumberHeaders.map(TextFolding.fold))
        let names = Set(Self.respondentHeaders.map(TextFolding.fold)).subtracting(rowNumbers)
        return folded.indices.first { !kept.contains(folded[$0]) && names.contains(folded[$0]) }
            ?? folded.indices.first { !kept.contains(folded[$0]) && rowNumbers.contains(folded[$0]) }
    }

    static let respondentNames = Set((respondentHeaders + rowNumberHeaders).map(TextFolding.fold))
    static let ignoredNames = Set((rowNumberHeaders + rejectReasonHeaders).map(TextFolding.fold))

    /// A column that is not the respondent's and holds no answers: a further row-number column, or the
    /// rejects file's reason column.
    static func isIgnored(_ folded: String) -> Bool { ignoredNames.contains(folded) }

    /// A folded header with look-alike letters of the other script folded, when that names exactly one
    /// known header and the header as typed names none.
    static func withoutLookAlikes(_ folded: String, known: (String) -> Bool) -> String {
        guard !known(folded), number(in: folded) == nil else { return folded }
        return LookAlikeLetters.resolve(folded, in: known) ?? folded
    }

    /// Word stems of columns that describe the respondent (a school, a class, a district), not an answer.
    static let attributeStems = ["школ", "класс", "район", "город", "организац", "учрежден", "групп", "должност",
                                 "предмет", "стаж", "возраст", "категори", "school", "class", "grade", "district"]
    /// Short attribute words, matched whole.
    static let attributeWords = ["пол", "село", "сад", "дата", "role", "age", "sex"]

    /// Whether an unknown header looks like an attribute worth `--keep`: a word with a known stem, or a short
    /// header without digits that is near no item.
    static func looksLikeAttribute(_ folded: String, nearItem: Bool) -> Bool {
        let words = folded.split { !$0.isLetter }
        if words.contains(where: { word in attributeWords.contains(String(word)) || attributeStems.contains { word.hasPrefix($0) } }) { return true }
        return !nearItem && words.count <= 3 && folded.count <= 40 && !folded.contains(where: \.isNumber)
    }

    func unknownColumn(_ raw: String, column: Int, folded: String, candidates: [String], suggest: Bool) -> HeaderProblem {
        let l = language
        // A suggestion compares the header with every item; past the first few unknown columns (a file of
        // another questionnaire, a header of thousands of columns) the general hint will do.
        let suggestion = suggest ? TextFolding.nearest(raw, among: candidates) : nil
        var hint: String
        if Self.looksLikeAttribute(folded, nearItem: suggestion != nil) {
            let name = raw.trimmingCharacters(in: .whitespaces)
            switch keepOption {
            case .keep:
                hint = Messages.hintKeep(name).text(l)
            case .by:
                hint = Messages.hintBy(name).text(l)
            }
        } else {
            hint = (suggestion.map(Messages.didYouMeanName) ?? Messages.hintWhatAColumnNames(idColumn)).text(l)
        }
        if let note = strayLetterNote(raw, language: language) { hint += "; " + note }
        return HeaderProblem(column: column + 1, message: Messages.unknownColumn(raw).text(l), hint: hint)
    }

    /// «5», «5.», «№5», «Вопрос 5», «5. Текст…» → 5.
    static func number(in folded: String) -> Int? {
        var text = Substring(folded)
        for prefix in ["вопрос", "утверждение", "item", "q", "№"] where text.hasPrefix(prefix) {
            text = text.dropFirst(prefix.count)
            break
        }
        text = text.drop { $0 == " " }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int(digits) else { return nil }
        let rest = text.dropFirst(digits.count)
        // "5" or "5." alone, or "5. Some text": a number followed by a separator.
        if rest.isEmpty || rest == "." || rest == ")" || rest.hasPrefix(". ") || rest.hasPrefix(") ") { return number }
        return nil
    }
}

/// The result of reading one cell.
public enum CellMatch: Sendable, Equatable {
    case blank
    case value(Double)
    case text(String)
    /// Not an answer of this item; the nearest label, if any is close.
    case invalid(suggestion: String?)
}

/// Reads cells of one scale: a label or alias (folded), the option's value, or for levels a Roman numeral
/// (Latin I or Cyrillic І). Raw spellings seen once are cached by their bytes, so the millionth «Согласен»
/// costs a hash of its bytes and no String.
public struct CellMatcher: Sendable {
    public let scale: ResponseScale
    private var folded: [String: Double] = [:]
    private var cache = ByteTable<Double?>()
    private let cacheLimit = 4096

    public init(scale: ResponseScale) {
        self.scale = scale
        for option in scale.options {
            for spelling in [option.label] + option.aliases { folded[TextFolding.fold(spelling)] = option.value }
        }
    }

    /// Matches a cell given as UTF-8 bytes; caches what it learns.
    public mutating func match(bytes: UnsafeBufferPointer<UInt8>) -> CellMatch {
        if let cached = cache.value(for: bytes) {
            return cached.map(CellMatch.value) ?? .invalid(suggestion: suggestion(for: String(decoding: bytes, as: UTF8.self)))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let result = match(text)
        switch result {
        case .value(let v): if cache.count < cacheLimit { cache.insert(bytes, v) }
        case .invalid: if cache.count < cacheLimit { cache.insert(bytes, nil) }
        case .blank, .text: break
        }
        return result
    }

    public func match(_ text: String) -> CellMatch {
        let key = TextFolding.fold(text)
        if key.isEmpty { return .blank }
        if let value = folded[key] { return .value(value) }
        if let number = Double(key.replacingOccurrences(of: ",", with: ".")), scale.option(value: number) != nil {
            return .value(number)
        }
        if scale.kind == .levels, let roman = TextFolding.romanValue(key), scale.option(value: Double(roman)) != nil {
            return .value(Double(roman))
        }
        // «Cогласен» with a Latin C: taken when exactly one of its look-alike twins is a label.
        if let twin = LookAlikeLetters.resolve(key, in: { folded[$0] != nil }), let value = folded[twin] { return .value(value) }
        return .invalid(suggestion: suggestion(for: text))
    }

    private func suggestion(for text: String) -> String? {
        TextFolding.nearest(text, among: scale.options.flatMap { [$0.label] + $0.aliases })
            .flatMap { spelling in scale.options.first { ([$0.label] + $0.aliases).contains(spelling) }?.label }
    }
}

/// Free text as entered, trimmed; a leading apostrophe that an export added to defuse a formula is removed,
/// so exported comments re-import unchanged.
public func cleanFreeText(_ text: String) -> String {
    var trimmed = Substring(text)
    while let first = trimmed.first, first.isWhitespace { trimmed.removeFirst() }
    while let last = trimmed.last, last.isWhitespace { trimmed.removeLast() }
    if trimmed.hasPrefix("'"), let second = trimmed.dropFirst().first, "=+-@".contains(second) {
        trimmed.removeFirst()
    }
    return String(trimmed)
}

/// «буква «C» на месте 1 — латинская среди русских»: where a word mixes Latin and Cyrillic letters that look
/// alike; nil when none does.
public func strayLetterNote(_ text: String, language: Language) -> String? {
    guard let stray = LookAlikeLetters.stray(in: text) else { return nil }
    let code = String(format: "U+%04X", stray.letter.unicodeScalars.first?.value ?? 0)
    return Messages.strayLetter(String(stray.letter), code: code, position: stray.position, latinAmongCyrillic: stray.script == .latin).text(language)
}
