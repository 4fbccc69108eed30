import SurveyEngine

/// Nothing but white space (a no-break space included), checked on bytes for the common ASCII case.
func isBlankCell(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var ascii = true
    for byte in bytes {
        if byte >= 0x80 { ascii = false; break }
        if byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { return false }
    }
    return ascii || String(decoding: bytes, as: UTF8.self).allSatisfy(\.isWhitespace)
}

/// One data row of an answer file, matched: the response it makes, or why it cannot be taken.
public struct AnswerRow: Sendable {
    /// The physical line the row starts on.
    public var line: Int
    public var response: Response
    public var problems: [Diagnostic]
    /// The cells as read, for a rejects file that can be fixed and re-imported.
    public var cells: [String]
    public var isValid: Bool { problems.isEmpty }
}

/// Reads an answer file (CSV from Excel or a paper transcription) against a questionnaire, one row at a
/// time: the header is matched once, every cell is checked, every problem is named with line, column and item.
public final class AnswerFile {
    public let questionnaire: Questionnaire
    public let fileName: String
    public let reader: CSVReader
    public internal(set) var roles: [ColumnRole] = []
    /// The header row as read.
    public internal(set) var header: [String] = []
    public internal(set) var headerProblems: [Diagnostic] = []
    /// Blank answers per item id, over the rows read.
    public var blanks: [String: Int] {
        Dictionary(zip(questionnaire.items.map(\.id), blankCounts).filter { $0.1 > 0 }, uniquingKeysWith: +)
    }
    /// Blank answers per item index (counted without hashing an id per cell).
    var blankCounts: [Int] = []
    /// Per item index, whether the row being matched answered it (reused from row to row).
    private var answeredNow: [Bool] = []
    public internal(set) var rowsRead = 0
    /// Answers left out because the statement does not concern the respondent (by the context columns),
    /// per item id: said once per file, not per cell.
    public private(set) var notApplicable: [String: Int] = [:]

    private let idColumn: String?
    let stage: String?
    private let keep: [String]
    private let language: Language
    private var matchers: [CellMatcher?] = []
    /// The first line of each respondent (and stage) named so far, by a 64-bit fingerprint of the identity:
    /// about 14 bytes a row instead of the name (two different names share one with odds of about 1 in 10¹³
    /// for a million rows).
    var seen = FingerprintTable()

    /// Frees the duplicate check once the rows are read (an import's commit does not need it).
    public func releaseDuplicateCheck() { seen.removeAll() }

    public init(path: String, questionnaire: Questionnaire, options: CSVOptions = CSVOptions(),
                idColumn: String? = nil, stage: String? = nil, keep: [String] = [], language: Language = .ru) throws(CSVError) {
        self.keep = keep
        self.language = language
        self.questionnaire = questionnaire
        self.fileName = path
        self.idColumn = idColumn
        self.stage = stage
        self.options = options
        self.reader = try CSVReader(path: path, options: options)
    }

    /// Rows stored by the shortcut (`forEachRow(into:)`), all valid; `body` never sees them.
    public internal(set) var rowsTaken = 0
    private var shortcut: ImportShortcut?
    let options: CSVOptions

    /// Calls `body` for each non-empty data row. Header problems are in `headerProblems` before the first
    /// row; when there are any, no rows are read (the file cannot be understood).
    ///
    /// With `into`, rows that need nothing but cell checks are written to the batch by `ImportShortcut`
    /// without a `Response` and without calling `body` (counted in `rowsTaken`, in `rowsRead` and in the
    /// blanks); `progress` is called after each run of them. `shortcut: false` reads every row the general way.
    ///
    /// With `parts` > 1 and a regular file whose rows all need nothing more, the file is read on that many
    /// cores (`readInParallel`); at the first row that needs more, that attempt is dropped and the file is read
    /// again in one pass, so what is stored and said is the same either way.
    public func forEachRow(into writer: BatchWriter? = nil, shortcut allowed: Bool = false, parts: Int = 1,
                           progress: ((_ bytes: Int, _ rows: Int) -> Void)? = nil,
                           _ body: (AnswerRow) throws -> Void) throws {
        if allowed, parts > 1, let writer, try readInParallel(into: writer, parts: parts, progress: progress) { return }
        var headerDone = false
        let take: CSVReader.Shortcut? = allowed ? { [unowned self] bytes, count, limit, line in
            guard let shortcut = self.shortcut else { return (0, 0) }
            if self.seen.count == 0, let total = self.reader.totalBytes { self.seen.reserve(Self.estimatedRows(total: total, sample: bytes, count: count)) }
            let taken = shortcut.take(bytes, count: count, limit: limit, line: line, seen: &self.seen)
            if taken.records > 0 {
                self.rowsRead += taken.records
                self.rowsTaken += taken.records
                progress?(self.reader.bytesRead, self.rowsRead)
            }
            return taken
        } : nil
        defer { if let shortcut { mergeBlanks(of: shortcut) } }
        try reader.forEach(shortcut: take) { record in
            if !headerDone {
                headerDone = true
                readHeader(record.strings, line: record.line)
                if allowed && headerProblems.isEmpty {
                    shortcut = ImportShortcut(questionnaire: questionnaire, roles: roles, stage: stage, delimiter: reader.delimiter, writer: writer)
                }
                return
            }
            guard headerProblems.isEmpty else { return }
            // Rows with nothing in them (Excel leaves some at the end) are not respondents.
            if (0..<record.count).allSatisfy({ record.isEmpty($0) || isBlankCell(record.bytes($0)) }) { return }
            rowsRead += 1
            // Once the first rows show their size, the duplicate check is sized for the whole file at once
            // (growing it by doubling would hold the old table and the new one together).
            if rowsRead == 1000, let total = reader.totalBytes, case let done = reader.endOffset, done > 0 {
                seen.reserve(Int(Double(total) / Double(done) * 1000 * 1.05))
            }
            try body(matchRow(record))
        }
        if !headerDone {
            headerProblems.append(Diagnostic(file: fileName, line: 1, message: Messages.emptyFileNeedsHeader.text(language)))
        }
    }

