import SurveyEngine

/// What a column of an answer file holds.
public enum ColumnRole: Sendable, Equatable {
    case respondent
    /// Index into the questionnaire's items.
    case item(Int)
    /// An empty header: ignored if its cells are empty too.
    case unnamed
    /// A column kept as an attribute (`--keep`, `--by`), by its header as given.
    case kept(String)
}

/// A header problem: which column and what is wrong.
public struct HeaderProblem: Sendable, Equatable {
    public var column: Int
    public var message: String
    public var hint: String?
}

/// Matches an answer file's header row to a questionnaire (CONTRACT.md "Answer files"): a column names an
/// item by id, number or text (folded: case, spaces, ё/е), or the respondent (`id`, `respondent`, `№`,
/// `номер`, `анкета`, `ФИО`, `ребенок`/`ребёнок`, or `--id-column`). Any other column is an error.
public struct HeaderMatcher: Sendable {
    public static let respondentHeaders = ["id", "respondent", "№", "номер", "анкета", "фио", "ребенок", "ребёнок", "child", "name", "имя"]
    /// Unknown columns get a "did you mean" only while there are fewer problems than this.
    public static let maxSuggestions = 20

    let questionnaire: Questionnaire
    let idColumn: String?
    /// Extra columns to keep rather than refuse, compared folded.
    let keep: [String]

    public init(questionnaire: Questionnaire, idColumn: String? = nil, keep: [String] = []) {
        self.questionnaire = questionnaire
        self.idColumn = idColumn
        self.keep = keep
    }

    public func plan(_ header: [String]) -> (roles: [ColumnRole], problems: [HeaderProblem]) {
        var roles: [ColumnRole] = []
        var problems: [HeaderProblem] = []
        var itemColumn: [Int: Int] = [:]
        var respondentColumn: Int?
        // Ids and the aliases a definition declares (an ASCII code for a letter cp1251 cannot hold, «Мероприятия»).
        let byID = Dictionary(questionnaire.items.enumerated().flatMap { index, item in ([item.id] + item.aliases).map { (TextFolding.fold($0), index) } },
                              uniquingKeysWith: { a, _ in a })
        let byNumber = Dictionary(questionnaire.items.enumerated().map { ($1.number, $0) }, uniquingKeysWith: { a, _ in a })
        let byText = Dictionary(questionnaire.items.enumerated().map { (TextFolding.fold($1.text), $0) }, uniquingKeysWith: { a, _ in a })
        let idNames = Set((idColumn.map { [$0] } ?? Self.respondentHeaders).map(TextFolding.fold))
        let candidates = questionnaire.items.map(\.id) + questionnaire.items.map(\.text)

        for (column, raw) in header.enumerated() {
            let folded = TextFolding.fold(raw)
            var role: ColumnRole?
            if folded.isEmpty {
                role = .unnamed
            } else if let name = keep.first(where: { TextFolding.fold($0) == folded }) {
                role = .kept(name)
            } else if respondentColumn == nil && idNames.contains(folded) {
                role = .respondent
                respondentColumn = column
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
                    problems.append(HeaderProblem(column: column + 1, message: "«\(raw)» could be \(names.joined(separator: " or ")): a letter was lost when the file was saved in cp1251",
                                                  hint: "write the code as its ASCII alias, or save the file as UTF-8 (Excel: «CSV UTF-8»)"))
                    roles.append(.unnamed)
                    continue
                } else {
                    problems.append(HeaderProblem(column: column + 1, message: "unknown column «\(raw)»: «?» stands for a letter lost when the file was saved in cp1251, and no item of '\(questionnaire.id)' reads so",
                                                  hint: "save the file as UTF-8 (Excel: «CSV UTF-8») or write the code with the ASCII alias from 'survey show \(questionnaire.id)'"))
                    roles.append(.unnamed)
                    continue
                }
            }
            guard let role else {
                // A suggestion compares the header with every item; past the first few unknown columns (a
                // file of another questionnaire, a header of thousands of columns) the general hint will do.
                let suggestion = problems.count < Self.maxSuggestions ? TextFolding.nearest(raw, among: candidates) : nil
                let hint = suggestion.map { "did you mean «\($0)»?" }
                    ?? "a column names an item by id, number or text, or the respondent (\(idColumn ?? "id, ФИО, №…"))"
                problems.append(HeaderProblem(column: column + 1, message: "unknown column «\(raw)»", hint: hint))
                roles.append(.unnamed)
                continue
            }
            if case .item(let index) = role {
                if let earlier = itemColumn[index] {
                    problems.append(HeaderProblem(column: column + 1, message: "item \(questionnaire.items[index].number) is already in column \(earlier + 1)", hint: nil))
                }
                itemColumn[index] = column
            }
            roles.append(role)
        }
        for name in keep where !roles.contains(.kept(name)) {
            problems.append(HeaderProblem(column: 0, message: "no column named «\(name)»", hint: nil))
        }
        if let idColumn, respondentColumn == nil {
            problems.append(HeaderProblem(column: 0, message: "no column named «\(idColumn)» (--id-column)", hint: nil))
        }
        return (roles, problems)
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
