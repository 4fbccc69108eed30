import Foundation
import SurveyEngine

/// Escapes text for HTML content and attribute values.
public func htmlEscape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}

/// The page frame every HTML report shares: self-contained, printable on A4, no scripts, no external files.
public func htmlPage(title: String, language: Language, body: String, extraStyle: String = "") -> String {
    """
    <!DOCTYPE html>
    <html lang="\(language.rawValue)">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(htmlEscape(title))</title>
    <style>
    body { font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
    h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
    .meta { color: #555; margin: .2rem 0; }
    .kpi { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
    .kpi div { border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem .9rem; min-width: 9rem; }
    .kpi b { display: block; font-size: 1.4rem; }
    table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: .5rem 0; }
    th, td { border: 1px solid #d0d7de; padding: .3rem .45rem; vertical-align: top; }
    th { background: #f3f5f7; font-weight: 600; text-align: center; }
    td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
    td.c { text-align: center; }
    .pct { color: #666; font-size: .8em; }
    .rev { color: #8a4b00; font-size: .8em; }
    .warn { color: #8a4b00; }
    ul.comments li { margin: .3rem 0; }
    svg { max-width: 100%; height: auto; }
    footer { margin-top: 2rem; color: #777; font-size: .8rem; }
    @page { size: A4; margin: 15mm 12mm 15mm 15mm; }
    thead { display: table-header-group; }
    .legend { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; font-size: .8rem; color: #333; margin: .3rem 0 .8rem; }
    .swatch { display: inline-block; width: .9rem; height: .9rem; vertical-align: -.15rem; margin-right: .3rem; border: 1px solid #999; }
    .signatures { margin-top: 1.5rem; break-inside: avoid; } .signatures p { margin: 1.1rem 0; }
    @media print { * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } body { margin: 0; max-width: none; padding: 0; font-size: 11pt; }
      h1, h2, h3 { break-after: avoid; } tr, svg, .legend, li { break-inside: avoid; } .page { break-before: page; } }
    \(extraStyle)
    </style>
    </head>
    <body>
    \(body)
    </body>
    </html>

    """
}

extension TabulationRendering {
    /// Diverging colours (ColorBrewer RdBu): strongest disagreement darkest red, strongest agreement darkest blue.
    /// Both lists run in scale order (lowest value first), so the left starts and the right ends darkest.
    static func colours(left: Int, right: Int) -> (left: [String], right: [String]) {
        func ramp(_ dark: String, _ light: [String], _ n: Int) -> [String] {
            n <= 0 ? [] : [dark] + Array(light.suffix(max(0, n - 1)).reversed().prefix(n - 1))
        }
        let reds = ramp("#b2182b", ["#fddbc7", "#f4a582", "#ef8a62"], left)
        let blues = ramp("#2166ac", ["#d1e5f0", "#92c5de", "#67a9cf"], right)
        return (reds, Array(blues.reversed()))
    }

