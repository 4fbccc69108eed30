import Foundation
import SurveyEngine

/// Deficit profiles, routes (the ИОМ table) and a school's group view, in text, Markdown, JSON and HTML.
public struct DeficitRendering {
    public let questionnaire: Questionnaire
    public let labels: Labels
    var t: (String, String) -> String { labels.language.t }

    public init(_ questionnaire: Questionnaire, language: Language) {
        self.questionnaire = questionnaire
        self.labels = Labels(questionnaire, language)
    }

    func bandName(_ band: Band?) -> String { band.map { labels.name($0.id, fallback: $0.label) } ?? t("нет оценки", "no score") }
    func score(_ value: Double?) -> String { value.map { String(Int($0.rounded())) } ?? "—" }
    func meter(_ value: Double?, width: Int = 20) -> String {
        guard let value else { return String(repeating: "·", count: width) }
        let filled = Int((value / 100 * Double(width)).rounded())
        return String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    }
    func withheldNote(_ area: AreaScore) -> String {
        t("мало ответов (\(area.answered) из \(area.total)) — оценка не выставлена", "too few answers (\(area.answered) of \(area.total)): no score")
    }

    // MARK: - Profile

    public func profileJSON(_ profile: DeficitProfile, change: ProfileChange?) -> JSONOutput {
        var members: [(String, JSONOutput)] = [
            ("respondent", .optional(profile.respondent)), ("questionnaire", .string(questionnaire.id)),
            ("areas", .array(profile.areas.map { area in
                .object([
                    ("id", .string(area.area.id)), ("title", .string(area.area.title)), ("score", .optional(area.score)),
                    ("level", .optional(area.band?.label)), ("band", .optional(area.band?.id)), ("deficit", .bool(area.isDeficit)),
                    ("strength", .bool(area.isStrength)), ("priority", .optional(area.priority)),
                    ("answered", .integer(area.answered)), ("total", .integer(area.total)),
                    ("weakest", .array(area.weakest.map { .object([("id", .string($0.id)), ("number", .integer($0.number)), ("text", .string($0.text))]) })),
                ])
            })),
        ]
        if let change {
            members.append(("change", .array(change.areas.map { c in
                .object([("id", .string(c.area.id)), ("before", .optional(c.before)), ("after", .optional(c.after)),
                         ("change", .optional(c.change)), ("closed", .bool(c.closed)), ("opened", .bool(c.opened))])
            })))
        }
        return .object(members)
    }

    public func profileText(_ profile: DeficitProfile, change: ProfileChange?, width: Int = 100) -> String {
        var out = t("Профиль профессиональных дефицитов", "Professional deficit profile") + (profile.respondent.map { ": \($0)" } ?? "") + "\n"
        out += labels.title + "\n\n"
        let titleWidth = min(46, max(20, width - 60))
        out += TextLayout.pad(t("Область", "Area"), to: titleWidth) + "  " + TextLayout.pad(t("Балл", "Score"), to: 4, alignRight: true)
            + "  " + TextLayout.pad("", to: 20) + "  " + t("Уровень", "Level") + "\n"
        for area in profile.areas {
            var line = TextLayout.pad(labels.area(area.area), to: titleWidth) + "  " + TextLayout.pad(score(area.score), to: 4, alignRight: true)
            line += "  " + meter(area.score) + "  " + (area.withheld ? withheldNote(area) : bandName(area.band))
            if let priority = area.priority { line += t("  [приоритет \(priority)]", "  [priority \(priority)]") }
            out += line + "\n"
        }
        let deficits = profile.deficits
        if deficits.isEmpty {
            out += "\n" + t("Дефицитов не выявлено.", "No deficits found.") + "\n"
        } else {
            out += "\n" + t("Что снизило оценку:", "What pulled the score down:") + "\n"
            for area in deficits {
                out += "  \(area.priority ?? 0). \(labels.area(area.area)) — \(bandName(area.band).lowercased()), \(score(area.score))\n"
                for item in area.weakest.prefix(3) {
                    out += TextLayout.wrap("— \(labels.text(item))" + (item.reverse ? t(" (обратное)", " (reversed)") : ""), to: width - 6).map { "     " + $0 + "\n" }.joined()
                }
            }
        }
        let strengths = profile.strengths
        if !strengths.isEmpty {
            out += "\n" + t("Ресурс — можете делиться опытом: ", "Strengths you can share: ") + strengths.map { labels.area($0.area) }.joined(separator: "; ") + "\n"
        }
        if let change { out += "\n" + changeText(change) }
        return out
    }

