import Foundation
import SurveyEngine

/// `survey tabulate` output: the seed's per-statement tables (counts per option, then the favourable share),
/// participation, reliability and comments, in text, Markdown, CSV, JSON and a printable HTML page.
public struct TabulationRendering {
    public let tabulation: Tabulation
    public let labels: Labels
    /// With `--by`: the column and each group's results; a group smaller than the minimum is suppressed
    /// (its tabulation nil), so that no small group's answers can be traced to a person.
    public var by: String?
    public var groups: [GroupResult] = []
    public var minimumGroup = 3
    var t: (String, String) -> String { labels.language.t }
    var q: Questionnaire { tabulation.questionnaire }

    public struct GroupResult: Sendable {
        public var name: String
        public var respondents: Int
        public var tabulation: Tabulation?
        /// Why the group is hidden (then `tabulation` is nil); nil when it is shown.
        public var suppressed: GroupSuppression.Reason?
        public init(name: String, respondents: Int, tabulation: Tabulation?, suppressed: GroupSuppression.Reason? = nil) {
            self.name = name
            self.respondents = respondents
            self.tabulation = tabulation
            self.suppressed = suppressed ?? (tabulation == nil ? .small : nil)
        }
    }

    public init(_ tabulation: Tabulation, language: Language) {
        self.tabulation = tabulation
        self.labels = Labels(tabulation.questionnaire, language)
    }

    /// Groups from accumulators, suppressing those below `minimum` and, complementarily, as many more as it
    /// takes so that no hidden group can be worked out from the totals (`GroupSuppression`).
    public mutating func setGroups(_ accumulators: [String: TabulationAccumulator], by column: String, minimum: Int) {
        by = column
        minimumGroup = minimum
        let hidden = GroupSuppression.hidden(sizes: accumulators.mapValues(\.respondents), minimum: minimum)
        groups = accumulators.sorted { $0.key < $1.key }.map { name, accumulator in
            let reason = hidden[name]
            return GroupResult(name: name.isEmpty ? t("(не указано)", "(not given)") : name, respondents: accumulator.respondents,
                               tabulation: reason == nil ? accumulator.result() : nil, suppressed: reason)
        }
    }

    /// Why each hidden group is hidden, in one sentence; nil when none is.
    var suppressionNote: String? {
        let hidden = groups.filter { $0.tabulation == nil }
        guard !hidden.isEmpty else { return nil }
        let parts = hidden.map { g -> String in
            g.suppressed == .complementary
                ? t("«\(g.name)» — дополнительно, чтобы скрытую группу нельзя было вычислить вычитанием из общих итогов",
                    "«\(g.name)» — also hidden, so that the hidden group cannot be worked out by subtracting from the totals")
                : t("«\(g.name)» — меньше \(minimumGroup) чел.", "«\(g.name)» — fewer than \(minimumGroup) people")
        }
        return t("Скрыто: ", "Hidden: ") + parts.joined(separator: "; ") + "."
    }

    var groupsJSON: [(String, JSONOutput)] {
        guard let by else { return [] }
        return [("by", .string(by)), ("minimumGroup", .integer(minimumGroup)), ("groups", .array(groups.map { g in
            .object([
                ("group", .string(g.name)), ("respondents", .integer(g.respondents)), ("suppressed", .bool(g.tabulation == nil)),
                ("suppressedBecause", .optional(g.tabulation == nil ? g.suppressed?.rawValue : nil)),
                ("positive", .optional(g.tabulation?.positive)),
                ("alpha", .optional(g.tabulation?.composites.first?.alpha)),
                ("items", .array((g.tabulation?.items ?? []).map { item in
                    .object([("id", .string(item.item.id)), ("answered", .integer(item.answered)), ("mean", .optional(item.mean)), ("positive", .optional(item.positive))])
                })),
            ])
        }))]
    }

    /// Rows of the group summary: group, respondents, positive, alpha (suppressed groups say so).
    var groupRows: [[String]] {
        groups.map { g in
            guard let tab = g.tabulation else {
                // A small group's size stays vague; a group hidden to protect it is of ordinary size.
                let size = g.suppressed == .complementary ? integer(g.respondents) : "< \(minimumGroup)"
                return [g.name, size, t("скрыто", "hidden"), ""]
            }
            return [g.name, integer(g.respondents), tab.positive.map(percent) ?? "—", tab.composites.first.flatMap { $0.complete >= Self.alphaMinimumComplete ? $0.alpha : nil }.map { number($0) } ?? "—"]
        }
    }

