import Foundation
import SurveyEngine

/// `survey monitor ID --report`: the summary by domain and the analytical report the self-assessment needs
/// («наличие и анализ результатов мониторинга»): per domain the share of children at each level per stage,
/// the change between the first and the last stage, and the criteria most often at the lowest level.
public struct MonitoringReport {
    public let sheets: ObservationSheetRendering
    /// One sheet per stage with data, in the definition's order.
    public let stages: [ObservationSheet]
    public let movement: ChildMovement
    /// How many criteria per domain the report names as most often at the lowest level.
    public let weakestPerDomain = 3

    var q: Questionnaire { sheets.q }
    var t: (String, String) -> String { sheets.t }
    var labels: Labels { sheets.labels }
    /// Bands from the highest down, as the seed's tables read: high, medium, low.
    var bandsHighFirst: [Band] { q.scoring.bands.reversed() }

    public init(_ rendering: MonitoringRendering) {
        sheets = ObservationSheetRendering(rendering)
        let analysis = rendering.analysis
        stages = analysis.questionnaire.stages.filter { !(analysis.byStage[$0.id] ?? []).isEmpty }.map(analysis.sheet(of:))
        movement = analysis.movement
    }

    /// A domain's criteria most often at the lowest level at the last stage: (item, children, percent).
    func weakest(_ domain: Domain) -> [(item: Item, count: Int, percent: Int)] {
        guard let last = stages.last, let lowest = sheets.levels.options.first else { return [] }
        let key = formatNumber(lowest.value)
        let areas = Set(q.areas.filter { $0.domain == domain.id }.map(\.id))
        var found: [(item: Item, count: Int, percent: Int)] = []
        for criterion in last.criteria {
            guard let area = criterion.item.area, areas.contains(area) else { continue }
            let count = criterion.tally.counts[key] ?? 0
            if count > 0 { found.append((criterion.item, count, criterion.tally.percents[key] ?? 0)) }
        }
        // Most children first; among equals the questionnaire's order (a stable sort keeps it).
        let sorted = found.enumerated().sorted { a, b in a.element.count != b.element.count ? a.element.count > b.element.count : a.offset < b.offset }
        return Array(sorted.prefix(weakestPerDomain).map(\.element))
    }

    func tally(_ sheet: ObservationSheet, _ domain: Domain) -> LevelTally? { sheet.domains.first { $0.id == domain.id }?.tally }
    func stageName(_ stage: Stage) -> String { sheets.stageTitle(stage) }
    func bandName(_ band: Band) -> String { labels.name(band.id, fallback: band.label).lowercased() }

    /// The report's paragraphs, one per domain, then the conclusion.
    public var paragraphs: [String] {
        var out: [String] = []
        for domain in q.domains {
            let title = labels.name(domain.id, fallback: domain.title)
            var text = title + ". "
            let parts = stages.compactMap { sheet -> String? in
                guard let tally = tally(sheet, domain) else { return nil }
                let shares = bandsHighFirst.map { "\(bandName($0)) — \(tally.percents[$0.id] ?? 0)\u{00A0}%" }.joined(separator: ", ")
                return t("на этапе «\(stageName(sheet.stage))» (детей: \(sheet.children)) \(shares)", "at the \(stageName(sheet.stage)) stage (children: \(sheet.children)) \(shares)")
            }
            text += parts.joined(separator: "; ").capitalizedFirst + ". "
            if stages.count > 1, let first = stages.first.flatMap({ tally($0, domain) }), let last = stages.last.flatMap({ tally($0, domain) }),
               let high = bandsHighFirst.first, let low = bandsHighFirst.last {
                let dh = (last.percents[high.id] ?? 0) - (first.percents[high.id] ?? 0)
                let dl = (last.percents[low.id] ?? 0) - (first.percents[low.id] ?? 0)
                text += t("Доля детей с высоким уровнем \(change(dh)), с низким — \(change(dl)). ",
                          "The share at the high level \(change(dh)), at the low level \(change(dl)). ")
            }
            let weak = weakest(domain)
            if !weak.isEmpty, let last = stages.last {
                text += t("Чаще всего на уровне I (\(stageName(last.stage).lowercased()) этап): ", "Most often at level I (\(stageName(last.stage)) stage): ")
                    + weak.map { "\($0.item.id) «\(labels.text($0.item))» — \($0.count) \(t("из", "of")) \(last.children) (\(percent($0.count, of: last.children)))" }.joined(separator: "; ") + "."
            } else if stages.last != nil {
                text += t("Ни один критерий не на уровне I.", "No criterion at level I.")
            }
            out.append(text)
        }
        if let last = stages.last {
            let high = bandsHighFirst.first.map { last.overall.percents[$0.id] ?? 0 } ?? 0
            let low = bandsHighFirst.last.map { last.overall.percents[$0.id] ?? 0 } ?? 0
            out.append(t("Итог (\(stageName(last.stage).lowercased()) этап, по среднему уровню ребёнка): высокий уровень — \(high)\u{00A0}% детей, низкий — \(low)\u{00A0}%. "
                         + "Детей на начало \(movement.start), прибыли \(movement.arrived.count), выбыли \(movement.left.count), на конец \(movement.end); проценты — от детей, оценённых на каждом этапе.",
                         "Overall (\(stageName(last.stage)) stage, by the child's mean): high \(high) %, low \(low) % of children. "
                         + "Children at start \(movement.start), arrived \(movement.arrived.count), left \(movement.left.count), at the end \(movement.end); percents are of those assessed at each stage."))
        }
        return out
    }

