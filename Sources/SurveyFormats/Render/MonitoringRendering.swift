import Foundation
import SurveyEngine

/// `survey monitor`: class summaries per stage (the sheet's footer rows), dynamics between stages, and
/// development cards, in text, Markdown, JSON and printable HTML.
public struct MonitoringRendering {
    public let analysis: MonitoringAnalysis
    public let labels: Labels
    var q: Questionnaire { analysis.questionnaire }
    var t: (String, String) -> String { labels.language.t }

    public init(_ analysis: MonitoringAnalysis, language: Language) {
        self.analysis = analysis
        self.labels = Labels(analysis.questionnaire, language)
    }

    func stageName(_ stage: Stage) -> String { labels.name(stage.id, fallback: stage.title) }
    /// One decimal, with a decimal comma in Russian (2,5).
    func mean(_ value: Double?) -> String { value.map { localized(String(format: "%.1f", $0)) } ?? "—" }
    func signed(_ value: Double) -> String { localized(String(format: "%+.1f", value)) }
    func localized(_ number: String) -> String { labels.language == .ru ? number.replacingOccurrences(of: ".", with: ",") : number }
    func roman(_ value: Int) -> String { ["0", "I", "II", "III", "IV", "V", "VI", "VII"][max(0, min(7, value))] }
    /// A band as the card writes it: «II – средний».
    func bandMark(_ band: Band?) -> String {
        guard let band, let index = q.scoring.bands.firstIndex(where: { $0.id == band.id }) else { return "—" }
        return "\(roman(index + 1)) – \(labels.name(band.id, fallback: band.label).lowercased())"
    }
    func bandShort(_ band: Band?) -> String {
        guard let band, let index = q.scoring.bands.firstIndex(where: { $0.id == band.id }) else { return "" }
        return roman(index + 1)
    }
    /// Percents of the real number of children, adding up to 100 over the levels and "not rated".
    func percents(_ counts: [Int: Int], missing: Int) -> [Int] {
        largestRemainderPercents(analysis.levels.options.map { counts[Int($0.value)] ?? 0 } + [missing])
    }

    // MARK: - JSON

    public func summaryJSON(_ summaries: [StageSummary]) -> JSONOutput {
        .object([
            ("questionnaire", .string(q.id)),
            ("stages", .array(summaries.map { s in
                .object([
                    ("stage", .string(s.stage.id)), ("title", .string(s.stage.title)), ("children", .integer(s.children)),
                    ("criteria", .array(s.criteria.map { c in
                        .object([("id", .string(c.item.id)), ("area", .optional(c.item.area)),
                                 ("counts", .object(analysis.levels.options.map { (formatNumber($0.value), .integer(c.counts[Int($0.value)] ?? 0)) })),
                                 ("missing", .integer(c.missing))])
                    })),
                    ("areas", .array(s.areas.map { a in
                        .object([("id", .string(a.area.id)), ("mean", .optional(a.mean)),
                                 ("levels", .object(q.scoring.bands.map { ($0.id, .integer(a.bands[$0.id] ?? 0)) })),
                                 ("unbanded", .integer(a.unbanded))])
                    })),
                ])
            })),
            ("movement", ObservationSheetRendering(self).movementJSON(analysis.movement)),
        ])
    }