    var groupHeader: [String] { [by ?? "", t("Респондентов", "Respondents"), t("Положительных", "Positive"), "α"] }

    /// Items × groups: the positive share of each statement in each shown group.
    var groupMatrix: (header: [String], rows: [[String]]) {
        let shown = groups.filter { $0.tabulation != nil }
        let rows = tabulation.items.enumerated().map { index, item in
            [String(item.item.number)] + shown.map { g in g.tabulation?.items[index].positive.map(percent) ?? "—" }
        }
        return (["№"] + shown.map(\.name), rows)
    }

    func groupsText() -> String {
        guard by != nil, !groups.isEmpty else { return "" }
        var out = "\n" + t("По группам («\(by ?? "")»; группы меньше \(minimumGroup) скрыты):", "By group («\(by ?? "")»; groups under \(minimumGroup) hidden):") + "\n"
        out += TextLayout.table(groupHeader, groupRows, alignRight: [1, 2, 3])
        if let suppressionNote { out += suppressionNote + "\n" }
        let matrix = groupMatrix
        if matrix.header.count > 1 {
            out += "\n" + t("Доля положительных ответов по утверждениям:", "Positive share by statement:") + "\n"
            out += TextLayout.table(matrix.header, matrix.rows, alignRight: Set(0..<matrix.header.count))
        }
        return out
    }

    // MARK: - Shared wording

    /// «Всего: 4, приняли участие: 4 — 100 %» or, without a population, the number of respondents.
    public var participationLine: String {
        let n = integer(tabulation.respondents)
        guard let population = tabulation.population.map(integer), let share = tabulation.participation else {
            return t("Приняли участие: \(n)", "Respondents: \(n)")
        }
        return t("Всего: \(population), приняли участие: \(n) — \(percent(share))",
                 "Population: \(population), took part: \(n) — \(percent(share))")
    }

    public var positiveLine: String? {
        tabulation.positive.map {
            // One method everywhere: favourable answers over all answers to all statements (not a mean of the items' shares).
            t("Положительных ответов в среднем: \(percent($0)) (\(integer(tabulation.favourableAnswers)) из \(integer(tabulation.scoredAnswers)) ответов на все утверждения)",
              "Positive answers on average: \(percent($0)) (\(tabulation.favourableAnswers) of \(tabulation.scoredAnswers) answers to all statements)")
        }
    }

    func reliabilityLines() -> [String] {
        tabulation.composites.map { c in
            let name = labels.name(c.composite.id, fallback: c.composite.title)
            var line = t("Надёжность «\(name)»: ", "Reliability «\(name)»: ") + alphaText(c)
            if c.complete >= Self.alphaMinimumComplete {
                line += t(" (полных анкет: \(integer(c.complete)) из \(integer(tabulation.respondents)))", " (complete: \(c.complete) of \(tabulation.respondents))")
            }
            if let mean = c.mean {
                line += t(", средний балл \(number(mean))", ", mean score \(number(mean))")
            }
            return line
        }
    }

    /// Items whose removal raises alpha by more than 0.05: worth checking for a wrong key or wording.
    func suspectItems() -> [String] {
        tabulation.composites.flatMap { c -> [String] in
            guard let alpha = c.alpha, c.complete >= Self.alphaMinimumComplete else { return [] }
            return c.alphaIfDeleted.compactMap { id, without in
                guard let without, without > alpha + 0.05, let item = q.item(id) else { return nil }
                return t("без утверждения \(item.number) α стала бы \(number(without)): проверьте формулировку и ключ",
                         "without statement \(item.number) α would be \(number(without)): check its wording and key")
            }
        }
    }

    /// Short column heads from labels: «Полностью не согласен» → «ПНС».
    func abbreviation(_ label: String) -> String {
        let words = label.split(whereSeparator: { $0 == " " || $0 == "-" })
        guard words.count > 1 else { return String(label.prefix(4)) }
        return words.compactMap { $0.first.map { String($0).uppercased() } }.joined()
    }

    /// A count for people: «12 345» in Russian (see `Language.integer`); CSV and JSON keep plain digits.
    func integer(_ n: Int) -> String { labels.language.integer(n) }