    /// Rows a file of `total` bytes holds, judged by the line breaks of its first (up to) 64 KB, with 5 %
    /// to spare: the duplicate check is sized once instead of doubling (which holds two tables at once).
    static func estimatedRows(total: Int, sample: UnsafePointer<UInt8>, count: Int) -> Int {
        let n = min(count, 1 << 16)
        var lines = 0
        for k in 0..<n where sample[k] == 0x0A { lines += 1 }
        guard lines > 0 else { return 1024 }
        return Int(Double(total) / (Double(n) / Double(lines)) * 1.05)
    }

    /// A shortcut's rows in the per-item blanks: an item is blank in every row taken but those that answered it.
    func mergeBlanks(of shortcut: ImportShortcut) {
        guard shortcut.rows > 0 else { return }
        if blankCounts.count != questionnaire.items.count { blankCounts = [Int](repeating: 0, count: questionnaire.items.count) }
        for index in blankCounts.indices { blankCounts[index] += shortcut.rows }
        for (column, index) in shortcut.itemOfColumn.enumerated() { blankCounts[index] -= shortcut.answered[column] }
    }

    /// A failure writing the batch's spool in the shortcut, if any.
    public var shortcutError: StoreError? { shortcut?.error }

    func readHeader(_ header: [String], line: Int) {
        self.header = header
        let plan = HeaderMatcher(questionnaire: questionnaire, idColumn: idColumn, keep: keep, language: language).plan(header)
        roles = plan.roles
        headerProblems = plan.problems.map {
            Diagnostic(file: fileName, line: line, path: $0.column > 0 ? Messages.column($0.column).text(language) : nil, message: $0.message, hint: $0.hint)
        }
        if questionnaire.kind != .likert && !roles.contains(.respondent) {
            headerProblems.append(Diagnostic(file: fileName, line: line, message: Messages.noRespondentColumn(questionnaire.kind).text(language)))
        }
        matchers = roles.map { role in
            if case .item(let index) = role, let scale = questionnaire.scale(of: questionnaire.items[index]) { return CellMatcher(scale: scale) }
            return nil
        }
    }

    static func explain(_ problem: ContextProblem, _ field: ContextField, _ language: Language) -> String {
        switch problem {
        case .notYesNo: return Messages.notYesNo.text(language)
        case .notNumber: return Messages.notYears.text(language)
        case .outOfRange(let min, let max): return Messages.outsideRange(min ?? 0, max ?? 100).text(language)
        case .unknownChoice(let suggestion): return Messages.notOneOf(field.options.map(\.label), suggestion: suggestion).text(language)
        }
    }

