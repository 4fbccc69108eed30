/// What monitoring keeps of a stored sheet row: the child, the stage, one byte per criterion (a code into the
/// definition's option values, shared by every row), and the teacher's measures. A `Response` holds a
/// dictionary of every answer keyed by item id (a few KB a child); this is about a hundred bytes.
public struct ChildSheet: Sendable {
    /// The definition's items by position and the option values the codes stand for, shared by every row.
    public final class Layout: Sendable {
        let position: [String: Int]
        /// Code k (1…254) means `table[k − 1]`.
        let table: [Double]
        let code: [UInt64: UInt8]

        public init(_ q: Questionnaire) {
            position = Dictionary(q.items.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
            var table: [Double] = [], code: [UInt64: UInt8] = [:]
            for scale in q.scales {
                for option in scale.options where code[option.value.bitPattern] == nil && table.count < 254 {
                    table.append(option.value)
                    code[option.value.bitPattern] = UInt8(table.count)
                }
            }
            self.table = table
            self.code = code
        }
    }

    /// The answers, looked up by item id like a `Response`'s.
    public struct Values: Sendable {
        let layout: Layout
        /// Per item of the definition: 0 no answer, 1…254 a value of the layout's table, 255 in `others`.
        var codes: [UInt8]
        /// Values no option has (a hand-edited store), by item position.
        var others: [Int: Double] = [:]

        public subscript(_ id: String) -> Double? {
            guard let p = layout.position[id] else { return nil }
            switch codes[p] {
            case 0: return nil
            case 255: return others[p]
            case let c: return layout.table[Int(c) - 1]
            }
        }
    }

    public var respondent: String?
    public var stage: String?
    public var values: Values
    /// Free-text answers (the teacher's measures), by item id.
    public var texts: [String: String]

    /// Keeps of `response` what monitoring reads: answers to the definition's items, their texts.
    public init(_ response: Response, layout: Layout) {
        respondent = response.respondent
        stage = response.stage
        var values = Values(layout: layout, codes: [UInt8](repeating: 0, count: layout.position.count))
        for (id, value) in response.values {
            guard let p = layout.position[id] else { continue }
            if let c = layout.code[value.bitPattern] { values.codes[p] = c } else { values.codes[p] = 255; values.others[p] = value }
        }
        self.values = values
        var texts: [String: String] = [:]
        for (id, text) in response.texts where layout.position[id] != nil { texts[id] = text }
        self.texts = texts
    }
}