    func percent(_ share: Double) -> String { "\(Int((share * 100).rounded())) %" }
    /// A number for the reader: decimal comma in Russian.
    func number(_ value: Double?, digits: Int = 2) -> String { value.map { labels.language.decimal($0, digits: digits) } ?? "—" }

    /// Fewer complete forms than this give an alpha that says more about chance than about the statements.
    static let alphaMinimumComplete = 10

    /// «α Кронбаха = 0,84», or why it is not given (too few complete forms, or answers that do not vary).
    func alphaText(_ c: CompositeResult) -> String {
        if c.complete < Self.alphaMinimumComplete {
            return t("α Кронбаха не считается: полных анкет \(c.complete), нужно не меньше \(Self.alphaMinimumComplete)",
                     "Cronbach's α not computed: \(c.complete) complete forms, at least \(Self.alphaMinimumComplete) needed")
        }
        guard let alpha = c.alpha else {
            return t("α Кронбаха не считается: ответы не различаются", "Cronbach's α not computed: the answers do not vary")
        }
        return t("α Кронбаха = ", "Cronbach's α = ") + number(alpha, digits: 2)
    }

    /// The options of a scale split for a diverging bar by meaning: unfavourable answers (keyed value below the
    /// favourable threshold) to the left, favourable ones to the right — so a reverse-keyed statement, where
    /// disagreeing is the good answer, shows its disagreement on the favourable side (marked ↺).
    func sides(_ item: ItemTabulation) -> (left: [OptionTally], right: [OptionTally]) {
        guard let scale = q.scale(of: item.item), let threshold = scale.favourableFrom else { return ([], item.options) }
        let keyed = { (o: OptionTally) in scale.keyed(o.value, reverse: item.item.reverse) }
        let sorted = item.options.sorted { keyed($0) < keyed($1) }
        return (sorted.filter { keyed($0) < threshold }, sorted.filter { keyed($0) >= threshold })
    }

    // MARK: - JSON (CONTRACT.md)

    public func json() -> JSONOutput {
        .object([
            ("questionnaire", .string(q.id)),
            ("title", .string(q.title)),
            ("respondents", .integer(tabulation.respondents)),
            ("population", .optional(tabulation.population)),
            ("participation", .optional(tabulation.participation)),
            ("positive", .optional(tabulation.positive)),
            ("items", .array(tabulation.items.map { item in
                .object([
                    ("id", .string(item.item.id)), ("number", .integer(item.item.number)), ("text", .string(item.item.text)),
                    ("reverse", .bool(item.item.reverse)), ("answered", .integer(item.answered)), ("missing", .integer(item.missing)),
                    ("mean", .optional(item.mean)), ("keyedMean", .optional(item.keyedMean)), ("positive", .optional(item.positive)),
                    ("options", .array(item.options.map { option in
                        .object([("label", .string(option.label)), ("value", .number(option.value)), ("count", .integer(option.count)),
                                 ("percent", .integer(option.percent))])
                    })),
                ])
            })),
            ("scales", .array(tabulation.composites.map { c in
                .object([
                    ("id", .string(c.composite.id)), ("title", .string(c.composite.title)),
                    ("items", .array(c.composite.items.map(JSONOutput.string))),
                    ("alpha", .optional(c.alpha)), ("complete", .integer(c.complete)),
                    ("alphaIfDeleted", .array(c.alphaIfDeleted.map { .object([("item", .string($0.item)), ("alpha", .optional($0.alpha))]) })),
                    ("scored", .integer(c.scored)), ("mean", .optional(c.mean)), ("sd", .optional(c.standardDeviation)),
                ])
            })),
            ("comments", .array(tabulation.comments.map(JSONOutput.string))),
        ] + groupsJSON)
    }

    // MARK: - Text

