import Foundation
import SurveyEngine

/// `survey monitor ID --sheet --stage S [--blank N]`: the stage's observation sheet (children × criteria, one
/// level per cell, footer rows per level) in text, CSV, Markdown, JSON and printable HTML, one part per domain
/// as paper sheets are kept; and the blank sheet for a teacher to fill by hand.
public struct ObservationSheetRendering {
    public let rendering: MonitoringRendering
    var q: Questionnaire { rendering.q }
    var labels: Labels { rendering.labels }
    var t: (String, String) -> String { labels.language.t }
    var levels: ResponseScale { rendering.analysis.levels }

    public init(_ rendering: MonitoringRendering) { self.rendering = rendering }

    /// One part of the sheet: a domain's areas and criteria (areas without a domain form the last part).
    struct Section {
        var id: String?
        var title: String
        var areas: [Area]
        var items: [Item]
    }

    var sections: [Section] {
        var out: [Section] = []
        for domain in q.domains {
            let areas = q.areas.filter { $0.domain == domain.id }
            let items = q.scoredItems.filter { item in areas.contains { $0.id == item.area } }
            if !items.isEmpty { out.append(Section(id: domain.id, title: labels.name(domain.id, fallback: domain.title), areas: areas, items: items)) }
        }
        let rest = q.areas.filter { area in area.domain.map { d in !q.domains.contains { $0.id == d } } ?? true }
        let items = q.scoredItems.filter { item in rest.contains { $0.id == item.area } }
        if !items.isEmpty { out.append(Section(id: nil, title: t("Другие области", "Other areas"), areas: rest, items: items)) }
        return out
    }

    func decimal(_ value: Double?) -> String {
        guard let value else { return "—" }
        let text = String(format: "%.1f", value)
        return labels.language == .ru ? text.replacingOccurrences(of: ".", with: ",") : text
    }
    func cell(_ level: Int?) -> String { level.map(rendering.roman) ?? "" }
    func levelLabel(_ option: Option) -> String { rendering.roman(Int(option.value)) }
    func bandLabel(_ band: Band) -> String { labels.name(band.id, fallback: band.label) }
    func bandMark(_ band: Band?) -> String { rendering.bandShort(band) }
    var stageTitle: (Stage) -> String { rendering.stageName }
    /// The measures column's header: the word a paper sheet has (and an alias the definition's measures item takes).
    var measuresTitle: String { t("Мероприятия", "Measures") }

    func heading(_ sheet: ObservationSheet?, stage: Stage, blank: Int?) -> String {
        let count = sheet.map { t("детей: \($0.children)", "children: \($0.children)") } ?? t("бланк на ", "blank, ") + labels.language.count(blank ?? 0, ru: ("строку", "строки", "строк"), en: ("row", "rows"))
        return t("Лист наблюдения", "Observation sheet") + " · " + stageTitle(stage) + " " + t("этап", "stage") + " · " + count
    }

    /// «на начало 9, прибыли 1, выбыли 1, на конец 9».
    public func movementLine(_ m: ChildMovement) -> String {
        var line = t("Движение детей: на начало \(m.start), прибыли \(m.arrived.count)", "Children: at start \(m.start), arrived \(m.arrived.count)")
        if !m.arrived.isEmpty { line += " (\(m.arrived.joined(separator: ", ")))" }
        line += t(", выбыли \(m.left.count)", ", left \(m.left.count)")
        if !m.left.isEmpty { line += " (\(m.left.joined(separator: ", ")))" }
        line += t(", на конец \(m.end)", ", at the end \(m.end)")
        if let first = m.firstStage, let last = m.lastStage, first != last {
            line += " (\(stageTitle(first).lowercased()) → \(stageTitle(last).lowercased()))"
        }
        return line
    }