    public func cardJSON(_ card: DevelopmentCard) -> JSONOutput {
        .object([
            ("child", .string(card.child)),
            ("areas", .array(q.areas.map { area in
                .object([
                    ("id", .string(area.id)), ("title", .string(area.title)), ("domain", .optional(area.domain)),
                    ("stages", .object(card.ratedStages.compactMap { stage in card.stages[stage.id]?[area.id].map { (stage.id, JSONOutput.optional($0.mean)) } })),
                    ("bands", .object(card.ratedStages.compactMap { stage in card.stages[stage.id]?[area.id].map { (stage.id, JSONOutput.optional($0.band?.id)) } })),
                    ("change", .optional(card.change[area.id])),
                ])
            })),
            ("regressions", .array(card.regressions.map { .object([("id", .string($0.item.id)), ("from", .string($0.from)), ("to", .string($0.to))]) })),
            ("stuckAtLowest", .array(card.stuckAtLowest.map { .object([("id", .string($0.item.id)), ("stages", .array($0.stages.map(JSONOutput.string)))]) })),
            ("plannedWork", .array(card.plannedWork.map { w in
                .object([("id", .string(w.item.id)), ("text", .string(w.item.text)), ("domain", .optional(Optional(domainID(of: w.item)).flatMap { $0.isEmpty ? nil : $0 })),
                         ("level", .integer(w.level)), ("target", .number(w.target.value)),
                         ("indicator", .optional(w.item.indicators[Int(w.target.value)])), ("suggested", .bool(true))])
            })),
            ("measures", .array(card.ratedStages.flatMap { stage in (card.measures[stage.id] ?? []).map { entry in
                JSONOutput.object([("stage", .string(stage.id)), ("domain", .optional(entry.item.domain)), ("item", .string(entry.item.id)), ("text", .string(entry.text))])
            } })),
        ])
    }

    // MARK: - Text

    public func summaryText(_ summaries: [StageSummary]) -> String {
        var out = labels.title + "\n"
        if summaries.contains(where: { $0.children > 0 }) { out += ObservationSheetRendering(self).movementLine(analysis.movement) + "\n" }
        let levelHeads = analysis.levels.options.map { labels.option($0, of: analysis.levels) }
        for s in summaries {
            out += "\n" + t("Этап: \(stageName(s.stage)) — детей: \(s.children)", "Stage: \(stageName(s.stage)) — children: \(s.children)") + "\n"
            guard s.children > 0 else { out += t("  нет данных\n", "  no data\n"); continue }
            for area in s.areas {
                let domain = area.area.domain.flatMap { d in q.domains.first { $0.id == d } }.map { " (\(labels.name($0.id, fallback: $0.title)))" } ?? ""
                out += "\n" + labels.area(area.area) + domain + "\n"
                var rows: [[String]] = []
                for c in s.criteria where c.item.area == area.area.id {
                    let p = percents(c.counts, missing: c.missing)
                    rows.append([c.item.id] + analysis.levels.options.map { String(c.counts[Int($0.value)] ?? 0) } + p.dropLast().map { "\($0) %" }
                                + (c.missing > 0 ? [String(c.missing)] : [""]))
                }
                let header = [t("Критерий", "Criterion")] + levelHeads + levelHeads.map { "\($0), %" } + [t("нет", "none")]
                out += TextLayout.table(header, rows, alignRight: Set(1..<header.count)).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
                let bands = q.scoring.bands.map { "\(labels.name($0.id, fallback: $0.label).lowercased()) \(area.bands[$0.id] ?? 0)" }.joined(separator: ", ")
                out += "  " + t("Дети по уровням: ", "Children by level: ") + bands
                if area.unbanded > 0 { out += t(", без оценки \(area.unbanded)", ", not banded \(area.unbanded)") }
                out += t(" · средний уровень \(mean(area.mean))", " · mean level \(mean(area.mean))") + "\n"
            }
        }
        let rated = summaries.filter { $0.children > 0 }
        if rated.count > 1 {
            out += "\n" + t("Динамика по областям (средний уровень):", "Dynamics by area (mean level):") + "\n"
            var rows: [[String]] = []
            for area in q.areas {
                let means = rated.map { s in s.areas.first { $0.area.id == area.id }?.mean }
                let change = means.first.flatMap { a in means.last.flatMap { b in a.flatMap { x in b.map { $0 - x } } } }
                rows.append([labels.area(area)] + means.map(mean) + [change.map(signed) ?? "—"])
            }
            out += TextLayout.table([t("Область", "Area")] + rated.map { stageName($0.stage) } + [t("Изменение", "Change")], rows,
                                    alignRight: Set(1...rated.count + 1))
            for (a, b) in zip(rated, rated.dropFirst()) {
                let d = analysis.dynamics(from: a.stage, to: b.stage)
                out += t("\(stageName(a.stage)) → \(stageName(b.stage)): улучшилось \(d[.improved] ?? 0), без изменений \(d[.same] ?? 0), снизилось \(d[.regressed] ?? 0) (оценок по критериям)\n",
                         "\(stageName(a.stage)) → \(stageName(b.stage)): improved \(d[.improved] ?? 0), same \(d[.same] ?? 0), regressed \(d[.regressed] ?? 0) (criterion ratings)\n")
            }
        }
        return out
    }