    /// Aligned per-statement table with a diverging bar, sized to `width` columns.
    public func text(width: Int = 100) -> String {
        var out = labels.title + "\n" + participationLine + "\n\n"
        let options = tabulation.items.first?.options ?? []
        let heads = options.map { abbreviation(labels.option(Option(label: $0.label, value: $0.value), of: scaleOfFirst)) }
        let numberWidth = max(2, String(tabulation.items.map(\.item.number).max() ?? 0).count)
        // Counts are never cut: a column is as wide as its largest count (a national file has six-digit ones);
        // the statement text gives way instead.
        let countWidths = heads.indices.map { o in
            max(TextLayout.width(heads[o]), 3, tabulation.items.map { o < $0.options.count ? integer($0.options[o].count).count : 0 }.max() ?? 0)
        }
        let answeredWidth = max(4, integer(tabulation.items.map(\.answered).max() ?? 0).count)
        let barHalf = 8
        let fixed = numberWidth + 2 + countWidths.reduce(0) { $0 + $1 + 2 } + answeredWidth + 2 + 6 + 7 + 2 * barHalf + 3
        let textWidth = max(16, width - fixed)
        var header = TextLayout.pad("№", to: numberWidth, alignRight: true) + "  " + TextLayout.pad(t("Утверждение", "Statement"), to: textWidth)
        for (head, w) in zip(heads, countWidths) { header += "  " + TextLayout.pad(head, to: w, alignRight: true) }
        header += "  " + TextLayout.pad(t("Отв.", "Ans."), to: answeredWidth, alignRight: true)
        header += "  " + TextLayout.pad(t("Ср.", "Mean"), to: 4, alignRight: true)
        header += "  " + TextLayout.pad(t("Полож.", "Pos."), to: 6, alignRight: true)
        header += " " + TextLayout.pad(t("неполож.", "negative"), to: barHalf, alignRight: true) + "│" + t("полож.", "positive")
        out += header + "\n" + String(repeating: "─", count: min(width, TextLayout.width(header) + 4)) + "\n"
        for item in tabulation.items {
            let text = (item.item.reverse ? "↺ " : "") + labels.text(item.item)
            var line = TextLayout.pad(String(item.item.number), to: numberWidth, alignRight: true) + "  " + TextLayout.pad(text, to: textWidth)
            for (option, w) in zip(item.options, countWidths) { line += "  " + TextLayout.pad(integer(option.count), to: w, alignRight: true) }
            line += "  " + TextLayout.pad(integer(item.answered), to: answeredWidth, alignRight: true)
            // The mean is keyed: for a ↺ statement, higher is better too, as its positive share says.
            line += "  " + TextLayout.pad(number(item.keyedMean, digits: 1), to: 4, alignRight: true)
            line += "  " + TextLayout.pad(item.positive.map(percent) ?? "—", to: 6, alignRight: true)
            line += " " + bar(item, half: barHalf)
            out += line + "\n"
        }
        out += "\n" + t("Обозначения: ", "Key: ") + zip(heads, options).map { "\($0) — \(labels.option(Option(label: $1.label, value: $1.value), of: scaleOfFirst))" }.joined(separator: ", ")
        out += t("; ↺ — обратное утверждение: положительный ответ — несогласие, на диаграмме оно справа, а его «Ср.» дано после обращения шкалы (выше — лучше).\n",
                 "; ↺ — reverse-keyed: disagreeing is positive, drawn on the right, and its mean is keyed (higher is better).\n")
        let blanks = tabulation.items.filter { $0.missing > 0 }
        if !blanks.isEmpty {
            out += t("Без ответа: ", "No answer: ") + blanks.map { "\($0.item.number) — \($0.missing)" }.joined(separator: ", ") + "\n"
        }
        out += "\n"
        if let positiveLine { out += positiveLine + "\n" }
        for line in reliabilityLines() { out += line + "\n" }
        for line in suspectItems() { out += "  ⚠ " + line + "\n" }
        out += groupsText()
        if !tabulation.comments.isEmpty {
            out += "\n" + t("Комментарии (\(tabulation.comments.count)):", "Comments (\(tabulation.comments.count)):") + "\n"
            for comment in tabulation.comments { out += "  — " + comment + "\n" }
        }
        return out
    }

    private var scaleOfFirst: ResponseScale {
        tabulation.items.first.flatMap { q.scale(of: $0.item) } ?? ResponseScale(id: "", options: [])
    }