    public func movementJSON(_ m: ChildMovement) -> JSONOutput {
        .object([("start", .integer(m.start)), ("arrived", .integer(m.arrived.count)), ("left", .integer(m.left.count)), ("end", .integer(m.end)),
                 ("firstStage", .optional(m.firstStage?.id)), ("lastStage", .optional(m.lastStage?.id)),
                 ("arrivedChildren", .array(m.arrived.map(JSONOutput.string))), ("leftChildren", .array(m.left.map(JSONOutput.string)))])
    }

    // MARK: - Text

    public func text(_ sheet: ObservationSheet, movement: ChildMovement?) -> String {
        var out = labels.title + "\n" + heading(sheet, stage: sheet.stage, blank: nil) + "\n"
        if let movement { out += movementLine(movement) + "\n" }
        for section in sections {
            out += "\n" + section.title.uppercased() + "\n"
            out += areaLegend(section) + "\n"
            var rows: [[String]] = sheet.rows.enumerated().map { index, row in
                [String(index + 1), row.child] + section.items.map { cell(row.levels[$0.id]) }
                    + [decimal(section.id.flatMap { row.domainMeans[$0] }), bandMark(section.id.flatMap { row.domainBands[$0] })]
            }
            let tallies = section.items.map { item in sheet.criteria.first { $0.item.id == item.id }?.tally }
            for option in levels.options {
                let key = formatNumber(option.value)
                rows.append(["", levelLabel(option) + t(", детей", ", children")] + tallies.map { String($0?.counts[key] ?? 0) } + ["", ""])
                rows.append(["", levelLabel(option) + ", %"] + tallies.map { String($0?.percents[key] ?? 0) } + ["", ""])
            }
            if tallies.contains(where: { ($0?.missing ?? 0) > 0 }) {
                rows.append(["", t("нет оценки", "not rated")] + tallies.map { String($0?.missing ?? 0) } + ["", ""])
                rows.append(["", t("нет оценки, %", "not rated, %")] + tallies.map { String($0?.missingPercent ?? 0) } + ["", ""])
            }
            let header = ["№", t("Ребёнок", "Child")] + section.items.map(\.id) + [t("Ср.", "Mean"), t("Ур.", "Lvl")]
            out += TextLayout.table(header, rows, alignRight: Set([0] + Array(2..<header.count)))
        }
        out += "\n" + t("ИТОГ ПО РЕБЁНКУ", "EACH CHILD") + "\n"
        let domainSections = sections.filter { $0.id != nil }
        let summary = sheet.rows.enumerated().map { index, row in
            [String(index + 1), row.child] + domainSections.map { s in bandMark(s.id.flatMap { row.domainBands[$0] }) }
                + [decimal(row.mean), bandMark(row.band), row.measures.joined(separator: "; ")]
        }
        let summaryHeader = ["№", t("Ребёнок", "Child")] + domainSections.indices.map { t("Напр. \($0 + 1)", "Dom. \($0 + 1)") }
            + [t("Средний", "Mean"), t("Уровень", "Level"), measuresTitle]
        out += TextLayout.table(summaryHeader, summary, alignRight: Set([0] + Array(2..<summaryHeader.count - 1)))
        if !domainSections.isEmpty {
            out += domainSections.enumerated().map { t("Напр. \($0.offset + 1)", "Dom. \($0.offset + 1)") + " — " + $0.element.title }.joined(separator: "; ") + "\n"
        }
        out += "\n" + t("Распределение детей по уровням (% от оценённых на этапе: \(sheet.children))",
                        "Children by level (% of those assessed at the stage: \(sheet.children))") + "\n"
        out += TextLayout.table(distributionHeader(), distributionRows(sheet), alignRight: Set(1..<distributionHeader().count))
        out += t("Уровни: ", "Levels: ") + q.scoring.bands.enumerated().reversed().map { "\(rendering.roman($0.offset + 1)) – \(bandLabel($0.element).lowercased())" }.joined(separator: ", ") + "\n"
        return out
    }