    public func cardText(_ card: DevelopmentCard) -> String {
        var out = t("Индивидуальная карта развития ребёнка: ", "Child development card: ") + card.child + "\n" + labels.title + "\n\n"
        let stages = card.ratedStages
        var rows: [[String]] = []
        for domain in q.domains + [Domain(id: "", title: "")] {
            let areas = q.areas.filter { ($0.domain ?? "") == domain.id }
            guard !areas.isEmpty else { continue }
            if !domain.id.isEmpty { rows.append([labels.name(domain.id, fallback: domain.title).uppercased()] + stages.map { _ in "" } + [""]) }
            for area in areas {
                rows.append(["  " + labels.area(area)] + stages.map { stage in
                    let level = card.stages[stage.id]?[area.id]
                    return "\(mean(level?.mean)) \(bandShort(level?.band))"
                } + [card.change[area.id].map(signed) ?? ""])
            }
        }
        out += TextLayout.table([t("Область", "Area")] + stages.map(stageName) + [t("Изменение", "Change")], rows, alignRight: Set(1...stages.count + 1))
        out += t("Уровни: ", "Levels: ") + q.scoring.bands.enumerated().reversed().map { "\(roman($0.offset + 1)) – \(labels.name($0.element.id, fallback: $0.element.label).lowercased())" }.joined(separator: ", ") + "\n"
        if let latest = stages.last {
            out += "\n" + t("Вывод (\(stageName(latest).lowercased()) этап):", "Conclusion (\(stageName(latest)) stage):") + "\n"
            for domain in q.domains {
                let means = q.areas.filter { $0.domain == domain.id }.compactMap { card.stages[latest.id]?[$0.id]?.mean }
                guard !means.isEmpty else { continue }
                let m = means.reduce(0, +) / Double(means.count)
                out += "  \(labels.name(domain.id, fallback: domain.title)): \(bandMark(q.scoring.band(for: m)))\n"
            }
        }
        if !card.regressions.isEmpty {
            out += "\n" + t("⚠ Снижение уровня: ", "⚠ Regressions: ") + card.regressions.map { "\($0.item.id) (\($0.from) → \($0.to))" }.joined(separator: ", ") + "\n"
        }
        if !card.stuckAtLowest.isEmpty {
            out += t("⚠ На уровне I два этапа подряд: ", "⚠ At level I at two stages: ") + card.stuckAtLowest.map(\.item.id).joined(separator: ", ") + "\n"
        }
        out += measuresText(card)
        out += suggestionsText(card)
        return out
    }

    /// The domain a free-text measures item or a criterion belongs to ("" for none).
    func domainID(of item: Item) -> String { item.domain ?? item.area.flatMap(q.area)?.domain ?? "" }
    func domainTitle(_ id: String) -> String {
        q.domains.first { $0.id == id }.map { labels.name($0.id, fallback: $0.title) } ?? t("Общие", "General")
    }
    /// Domains in the definition's order, then "general".
    var domainOrder: [String] { q.domains.map(\.id) + [""] }

    /// The teacher's measures, per stage and domain (the seed's card: columns are the stages' corrective work).
    func measuresText(_ card: DevelopmentCard) -> String {
        var out = "\n" + t("Мероприятия педагога (коррекционная работа после этапа):", "The teacher's measures (corrective work after each stage):") + "\n"
        for stage in card.ratedStages {
            let filled = card.measures[stage.id] ?? []
            out += "  " + stageName(stage) + ":" + (filled.isEmpty ? t(" не записаны", " none recorded") : "") + "\n"
            for key in domainOrder {
                for entry in filled where domainID(of: entry.item) == key {
                    out += TextLayout.wrap(domainTitle(key) + ": " + entry.text, to: 96).enumerated().map { ($0.offset == 0 ? "    " : "      ") + $0.element }.joined(separator: "\n") + "\n"
                }
            }
        }
        return out
    }

