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
        }

        /// The header row (after the byte-order mark, if any).
        public mutating func header() -> String {
            let idHeader = Messages.exportRespondentHeader(child: q.kind == .monitoring).text(language)
            writer.row((named ? [idHeader] : []) + q.context.map(\.label) + items.map { codes[$0.id] ?? $0.id }, defuse: Set(0...(lead + items.count)))
            return writer.take()
        }

        public mutating func row(_ response: Response) -> String {
            var cells = named ? [response.respondent ?? ""] : []
            for field in q.context { cells.append(response.attributes[field.id].map(field.display) ?? "") }
            for item in items {
                if let task = item.test {
                    cells.append(response.values[item.id].flatMap(task.letters) ?? "")
                } else if let scale = q.scale(of: item) {
                    cells.append(response.values[item.id].map { v in values ? formatNumber(v) : (scale.option(value: v)?.label ?? formatNumber(v)) } ?? "")
                } else {
                    cells.append(response.texts[item.id] ?? "")
                }
            }
            writer.row(cells, defuse: defuse)
            return writer.take()
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
    public struct JSONStream {
        let q: Questionnaire
        private var count = 0

        public init(questionnaire q: Questionnaire) { self.q = q }

        public func header() -> String {
            "{\n  \"questionnaire\": " + JSONOutput.string(q.id).rendered(indent: 1) + ",\n  \"version\": "
                + JSONOutput.string(q.version).rendered(indent: 1) + ",\n  \"responses\": "
        }

        public mutating func element(_ response: Response) -> String {
            defer { count += 1 }
            return (count == 0 ? "[\n    " : ",\n    ") + jsonResponse(response, q).rendered(indent: 2)
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