    /// One printable page: participation and reliability up front, the chart, the seed-style table, comments.
    public func html(generatedAt: String? = nil) -> String {
        var body = "<h1>\(htmlEscape(labels.title))</h1>\n"
        body += "<p class=\"meta\">\(htmlEscape(participationLine))</p>\n"
        body += "<div class=\"kpi\">"
        body += "<div>\(t("Респондентов", "Respondents"))<b>\(integer(tabulation.respondents))</b></div>"
        if let share = tabulation.participation { body += "<div>\(t("Участие", "Participation"))<b>\(percent(share))</b></div>" }
        if let positive = tabulation.positive { body += "<div>\(t("Положительных ответов", "Positive answers"))<b>\(percent(positive))</b></div>" }
        for c in tabulation.composites {
            let shown = c.complete >= Self.alphaMinimumComplete ? c.alpha.map { number($0) } : nil
            body += "<div>α \(t("Кронбаха", "Cronbach")) <b>\(shown ?? "—")</b><span class=\"pct\">n = \(c.complete)</span></div>"
        }
        body += "</div>\n"
        body += "<h2>\(t("Распределение ответов", "Distribution of answers"))</h2>\n"
        body += "<p class=\"meta\">\(t("Неблагоприятные ответы — слева от оси, благоприятные — справа; у обратных утверждений (↺) благоприятно несогласие, и оно справа. Утверждения упорядочены по доле положительных ответов.", "Unfavourable answers left of the axis, favourable right; for reverse-keyed statements (↺) disagreeing is favourable and drawn on the right. Statements sorted by their share of positive answers."))</p>\n"
        body += svgChart() + "\n"
        body += "<h2>\(t("Результаты по утверждениям", "Results by statement"))</h2>\n" + htmlTable()
        var notes = reliabilityLines().map { "<li>\(htmlEscape($0))</li>" }
        notes += suspectItems().map { "<li class=\"warn\">⚠ \(htmlEscape($0))</li>" }
        if let positiveLine { notes.insert("<li><b>\(htmlEscape(positiveLine))</b></li>", at: 0) }
        body += "<h2>\(t("Итоги", "Summary"))</h2>\n<ul>\(notes.joined())</ul>\n"
        if by != nil && !groups.isEmpty {
            body += "<h2>\(t("По группам", "By group")) («\(htmlEscape(by ?? ""))»)</h2><p class=\"meta\">\(t("Группы меньше \(minimumGroup) человек скрыты.", "Groups under \(minimumGroup) are hidden."))</p>"
            body += "<table><thead><tr>" + groupHeader.map { "<th>\(htmlEscape($0))</th>" }.joined() + "</tr></thead><tbody>"
            body += groupRows.map { "<tr>" + $0.enumerated().map { $0 == 0 ? "<td>\(htmlEscape($1))</td>" : "<td class=\"n\">\(htmlEscape($1))</td>" }.joined() + "</tr>" }.joined()
            body += "</tbody></table>"
            if let suppressionNote { body += "<p class=\"meta\">\(htmlEscape(suppressionNote))</p>" }
            let matrix = groupMatrix
            if matrix.header.count > 1 {
                body += "<table><thead><tr>" + matrix.header.map { "<th>\(htmlEscape($0))</th>" }.joined() + "</tr></thead><tbody>"
                body += matrix.rows.map { "<tr>" + $0.map { "<td class=\"n\">\(htmlEscape($0))</td>" }.joined() + "</tr>" }.joined() + "</tbody></table>"
            }
        }
        if !tabulation.comments.isEmpty {
            body += "<h2>\(t("Комментарии", "Comments")) (\(tabulation.comments.count))</h2>\n<ul class=\"comments\">"
            body += tabulation.comments.map { "<li>\(htmlEscape($0))</li>" }.joined() + "</ul>\n"
        }
        body += "<footer>\(htmlEscape(q.id)) · \(t("версия", "version")) \(htmlEscape(q.version))\(generatedAt.map { " · " + htmlEscape($0) } ?? "")</footer>"
        return htmlPage(title: labels.title, language: labels.language, body: body)
    }