    func areaLegend(_ section: Section) -> String {
        section.areas.compactMap { area -> String? in
            let codes = section.items.filter { $0.area == area.id }.map(\.id)
            guard let first = codes.first, let last = codes.last else { return nil }
            return "  " + labels.area(area) + ": " + (first == last ? first : "\(first) … \(last)")
        }.joined(separator: "\n")
    }

    func distributionHeader() -> [String] {
        [t("Направление / область", "Domain / area")] + q.scoring.bands.flatMap { [bandLabel($0), "%"] } + [t("нет", "none")]
    }

    func distributionRows(_ sheet: ObservationSheet) -> [[String]] {
        func row(_ title: String, _ tally: LevelTally) -> [String] {
            [title] + q.scoring.bands.flatMap { [String(tally.counts[$0.id] ?? 0), String(tally.percents[$0.id] ?? 0)] } + [tally.missing > 0 ? String(tally.missing) : ""]
        }
        var rows: [[String]] = []
        for section in sections {
            if let id = section.id, let domain = sheet.domains.first(where: { $0.id == id }) { rows.append(row(section.title.uppercased(), domain.tally)) }
            for area in section.areas { if let group = sheet.areas.first(where: { $0.id == area.id }) { rows.append(row("  " + labels.area(area), group.tally)) } }
        }
        rows.append(row(t("Все направления (средний ребёнка)", "All domains (child's mean)"), sheet.overall))
        return rows
    }

    /// An empty sheet with `rows` numbered lines, footer rows to count by hand, and every criterion's indicators.
    public func blankText(stage: Stage, rows count: Int) -> String {
        var out = labels.title + "\n" + heading(nil, stage: stage, blank: count) + "\n"
        out += t("Дата: ____________  Группа: ____________  Педагог: ______________________\n", "Date: ____________  Group: ____________  Teacher: ______________________\n")
        for section in sections {
            out += "\n" + section.title.uppercased() + "\n" + areaLegend(section) + "\n"
            var rows: [[String]] = (0..<count).map { [String($0 + 1), String(repeating: "_", count: 18)] + section.items.map { _ in "" } + ["", ""] }
            for option in levels.options {
                rows.append(["", levelLabel(option) + t(", детей", ", children")] + section.items.map { _ in "" } + ["", ""])
                rows.append(["", levelLabel(option) + ", %"] + section.items.map { _ in "" } + ["", ""])
            }
            out += TextLayout.table(["№", t("Ребёнок", "Child")] + section.items.map(\.id) + [t("Ср.", "Mean"), t("Ур.", "Lvl")], rows)
        }
        out += "\n" + indicatorLegendText()
        return out
    }

    func indicatorLegendText(width: Int = 100) -> String {
        var out = t("КРИТЕРИИ И ИНДИКАТОРЫ", "CRITERIA AND INDICATORS") + "\n"
        for area in q.areas {
            out += "\n" + labels.area(area) + "\n"
            for item in q.scoredItems where item.area == area.id {
                out += TextLayout.wrap("\(item.id)  \(labels.text(item))", to: width).map { "  " + $0 }.joined(separator: "\n") + "\n"
                for option in levels.options {
                    guard let indicator = item.indicators[Int(option.value)] else { continue }
                    out += TextLayout.wrap("\(levelLabel(option)) — \(indicator)", to: width - 8).enumerated().map { ($0.offset == 0 ? "      " : "        ") + $0.element }.joined(separator: "\n") + "\n"
                }
            }
        }
        return out
    }

    // MARK: - CSV