    /// Generated suggestions, marked as such: the few weakest criteria per domain at the latest stage.
    func suggestionsText(_ card: DevelopmentCard) -> String {
        guard !card.plannedWork.isEmpty, let latest = card.ratedStages.last else { return "" }
        var out = "\n" + t("Предложения программы (по самым слабым критериям, \(stageName(latest).lowercased()) этап; педагог решает сам):",
                           "Suggestions (the weakest criteria, \(stageName(latest)) stage; the teacher decides):") + "\n"
        for key in domainOrder {
            let work = card.plannedWork.filter { domainID(of: $0.item) == key }
            guard !work.isEmpty else { continue }
            out += "  " + domainTitle(key) + "\n"
            for w in work {
                let aim = w.item.indicators[Int(w.target.value)] ?? w.target.descriptor ?? ""
                let line = "\(w.item.id) «\(labels.text(w.item))»: \(roman(w.level)) → \(roman(Int(w.target.value)))" + (aim.isEmpty ? "" : " — " + aim)
                out += TextLayout.wrap(line, to: 94).enumerated().map { ($0.offset == 0 ? "    — " : "      ") + $0.element }.joined(separator: "\n") + "\n"
            }
        }
        return out
    }

    // MARK: - Markdown and HTML

    public func summaryMarkdown(_ summaries: [StageSummary]) -> String {
        var out = "# \(labels.title)\n"
        for s in summaries where s.children > 0 {
            out += "\n## \(stageName(s.stage)) — " + t("детей: \(s.children)", "children: \(s.children)") + "\n\n"
            out += "| " + t("Критерий", "Criterion") + " | " + analysis.levels.options.map { labels.option($0, of: analysis.levels) }.joined(separator: " | ") + " |\n|---|" + analysis.levels.options.map { _ in "---:" }.joined(separator: "|") + "|\n"
            for c in s.criteria {
                let p = percents(c.counts, missing: c.missing)
                out += "| \(c.item.id) | " + analysis.levels.options.enumerated().map { i, o in "\(c.counts[Int(o.value)] ?? 0) (\(p[i]) %)" }.joined(separator: " | ") + " |\n"
            }
        }
        return out
    }

    public func cardMarkdown(_ card: DevelopmentCard) -> String {
        "```\n" + cardText(card) + "```\n"
    }

    public func summaryHTML(_ summaries: [StageSummary]) -> String {
        var body = "<h1>\(htmlEscape(labels.title))</h1>"
        for s in summaries where s.children > 0 {
            body += "<h2>\(htmlEscape(stageName(s.stage))) — \(t("детей", "children")): \(s.children)</h2>"
            for area in s.areas {
                body += "<h3>\(htmlEscape(labels.area(area.area)))</h3><table><thead><tr><th>\(t("Критерий", "Criterion"))</th>"
                body += analysis.levels.options.map { "<th>\(htmlEscape(labels.option($0, of: analysis.levels)))</th>" }.joined() + "</tr></thead><tbody>"
                for c in s.criteria where c.item.area == area.area.id {
                    let p = percents(c.counts, missing: c.missing)
                    body += "<tr><td>\(htmlEscape(c.item.id)) <span class=\"pct\">\(htmlEscape(labels.text(c.item)))</span></td>"
                    body += analysis.levels.options.enumerated().map { i, o in "<td class=\"n\">\(c.counts[Int(o.value)] ?? 0) <span class=\"pct\">\(p[i]) %</span></td>" }.joined() + "</tr>"
                }
                body += "</tbody></table><p class=\"meta\">" + q.scoring.bands.map { "\(htmlEscape(labels.name($0.id, fallback: $0.label))): \(area.bands[$0.id] ?? 0)" }.joined(separator: " · ") + "</p>"
            }
        }
        return htmlPage(title: labels.title, language: labels.language, body: body)
    }

    /// Cards one per printed page: the seed's card as tables — domains and areas × stages, the conclusion,
    /// the teacher's measures per domain and stage, then the marked suggestions.
    public func cardsHTML(_ cards: [DevelopmentCard]) -> String {
        let body = cards.enumerated().map { index, card in
            "<section class=\"\(index > 0 ? "page" : "")\">" + cardHTML(card) + "</section>"
        }.joined()
        return htmlPage(title: t("Карты развития", "Development cards"), language: labels.language, body: body)
    }