    func changeText(_ change: ProfileChange) -> String {
        var out = t("Изменения с прошлой диагностики:", "Change since the previous diagnosis:") + "\n"
        for c in change.areas {
            guard let delta = c.change else { continue }
            var line = "  " + TextLayout.pad(labels.area(c.area), to: 44) + "  \(score(c.before)) → \(score(c.after)) (\(delta >= 0 ? "+" : "")\(Int(delta.rounded())))"
            if c.closed { line += t("  ✓ дефицит закрыт", "  ✓ deficit closed") }
            if c.opened { line += t("  ⚠ новый дефицит", "  ⚠ new deficit") }
            out += line + "\n"
        }
        return out
    }

    public func profileMarkdown(_ profile: DeficitProfile, change: ProfileChange?) -> String {
        var out = "# " + t("Профиль профессиональных дефицитов", "Professional deficit profile") + (profile.respondent.map { ": \($0)" } ?? "") + "\n\n"
        out += "| " + t("Область", "Area") + " | " + t("Балл (0–100)", "Score (0–100)") + " | " + t("Уровень", "Level") + " | " + t("Приоритет", "Priority") + " |\n|---|---:|---|---:|\n"
        for area in profile.areas {
            out += "| \(labels.area(area.area)) | \(score(area.score)) | \(area.withheld ? withheldNote(area) : bandName(area.band)) | \(area.priority.map(String.init) ?? "") |\n"
        }
        if let change { out += "\n" + changeText(change).split(separator: "\n").map { "- " + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n") + "\n" }
        return out
    }

    public func profileHTML(_ profile: DeficitProfile, change: ProfileChange?) -> String {
        var body = "<h1>\(t("Профиль профессиональных дефицитов", "Professional deficit profile"))</h1>"
        body += "<p class=\"meta\">\(htmlEscape(profile.respondent ?? "")) · \(htmlEscape(labels.title))</p>"
        body += "<table><thead><tr><th>\(t("Область", "Area"))</th><th>\(t("Балл", "Score"))</th><th></th><th>\(t("Уровень", "Level"))</th><th>\(t("Приоритет", "Priority"))</th></tr></thead><tbody>"
        for area in profile.areas {
            let pct = area.score ?? 0
            body += "<tr><td>\(htmlEscape(labels.area(area.area)))</td><td class=\"n\">\(score(area.score))</td>"
            body += "<td style=\"width:40%\"><div style=\"background:#eee;height:12px\"><div style=\"background:\(bandColour(area.band));height:12px;width:\(Int(pct))%\"></div></div></td>"
            body += "<td>\(htmlEscape(area.withheld ? withheldNote(area) : bandName(area.band)))</td><td class=\"c\">\(area.priority.map(String.init) ?? "")</td></tr>"
        }
        body += "</tbody></table>"
        for area in profile.deficits where !area.weakest.isEmpty {
            body += "<h2>\(htmlEscape(labels.area(area.area)))</h2><ul>" + area.weakest.map { "<li>\(htmlEscape(labels.text($0)))</li>" }.joined() + "</ul>"
        }
        if let change { body += "<h2>\(t("Изменения", "Change"))</h2><pre>\(htmlEscape(changeText(change)))</pre>" }
        return htmlPage(title: t("Профиль дефицитов", "Deficit profile") + " — " + (profile.respondent ?? ""), language: labels.language, body: body)
    }

    func bandColour(_ band: Band?) -> String {
        guard let band else { return "#bbb" }
        if band.strength { return "#2166ac" }
        if band.deficit {
            let worst = questionnaire.scoring.bands.first { $0.deficit }?.id == band.id
            return worst ? "#b2182b" : "#ef8a62"
        }
        return "#67a9cf"
    }

    // MARK: - Route (the ИОМ table)

    func stepRows(_ route: Route) -> [[String]] {
        route.steps.enumerated().map { index, step in
            [String(index + 1),
             "\(labels.area(step.area)) — \(bandName(step.band).lowercased())",
             taskText(step),
             "\(step.activity.title) (\(formWithHours(step.activity)))",
             "\(step.start) — \(step.end)",
             step.mentor ?? (step.activity.kind == .mentoring ? t("назначается", "to be assigned") : "—"),
             step.activity.product, ""]
        }
    }

    /// The task of a step: to do what the weakest statement says (a «Мне трудно …» statement is the difficulty to overcome).
    func taskText(_ step: RouteStep) -> String {
        guard let item = step.task else { return t("Устранить дефицит", "Close the deficit") }
        // The statement, quoted, is the state to reach: «Я проектирую урок…»; a difficulty is to be overcome.
        return (item.reverse ? t("Цель: преодолеть «", "Aim: overcome «") : t("Цель: «", "Aim: «")) + labels.text(item) + "»"
    }

    /// The form with its hours, unless the form already names them («Курсы ДПО, 36 ч»).
    func formWithHours(_ activity: Activity) -> String {
        activity.form.contains("\(activity.hours) ч") ? activity.form : "\(activity.form), \(activity.hours) \(t("ч", "h"))"
    }

    var routeHeader: [String] {
        ["№", t("Дефицит", "Deficit"), t("Задача", "Task"), t("Мероприятие и форма", "Activity and form"), t("Сроки", "Term"),
         t("Наставник / сопровождающий", "Mentor"), t("Продукт / форма отчётности", "Product"), t("Отметка о выполнении", "Done")]
    }

    public func routeJSON(_ route: Route) -> JSONOutput {
        .object([
            ("respondent", .optional(route.respondent)), ("questionnaire", .string(questionnaire.id)),
            ("horizon", .string(route.horizonEnd.description)), ("start", .string(route.start.description)),
            ("programmeEnd", .string(route.programmeEnd.description)),
            ("steps", .array(route.steps.map { step in
                .object([
                    ("area", .string(step.area.id)), ("band", .string(step.band.id)), ("priority", .integer(step.priority)),
                    ("activity", .string(step.activity.title)), ("form", .string(step.activity.form)), ("kind", .string(step.activity.kind.rawValue)),
                    ("hours", .integer(step.activity.hours)), ("start", .string(step.start.description)), ("end", .string(step.end.description)),
                    ("phase", .string(step.inProgramme ? "programme" : "iom")),
                    ("product", .string(step.activity.product)), ("mentor", .optional(step.mentor)),
                    ("task", .optional(step.task == nil ? nil : taskText(step))),
                ])
            })),
            ("offers", .array(route.offers.map { .object([("area", .string($0.area.id)), ("score", .optional($0.score))]) })),
        ])
    }

    func routeHeading(_ route: Route) -> [String] {
        [t("Индивидуальный образовательный маршрут (ИОМ)", "Individual educational route") + (route.respondent.map { ": \($0)" } ?? ""),
         t("Программа наставничества: \(route.start) — \(route.programmeEnd); маршрут до \(route.horizonEnd)",
           "Mentoring programme: \(route.start) — \(route.programmeEnd); route until \(route.horizonEnd)")]
    }

    public func routeText(_ route: Route, catalogue: ActivityCatalogue, width: Int = 100) -> String {
        var out = routeHeading(route).joined(separator: "\n") + "\n"
        if route.steps.isEmpty { out += "\n" + t("Дефицитов нет — маршрут не нужен.", "No deficits: no route needed.") + "\n" }
        var lastPhase: Bool?
        for (index, step) in route.steps.enumerated() {
            if lastPhase != step.inProgramme {
                out += "\n" + (step.inProgramme ? t("Программа наставничества", "Mentoring programme") : t("Долгосрочный маршрут", "Long-term route")) + "\n"
                lastPhase = step.inProgramme
            }
            out += "\(index + 1). \(step.start) — \(step.end)  \(labels.area(step.area)) (\(bandName(step.band).lowercased()))\n"
            for line in TextLayout.wrap("\(step.activity.title). \(formWithHours(step.activity)).", to: width - 5) { out += "   " + line + "\n" }
            for line in TextLayout.wrap(taskText(step), to: width - 5) { out += "   " + line + "\n" }
            out += "   " + t("Продукт: ", "Product: ") + step.activity.product + "\n"
            if step.activity.kind == .mentoring { out += "   " + t("Наставник: ", "Mentor: ") + (step.mentor ?? t("назначается куратором", "assigned by the curator")) + "\n" }
        }
        if !route.offers.isEmpty {
            out += "\n" + t("Ваш ресурс для коллег: ", "What you can offer colleagues: ") + route.offers.map { labels.area($0.area) }.joined(separator: "; ")
            out += "\n   " + catalogue.strength.title + " — " + catalogue.strength.form + "\n"
        }
        return out
    }

    public func routeMarkdown(_ route: Route) -> String {
        var out = "# " + routeHeading(route)[0] + "\n\n" + routeHeading(route)[1] + "\n\n"
        out += "| " + routeHeader.joined(separator: " | ") + " |\n|" + routeHeader.map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in stepRows(route) { out += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
        return out
    }

    public func routeHTML(_ route: Route) -> String {
        var body = "<h1>\(htmlEscape(routeHeading(route)[0]))</h1><p class=\"meta\">\(htmlEscape(routeHeading(route)[1]))</p>"
        body += "<table><thead><tr>" + routeHeader.map { "<th>\(htmlEscape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in stepRows(route) { body += "<tr>" + row.enumerated().map { $0 == 0 ? "<td class=\"n\">\($1)</td>" : "<td>\(htmlEscape($1))</td>" }.joined() + "</tr>" }
        body += "</tbody></table>"
        return htmlPage(title: routeHeading(route)[0], language: labels.language, body: body, extraStyle: "@page { size: A4 landscape; } body { max-width: 80rem; }")
    }

    // MARK: - Group

    public func groupJSON(_ group: GroupAnalysis) -> JSONOutput {
        .object([
            ("questionnaire", .string(questionnaire.id)),
            ("respondents", .integer(group.teachers)),
            ("areas", .array(group.areas.map { a in
                .object([("id", .string(a.area.id)), ("title", .string(a.area.title)), ("deficits", .integer(a.deficits)), ("share", .number(a.share)),
                         ("strengths", .integer(a.strengths)), ("scored", .integer(a.scored)), ("groupSeminar", .bool(a.groupSeminar))])
            })),
            ("mentors", .array(group.pairs.map { .object([("mentee", .string($0.mentee)), ("mentor", .string($0.mentor)), ("areas", .array($0.areas.map(JSONOutput.string)))]) })),
            ("uncovered", .array(group.uncovered.map { .object([("mentee", .string($0.mentee)), ("area", .string($0.area))]) })),
            ("indicators", .object([
                ("diagnosed", .integer(group.teachers)), ("withRoute", .integer(group.withRoute)),
                ("shareWithRoute", .optional(group.teachers > 0 ? Double(group.withRoute) / Double(group.teachers) : nil)),
                ("inMentoring", .integer(group.inMentoring)),
                ("shareInMentoring", .optional(group.withRoute > 0 ? Double(group.inMentoring) / Double(group.withRoute) : nil)),
            ])),
            ("teachers", .array(group.profiles.map { p in
                .object([("respondent", .optional(p.respondent)),
                         ("scores", .object(p.areas.map { ($0.area.id, .optional($0.score)) }))])
            })),
        ])
    }

    func marker(_ area: AreaScore?) -> String {
        guard let area, let band = area.band else { return "·" }
        if band.strength { return "★" }
        if band.deficit { return questionnaire.scoring.bands.first { $0.deficit }?.id == band.id ? "▓" : "▒" }
        return " "
    }

    public func groupText(_ group: GroupAnalysis, width: Int = 100) -> String {
        var out = t("Дефициты педагогов: сводка по школе", "Teachers' deficits: the school") + "\n" + labels.title + "\n"
        out += t("Педагогов прошли диагностику: \(group.teachers)", "Teachers diagnosed: \(group.teachers)") + "\n\n"
        let nameWidth = min(28, max(12, group.profiles.compactMap { $0.respondent.map(TextLayout.width) }.max() ?? 12))
        out += TextLayout.pad(t("Педагог", "Teacher"), to: nameWidth) + "  " + questionnaire.areas.indices.map { TextLayout.pad("\($0 + 1)", to: 4, alignRight: true) }.joined(separator: " ") + "\n"
        for profile in group.profiles {
            out += TextLayout.pad(profile.respondent ?? "—", to: nameWidth) + "  "
            out += questionnaire.areas.map { area in
                let scored = profile.areas.first { $0.area.id == area.id }
                return TextLayout.pad(score(scored?.score), to: 3, alignRight: true) + marker(scored)
            }.joined(separator: " ") + "\n"
        }
        out += t("▓ выраженный дефицит, ▒ частичный, ★ ресурс\n\n", "▓ severe deficit, ▒ partial, ★ strength\n\n")
        out += t("Области:", "Areas:") + "\n"
        for (index, a) in group.areas.enumerated() {
            out += "  \(TextLayout.pad("\(index + 1).", to: 3)) \(TextLayout.pad(labels.area(a.area), to: 46)) " + t("дефицит у \(a.deficits) (\(Int((a.share * 100).rounded())) %)", "deficit: \(a.deficits) (\(Int((a.share * 100).rounded())) %)")
            if a.strengths > 0 { out += t(", ресурс у \(a.strengths)", ", strength: \(a.strengths)") }
            if a.groupSeminar { out += t("  → групповой семинар", "  → group seminar") }
            out += "\n"
        }
        out += "\n" + t("Наставнические пары:", "Mentor pairs:") + "\n"
        if group.pairs.isEmpty { out += "  " + t("нет педагогов с ресурсом в нужных областях", "no teacher is strong where others are deficient") + "\n" }
        for pair in group.pairs {
            out += "  \(pair.mentor) → \(pair.mentee): " + pair.areas.compactMap { questionnaire.area($0).map(labels.area) }.joined(separator: "; ") + "\n"
        }
        if !group.uncovered.isEmpty {
            out += t("Без наставника внутри школы: ", "No mentor in the school for: ") + group.uncovered.map { "\($0.mentee) (\(questionnaire.area($0.area).map(labels.area) ?? $0.area))" }.joined(separator: ", ") + "\n"
        }
        out += "\n" + t("Показатели:", "Indicators:") + "\n"
        let routeShare = group.teachers > 0 ? Int((Double(group.withRoute) / Double(group.teachers) * 100).rounded()) : 0
        out += t("  доля педагогов с ИОМ (среди прошедших диагностику): \(group.withRoute) из \(group.teachers), \(routeShare) %\n",
                 "  teachers with a route (of those diagnosed): \(group.withRoute) of \(group.teachers), \(routeShare) %\n")
        let mentoringShare = group.withRoute > 0 ? Int((Double(group.inMentoring) / Double(group.withRoute) * 100).rounded()) : 0
        out += t("  доля педагогов с дефицитами, включённых в наставничество: \(group.inMentoring) из \(group.withRoute), \(mentoringShare) %\n",
                 "  teachers with deficits who have a mentor: \(group.inMentoring) of \(group.withRoute), \(mentoringShare) %\n")
        return out
    }

    public func groupMarkdown(_ group: GroupAnalysis) -> String {
        var out = "# " + t("Дефициты педагогов: сводка по школе", "Teachers' deficits: the school") + "\n\n"
        out += "| " + t("Педагог", "Teacher") + " | " + questionnaire.areas.map { labels.area($0) }.joined(separator: " | ") + " |\n|---|" + questionnaire.areas.map { _ in "---:" }.joined(separator: "|") + "|\n"
        for p in group.profiles {
            out += "| \(p.respondent ?? "—") | " + questionnaire.areas.map { a in let s = p.areas.first { $0.area.id == a.id }; return score(s?.score) + marker(s).trimmingCharacters(in: .whitespaces) }.joined(separator: " | ") + " |\n"
        }
        out += "\n## " + t("Наставнические пары", "Mentor pairs") + "\n\n" + group.pairs.map { "- \($0.mentor) → \($0.mentee): \($0.areas.compactMap { questionnaire.area($0).map(labels.area) }.joined(separator: "; "))\n" }.joined()
        return out
    }

    public func groupHTML(_ group: GroupAnalysis) -> String {
        var body = "<h1>\(t("Дефициты педагогов: сводка по школе", "Teachers' deficits: the school"))</h1><p class=\"meta\">\(htmlEscape(labels.title)) · \(t("педагогов", "teachers")): \(group.teachers)</p>"
        body += "<table><thead><tr><th>\(t("Педагог", "Teacher"))</th>" + questionnaire.areas.map { "<th>\(htmlEscape(labels.area($0)))</th>" }.joined() + "</tr></thead><tbody>"
        for p in group.profiles {
            body += "<tr><td>\(htmlEscape(p.respondent ?? "—"))</td>"
            for area in questionnaire.areas {
                let s = p.areas.first { $0.area.id == area.id }
                let colour = bandColour(s?.band)
                body += "<td class=\"n\" style=\"background:\(colour);color:\(["#b2182b", "#2166ac"].contains(colour) ? "#fff" : "#111")\">\(score(s?.score))</td>"
            }
            body += "</tr>"
        }
        body += "<tr><th>\(t("Доля с дефицитом", "Share with deficit"))</th>" + group.areas.map { "<th>\(Int(($0.share * 100).rounded())) %\($0.groupSeminar ? " ●" : "")</th>" }.joined() + "</tr>"
        body += "</tbody></table><p class=\"meta\">● \(t("групповой семинар вместо индивидуальных шагов", "a group seminar instead of individual steps"))</p>"
        body += "<h2>\(t("Наставнические пары", "Mentor pairs"))</h2><ul>" + group.pairs.map { "<li>\(htmlEscape($0.mentor)) → \(htmlEscape($0.mentee)): \(htmlEscape($0.areas.compactMap { questionnaire.area($0).map(labels.area) }.joined(separator: "; ")))</li>" }.joined() + "</ul>"
        return htmlPage(title: t("Дефициты педагогов", "Teachers' deficits"), language: labels.language, body: body, extraStyle: "@page { size: A4 landscape; } th { font-size: .75rem; }")
    }
}