    /// `▒▒▓│▓▓▓▓▒`: shares of disagreement left of the axis, agreement right; stronger answers darker.
    func bar(_ item: ItemTabulation, half: Int) -> String {
        guard item.answered > 0 else { return String(repeating: " ", count: half) + "│" }
        let (left, right) = sides(item)
        func cells(_ options: [OptionTally], outerFirst: Bool) -> String {
            // Outermost (strongest) options get the dark shade.
            var out = ""
            // Options come lowest value first: on the left the strongest disagreement is outermost (first),
            // on the right the strongest agreement is outermost (last).
            let ordered = options
            for (index, option) in ordered.enumerated() {
                let n = Int((Double(option.count) / Double(item.answered) * Double(half)).rounded())
                let strong = outerFirst ? index == 0 : index == ordered.count - 1
                out += String(repeating: strong && options.count > 1 ? "▓" : "▒", count: n)
            }
            return String(out.prefix(half))
        }
        let l = cells(left, outerFirst: true), r = cells(right, outerFirst: false)
        return TextLayout.pad(l, to: half, alignRight: true) + "│" + r
    }

    // MARK: - Markdown

    public func markdown() -> String {
        var out = "# \(labels.title)\n\n\(participationLine)\n\n"
        let options = tabulation.items.first?.options ?? []
        out += "| № | " + t("Утверждение", "Statement") + " | " + options.map { labels.option(Option(label: $0.label, value: $0.value), of: scaleOfFirst) }.joined(separator: " | ")
        out += " | " + t("Ответили", "Answered") + " | " + t("Без ответа", "Blank") + " | " + t("Среднее", "Mean") + " | " + t("Положительных", "Positive") + " |\n"
        out += "|---:|---|" + options.map { _ in "---:" }.joined(separator: "|") + "|---:|---:|---:|---:|\n"
        for item in tabulation.items {
            let text = markdownEscape(labels.text(item.item)) + (item.item.reverse ? t(" *(обратное)*", " *(reversed)*") : "")
            out += "| \(item.item.number) | \(text) | " + item.options.map { "\(integer($0.count)) (\($0.percent) %)" }.joined(separator: " | ")
            out += " | \(integer(item.answered)) | \(integer(item.missing)) | \(number(item.keyedMean)) | \(item.positive.map(percent) ?? "—") |\n"
        }
        out += "\n"
        if let positiveLine { out += "**\(positiveLine)**\n\n" }
        for line in reliabilityLines() { out += "- \(line)\n" }
        for line in suspectItems() { out += "- ⚠ \(line)\n" }
        if by != nil && !groups.isEmpty {
            out += "\n## " + t("По группам", "By group") + " («\(by ?? "")»)\n\n| " + groupHeader.joined(separator: " | ") + " |\n|---|---:|---:|---:|\n"
            out += groupRows.map { "| " + $0.joined(separator: " | ") + " |\n" }.joined()
            if let suppressionNote { out += "\n" + markdownEscape(suppressionNote) + "\n" }
        }
        if !tabulation.comments.isEmpty {
            out += "\n## " + t("Комментарии", "Comments") + "\n\n" + tabulation.comments.map { "- \(markdownEscape($0))\n" }.joined()
        }
        return out
    }

    func markdownEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    // MARK: - CSV

    /// One row per item, for a spreadsheet: counts and percents per option, answered, blank, mean, positive.
    /// UTF-8 with a byte-order mark and `;`, as Russian Excel expects.
    public func csv() -> String {
        var writer = CSVWriter(delimiter: ";", bom: true)
        let options = tabulation.items.first?.options ?? []
        writer.row(["№", "id", t("Утверждение", "Statement"), t("Обратное", "Reverse")]
                   + options.map(\.label) + options.map { "\($0.label), %" }
                   + [t("Ответили", "Answered"), t("Без ответа", "Blank"), t("Среднее", "Mean"),
                      t("Среднее с учётом обращения", "Keyed mean"), t("Положительных, %", "Positive, %")],
                   defuse: [2])
        for item in tabulation.items {
            var cells: [String] = [String(item.item.number), item.item.id, labels.text(item.item), item.item.reverse ? "1" : "0"]
            cells += item.options.map { String($0.count) }
            cells += item.options.map { String($0.percent) }
            // A `;` file is for Russian Excel, which reads a decimal comma as a number, whatever --lang says.
            let decimal = { (value: Double?, digits: Int) in value.map { Language.ru.decimal($0, digits: digits) } ?? "" }
            cells += [String(item.answered), String(item.missing), decimal(item.mean, 2), decimal(item.keyedMean, 2),
                      decimal(item.positive.map { $0 * 100 }, 1)]
            writer.row(cells, defuse: [2])
        }
        return writer.text
    }
}