    func cardHTML(_ card: DevelopmentCard) -> String {
        let stages = card.ratedStages
        var html = "<h1>\(htmlEscape(t("Индивидуальная карта развития ребёнка", "Child development card"))): \(htmlEscape(card.child))</h1>"
        html += "<p class=\"meta\">\(htmlEscape(labels.title))</p><table><thead><tr><th>\(t("Направление / область", "Domain / area"))</th>"
        html += stages.map { "<th>\(htmlEscape(stageName($0)))</th>" }.joined() + "<th>\(t("Изменение", "Change"))</th></tr></thead><tbody>"
        for domain in q.domains + [Domain(id: "", title: "")] {
            let areas = q.areas.filter { ($0.domain ?? "") == domain.id }
            guard !areas.isEmpty else { continue }
            if !domain.id.isEmpty {
                // The domain's level at each stage (the card's conclusion «II – средний»).
                let levels = stages.map { stage -> String in
                    let means = areas.compactMap { card.stages[stage.id]?[$0.id]?.mean }
                    return means.isEmpty ? "" : bandMark(q.scoring.band(for: means.reduce(0, +) / Double(means.count)))
                }
                html += "<tr><th style=\"text-align:left\">\(htmlEscape(labels.name(domain.id, fallback: domain.title)))</th>"
                    + levels.map { "<th>\(htmlEscape($0))</th>" }.joined() + "<th></th></tr>"
            }
            for area in areas {
                html += "<tr><td>\(htmlEscape(labels.area(area)))</td>" + stages.map { stage in
                    let level = card.stages[stage.id]?[area.id]
                    return "<td class=\"n\">\(mean(level?.mean)) \(bandShort(level?.band))</td>"
                }.joined() + "<td class=\"n\">\(card.change[area.id].map(signed) ?? "")</td></tr>"
            }
        }
        html += "</tbody></table><p class=\"meta\">" + htmlEscape(t("Уровни: ", "Levels: ") + q.scoring.bands.enumerated().reversed().map { "\(roman($0.offset + 1)) – \(labels.name($0.element.id, fallback: $0.element.label).lowercased())" }.joined(separator: ", ")) + "</p>"
        html += "<h2>\(htmlEscape(t("Мероприятия педагога (коррекционная работа после этапа)", "The teacher's measures (corrective work after each stage)")))</h2><table><thead><tr><th>\(t("Направление", "Domain"))</th>"
        html += stages.map { "<th>\(htmlEscape(stageName($0)))</th>" }.joined() + "</tr></thead><tbody>"
        for key in domainOrder {
            let cells = stages.map { stage in (card.measures[stage.id] ?? []).filter { domainID(of: $0.item) == key }.map(\.text) }
            guard !key.isEmpty || cells.contains(where: { !$0.isEmpty }) else { continue }
            html += "<tr><td>\(htmlEscape(domainTitle(key)))</td>" + cells.map { "<td>\(htmlEscape($0.joined(separator: "; ")))</td>" }.joined() + "</tr>"
        }
        html += "</tbody></table>"
        if !card.plannedWork.isEmpty, let latest = stages.last {
            html += "<h2>\(htmlEscape(t("Предложения программы (по самым слабым критериям, \(stageName(latest).lowercased()) этап; педагог решает сам)", "Suggestions (the weakest criteria, \(stageName(latest)) stage; the teacher decides)")))</h2><ul>"
            for w in card.plannedWork {
                let aim = w.item.indicators[Int(w.target.value)] ?? w.target.descriptor ?? ""
                html += "<li>\(htmlEscape(domainTitle(domainID(of: w.item)))): <b>\(htmlEscape(w.item.id))</b> «\(htmlEscape(labels.text(w.item)))» \(roman(w.level)) → \(roman(Int(w.target.value)))\(aim.isEmpty ? "" : " — " + htmlEscape(aim))</li>"
            }
            html += "</ul>"
        }
        return html
    }
}