    func htmlTable() -> String {
        let options = tabulation.items.first?.options ?? []
        var out = "<table>\n<thead><tr><th>№</th><th>\(t("Утверждение", "Statement"))</th>"
        for option in options { out += "<th>\(htmlEscape(labels.option(Option(label: option.label, value: option.value), of: scaleFor(tabulation.items.first))))</th>" }
        out += "<th>\(t("Ответили", "Answered"))</th><th>\(t("Без ответа", "Blank"))</th><th>\(t("Среднее (1–4)", "Mean (1–4)"))</th><th>\(t("Положительных", "Positive"))</th></tr></thead>\n<tbody>\n"
        for item in tabulation.items {
            out += "<tr><td class=\"n\">\(item.item.number)</td><td>\(htmlEscape(labels.text(item.item)))"
            if item.item.reverse { out += " <span class=\"rev\">↺ \(t("обратное", "reversed"))</span>" }
            out += "</td>"
            for option in item.options { out += "<td class=\"n\">\(integer(option.count)) <span class=\"pct\">\(option.percent) %</span></td>" }
            out += "<td class=\"n\">\(integer(item.answered))</td><td class=\"n\">\(integer(item.missing))</td><td class=\"n\">\(number(item.keyedMean))\(item.item.reverse ? " ↺" : "")</td>"
            out += "<td class=\"n\">\(item.positive.map(percent) ?? "—")</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func scaleFor(_ item: ItemTabulation?) -> ResponseScale {
        item.flatMap { q.scale(of: $0.item) } ?? ResponseScale(id: "", options: [])
    }

    /// The diverging stacked bar chart (Heiberger & Robbins 2014) as inline SVG.
    func svgChart() -> String {
        let items = tabulation.items.filter { $0.answered > 0 }
            .sorted { ($0.positive ?? 0, -$0.item.number) > ($1.positive ?? 0, -$1.item.number) }
        guard let first = items.first else { return "<p>\(t("Ответов нет.", "No answers."))</p>" }
        let labelWidth = 330.0, half = 230.0, rowHeight = 26.0, top = 46.0
        let width = labelWidth + 2 * half + 60, height = top + Double(items.count) * rowHeight + 30
        let axis = labelWidth + half
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" role=\"img\" aria-label=\"\(htmlEscape(t("Диаграмма ответов", "Chart of answers")))\" font-family=\"Liberation Sans, DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n"
        // Legend: unfavourable options then favourable ones, named as on a positively worded statement.
        let legendItem = items.first { !$0.item.reverse } ?? first
        let (leftOptions, rightOptions) = sides(legendItem)
        let colours = Self.colours(left: leftOptions.count, right: rightOptions.count)
        var x = labelWidth
        for (option, colour) in zip(leftOptions + rightOptions, colours.left + colours.right) {
            let name = labels.option(Option(label: option.label, value: option.value), of: scaleFor(legendItem))
            svg += "<rect x=\"\(fmt(x))\" y=\"8\" width=\"12\" height=\"12\" fill=\"\(colour)\"/><text x=\"\(fmt(x + 16))\" y=\"18\">\(htmlEscape(name))</text>\n"
            x += 24 + Double(TextLayout.width(name)) * 6.6
        }
        // Grid at −100, −50, 0, 50, 100 %.
        for tick in [-100, -50, 0, 50, 100] {
            let tx = axis + Double(tick) / 100 * half
            svg += "<line x1=\"\(fmt(tx))\" y1=\"\(fmt(top - 6))\" x2=\"\(fmt(tx))\" y2=\"\(fmt(height - 24))\" stroke=\"\(tick == 0 ? "#333" : "#ddd")\" stroke-width=\"\(tick == 0 ? 1.2 : 1)\"/>"
            svg += "<text x=\"\(fmt(tx))\" y=\"\(fmt(height - 8))\" text-anchor=\"middle\" fill=\"#666\">\(abs(tick)) %</text>\n"
        }
        for (row, item) in items.enumerated() {
            let y = top + Double(row) * rowHeight
            let text = "\(item.item.number). " + labels.text(item.item)
            svg += "<text x=\"\(fmt(labelWidth - 8))\" y=\"\(fmt(y + 16))\" text-anchor=\"end\"><title>\(htmlEscape(text))</title>\(htmlEscape(TextLayout.cut(text, to: 48)))\(item.item.reverse ? " ↺" : "")</text>\n"
            let (left, right) = sides(item)
            let total = Double(item.answered)
            // Left side: from the axis outward, the mildest disagreement first.
            var edge = axis
            for (option, colour) in zip(left.reversed(), colours.left.reversed()) {
                let w = Double(option.count) / total * half
                edge -= w
                svg += segment(x: edge, y: y + 4, width: w, colour: colour, option: option, total: total)
            }
            edge = axis
            for (option, colour) in zip(right, colours.right) {
                let w = Double(option.count) / total * half
                svg += segment(x: edge, y: y + 4, width: w, colour: colour, option: option, total: total)
                edge += w
            }
            if let positive = item.positive {
                svg += "<text x=\"\(fmt(axis + half + 6))\" y=\"\(fmt(y + 16))\" fill=\"#333\">\(percent(positive))</text>\n"
            }
        }
        return svg + "</svg>"
    }

    private func segment(x: Double, y: Double, width: Double, colour: String, option: OptionTally, total: Double) -> String {
        guard width > 0 else { return "" }
        var out = "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(width))\" height=\"18\" fill=\"\(colour)\"><title>\(htmlEscape(option.label)): \(option.count) (\(option.percent) %)</title></rect>"
        if width >= 26 {
            let dark = ["#b2182b", "#2166ac"].contains(colour)
            out += "<text x=\"\(fmt(x + width / 2))\" y=\"\(fmt(y + 13))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(dark ? "#fff" : "#222")\">\(option.percent)%</text>"
        }
        return out + "\n"
    }

    private func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