    /// The sheet as Excel opens it: one header row of codes, the children, then the footer rows and the
    /// distributions. The blank sheet has only the header and numbered empty rows, so once filled it imports.
    public func csv(_ sheet: ObservationSheet, excel: Bool) -> String {
        var w = CSVWriter(delimiter: ";", bom: excel)
        let items = sections.flatMap(\.items)
        w.row(["№", t("Ребёнок", "Child")] + items.map(\.id) + [t("Средний уровень", "Mean level"), t("Уровень", "Level"), measuresTitle])
        for (index, row) in sheet.rows.enumerated() {
            w.row([String(index + 1), row.child] + items.map { cell(row.levels[$0.id]) } + [decimal(row.mean), bandMark(row.band), row.measures.joined(separator: "; ")],
                  defuse: [1, items.count + 4])
        }
        let tallies = items.map { item in sheet.criteria.first { $0.item.id == item.id }?.tally }
        for option in levels.options {
            let key = formatNumber(option.value)
            w.row(["", levelLabel(option) + t(", детей", ", children")] + tallies.map { String($0?.counts[key] ?? 0) } + ["", "", ""])
            w.row(["", levelLabel(option) + ", %"] + tallies.map { String($0?.percents[key] ?? 0) } + ["", "", ""])
        }
        w.row(["", t("нет оценки", "not rated")] + tallies.map { String($0?.missing ?? 0) } + ["", "", ""])
        w.row(["", t("нет оценки, %", "not rated, %")] + tallies.map { String($0?.missingPercent ?? 0) } + ["", "", ""])
        w.row([])
        w.row(distributionHeader().map { $0.trimmingCharacters(in: .whitespaces) })
        for row in distributionRows(sheet) { w.row(row.map { $0.trimmingCharacters(in: .whitespaces) }) }
        return w.text
    }

    public func blankCSV(rows count: Int, excel: Bool) -> String {
        var w = CSVWriter(delimiter: ";", bom: excel)
        let items = sections.flatMap(\.items)
        w.row([t("Ребёнок", "Child")] + items.map(\.id) + (q.items.contains(where: \.isFreeText) ? [measuresTitle] : []))
        for _ in 0..<count { w.row([""] + items.map { _ in "" } + (q.items.contains(where: \.isFreeText) ? [""] : [])) }
        return w.text
    }

    // MARK: - Markdown

