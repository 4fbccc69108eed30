import Foundation
import SurveyEngine

/// Stored responses written back out: a wide CSV that `survey import` reads unchanged, or JSON.
public enum ResponseExport {
    /// The items an export carries: the confidential block (a teacher's own state) never leaves with a name.
    static func exported(_ q: Questionnaire) -> [Item] { q.items.filter { !$0.confidential } }

    /// One row per response: the respondent (when any has one), the context columns by their labels, then one
    /// column per item by id. Test answers are written as the letters of the options chosen. `codes` gives an
    /// item's header where it is not its id (for cp1251, a code's recoverable form).
    public static func csv(_ responses: [Response], questionnaire q: Questionnaire, values: Bool, excel: Bool,
                           codes: [String: String] = [:], delimiter: Character? = nil, language: Language = .ru) -> String {
        var stream = CSVStream(questionnaire: q, values: values, excel: excel, codes: codes, delimiter: delimiter,
                               named: responses.contains { $0.respondent != nil }, language: language)
        return stream.header() + responses.map { stream.row($0) }.joined()
    }

    /// The CSV export a row at a time, so that a store of any size is exported in flat memory.
    public struct CSVStream {
        let q: Questionnaire
        let values: Bool
        let named: Bool
        let items: [Item]
        let codes: [String: String]
        let lead: Int
        let defuse: Set<Int>
        /// The language of the respondent column's header («Респондент» / «respondent»).
        let language: Language
        var writer: CSVWriter
        /// What each item's cell holds: the letters of a test task's options, a scale's option, or text.
        enum Kind { case test(TestTask), scale(ResponseScale), text }
        let kinds: [Kind]
        /// Per item: the cell (quoted) of each value met so far, by the value's bits.
        var cells: [[UInt64: String]]
        /// The items' ids (read per response without copying the whole item).
        let ids: [String]

        /// `named`: whether any response has a respondent (the column is left out otherwise).
        public init(questionnaire q: Questionnaire, values: Bool, excel: Bool, codes: [String: String] = [:],
                    delimiter: Character? = nil, named: Bool, language: Language = .ru) {
            self.q = q
            self.language = language
            self.values = values
            self.named = named
            self.codes = codes
            let items = exported(q), lead = (named ? 1 : 0) + q.context.count
            self.items = items
            self.lead = lead
            defuse = Set((0..<lead).map { $0 } + items.enumerated().filter { $0.element.isFreeText }.map { $0.offset + lead })
            writer = CSVWriter(delimiter: delimiter ?? (excel ? ";" : ","), bom: excel)
            kinds = items.map { item in
                if let task = item.test { return .test(task) }
                if let scale = q.scale(of: item) { return .scale(scale) }
                return .text
            }
            cells = items.map { _ in [:] }
            ids = items.map(\.id)
        }

        /// The header row (after the byte-order mark, if any).
        public mutating func header() -> String {
            let idHeader = Messages.exportRespondentHeader(child: q.kind == .monitoring).text(language)
            writer.row((named ? [idHeader] : []) + q.context.map(\.label) + items.map { codes[$0.id] ?? $0.id }, defuse: Set(0...(lead + items.count)))
            return writer.take()
        }

        /// The row `CSVWriter.row` writes of the cells: each cell quoted (and defused where free text), joined by
        /// the delimiter. An answer's cell is made once per item and value and then reused.
        public mutating func row(_ response: Response) -> String {
            let delimiter = writer.delimiter
            var out = writer.take()
            var first = true
            func add(_ cell: String) {
                if !first { out.append(delimiter) }
                out += cell
                first = false
            }
            func cell(_ raw: String, _ column: Int) -> String {
                CSVWriter.quote(defuse.contains(column) ? CSVWriter.defused(raw) : raw, delimiter: delimiter)
            }
            if named { add(cell(response.respondent ?? "", 0)) }
            for (f, field) in q.context.enumerated() { add(cell(response.attributes[field.id].map(field.display) ?? "", (named ? 1 : 0) + f)) }
            for i in items.indices {
                let column = lead + i
                switch kinds[i] {
                case .test, .scale:
                    guard let value = response.values[ids[i]] else { add(""); continue }
                    if let known = cells[i][value.bitPattern] { add(known); continue }
                    let raw: String
                    if case .test(let task) = kinds[i] { raw = task.letters(value) ?? "" }
                    else if case .scale(let scale) = kinds[i] { raw = values ? formatNumber(value) : (scale.option(value: value)?.label ?? formatNumber(value)) }
                    else { raw = "" }
                    let made = cell(raw, column)
                    if cells[i].count < JSONStream.cacheLimit { cells[i][value.bitPattern] = made }
                    add(made)
                case .text:
                    add(cell(response.texts[ids[i]] ?? "", column))
                }
            }
            out += writer.lineEnd
            return out
        }
    }

