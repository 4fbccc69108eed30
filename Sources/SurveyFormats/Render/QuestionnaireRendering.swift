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

    /// `keys`: test tasks show which options are correct (`show --keys`); without it no key leaves the program.
    public static func showJSON(_ q: Questionnaire, keys: Bool = false) -> JSONOutput {
        let scales = JSONOutput.array(q.scales.map { scale in
            .object([
                ("id", .string(scale.id)), ("kind", .string(scale.kind.rawValue)),
                ("favourableFrom", .optional(scale.favourableFrom)),
                ("options", .array(scale.options.map { option in
                    .object([
                        ("label", .string(option.label)), ("value", .number(option.value)),
                        ("aliases", .array(option.aliases.map(JSONOutput.string))),
                        ("descriptor", .optional(option.descriptor)), ("notApplicable", .bool(option.notApplicable)),
                    ])
                })),
            ])
        })
        let items = JSONOutput.array(q.items.map { item in
            var members: [(String, JSONOutput)] = [
                ("id", .string(item.id)), ("number", .integer(item.number)), ("kind", .string(item.isTest ? "test" : "statement")),
                ("text", .string(item.text)),
                ("scale", .optional(item.scale)), ("area", .optional(item.area)), ("reverse", .bool(item.reverse)),
                ("required", .bool(item.required)), ("confidential", .bool(item.confidential)), ("source", .optional(item.source)),
            ]
            if let rule = item.appliesTo {
                members.append(("appliesTo", .object([
                    ("roles", .array(rule.roles.map(JSONOutput.string))), ("subjects", .array(rule.subjects.map(JSONOutput.string))),
                    ("exceptSubjects", .array(rule.exceptSubjects.map(JSONOutput.string))), ("classTeacher", .optional(rule.classTeacher)),
                ])))
            }
            if let descriptors = item.descriptors { members.append(("descriptors", .array(descriptors.map(JSONOutput.string)))) }
            if let task = item.test {
                members.append(("choice", .string(task.choice.rawValue)))
                members.append(("points", .number(task.points)))
                members.append(("options", .array(task.options.enumerated().map { index, option in
                    .object([("letter", .string(String(TestTask.letters[index]))), ("label", .string(option.label))]
                            + (keys ? [("correct", .bool(option.correct))] : []))
                })))
                if keys { members.append(("explanation", .optional(task.explanation))) }
            }
            if !item.indicators.isEmpty {
                members.append(("indicators", .object(item.indicators.keys.sorted().map { (String($0), JSONOutput.string(item.indicators[$0] ?? "")) })))
            }
            if !item.aliases.isEmpty { members.append(("aliases", .array(item.aliases.map(JSONOutput.string)))) }
            return .object(members)
        })
        let context = JSONOutput.array(q.context.map { field in
            .object([("id", .string(field.id)), ("label", .string(field.label)), ("kind", .string(field.kind.rawValue)),
                     ("aliases", .array(field.aliases.map(JSONOutput.string))), ("optional", .bool(field.optional)),
                     ("options", .array(field.options.map { .object([("id", .string($0.id)), ("label", .string($0.label))]) })),
                     ("min", .optional(field.min)), ("max", .optional(field.max))])
        })
        let rules = q.scoring
        let scoring = JSONOutput.object([
            ("composites", .array(rules.composites.map { c in
                .object([("id", .string(c.id)), ("title", .string(c.title)), ("items", .array(c.items.map(JSONOutput.string))),
                         ("minAnswered", .number(c.minAnswered))])
            })),
            ("area", rules.area.map { a in
                .object([("minAnswered", .number(a.minAnswered)), ("maxMissing", .optional(a.maxMissing)),
                         ("minAnswers", .integer(a.minAnswers)), ("bandsOn", .string(a.bandsOn.rawValue))])
            } ?? .null),
            ("bands", .array(rules.bands.map(bandJSON))),
            ("testBands", .array(rules.testBands.map(bandJSON))),
        ])
        return .object([
            ("id", .string(q.id)), ("kind", .string(q.kind.rawValue)), ("title", .string(q.title)),
            ("version", .string(q.version)), ("language", .string(q.language)),
            ("description", .optional(q.description)),
            ("scales", scales),
            ("domains", .array(q.domains.map { .object([("id", .string($0.id)), ("title", .string($0.title))]) })),
            ("areas", .array(q.areas.map { .object([("id", .string($0.id)), ("title", .string($0.title)), ("domain", .optional($0.domain))]) })),
            ("stages", .array(q.stages.map { .object([("id", .string($0.id)), ("title", .string($0.title)), ("month", .optional($0.month))]) })),
            ("context", context),
            ("items", items),
            ("scoring", scoring),
        ])
    }

    static func bandJSON(_ b: Band) -> JSONOutput {
        .object([("id", .string(b.id)), ("label", .string(b.label)), ("from", .number(b.from)), ("to", .number(b.to)),
                 ("closedAbove", .bool(b.closedAbove)), ("deficit", .bool(b.deficit)), ("strength", .bool(b.strength)),
                 ("answer", .optional(b.answer)), ("description", .optional(b.description))])
    }

    public static func showText(_ q: Questionnaire, language: Language, width: Int = 100, keys: Bool = false) -> String {
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
        if !q.context.isEmpty {
            out += "\n" + t("Сначала — о педагоге: ", "First, about the teacher: ") + q.context.map { $0.label + ($0.optional ? t(" (необяз.)", " (optional)") : "") }.joined(separator: "; ") + "\n"
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
                if item.isTest { marks.append(item.test?.choice == .multiple ? t("тест, несколько ответов", "test, several answers") : t("тест", "test")) }
                if item.confidential { marks.append(t("конфиденциально", "confidential")) }
                if let rule = item.appliesTo { marks.append(t("только: ", "only: ") + applicabilityText(rule, q)) }
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
                for (index, option) in (item.test?.options ?? []).enumerated() {
                    let mark = keys && option.correct ? " ✓" : ""
                    for (i, line) in TextLayout.wrap("\(TestTask.letters[index])) \(option.label)\(mark)", to: max(20, width - head.count - 6)).enumerated() {
                        out += "  " + String(repeating: " ", count: head.count) + (i == 0 ? "  " : "     ") + line + "\n"
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
        if !q.scoring.testBands.isEmpty {
            out += "\n\(t("Уровни по тесту (доля баллов, %)", "Test bands (share of points, %)")):\n"
            for band in q.scoring.testBands {
                out += "  \(formatNumber(band.from))–\(formatNumber(band.to))\(band.closedAbove ? t(" включительно", " inclusive") : ""): \(labels.name(band.id, fallback: band.label))\n"
            }
            if !keys { out += "\n" + t("Ключи к тестам скрыты; survey show \(q.id) --keys покажет их.", "Test keys are hidden; survey show \(q.id) --keys shows them.") + "\n" }
        }
        return out
    }

    /// «учитель; классный руководитель; кроме: музыка, ИЗО».
    static func applicabilityText(_ rule: Applicability, _ q: Questionnaire) -> String {
        let role = q.contextField("role"), subject = q.contextField("subject")
        var parts: [String] = []
        if !rule.roles.isEmpty { parts.append(rule.roles.map { role?.display($0) ?? $0 }.joined(separator: ", ").lowercased()) }
        if !rule.subjects.isEmpty { parts.append(rule.subjects.map { subject?.display($0) ?? $0 }.joined(separator: ", ")) }
        if rule.classTeacher == true { parts.append("классный руководитель") }
        if !rule.exceptSubjects.isEmpty { parts.append("кроме: " + rule.exceptSubjects.map { subject?.display($0) ?? $0 }.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }
}