    func change(_ points: Int) -> String {
        let size = labels.language.count(abs(points), ru: ("процентный пункт", "процентных пункта", "процентных пунктов"), en: ("point", "points"))
        return points > 0 ? t("выросла на \(size)", "rose by \(size)") : points < 0 ? t("снизилась на \(size)", "fell by \(size)") : t("не изменилась", "did not change")
    }

    /// A percent in running text: rounded half up, kept on one line with its sign («17 %»).
    func percent(_ count: Int, of total: Int) -> String {
        "\(total > 0 ? Int((Double(count) * 100 / Double(total)).rounded()) : 0)\u{00A0}%"
    }

    func tableRows() -> [[String]] {
        var rows: [[String]] = []
        for domain in q.domains {
            for (index, sheet) in stages.enumerated() {
                guard let tally = tally(sheet, domain) else { continue }
                rows.append([index == 0 ? labels.name(domain.id, fallback: domain.title) : "", stageName(sheet.stage), String(sheet.children)]
                            + bandsHighFirst.map { "\(tally.percents[$0.id] ?? 0) %" } + [tally.missing > 0 ? String(tally.missing) : ""])
            }
        }
        return rows
    }

    var tableHeader: [String] {
        [t("Направление", "Domain"), t("Этап", "Stage"), t("Детей", "Children")] + bandsHighFirst.map { labels.name($0.id, fallback: $0.label) } + [t("нет", "none")]
    }

    public func text() -> String {
        var out = t("Анализ результатов мониторинга", "Analysis of the monitoring results") + "\n" + labels.title + "\n" + sheets.movementLine(movement) + "\n\n"
        out += t("Сводка по направлениям (доля детей по уровням, % от оценённых на этапе)", "By domain (share of children at each level, % of those assessed at the stage)") + "\n"
        out += TextLayout.table(tableHeader, tableRows(), alignRight: Set(2..<tableHeader.count))
        out += "\n" + t("Аналитическая справка", "Analytical report") + "\n\n"
        out += paragraphs.map { TextLayout.wrap($0, to: 100).joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
        return out
    }

    public func markdown() -> String {
        var out = "# " + t("Анализ результатов мониторинга", "Analysis of the monitoring results") + "\n\n" + labels.title + "\n\n" + sheets.movementLine(movement) + "\n\n"
        out += "| " + tableHeader.joined(separator: " | ") + " |\n|" + tableHeader.indices.map { $0 < 2 ? "---|" : "---:|" }.joined() + "\n"
        for row in tableRows() { out += "| " + row.joined(separator: " | ") + " |\n" }
        out += "\n## " + t("Аналитическая справка", "Analytical report") + "\n\n" + paragraphs.joined(separator: "\n\n") + "\n"
        return out
    }

    public func html() -> String {
        var body = "<h1>\(htmlEscape(t("Анализ результатов мониторинга", "Analysis of the monitoring results")))</h1><p class=\"meta\">\(htmlEscape(labels.title))</p>"
        body += "<p class=\"meta\">\(htmlEscape(sheets.movementLine(movement)))</p>"
        body += "<h2>\(htmlEscape(t("Сводка по направлениям", "By domain")))</h2><table><thead><tr>" + tableHeader.map { "<th>\(htmlEscape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in tableRows() {
            body += "<tr>" + row.enumerated().map { $0.offset < 2 ? "<td>\(htmlEscape($0.element))</td>" : "<td class=\"n\">\(htmlEscape($0.element))</td>" }.joined() + "</tr>"
        }
        body += "</tbody></table><p class=\"meta\">\(htmlEscape(t("Проценты — от детей, оценённых на этапе.", "Percents are of the children assessed at the stage.")))</p>"
        body += "<h2>\(htmlEscape(t("Аналитическая справка", "Analytical report")))</h2>" + paragraphs.map { "<p>\(htmlEscape($0))</p>" }.joined()
        return htmlPage(title: t("Анализ результатов мониторинга", "Analysis of the monitoring results"), language: labels.language, body: body)
    }

    public func json() -> JSONOutput {
        let bandKeys = q.scoring.bands.map(\.id)
        return .object([
            ("questionnaire", .string(q.id)),
            ("movement", sheets.movementJSON(movement)),
            ("domains", .array(q.domains.map { domain in
                var fields: [(String, JSONOutput)] = [("id", .string(domain.id)), ("title", .string(domain.title))]
                fields.append(("stages", .array(stages.compactMap { sheet in
                    tally(sheet, domain).map { tally in
                        .object([("stage", .string(sheet.stage.id)), ("children", .integer(sheet.children)),
                                 ("counts", .object(bandKeys.map { ($0, .integer(tally.counts[$0] ?? 0)) })),
                                 ("percents", .object(bandKeys.map { ($0, .integer(tally.percents[$0] ?? 0)) })),
                                 ("missing", .integer(tally.missing))])
                    }
                })))
                if stages.count > 1, let first = stages.first.flatMap({ tally($0, domain) }), let last = stages.last.flatMap({ tally($0, domain) }) {
                    fields.append(("change", .object(bandKeys.map { ($0, .integer((last.percents[$0] ?? 0) - (first.percents[$0] ?? 0))) })))
                } else { fields.append(("change", .null)) }
                fields.append(("mostOftenAtLowest", .array(weakest(domain).map { .object([("id", .string($0.item.id)), ("children", .integer($0.count)), ("percent", .integer($0.percent))]) })))
                return .object(fields)
            })),
            ("text", .array(paragraphs.map(JSONOutput.string))),
        ])
    }
}

extension String {
    /// The first letter in upper case («на этапе…» → «На этапе…»).
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