    public static func json(_ responses: [Response], questionnaire q: Questionnaire) -> JSONOutput {
        .object([
            ("questionnaire", .string(q.id)), ("version", .string(q.version)),
            ("responses", .array(responses.map { jsonResponse($0, q) })),
        ])
    }

    static func jsonResponse(_ response: Response, _ q: Questionnaire) -> JSONOutput {
        .object([
            ("respondent", .optional(response.respondent)), ("stage", .optional(response.stage)),
            ("attributes", .object(response.attributes.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("answers", .object(exported(q).compactMap { item in
                if let value = response.values[item.id] {
                    return (item.id, .object([("value", .number(value)), ("label", .optional(q.scale(of: item)?.option(value: value)?.label))]))
                }
                return response.texts[item.id].map { (item.id, .object([("text", .string($0))])) }
            })),
        ])
    }

    /// The JSON export a response at a time: the same text `json(_:questionnaire:).rendered()` writes whole.
    /// An answer's member (`"s1": {"value": 3, "label": "Согласен"}` as laid out at its depth) is rendered once
    /// per item and value and then reused: a store's answers are few values many times over.
    public struct JSONStream {
        let q: Questionnaire
        private var count = 0
        /// The exported items, each with its scale and its key as written (`"s1"`).
        let items: [Item]
        let scales: [ResponseScale?]
        let keys: [String]
        /// The items' ids (read per response without copying the whole item).
        let ids: [String]
        /// Per item: the member text of each value met so far, by the value's bits (at most `cacheLimit` values).
        private var members: [[UInt64: String]]
        static let cacheLimit = 256

        public init(questionnaire q: Questionnaire) {
            self.q = q
            items = exported(q)
            scales = items.map { q.scale(of: $0) }
            keys = items.map { JSONOutput.string($0.id).rendered(indent: 0) }
            ids = items.map(\.id)
            members = items.map { _ in [:] }
        }

        public func header() -> String {
            "{\n  \"questionnaire\": " + JSONOutput.string(q.id).rendered(indent: 1) + ",\n  \"version\": "
                + JSONOutput.string(q.version).rendered(indent: 1) + ",\n  \"responses\": "
        }

        /// `jsonResponse(response, q).rendered(indent: 2)`, after the separator.
        public mutating func element(_ response: Response) -> String {
            defer { count += 1 }
            var out = count == 0 ? "[\n    {\n      \"respondent\": " : ",\n    {\n      \"respondent\": "
            out += JSONOutput.optional(response.respondent).rendered(indent: 3)
            out += ",\n      \"stage\": " + JSONOutput.optional(response.stage).rendered(indent: 3)
            out += ",\n      \"attributes\": "
            out += JSONOutput.object(response.attributes.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).rendered(indent: 3)
            out += ",\n      \"answers\": "
            var first = true
            for i in ids.indices {
                let member: String
                if let value = response.values[ids[i]] {
                    if let known = members[i][value.bitPattern] {
                        member = known
                    } else {
                        member = keys[i] + ": " + JSONOutput.object([("value", .number(value)), ("label", .optional(scales[i]?.option(value: value)?.label))]).rendered(indent: 4)
                        if members[i].count < Self.cacheLimit { members[i][value.bitPattern] = member }
                    }
                } else if let text = response.texts[ids[i]] {
                    member = keys[i] + ": " + JSONOutput.object([("text", .string(text))]).rendered(indent: 4)
                } else {
                    continue
                }
                out += first ? "{\n        " : ",\n        "
                out += member
                first = false
            }
            out += first ? "{}\n    }" : "\n      }\n    }"
            return out
        }

        public func footer() -> String { count == 0 ? "[]\n}\n" : "\n  ]\n}\n" }
    }
}

/// Stable pseudonyms: `R-` and 8 hex digits of SHA-256(key ‖ name). The key is random, per store.
public enum Pseudonym {
    public static func make(_ name: String, key: [UInt8]) -> String {
        "R-" + SHA256.hex(key + Array(TextFolding.fold(name).utf8)).prefix(8)
    }
}

public enum PseudonymKey {
    /// The store's key, created (0600) on first use.
    public static func load(storeRoot: String) throws(FileError) -> [UInt8] {
        let path = (storeRoot as NSString).appendingPathComponent("pseudonym.key")
        if FileIO.exists(path) { return try FileIO.readAll(path: path, limit: 1024) }
        if !FileIO.isDirectory(storeRoot) {
            guard mkdir(storeRoot, 0o700) == 0 || errno == EEXIST else { throw FileError(path: storeRoot, errno: errno) }
        }
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        guard FileManager.default.createFile(atPath: path, contents: Data(key), attributes: [.posixPermissions: 0o600]) else {
            throw FileError(path: path, reason: Messages.cannotBeCreated)
        }
        return key
    }
}
