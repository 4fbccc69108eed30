import SurveyEngine

/// `survey list` and `survey show`: a questionnaire as JSON (the contract's shape) and as text.
public enum QuestionnaireRendering {
    // MARK: list

    public static func listJSON(_ questionnaires: [Questionnaire]) -> JSONOutput {
        .array(questionnaires.map { q in
            .object([
                ("id", .string(q.id)), ("kind", .string(q.kind.rawValue)), ("title", .string(q.title)),
                ("items", .integer(q.items.count)), ("version", .string(q.version)), ("language", .string(q.language)),
            ])
        })
    }

    public static func listText(_ questionnaires: [Questionnaire], language: Language) -> String {
        let rows = questionnaires.map { q -> [String] in
            let labels = Labels(q, language)
            return [q.id, labels.kindName(q.kind), String(q.items.count), labels.title]
        }
        return TextLayout.table(
            [language.t("ID", "ID"), language.t("ВИД", "KIND"), language.t("ПУНКТОВ", "ITEMS"), language.t("НАЗВАНИЕ", "TITLE")],
            rows, alignRight: [2])
    }

    // MARK: show

    public static func showJSON(_ q: Questionnaire) -> JSONOutput {
        let scales = JSONOutput.array(q.scales.map { scale in
            .object([
                ("id", .string(scale.id)), ("kind", .string(scale.kind.rawValue)),
                ("favourableFrom", .optional(scale.favourableFrom)),
                ("options", .array(scale.options.map { option in
                    .object([
                        ("label", .string(option.label)), ("value", .number(option.value)),
                        ("aliases", .array(option.aliases.map(JSONOutput.string))),
                        ("descriptor", .optional(option.descriptor)),
                    ])
                })),
            ])
        })
        let items = JSONOutput.array(q.items.map { item in
            .object([
                ("id", .string(item.id)), ("number", .integer(item.number)), ("text", .string(item.text)),
                ("scale", .optional(item.scale)), ("area", .optional(item.area)), ("reverse", .bool(item.reverse)),
                ("required", .bool(item.required)),
            ] + (item.indicators.isEmpty ? [] : [("indicators", .object(item.indicators.keys.sorted().map { (String($0), JSONOutput.string(item.indicators[$0] ?? "")) }))])
              + (item.aliases.isEmpty ? [] : [("aliases", .array(item.aliases.map(JSONOutput.string)))]))
        })
        let rules = q.scoring
        let scoring = JSONOutput.object([
            ("composites", .array(rules.composites.map { c in
                .object([("id", .string(c.id)), ("title", .string(c.title)), ("items", .array(c.items.map(JSONOutput.string))),
                         ("minAnswered", .number(c.minAnswered))])
            })),
            ("area", rules.area.map { a in
                .object([("minAnswered", .number(a.minAnswered)), ("maxMissing", .optional(a.maxMissing))])
            } ?? .null),
            ("bands", .array(rules.bands.map { b in
                .object([("id", .string(b.id)), ("label", .string(b.label)), ("from", .number(b.from)), ("to", .number(b.to)),
                         ("deficit", .bool(b.deficit)), ("strength", .bool(b.strength)), ("description", .optional(b.description))])
            })),
        ])
        return .object([
            ("id", .string(q.id)), ("kind", .string(q.kind.rawValue)), ("title", .string(q.title)),
            ("version", .string(q.version)), ("language", .string(q.language)),
            ("description", .optional(q.description)),
            ("scales", scales),
            ("domains", .array(q.domains.map { .object([("id", .string($0.id)), ("title", .string($0.title))]) })),
            ("areas", .array(q.areas.map { .object([("id", .string($0.id)), ("title", .string($0.title)), ("domain", .optional($0.domain))]) })),
            ("stages", .array(q.stages.map { .object([("id", .string($0.id)), ("title", .string($0.title)), ("month", .optional($0.month))]) })),
            ("items", items),
            ("scoring", scoring),
        ])
    }

    public static func showText(_ q: Questionnaire, language: Language, width: Int = 100) -> String {
        let labels = Labels(q, language)
        let t = language.t
        var out = "\(labels.title)\n"
        out += "\(q.id) · \(labels.kindName(q.kind)) · \(t("версия", "version")) \(q.version) · \(labels.itemCount(q.kind == .monitoring ? q.scoredItems.count : q.items.count))\n"
        if let description = q.description, language.rawValue == q.language {
            out += "\n" + TextLayout.wrap(description, to: width).joined(separator: "\n") + "\n"
        }
        for scale in q.scales {
            out += "\n\(t("Шкала", "Scale")) \(scale.id):\n"
            for option in scale.options {
                var line = "  \(formatNumber(option.value)) — \(labels.option(option, of: scale))"
                if let descriptor = option.descriptor { line += ": \(descriptor)" }
                out += line + "\n"
            }
        }
        if !q.stages.isEmpty {
            out += "\n\(t("Этапы", "Stages")): " + q.stages.map { labels.name($0.id, fallback: $0.title) }.joined(separator: " → ") + "\n"
        }
        // Items, grouped by area when the questionnaire has areas.
        let groups: [(title: String?, items: [Item])] = q.areas.isEmpty
            ? [(nil, q.items)]
            : q.areas.map { area in (labels.area(area), q.items.filter { $0.area == area.id }) }
                + [(t("Без области", "No area"), q.items.filter { $0.area == nil })].filter { !$0.items.isEmpty }
        let numberWidth = String(q.items.map(\.number).max() ?? 0).count
        for group in groups {
            out += "\n"
            if let title = group.title { out += "\(title)\n" }
            for item in group.items {
                var marks: [String] = []
                if q.kind == .monitoring { marks.append(item.id) }
                if item.reverse { marks.append(t("обратный", "reversed")) }
                if item.isFreeText { marks.append(t("свободный ответ", "free text")) }
                if !item.required { marks.append(t("необязательный", "optional")) }
                let head = TextLayout.pad(String(item.number), to: numberWidth, alignRight: true) + ". "
                let text = labels.text(item) + (marks.isEmpty ? "" : " [\(marks.joined(separator: ", "))]")
                let lines = TextLayout.wrap(text, to: max(20, width - head.count - 2))
                out += "  " + head + lines[0] + "\n"
                for line in lines.dropFirst() { out += "  " + String(repeating: " ", count: head.count) + line + "\n" }
                if let scale = q.scale(of: item) {
                    let indent = String(repeating: " ", count: head.count + 2)
                    for option in scale.options {
                        guard let indicator = item.indicators[Int(option.value)] else { continue }
                        let mark = labels.option(option, of: scale).split(separator: " ").first.map(String.init) ?? option.label
                        let lines = TextLayout.wrap("\(mark) — \(indicator)", to: max(20, width - indent.count - 4))
                        out += indent + "  " + lines[0] + "\n"
                        for line in lines.dropFirst() { out += indent + "    " + line + "\n" }
                    }
                }
            }
        }
        if !q.scoring.bands.isEmpty {
            out += "\n\(t("Уровни", "Bands")):\n"
            for band in q.scoring.bands {
                out += "  \(formatNumber(band.from))–\(formatNumber(band.to)): \(labels.name(band.id, fallback: band.label))\n"
            }
        }
        return out
    }
}