    private func matchRow(_ record: CSVRecord) -> AnswerRow {
        var response = Response(stage: stage)
        var problems: [Diagnostic] = []
        if let problem = cellCountProblem(record) { problems.append(problem) }
        if answeredNow.count != questionnaire.items.count { answeredNow = [Bool](repeating: false, count: questionnaire.items.count) }
        if blankCounts.count != questionnaire.items.count { blankCounts = [Int](repeating: 0, count: questionnaire.items.count) }
        for k in answeredNow.indices { answeredNow[k] = false }
        response.values.reserveCapacity(questionnaire.items.count)
        // Context first: whether a statement applies depends on it, wherever its column stands.
        for column in 0..<min(record.count, roles.count) {
            guard case .context(let index) = roles[column] else { continue }
            let field = questionnaire.context[index]
            let raw = cleanFreeText(record.string(column))
            if raw.isEmpty { continue }
            switch field.read(raw) {
            case .success(let stored): response.attributes[field.id] = stored
            case .failure(let problem):
                problems.append(Diagnostic(file: fileName, line: record.lineOfField(column), path: Messages.columnField(column + 1, field: field.label).text(language),
                                           message: "«\(raw)» " + Self.explain(problem, field, language)))
            }
        }
        let context = TeacherContext(attributes: response.attributes)
        for column in 0..<min(record.count, roles.count) {
            let line = record.lineOfField(column)
            switch roles[column] {
            case .respondent:
                let name = cleanFreeText(record.string(column))
                response.respondent = name.isEmpty ? nil : name
            case .kept(let name):
                let value = cleanFreeText(record.string(column))
                if !value.isEmpty { response.attributes[name] = value }
            case .context, .ignored:
                continue
            case .unnamed:
                if !record.isEmpty(column) && !record.string(column).allSatisfy(\.isWhitespace) {
                    problems.append(Diagnostic(file: fileName, line: line, path: Messages.column(column + 1).text(language), message: Messages.valueWithoutHeader.text(language)))
                }
            case .item(let index):
                let item = questionnaire.items[index]
                if !questionnaire.applies(item, to: context) {
                    if !record.isEmpty(column) && !isBlankCell(record.bytes(column)) { notApplicable[item.id, default: 0] += 1 }
                    answeredNow[index] = true
                    continue
                }
                if let task = item.test {
                    let raw = cleanFreeText(record.string(column))
                    if raw.isEmpty { continue }
                    if let value = task.read(raw) {
                        response.values[item.id] = value
                        answeredNow[index] = true
                    } else {
                        problems.append(Diagnostic(
                            file: fileName, line: line, path: Messages.columnItem(column + 1, item: item.number).text(language),
                            message: Messages.notATestAnswer(raw).text(language),
                            hint: Messages.hintTestLetters(TestTask.letters.prefix(task.options.count).map(String.init), multiple: task.choice == .multiple).text(language)))
                    }
                    continue
                }
                if matchers[column] == nil {
                    let text = cleanFreeText(record.string(column))
                    if !text.isEmpty { response.texts[item.id] = text; answeredNow[index] = true }
                    continue
                }
                let result = matchers[column]?.match(bytes: record.bytes(column)) ?? .blank
                switch result {
                case .value(let value): response.values[item.id] = value; answeredNow[index] = true
                case .blank, .text: break
                case .invalid(let suggestion):
                    let raw = record.string(column)
                    let hint = suggestion.map { Messages.didYouMeanName($0).text(language) }
                    problems.append(Diagnostic(
                        file: fileName, line: line, path: Messages.columnItem(column + 1, item: item.number).text(language),
                        message: Messages.notAnAnswer(raw, suggestion: nil).text(language) + (hint.map { " — \($0)" } ?? "")
                            + (strayLetterNote(raw, language: language).map { " (\($0))" } ?? ""),
                        hint: Messages.hintAnswers(questionnaire.scale(of: item)?.options.map { "«\($0.label)» (\(formatNumber($0.value)))" } ?? []).text(language)))
                }
            }
        }
        for index in answeredNow.indices where !answeredNow[index] { blankCounts[index] += 1 }
        if questionnaire.kind != .likert && response.respondent == nil && roles.contains(.respondent) {
            problems.append(Diagnostic(file: fileName, line: record.line, message: Messages.emptyRespondentCell.text(language)))
        }
        if var identity = response.identity {
            let fingerprint = identity.withUTF8 { TabulationPart.fingerprint($0.baseAddress!, $0.count) }
            if let earlier = seen.insert(fingerprint, line: record.line) {
                problems.append(Diagnostic(file: fileName, line: record.line, message: Messages.alreadyAnswered(response.respondent ?? "", line: earlier).text(language)))
            }
        }
        // The cells as read are kept only for a refused row (its line in a rejects file).
        return AnswerRow(line: record.line, response: response, problems: problems, cells: problems.isEmpty ? [] : record.strings)
    }

    /// A row with fewer cells than the header, or more that are not empty, would put every answer after the
    /// gap under the wrong item: refused, with both counts. Trailing empty cells (Excel adds one) are fine.
    private func cellCountProblem(_ record: CSVRecord) -> Diagnostic? {
        let extra = record.count > roles.count
            && (roles.count..<record.count).contains(where: { !record.isEmpty($0) && !record.string($0).allSatisfy(\.isWhitespace) })
        guard extra || record.count < roles.count else { return nil }
        return Diagnostic(file: fileName, line: record.line, message: cellCountMessage(cells: record.count, header: roles.count, language: language))
    }
}

/// «в строке 18 ячеек, а в заголовке 19 …»: the same words for import and tabulate --from-csv.
public func cellCountMessage(cells: Int, header: Int, language: Language) -> String {
    Messages.cellCount(cells: cells, header: header).text(language)
}