    public func markdown(_ sheet: ObservationSheet, movement: ChildMovement?) -> String {
        var out = "# \(labels.title)\n\n**\(heading(sheet, stage: sheet.stage, blank: nil))**\n"
        if let movement { out += "\n" + movementLine(movement) + "\n" }
        func row(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
        for section in sections {
            out += "\n## \(section.title)\n\n"
            out += section.areas.map { area in "- " + labels.area(area) + ": " + section.items.filter { $0.area == area.id }.map(\.id).joined(separator: ", ") }.joined(separator: "\n") + "\n\n"
            let header = ["№", t("Ребёнок", "Child")] + section.items.map(\.id) + [t("Ср.", "Mean"), t("Ур.", "Lvl")]
            out += row(header) + "|" + header.indices.map { $0 == 1 ? "---|" : "---:|" }.joined() + "\n"
            for (index, r) in sheet.rows.enumerated() {
                out += row([String(index + 1), r.child] + section.items.map { cell(r.levels[$0.id]) }
                           + [decimal(section.id.flatMap { r.domainMeans[$0] }), bandMark(section.id.flatMap { r.domainBands[$0] })])
            }
            let tallies = section.items.map { item in sheet.criteria.first { $0.item.id == item.id }?.tally }
            for option in levels.options {
                let key = formatNumber(option.value)
                out += row(["", "**\(levelLabel(option))**"] + tallies.map { "\($0?.counts[key] ?? 0) (\($0?.percents[key] ?? 0) %)" } + ["", ""])
            }
        }
        out += "\n## " + t("Распределение по уровням", "Distribution by level") + "\n\n"
        let header = distributionHeader()
        out += row(header) + "|" + header.indices.map { $0 == 0 ? "---|" : "---:|" }.joined() + "\n"
        for r in distributionRows(sheet) { out += row(r.map { $0.trimmingCharacters(in: .whitespaces) }) }
        return out
    }

    // MARK: - JSON

    public func json(_ sheet: ObservationSheet, movement: ChildMovement?) -> JSONOutput {
        let levelKeys = levels.options.map { formatNumber($0.value) }
        func tally(_ tally: LevelTally, keys: [String]) -> [(String, JSONOutput)] {
            [("counts", .object(keys.map { ($0, .integer(tally.counts[$0] ?? 0)) })),
             ("percents", .object(keys.map { ($0, .integer(tally.percents[$0] ?? 0)) })),
             ("missing", .integer(tally.missing)), ("missingPercent", .integer(tally.missingPercent))]
        }
        let bandKeys = q.scoring.bands.map(\.id)
        var fields: [(String, JSONOutput)] = [
            ("questionnaire", .string(q.id)), ("stage", .string(sheet.stage.id)), ("children", .integer(sheet.children)),
            ("rows", .array(sheet.rows.enumerated().map { index, row in
                .object([("number", .integer(index + 1)), ("child", .string(row.child)),
                         ("levels", .object(q.scoredItems.compactMap { item in row.levels[item.id].map { (item.id, JSONOutput.integer($0)) } })),
                         ("mean", .optional(row.mean)), ("level", .optional(row.band?.id)),
                         ("domains", .object(q.domains.map { d in (d.id, .object([("mean", .optional(row.domainMeans[d.id])), ("level", .optional(row.domainBands[d.id]?.id))])) })),
                         ("measures", .array(row.measures.map(JSONOutput.string)))])
            })),
            ("criteria", .array(sheet.criteria.map { c in .object([("id", .string(c.item.id)), ("area", .optional(c.item.area))] + tally(c.tally, keys: levelKeys)) })),
            ("areas", .array(sheet.areas.map { a in .object([("id", .string(a.id)), ("domain", .optional(q.area(a.id)?.domain))] + tally(a.tally, keys: bandKeys)) })),
            ("domains", .array(sheet.domains.map { d in .object([("id", .string(d.id))] + tally(d.tally, keys: bandKeys)) })),
            ("overall", .object(tally(sheet.overall, keys: bandKeys))),
        ]
        if let movement { fields.append(("movement", movementJSON(movement))) }
        return .object(fields)
    }

    // MARK: - HTML

    static let style = """
    @page { size: A4 landscape; margin: 10mm; }
    body { max-width: none; margin: 1rem; }
    table.sheet { font-size: .72rem; width: auto; margin-bottom: 1rem; }
    table.sheet th, table.sheet td { padding: .15rem .25rem; }
    table.sheet th.code { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-weight: 500; }
    table.sheet td.name { white-space: nowrap; min-width: 9rem; }
    table.sheet td.lvl { text-align: center; min-width: 1.4rem; }
    table.sheet tfoot td { background: #f7f7f7; text-align: center; }
    table.sheet tbody tr.blank td { height: 1.5rem; }
    table.legend td { font-size: .75rem; }
    section.part { break-before: page; }
    section.part:first-of-type { break-before: auto; }
    """

    public func html(_ sheet: ObservationSheet, movement: ChildMovement?) -> String {
        var body = "<h1>\(htmlEscape(labels.title))</h1><p class=\"meta\">\(htmlEscape(heading(sheet, stage: sheet.stage, blank: nil)))</p>"
        if let movement { body += "<p class=\"meta\">\(htmlEscape(movementLine(movement)))</p>" }
        for section in sections {
            body += "<section class=\"part\"><h2>\(htmlEscape(section.title))</h2>" + sectionTables(section, sheet: sheet, blank: nil) + "</section>"
        }
        body += "<section class=\"part\"><h2>\(htmlEscape(t("Итог по ребёнку и распределение по уровням", "Each child, and the distribution by level")))</h2>"
        body += summaryTable(sheet) + distributionTable(sheet) + "</section>"
        return htmlPage(title: labels.title + " — " + stageTitle(sheet.stage), language: labels.language, body: body, extraStyle: Self.style)
    }

    public func blankHTML(stage: Stage, rows: Int) -> String {
        var body = "<h1>\(htmlEscape(labels.title))</h1><p class=\"meta\">\(htmlEscape(heading(nil, stage: stage, blank: rows)))</p>"
        body += "<p class=\"meta\">" + htmlEscape(t("Дата: ____________  Группа: ____________  Педагог: ______________________", "Date: ____________  Group: ____________  Teacher: ______________________")) + "</p>"
        for section in sections {
            body += "<section class=\"part\"><h2>\(htmlEscape(section.title))</h2>" + sectionTables(section, sheet: nil, blank: rows) + "</section>"
        }
        body += "<section class=\"part\"><h2>\(htmlEscape(t("Критерии и индикаторы", "Criteria and indicators")))</h2><table class=\"legend\"><thead><tr><th>\(t("Код", "Code"))</th><th>\(t("Критерий", "Criterion"))</th>"
        body += levels.options.map { "<th>\(htmlEscape(levelLabel($0)))</th>" }.joined() + "</tr></thead><tbody>"
        for area in q.areas {
            body += "<tr><th colspan=\"\(2 + levels.options.count)\" style=\"text-align:left\">\(htmlEscape(labels.area(area)))</th></tr>"
            for item in q.scoredItems where item.area == area.id {
                body += "<tr><td>\(htmlEscape(item.id))</td><td>\(htmlEscape(labels.text(item)))</td>"
                body += levels.options.map { "<td>\(htmlEscape(item.indicators[Int($0.value)] ?? ""))</td>" }.joined() + "</tr>"
            }
        }
        body += "</tbody></table></section>"
        return htmlPage(title: labels.title + " — " + stageTitle(stage), language: labels.language, body: body, extraStyle: Self.style)
    }

    /// The most criterion columns one printed table holds on A4 landscape; a wider domain is split between
    /// areas into several tables, the domain's mean and level on the last.
    static let columnsPerPrintedTable = 21

    func sectionTables(_ section: Section, sheet: ObservationSheet?, blank: Int?) -> String {
        var parts: [[Area]] = [[]]
        var width = 0
        for area in section.areas {
            let n = section.items.filter { $0.area == area.id }.count
            if width + n > Self.columnsPerPrintedTable && !(parts.last ?? []).isEmpty { parts.append([]); width = 0 }
            parts[parts.count - 1].append(area)
            width += n
        }
        return parts.enumerated().map { index, areas in
            var part = section
            part.areas = areas
            part.items = section.items.filter { item in areas.contains { $0.id == item.area } }
            return sectionTable(part, sheet: sheet, blank: blank, totals: index == parts.count - 1)
        }.joined()
    }

    func sectionTable(_ section: Section, sheet: ObservationSheet?, blank: Int?, totals: Bool = true) -> String {
        var html = "<table class=\"sheet\"><thead><tr><th rowspan=\"2\">№</th><th rowspan=\"2\">\(t("Ф. И. ребёнка", "Child"))</th>"
        for area in section.areas {
            let n = section.items.filter { $0.area == area.id }.count
            if n > 0 { html += "<th colspan=\"\(n)\">\(htmlEscape(labels.area(area)))</th>" }
        }
        if totals { html += "<th rowspan=\"2\">\(t("Средний уровень", "Mean level"))</th><th rowspan=\"2\">\(t("Уровень", "Level"))</th>" }
        html += "</tr><tr>"
        html += section.items.map { "<th class=\"code\" title=\"\(htmlEscape(labels.text($0)))\">\(htmlEscape($0.id))</th>" }.joined() + "</tr></thead><tbody>"
        if let sheet {
            for (index, row) in sheet.rows.enumerated() {
                html += "<tr><td class=\"n\">\(index + 1)</td><td class=\"name\">\(htmlEscape(row.child))</td>"
                html += section.items.map { "<td class=\"lvl\">\(cell(row.levels[$0.id]))</td>" }.joined()
                if totals { html += "<td class=\"n\">\(decimal(section.id.flatMap { row.domainMeans[$0] }))</td><td class=\"lvl\">\(bandMark(section.id.flatMap { row.domainBands[$0] }))</td>" }
                html += "</tr>"
            }
        } else {
            for index in 0..<(blank ?? 0) {
                html += "<tr class=\"blank\"><td class=\"n\">\(index + 1)</td><td class=\"name\"></td>" + section.items.map { _ in "<td class=\"lvl\"></td>" }.joined() + (totals ? "<td></td><td></td>" : "") + "</tr>"
            }
        }
        html += "</tbody><tfoot>"
        let tallies = section.items.map { item in sheet?.criteria.first { $0.item.id == item.id }?.tally }
        let tail = totals ? "<td></td><td></td></tr>" : "</tr>"
        for option in levels.options {
            let key = formatNumber(option.value)
            html += "<tr><td></td><td>\(htmlEscape(levelLabel(option) + t(", детей", ", children")))</td>" + tallies.map { "<td>\($0.map { String($0.counts[key] ?? 0) } ?? "")</td>" }.joined() + tail
            html += "<tr><td></td><td>\(htmlEscape(levelLabel(option))), %</td>" + tallies.map { "<td>\($0.map { String($0.percents[key] ?? 0) } ?? "")</td>" }.joined() + tail
        }
        if tallies.contains(where: { ($0?.missing ?? 0) > 0 }) {
            html += "<tr><td></td><td>\(htmlEscape(t("нет оценки", "not rated")))</td>" + tallies.map { "<td>\($0.map { String($0.missing) } ?? "")</td>" }.joined() + tail
            html += "<tr><td></td><td>\(htmlEscape(t("нет оценки, %", "not rated, %")))</td>" + tallies.map { "<td>\($0.map { String($0.missingPercent) } ?? "")</td>" }.joined() + tail
        }
        return html + "</tfoot></table>"
    }

    func summaryTable(_ sheet: ObservationSheet) -> String {
        let domainSections = sections.filter { $0.id != nil }
        var html = "<table class=\"sheet\"><thead><tr><th>№</th><th>\(t("Ф. И. ребёнка", "Child"))</th>"
        html += domainSections.map { "<th>\(htmlEscape($0.title))</th>" }.joined()
        html += "<th>\(t("Средний уровень", "Mean level"))</th><th>\(t("Уровень", "Level"))</th><th>\(htmlEscape(measuresTitle))</th></tr></thead><tbody>"
        for (index, row) in sheet.rows.enumerated() {
            html += "<tr><td class=\"n\">\(index + 1)</td><td class=\"name\">\(htmlEscape(row.child))</td>"
            html += domainSections.map { s in "<td class=\"lvl\">\(bandMark(s.id.flatMap { row.domainBands[$0] }))</td>" }.joined()
            html += "<td class=\"n\">\(decimal(row.mean))</td><td class=\"lvl\">\(bandMark(row.band))</td><td>\(htmlEscape(row.measures.joined(separator: "; ")))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    func distributionTable(_ sheet: ObservationSheet) -> String {
        var html = "<h3>\(htmlEscape(t("Распределение детей по уровням (% от оценённых на этапе: \(sheet.children))", "Children by level (% of those assessed at the stage: \(sheet.children))")))</h3><table><thead><tr>"
        html += distributionHeader().map { "<th>\(htmlEscape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in distributionRows(sheet) {
            let isDomain = !row[0].hasPrefix("  ")
            html += "<tr>" + row.enumerated().map { i, c in
                i == 0 ? (isDomain ? "<th style=\"text-align:left\">\(htmlEscape(c))</th>" : "<td>\(htmlEscape(c.trimmingCharacters(in: .whitespaces)))</td>") : "<td class=\"n\">\(htmlEscape(c))</td>"
            }.joined() + "</tr>"
        }
        return html + "</tbody></table>"
    }
}
