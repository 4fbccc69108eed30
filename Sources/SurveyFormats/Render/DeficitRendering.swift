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

    /// «декабрь 2026» (a no-break space keeps the month with its year); JSON keeps `2026-12`.
    func monthName(_ m: YearMonth, genitive: Bool = false) -> String {
        let ru = genitive
            ? ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]
            : ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"]
        let en = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let index = min(max(m.month - 1, 0), 11)
        return t(ru[index], en[index]) + "\u{00A0}\(m.year)"
    }

    /// «декабрь 2026 – февраль 2027», or one month when the term is one month.
    func termText(_ from: YearMonth, _ to: YearMonth) -> String {
        from == to ? monthName(from) : monthName(from) + " – " + monthName(to)
    }

    /// «2 декабря 2026» for the header of a printed document; the command passes the date in.
    func dateText(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return "\(parts.day ?? 1)\u{00A0}" + monthName(YearMonth(year: parts.year ?? 1970, month: parts.month ?? 1), genitive: true)
    }

    func bandName(_ band: Band?) -> String { band.map { labels.name($0.id, fallback: $0.label) } ?? t("нет оценки", "no score") }
    func score(_ value: Double?) -> String { value.map { String(Int($0.rounded())) } ?? "—" }
    func meter(_ value: Double?, width: Int = 20) -> String {
        guard let value else { return String(repeating: "·", count: width) }
        let filled = Int((value / 100 * Double(width)).rounded())
        return String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    }
    func withheldNote(_ area: AreaScore) -> String {
        switch area.withheld {
        case .mostlyNotApplicable:
            t("не относится к работе: \(area.notApplicable) из \(area.total) — оценка не выставлена",
              "not part of the job: \(area.notApplicable) of \(area.total): no score")
        default:
            t("мало ответов (\(area.answered) из \(area.total - area.notApplicable)) — оценка не выставлена",
              "too few answers (\(area.answered) of \(area.total - area.notApplicable)): no score")
        }
    }

    func levelText(_ area: AreaScore) -> String {
        area.withheld != nil ? withheldNote(area) : bandName(area.band) + (area.forcedByTest ? t(" (тест)", " (test)") : "")
    }

    /// «67 % — средний» (all tasks answered), «1 из 3 — тест не завершён», «—» where the area has no tasks.
    func testText(_ test: TestResult?) -> String {
        guard let test else { return "—" }
        guard let band = test.band else {
            return t("\(test.answered) из \(test.total) — тест не завершён", "\(test.answered) of \(test.total): test not finished")
        }
        return "\(Int(test.score.rounded())) % — " + labels.name(band.id, fallback: band.label).lowercased()
    }

    /// The answer the teacher gave to a statement, as she saw it.
    func answerText(_ item: Item, _ profile: DeficitProfile) -> String? {
        guard let scale = questionnaire.scale(of: item), let value = profile.answers[item.id], let option = scale.option(value: value) else { return nil }
        return labels.option(option, of: scale)
    }

    /// «Учитель · Музыка · не классный руководитель · стаж 12 лет · 41 год · молодой специалист».
    func contextLine(_ context: TeacherContext) -> String? {
        guard !context.isEmpty else { return nil }
        var parts: [String] = []
        if let role = context.role { parts.append(questionnaire.contextField("role")?.display(role) ?? role) }
        if let subject = context.subject { parts.append(questionnaire.contextField("subject")?.display(subject) ?? subject) }
        if let classTeacher = context.classTeacher { parts.append(classTeacher ? t("классный руководитель", "class teacher") : t("не классный руководитель", "not a class teacher")) }
        if let experience = context.experience {
            parts.append(t("стаж ", "experience ") + labels.language.count(experience, ru: ("год", "года", "лет"), en: ("year", "years")))
        }
        if let age = context.age { parts.append(labels.language.count(age, ru: ("год", "года", "лет"), en: ("year old", "years old"))) }
        if context.isYoungSpecialist == true { parts.append(t("молодой специалист", "young specialist")) }
        if let school = context.school { parts.append(school) }
        return parts.joined(separator: " · ")
    }

    func agreementText(_ area: AreaScore) -> String? {
        guard let test = area.test, test.band != nil else { return nil }
        let name = labels.area(area.area), score = "\(Int(test.score.rounded())) %"
        if area.forcedByTest {
            return t("\(name): самооценка выше результата теста (\(score)) — по тесту высокий дефицит, область включена в дефициты.",
                     "\(name): the self-assessment is higher than the test (\(score)): the test shows a high deficit, so the area is a deficit.")
        }
        switch area.agreement {
        case .selfHigher?:
            return t("\(name): самооценка выше результата теста (\(score)).", "\(name): the self-assessment is higher than the test (\(score)).")
        case .selfLower?:
            return t("\(name): самооценка ниже результата теста (\(score)) — возможно, вы недооцениваете себя.",
                     "\(name): the self-assessment is lower than the test (\(score)): you may underrate yourself.")
        default:
            return nil
        }
    }

    // MARK: - Profile

    public func profileJSON(_ profile: DeficitProfile, change: ProfileChange?) -> JSONOutput {
        let context = profile.context
        var members: [(String, JSONOutput)] = [
            ("respondent", .optional(profile.respondent)), ("questionnaire", .string(questionnaire.id)),
            ("version", .string(profile.version)),
            ("context", .object([
                ("role", .optional(context.role)), ("subject", .optional(context.subject)), ("classTeacher", .optional(context.classTeacher)),
                ("experience", .optional(context.experience)), ("age", .optional(context.age)), ("school", .optional(context.school)),
                ("consent", .optional(context.consent)), ("youngSpecialist", .optional(context.isYoungSpecialist)),
            ])),
            ("areas", .array(profile.areas.map { area in
                .object([
                    ("id", .string(area.area.id)), ("title", .string(area.area.title)), ("score", .optional(area.score)),
                    ("mean", .optional(area.mean)),
                    ("level", .optional(area.band?.label)), ("band", .optional(area.band?.id)), ("selfBand", .optional(area.selfBand?.id)),
                    ("deficit", .bool(area.isDeficit)), ("strength", .bool(area.isStrength)), ("priority", .optional(area.priority)),
                    ("borderline", .bool(area.borderline)),
                    ("answered", .integer(area.answered)), ("total", .integer(area.total)), ("notApplicable", .integer(area.notApplicable)),
                    ("withheld", .optional(area.withheld.map { $0 == .mostlyNotApplicable ? "notApplicable" : "tooFewAnswers" })),
                    ("test", area.test.map { test in
                        .object([("score", .number(test.score)), ("answered", .integer(test.answered)), ("total", .integer(test.total)),
                                 ("band", .optional(test.band?.id))])
                    } ?? .null),
                    ("agreement", .optional(area.agreement?.rawValue)), ("forcedByTest", .bool(area.forcedByTest)),
                    ("weakest", .array(area.weakest.map { item in
                        .object([("id", .string(item.id)), ("number", .integer(item.number)), ("text", .string(item.text)),
                                 ("answer", .optional(answerText(item, profile)))])
                    })),
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

    func profileHeading(_ profile: DeficitProfile) -> [String] {
        [t("Профиль профессиональных дефицитов", "Professional deficit profile") + (profile.respondent.map { ": \($0)" } ?? ""),
         labels.title + " · " + t("версия определения ", "definition version ") + profile.version]
            + (contextLine(profile.context).map { [$0] } ?? [])
    }

    /// The teacher's own view at the end of `take` adds the confidential block; `profile` (the methodist's)
    /// never does.
    public func profileText(_ profile: DeficitProfile, change: ProfileChange?, width: Int = 100, confidential: Bool = false) -> String {
        var out = profileHeading(profile).joined(separator: "\n") + "\n\n"
        let hasTests = profile.areas.contains { $0.test != nil }
        // With tests beside the self-report there is no room for the bar: the score says the same.
        let meterWidth = hasTests ? 0 : 10
        let titleWidth = min(40, max(20, width - (hasTests ? 70 : 50)))
        out += TextLayout.pad(t("Область", "Area"), to: titleWidth) + "  " + TextLayout.pad(t("Балл", "Score"), to: 5, alignRight: true)
            + "  " + (meterWidth > 0 ? TextLayout.pad("", to: meterWidth) + "  " : "") + TextLayout.pad(t("Уровень", "Level"), to: 31)
            + (hasTests ? "  " + t("Тест", "Test") : "") + "\n"
        for area in profile.areas {
            var line = TextLayout.pad(labels.area(area.area), to: titleWidth) + "  "
                + TextLayout.pad(score(area.score) + (area.borderline ? "≈" : " "), to: 5, alignRight: true)
            line += "  " + (meterWidth > 0 ? meter(area.score, width: meterWidth) + "  " : "") + TextLayout.pad(levelText(area) + (area.priority.map { " [\($0)]" } ?? ""), to: 31)
            if hasTests { line += "  " + testText(area.test) }
            out += TextLayout.cut(line, to: max(width, 60)) + "\n"
        }
        var legend = [t("[N] — приоритет", "[N] — priority")]
        if profile.areas.contains(where: \.borderline) {
            legend.append(t("≈ на границе: один ответ на шаг выше или ниже меняет уровень", "≈ borderline: one answer one step up or down changes the level"))
        }
        if hasTests { legend.append(t("тест: доля баллов, уровни по распоряжению № Р-201", "test: share of points, levels of order Р-201")) }
        out += TextLayout.wrap(legend.joined(separator: "; "), to: width).joined(separator: "\n") + "\n"
        let agreements = profile.areas.compactMap(agreementText)
        if !agreements.isEmpty {
            out += "\n" + t("Самооценка и тест:", "Self-assessment and test:") + "\n"
            for line in agreements { out += TextLayout.wrap("— " + line, to: width - 2).map { "  " + $0 + "\n" }.joined() }
        }
        let deficits = profile.deficits
        if deficits.isEmpty {
            out += "\n" + t("Дефицитов не выявлено.", "No deficits found.") + "\n"
        } else {
            out += "\n" + t("Что снизило оценку (утверждения и ваш ответ):", "What pulled the score down (statements and your answer):") + "\n"
            for area in deficits {
                let head = "\(area.priority ?? 0). \(labels.area(area.area)) — \(bandName(area.band).lowercased())"
                    + (area.forcedByTest ? t(" по тесту (\(Int((area.test?.score ?? 0).rounded())) %), самооценка \(score(area.score))", " by the test (\(Int((area.test?.score ?? 0).rounded())) %), self-assessment \(score(area.score))") : ", \(score(area.score))")
                out += TextLayout.wrap(head, to: width - 4).enumerated().map { ($0.offset == 0 ? "  " : "     ") + $0.element + "\n" }.joined()
                for item in area.weakest.prefix(3) {
                    let answer = answerText(item, profile).map { t(" — ваш ответ: «\($0)»", " — your answer: «\($0)»") } ?? ""
                    out += TextLayout.wrap("— «\(labels.text(item))»" + answer, to: width - 6).map { "     " + $0 + "\n" }.joined()
                }
                if let test = area.test, !test.missed.isEmpty {
                    out += TextLayout.wrap(t("— задания теста с ошибками: ", "— test tasks missed: ") + test.missed.map { "№\($0.number)" }.joined(separator: ", "), to: width - 6)
                        .map { "     " + $0 + "\n" }.joined()
                }
            }
        }
        let strengths = profile.strengths
        if !strengths.isEmpty {
            out += "\n" + t("Ресурс — можно делиться опытом: ", "Strengths to share: ") + strengths.map { labels.area($0.area) }.joined(separator: "; ") + "\n"
        }
        if confidential, let block = profile.confidential {
            out += "\n" + t("Ваше самочувствие (видите только вы): ", "Your well-being (only you see this): ") + score(block.score)
                + t(" из 100", " of 100") + (block.band.map { " — " + labels.name($0.id, fallback: $0.label) } ?? "") + "\n"
            if let description = block.band?.description { out += TextLayout.wrap(description, to: width - 2).map { "  " + $0 + "\n" }.joined() }
        }
        if let change { out += "\n" + changeText(change) }
        return out
    }

    func changeText(_ change: ProfileChange) -> String {
        var out = t("Изменения с прошлой диагностики:", "Change since the previous diagnosis:") + "\n"
        for c in change.areas {
            guard let before = c.before, let after = c.after else { continue }
            // The change is the difference of the numbers shown, so the line always adds up.
            let delta = Int(after.rounded()) - Int(before.rounded())
            var line = "  " + TextLayout.pad(labels.area(c.area), to: 44) + "  \(score(before)) → \(score(after)) (\(delta > 0 ? "+" : delta < 0 ? "−" : "±")\(abs(delta)))"
            if c.closed { line += t("  ✓ дефицит закрыт", "  ✓ deficit closed") }
            if c.opened { line += t("  ⚠ новый дефицит", "  ⚠ new deficit") }
            out += line + "\n"
        }
        return out
    }

    public func profileMarkdown(_ profile: DeficitProfile, change: ProfileChange?) -> String {
        let heading = profileHeading(profile)
        var out = "# " + heading[0] + "\n\n" + heading.dropFirst().joined(separator: "  \n") + "\n\n"
        out += "| " + t("Область", "Area") + " | " + t("Балл (0–100)", "Score (0–100)") + " | " + t("Уровень", "Level")
            + " | " + t("Тест", "Test") + " | " + t("Приоритет", "Priority") + " |\n|---|---:|---|---|---:|\n"
        for area in profile.areas {
            out += "| \(labels.area(area.area)) | \(score(area.score))\(area.borderline ? " ≈" : "") | \(levelText(area)) | \(testText(area.test)) | \(area.priority.map(String.init) ?? "") |\n"
        }
        if profile.areas.contains(where: \.borderline) { out += "\n≈ " + t("на границе: один ответ на шаг выше или ниже меняет уровень", "borderline: one answer one step up or down changes the level") + "\n" }
        let agreements = profile.areas.compactMap(agreementText)
        if !agreements.isEmpty { out += "\n" + agreements.map { "- " + $0 + "\n" }.joined() }
        for area in profile.deficits where !area.weakest.isEmpty {
            out += "\n## \(area.priority ?? 0). \(labels.area(area.area))\n\n" + t("Снизили оценку:", "Pulled the score down:") + "\n\n"
            for item in area.weakest.prefix(3) {
                out += "- «\(labels.text(item))»" + (answerText(item, profile).map { t(" — ответ: «\($0)»", " — answer: «\($0)»") } ?? "") + "\n"
            }
        }
        if let change { out += "\n" + changeText(change).split(separator: "\n").map { "- " + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n") + "\n" }
        return out
    }

    /// The header of a printed document: the title, the lines under it, the date the command passed in.
    func documentHeader(_ lines: [String], date: Date?) -> String {
        "<header><h1>\(htmlEscape(lines[0]))</h1>" + lines.dropFirst().map { "<p class=\"meta\">\(htmlEscape($0))</p>" }.joined()
            + (date.map { "<p class=\"meta\">" + t("Дата: ", "Date: ") + htmlEscape(dateText($0)) + "</p>" } ?? "") + "</header>"
    }

    /// One swatch per band, in the colours the bars and the heat map use, plus any further notes.
    func bandLegend(_ notes: [String], missing: Bool = false) -> String {
        var seen = Set<String>()
        let swatches = questionnaire.scoring.bands.compactMap { band -> String? in
            let colour = bandColour(band)
            guard seen.insert(colour).inserted else { return nil }
            let name = band.deficit || band.strength ? bandName(band) : t("Без дефицита", "No deficit")
            return "<span><span class=\"swatch\" style=\"background:\(colour)\"></span>\(htmlEscape(name))</span>"
        }
        let none = missing ? "<span><span class=\"swatch\" style=\"background:\(bandColour(nil))\"></span>\(t("нет оценки", "no score"))</span>" : ""
        return "<div class=\"legend\">" + swatches.joined() + none + notes.map { "<span>\(htmlEscape($0))</span>" }.joined() + "</div>"
    }

    var borderlineNote: String { "≈ " + t("на границе: один ответ на шаг выше или ниже меняет уровень", "borderline: one answer one step up or down changes the level") }

    /// A printable A4 profile: the table with bars, a legend for every colour and mark, the change as a table.
    public func profileHTML(_ profile: DeficitProfile, change: ProfileChange?, generatedAt: Date? = nil) -> String {
        var body = documentHeader(profileHeading(profile), date: generatedAt)
        let hasTests = profile.areas.contains { $0.test != nil }
        body += "<h2>\(t("Профиль по областям", "Profile by area"))</h2>"
        body += "<table><thead><tr><th>\(t("Область", "Area"))</th><th>\(t("Балл (0–100)", "Score (0–100)"))</th><th>\(t("Шкала", "Scale"))</th><th>\(t("Уровень", "Level"))</th>"
            + (hasTests ? "<th>\(t("Тест", "Test"))</th>" : "") + "<th>\(t("Приоритет", "Priority"))</th></tr></thead><tbody>"
        for area in profile.areas {
            let pct = min(max(area.score ?? 0, 0), 100)
            body += "<tr><td>\(htmlEscape(labels.area(area.area)))</td><td class=\"n\">\(score(area.score))\(area.borderline ? " ≈" : "")</td>"
            body += "<td style=\"width:22%\"><div style=\"background:#eee;height:12px;border:1px solid #ccc\"><div style=\"background:\(bandColour(area.band));height:12px;width:\(Int(pct))%\"></div></div></td>"
            body += "<td>\(htmlEscape(levelText(area)))</td>" + (hasTests ? "<td>\(htmlEscape(testText(area.test)))</td>" : "") + "<td class=\"c\">\(area.priority.map(String.init) ?? "")</td></tr>"
        }
        body += "</tbody></table>"
        var notes = [t("приоритет 1 — начать с этой области", "priority 1: start with this area")]
        if profile.areas.contains(where: \.borderline) { notes.append(borderlineNote) }
        if hasTests { notes.append(t("тест: доля баллов за задания теста области, уровни по распоряжению № Р-201", "test: share of the area's test points, levels of order Р-201")) }
        body += bandLegend(notes)
        let agreements = profile.areas.compactMap(agreementText)
        if !agreements.isEmpty { body += "<h2>\(t("Самооценка и тест", "Self-assessment and test"))</h2><ul>" + agreements.map { "<li>\(htmlEscape($0))</li>" }.joined() + "</ul>" }
        if !profile.deficits.isEmpty { body += "<h2>\(t("Что снизило оценку", "What pulled the score down"))</h2>" }
        for area in profile.deficits where !area.weakest.isEmpty {
            body += "<h3>\(area.priority ?? 0). \(htmlEscape(labels.area(area.area))) — \(htmlEscape(bandName(area.band).lowercased()))</h3><table><thead><tr><th>\(t("Утверждение", "Statement"))</th><th>\(t("Ответ педагога", "The answer given"))</th></tr></thead><tbody>"
            body += area.weakest.map { item in "<tr><td>«\(htmlEscape(labels.text(item)))»</td><td>\(htmlEscape(answerText(item, profile) ?? "—"))</td></tr>" }.joined() + "</tbody></table>"
            if let test = area.test, !test.missed.isEmpty {
                body += "<p>" + htmlEscape(t("Задания теста с ошибками: ", "Test tasks missed: ") + test.missed.map { "№\($0.number)" }.joined(separator: ", ")) + "</p>"
            }
        }
        let strengths = profile.strengths
        if !strengths.isEmpty { body += "<h2>\(t("Ресурс", "Strengths"))</h2><p>" + htmlEscape(t("Можно делиться опытом: ", "Strengths to share: ") + strengths.map { labels.area($0.area) }.joined(separator: "; ")) + "</p>" }
        if let change { body += changeHTML(change) }
        return htmlPage(title: t("Профиль дефицитов", "Deficit profile") + " — " + (profile.respondent ?? ""), language: labels.language, body: body)
    }

    /// «Изменения» as a table; the change is the difference of the two numbers shown, as in the text.
    func changeHTML(_ change: ProfileChange) -> String {
        var body = "<h2>\(t("Изменения с прошлой диагностики", "Change since the previous diagnosis"))</h2><table><thead><tr><th>\(t("Область", "Area"))</th><th>\(t("Было", "Before"))</th><th>\(t("Стало", "After"))</th><th>\(t("Изменение (стало − было)", "Change (after − before)"))</th><th>\(t("Отметка", "Mark"))</th></tr></thead><tbody>"
        for c in change.areas {
            guard let before = c.before, let after = c.after else { continue }
            let delta = Int(after.rounded()) - Int(before.rounded())
            let mark = [c.closed ? t("✓ дефицит закрыт", "✓ deficit closed") : nil, c.opened ? t("⚠ новый дефицит", "⚠ new deficit") : nil].compactMap { $0 }.joined(separator: "; ")
            body += "<tr><td>\(htmlEscape(labels.area(c.area)))</td><td class=\"n\">\(score(before))</td><td class=\"n\">\(score(after))</td><td class=\"n\">\(delta > 0 ? "+" : delta < 0 ? "−" : "±")\(abs(delta))</td><td>\(htmlEscape(mark))</td></tr>"
        }
        return body + "</tbody></table>"
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
             "\(step.activity.title) (\(formWithHours(step.activity)))" + alternativesText(step).map { "; " + $0 } .joined(),
             termText(step.start, step.end),
             step.responsible ?? (step.activity.kind == .mentoring ? t("назначается", "to be assigned") : "—"),
             step.activity.result,
             step.activity.product + (step.activity.reportingForm.isEmpty ? "" : " — " + step.activity.reportingForm),
             markText(step)]
        }
    }

    /// The task of a step: the weak statement as the state to reach, or the missed test task to master.
    func taskText(_ step: RouteStep) -> String {
        guard let item = step.task else { return t("Устранить дефицит", "Close the deficit") }
        if item.test != nil { return t("Освоить то, о чём задание теста: «", "Master what the test task asks: «") + labels.text(item) + "»" }
        return (item.reverse ? t("Цель: преодолеть «", "Aim: overcome «") : t("Цель: «", "Aim: «")) + labels.text(item) + "»"
    }

    func alternativesText(_ step: RouteStep) -> [String] {
        step.alternatives.isEmpty ? [] : [t("или: ", "or: ") + step.alternatives.map { "\($0.title) (\(formWithHours($0)))" }.joined(separator: t("; или: ", "; or: "))]
    }

    func statusName(_ status: StepStatus) -> String {
        switch status {
        case .planned: t("запланировано", "planned")
        case .done: t("выполнено", "done")
        case .overdue: t("просрочено", "overdue")
        case .cancelled: t("отменено", "cancelled")
        }
    }

    /// The completion mark: empty while planned, else the status with the note.
    func markText(_ step: RouteStep) -> String {
        guard step.status != .planned || step.note != nil else { return "" }
        return statusName(step.status) + (step.note.map { ": " + $0 } ?? "")
    }

    /// The form with its hours, unless the form already names them («Курсы ДПО, 36 ч»).
    func formWithHours(_ activity: Activity) -> String {
        activity.form.contains("\(activity.hours) ч") ? activity.form : "\(activity.form), \(activity.hours) \(t("ч", "h"))"
    }

    var routeHeader: [String] {
        ["№", t("Дефицит", "Deficit"), t("Задача", "Task"), t("Мероприятие и форма", "Activity and form"), t("Сроки", "Term"),
         t("Наставник / ответственный", "Mentor / responsible"), t("Планируемый результат", "Planned result"),
         t("Продукт и форма отчётности", "Product and reporting form"), t("Отметка о выполнении", "Completion mark")]
    }

    func postponementText(_ p: Postponement, _ route: Route) -> String {
        let why: String
        switch p.reason {
        case .laterPriority:
            why = t("первый год держит только " + labels.language.count(route.rules.programmePriorities, ru: ("первый приоритет", "первых приоритета", "первых приоритетов"), en: ("priority", "priorities")) + " — область перенесена на следующий год маршрута",
                    "the first year holds only the top \(route.rules.programmePriorities) priorities: moved to a later year of the route")
        case .hoursLimit:
            why = t("в первые месяцы уже \(route.rules.maxHoursPerMonth) ч работы по маршруту в месяц — шаги сдвинуты",
                    "the first months already hold \(route.rules.maxHoursPerMonth) hours a month: steps moved on")
        case .formalLimit:
            why = t("не больше \(route.rules.maxFormalPerYear) курсов ДПО за 12 месяцев — курс сдвинут",
                    "at most \(route.rules.maxFormalPerYear) formal courses in twelve months: the course moved on")
        }
        return "\(labels.area(p.area)) (" + t("приоритет", "priority") + " \(p.priority)) — " + t("с ", "from ") + monthName(p.from, genitive: true) + ": " + why
    }

    func limitsText(_ route: Route) -> String {
        t("Нагрузка: в первый год — " + labels.language.count(route.rules.programmePriorities, ru: ("первый приоритет", "первых приоритета", "первых приоритетов"), en: ("priority", "priorities")) + "; не больше " + labels.language.count(route.rules.maxFormalPerYear, ru: ("курса", "курсов", "курсов"), en: ("course", "courses")) + " ДПО за 12 месяцев; не больше \(route.rules.maxHoursPerMonth) ч в месяц",
          "Workload: the first year holds the top \(route.rules.programmePriorities) priorities; at most \(route.rules.maxFormalPerYear) formal courses in twelve months; at most \(route.rules.maxHoursPerMonth) hours a month")
    }

    /// The deficit areas of the route, in priority order (for the reflective analysis).
    func routeAreas(_ route: Route) -> [Area] {
        var seen = Set<String>()
        return route.steps.sorted { $0.priority < $1.priority }.map(\.area).filter { seen.insert($0.id).inserted }
    }

    func reflection(_ route: Route, _ area: Area) -> [String] { route.reflections.filter { $0.area == area.id }.map(\.text) }

    public func routeJSON(_ route: Route) -> JSONOutput {
        func activityJSON(_ a: Activity) -> JSONOutput {
            .object([("id", .string(a.id)), ("activity", .string(a.title)), ("form", .string(a.form)), ("kind", .string(a.kind.rawValue)),
                     ("hours", .integer(a.hours)), ("months", .integer(a.months)), ("product", .string(a.product))])
        }
        return .object([
            ("respondent", .optional(route.respondent)), ("questionnaire", .string(questionnaire.id)),
            ("horizon", .string(route.horizonEnd.description)), ("start", .string(route.start.description)),
            ("programmeEnd", .string(route.programmeEnd.description)),
            ("selfDetermination", .object([("desiredImage", .optional(route.desiredImage)), ("selfEducationTheme", .optional(route.selfEducationTheme))])),
            ("limits", .object([("programmePriorities", .integer(route.rules.programmePriorities)), ("maxFormalPerYear", .integer(route.rules.maxFormalPerYear)),
                                ("maxHoursPerMonth", .integer(route.rules.maxHoursPerMonth))])),
            ("steps", .array(route.steps.enumerated().map { index, step in
                .object([
                    ("number", .integer(index + 1)),
                    ("area", .string(step.area.id)), ("band", .string(step.band.id)), ("priority", .integer(step.priority)),
                    ("activity", .string(step.activity.title)), ("activityId", .string(step.activity.id)),
                    ("form", .string(step.activity.form)), ("kind", .string(step.activity.kind.rawValue)),
                    ("hours", .integer(step.activity.hours)), ("months", .integer(step.activity.months)),
                    ("start", .string(step.start.description)), ("end", .string(step.end.description)),
                    ("phase", .string(step.inProgramme ? "programme" : "iom")),
                    ("product", .string(step.activity.product)), ("mentor", .optional(step.mentor)),
                    ("task", .optional(step.task == nil ? nil : taskText(step))), ("taskId", .optional(step.task?.id)),
                    ("addresses", .array(([step.task?.id].compactMap { $0 } + step.alsoAddresses).map(JSONOutput.string))),
                    ("result", .string(step.activity.result)), ("reportingForm", .string(step.activity.reportingForm)),
                    ("responsible", .optional(step.responsible)), ("status", .string(step.status.rawValue)), ("note", .optional(step.note)),
                    ("alternatives", .array(step.alternatives.map(activityJSON))),
                ])
            })),
            ("postponed", .array(route.postponed.map { p in
                .object([("area", .string(p.area.id)), ("priority", .integer(p.priority)), ("reason", .string(p.reason.rawValue)),
                         ("from", .string(p.from.description))])
            })),
            ("reflections", .array(route.reflections.map { .object([("area", .string($0.area)), ("text", .string($0.text))]) })),
            ("progress", .object([("done", .integer(route.progress.done)), ("steps", .integer(route.progress.of))])),
            ("offers", .array(route.offers.map { .object([("area", .string($0.area.id)), ("score", .optional($0.score))]) })),
        ])
    }

    func routeHeading(_ route: Route) -> [String] {
        [t("Индивидуальный образовательный маршрут (ИОМ)", "Individual educational route") + (route.respondent.map { ": \($0)" } ?? ""),
         t("Программа наставничества: \(termText(route.start, route.programmeEnd)); маршрут до \(monthName(route.horizonEnd, genitive: true))",
           "Mentoring programme: \(termText(route.start, route.programmeEnd)); route until \(monthName(route.horizonEnd))")]
    }

    func progressText(_ route: Route) -> String {
        let (done, of) = route.progress
        let overdue = route.steps.filter { $0.status == .overdue }.count
        return t("Выполнено шагов: \(done) из \(of)", "Steps done: \(done) of \(of)")
            + (overdue > 0 ? t(", просрочено: \(overdue)", ", overdue: \(overdue)") : "")
    }

    public func routeText(_ route: Route, catalogue: ActivityCatalogue, width: Int = 100) -> String {
        var out = routeHeading(route).joined(separator: "\n") + "\n"
        if route.steps.isEmpty { out += "\n" + t("Дефицитов нет — маршрут не нужен.", "No deficits: no route needed.") + "\n" }
        else {
            out += progressText(route) + "\n\n" + t("Самоопределение", "Self-determination") + "\n"
            if let image = route.desiredImage { for line in TextLayout.wrap(t("Желаемый образ: ", "Desired image: ") + image, to: width - 2) { out += "  " + line + "\n" } }
            if let theme = route.selfEducationTheme { for line in TextLayout.wrap(t("Тема самообразования: ", "Self-education theme: ") + theme, to: width - 2) { out += "  " + line + "\n" } }
            for line in TextLayout.wrap(limitsText(route), to: width - 2) { out += "  " + line + "\n" }
        }
        var lastPhase: Bool?
        for (index, step) in route.steps.enumerated() {
            if lastPhase != step.inProgramme {
                out += "\n" + (step.inProgramme ? t("Первый год: программа наставничества", "First year: mentoring programme") : t("Следующие шаги маршрута", "Later steps of the route")) + "\n"
                lastPhase = step.inProgramme
            }
            let mark = step.status == .planned ? "" : "  [" + statusName(step.status) + "]"
            out += "\(index + 1). \(termText(step.start, step.end))  \(labels.area(step.area)) (\(bandName(step.band).lowercased()))\(mark)\n"
            for line in TextLayout.wrap(taskText(step), to: width - 5) { out += "   " + line + "\n" }
            for line in TextLayout.wrap("\(step.activity.title). \(formWithHours(step.activity)).", to: width - 5) { out += "   " + line + "\n" }
            if !step.activity.result.isEmpty { for line in TextLayout.wrap(t("Результат: ", "Result: ") + step.activity.result, to: width - 5) { out += "   " + line + "\n" } }
            for line in TextLayout.wrap(t("Продукт: ", "Product: ") + step.activity.product + (step.activity.reportingForm.isEmpty ? "" : t("; отчётность: ", "; reporting: ") + step.activity.reportingForm), to: width - 5) { out += "   " + line + "\n" }
            if step.activity.kind == .mentoring { out += "   " + t("Наставник: ", "Mentor: ") + (step.mentor ?? t("назначается куратором", "assigned by the curator")) + "\n" }
            else if let who = step.responsible { out += "   " + t("Ответственный: ", "Responsible: ") + who + "\n" }
            for alternative in alternativesText(step) { for line in TextLayout.wrap(alternative, to: width - 5) { out += "   " + line + "\n" } }
            if let note = step.note { for line in TextLayout.wrap(t("Отметка: ", "Mark: ") + note, to: width - 5) { out += "   " + line + "\n" } }
        }
        if !route.postponed.isEmpty {
            out += "\n" + t("Отложено:", "Postponed:") + "\n"
            for p in route.postponed { for (i, line) in TextLayout.wrap(postponementText(p, route), to: width - 4).enumerated() { out += (i == 0 ? "  – " : "    ") + line + "\n" } }
        }
        if !route.steps.isEmpty {
            out += "\n" + t("Рефлексивный анализ по дефицитам:", "Reflective analysis per deficit:") + "\n"
            for area in routeAreas(route) {
                let texts = reflection(route, area)
                out += "  \(labels.area(area)): " + (texts.isEmpty ? t("(заполняется педагогом по итогам шагов)", "(written by the teacher after the steps)") : texts.joined(separator: " / ")) + "\n"
            }
        }
        if !route.offers.isEmpty {
            out += "\n" + t("Ваш ресурс для коллег:", "What you can offer colleagues:") + "\n"
            for offer in route.offers {
                let o = catalogue.offer(for: offer.area.id)
                for line in TextLayout.wrap("\(labels.area(offer.area)): \(o.title) — \(o.form)", to: width - 4) { out += "  " + line + "\n" }
            }
        }
        return out
    }

    func routeSections(_ route: Route) -> (selfDetermination: [String], postponed: [String], reflections: [(String, String)]) {
        let sd = [route.desiredImage.map { t("Желаемый образ: ", "Desired image: ") + $0 }, route.selfEducationTheme.map { t("Тема самообразования: ", "Self-education theme: ") + $0 }, route.steps.isEmpty ? nil : limitsText(route)].compactMap { $0 }
        let reflections = routeAreas(route).map { area in
            (labels.area(area), reflection(route, area).joined(separator: " / "))
        }
        return (sd, route.postponed.map { postponementText($0, route) }, reflections)
    }

    public func routeMarkdown(_ route: Route) -> String {
        var out = "# " + routeHeading(route)[0] + "\n\n" + routeHeading(route)[1] + "\n\n"
        let sections = routeSections(route)
        if !route.steps.isEmpty { out += progressText(route) + "\n\n## " + t("Самоопределение", "Self-determination") + "\n\n" + sections.selfDetermination.map { "- \($0)\n" }.joined() + "\n" }
        out += "| " + routeHeader.joined(separator: " | ") + " |\n|" + routeHeader.map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in stepRows(route) { out += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
        if !sections.postponed.isEmpty { out += "\n## " + t("Отложено", "Postponed") + "\n\n" + sections.postponed.map { "- \($0)\n" }.joined() }
        if !sections.reflections.isEmpty {
            out += "\n## " + t("Рефлексивный анализ", "Reflective analysis") + "\n\n"
            for (area, text) in sections.reflections { out += "- **\(area)**: " + (text.isEmpty ? "…" : text) + "\n" }
        }
        return out
    }

    /// A printable ИОМ: A4 landscape for the nine-column table, a legend for the row colours, the signatures.
    public func routeHTML(_ route: Route, generatedAt: Date? = nil) -> String {
        var body = documentHeader(routeHeading(route), date: generatedAt)
        let sections = routeSections(route)
        if !route.steps.isEmpty {
            body += "<p class=\"meta\">\(htmlEscape(progressText(route)))</p>"
            body += "<h2>\(t("Самоопределение", "Self-determination"))</h2><ul class=\"self\">" + sections.selfDetermination.map { "<li>\(htmlEscape($0))</li>" }.joined() + "</ul>"
        }
        body += "<h2>\(t("План мероприятий", "Plan of activities"))</h2>"
        if route.steps.isEmpty { body += "<p>\(t("Дефицитов нет — маршрут не нужен.", "No deficits: no route needed."))</p>" }
        else {
            body += "<table class=\"route\"><thead><tr>" + routeHeader.map { "<th>\(htmlEscape($0))</th>" }.joined() + "</tr></thead><tbody>"
            var lastPhase: Bool?
            for (row, step) in zip(stepRows(route), route.steps) {
                if lastPhase != step.inProgramme {
                    body += "<tr class=\"phase\"><th colspan=\"\(routeHeader.count)\">" + (step.inProgramme ? t("Первый год: программа наставничества", "First year: mentoring programme") : t("Следующие шаги маршрута", "Later steps of the route")) + "</th></tr>"
                    lastPhase = step.inProgramme
                }
                body += "<tr class=\"\(step.status.rawValue)\">" + row.enumerated().map { $0 == 0 ? "<td class=\"n\">\($1)</td>" : "<td>\(htmlEscape($1))</td>" }.joined() + "</tr>"
            }
            body += "</tbody></table>"
            body += "<div class=\"legend\"><span><span class=\"swatch\" style=\"background:#e6f2e6\"></span>\(t("выполнено", "done"))</span><span><span class=\"swatch\" style=\"background:#fbe3e0\"></span>\(t("просрочено", "overdue"))</span><span><s>\(t("зачёркнуто", "struck out"))</s> — \(t("отменено", "cancelled"))</span><span>\(t("без цвета — запланировано", "no colour: planned"))</span></div>"
        }
        if !sections.postponed.isEmpty { body += "<h2>\(t("Отложено", "Postponed"))</h2><ul>" + sections.postponed.map { "<li>\(htmlEscape($0))</li>" }.joined() + "</ul>" }
        if !sections.reflections.isEmpty {
            body += "<h2>\(t("Рефлексивный анализ", "Reflective analysis"))</h2><dl>"
            for (area, text) in sections.reflections { body += "<dt>\(htmlEscape(area))</dt><dd>\(text.isEmpty ? "&nbsp;" : htmlEscape(text))</dd>" }
            body += "</dl>"
        }
        if !route.steps.isEmpty { body += signaturesHTML() }
        return htmlPage(title: routeHeading(route)[0], language: labels.language, body: body,
                        extraStyle: Self.routeStyle)
    }

    /// The ИОМ's print layout. Landscape for the nine columns; a compact header so that page 1 holds the
    /// header and the start of the plan; a row is kept whole (`break-inside: avoid` on rows, never on the
    /// table: a row taller than a page is still split by the browser, and the table flows across pages with
    /// its header repeated); long words wrap inside their column.
    static let routeStyle = """
    @page { size: A4 landscape; margin: 10mm 10mm 12mm 12mm; }
    body { max-width: 80rem; }
    header h1 { font-size: 1.25rem; margin: 0 0 .15rem; } header .meta { display: inline-block; margin: 0 1.4rem .1rem 0; font-size: .85rem; }
    h2 { font-size: 1rem; margin: .9rem 0 .3rem; }
    body > .meta { font-size: .85rem; }
    ul.self { margin: .2rem 0 .4rem; padding-left: 1.2rem; font-size: .85rem; } ul.self li { margin: .05rem 0; }
    table.route { font-size: .72rem; table-layout: fixed; break-inside: auto; margin-top: .2rem; }
    table.route td, table.route th { padding: .2rem .3rem; } table.route td { overflow-wrap: break-word; hyphens: auto; }
    table.route tr { break-inside: avoid; }
    table.route th:nth-child(1) { width: 3%; } table.route th:nth-child(2) { width: 12%; } table.route th:nth-child(3) { width: 15%; }
    table.route th:nth-child(4) { width: 22%; } table.route th:nth-child(5) { width: 8.5%; } table.route th:nth-child(6) { width: 9.5%; }
    table.route th:nth-child(7) { width: 11%; } table.route th:nth-child(8) { width: 11%; } table.route th:nth-child(9) { width: 8%; }
    tr.phase { break-after: avoid; } tr.phase th { text-align: left; background: #e8ecf0; }
    tr.done td { background: #e6f2e6; } tr.overdue td { background: #fbe3e0; } tr.cancelled td { color: #888; text-decoration: line-through; }
    dd { border-bottom: 1px solid #999; min-height: 1.5rem; }
    table.signatures { width: 100%; table-layout: fixed; font-size: .9rem; margin-top: .4rem; }
    table.signatures th, table.signatures td { border: none; background: none; text-align: left; font-weight: normal; padding: .2rem .6rem .2rem 0; }
    table.signatures thead th { font-size: .75rem; color: #555; }
    table.signatures th:nth-child(1) { width: 27%; } table.signatures th:nth-child(2) { width: 33%; }
    table.signatures th:nth-child(3) { width: 18%; } table.signatures th:nth-child(4) { width: 22%; }
    table.signatures tbody th, table.signatures tbody td { height: 2rem; vertical-align: bottom; }
    table.signatures tbody td { border-bottom: 1px solid #333; } table.signatures tbody td + td { border-left: .8rem solid #fff; }
    table.signatures tbody td.date { border-bottom: none; white-space: nowrap; }
    """

    /// The ИОМ is agreed by the teacher, the mentor and the deputy head, as on the seeds' forms: one row each,
    /// with lines for the name, the signature and the date in aligned columns.
    func signaturesHTML() -> String {
        let roles = [t("Педагог", "Teacher"), t("Наставник", "Mentor"), t("Заместитель директора по УВР", "Deputy head for teaching")]
        let date = "«____» ____________ 20____"
        return "<section class=\"signatures\"><h2>\(t("Согласовано", "Agreed"))</h2><table class=\"signatures\"><thead><tr><th></th>"
            + "<th>\(t("ФИО", "Name"))</th><th>\(t("Подпись", "Signature"))</th><th>\(t("Дата", "Date"))</th></tr></thead><tbody>"
            + roles.map { "<tr><th scope=\"row\">\(htmlEscape($0))</th><td></td><td></td><td class=\"date\">\(date)</td></tr>" }.joined()
            + "</tbody></table></section>"
    }

    // MARK: - Group

    /// Why a pair was formed, as a curator reads it.
    public func pairReasons(_ pair: GroupAnalysis.MentorPair) -> [String] {
        var reasons: [String] = []
        let scores = pair.mentorScores.map { String(Int($0.rounded())) }.joined(separator: ", ")
        reasons.append(t("ресурс в области (балл \(scores))", "strength in the area (score \(scores))"))
        reasons.append(t("согласие на наставничество", "consent to mentor"))
        if let years = pair.mentorExperience {
            reasons.append(t("стаж ", "experience ") + labels.language.count(years, ru: ("год", "года", "лет"), en: ("year", "years")))
        }
        if let subject = pair.sharedSubject {
            let name = subject == "preschool" ? t("дошкольное образование", "pre-school") : (questionnaire.contextField("subject")?.display(subject) ?? subject)
            reasons.append(t("тот же предмет (уровень): ", "same subject (level): ") + name)
        }
        if let school = pair.school { reasons.append(t("та же школа: ", "same school: ") + school) }
        if pair.youngSpecialist { reasons.append(t("молодой специалист — в паре в первую очередь", "young specialist: paired first")) }
        if pair.reverse { reasons.append(t("реверсивное наставничество: наставник моложе", "reverse mentoring: the mentor is younger")) }
        return reasons
    }

    func pairLine(_ pair: GroupAnalysis.MentorPair) -> String {
        "\(pair.mentor) → \(pair.mentee): " + pair.areas.compactMap { questionnaire.area($0).map(labels.area) }.joined(separator: "; ")
    }

    public func groupJSON(_ group: GroupAnalysis) -> JSONOutput {
        .object([
            ("questionnaire", .string(questionnaire.id)),
            ("respondents", .integer(group.teachers)),
            ("areas", .array(group.areas.map { a in
                .object([("id", .string(a.area.id)), ("title", .string(a.area.title)), ("deficits", .integer(a.deficits)), ("share", .number(a.share)),
                         ("strengths", .integer(a.strengths)), ("scored", .integer(a.scored)), ("groupSeminar", .bool(a.groupSeminar)),
                         ("alpha", .optional(group.reliability.first { $0.area == a.area.id }?.alpha)),
                         ("alphaComplete", .optional(group.reliability.first { $0.area == a.area.id }?.complete))])
            })),
            ("mentors", .array(group.pairs.map { pair in
                .object([("mentee", .string(pair.mentee)), ("mentor", .string(pair.mentor)), ("areas", .array(pair.areas.map(JSONOutput.string))),
                         ("mentorScores", .array(pair.mentorScores.map(JSONOutput.number))), ("mentorExperience", .optional(pair.mentorExperience)),
                         ("sharedSubject", .optional(pair.sharedSubject)), ("school", .optional(pair.school)),
                         ("youngSpecialist", .bool(pair.youngSpecialist)), ("reverse", .bool(pair.reverse)),
                         ("why", .array(pairReasons(pair).map(JSONOutput.string)))])
            })),
            ("uncovered", .array(group.uncovered.map { .object([("mentee", .string($0.mentee)), ("area", .string($0.area))]) })),
            ("indicators", .object([
                ("diagnosed", .integer(group.teachers)), ("withRoute", .integer(group.withRoute)),
                ("shareWithRoute", .optional(group.teachers > 0 ? Double(group.withRoute) / Double(group.teachers) : nil)),
                ("inMentoring", .integer(group.inMentoring)),
                ("shareInMentoring", .optional(group.withRoute > 0 ? Double(group.inMentoring) / Double(group.withRoute) : nil)),
                ("youngSpecialists", .integer(group.youngSpecialists)), ("youngInMentoring", .integer(group.youngInMentoring)),
                ("stepsDone", .integer(group.stepsDone.done)), ("steps", .integer(group.stepsDone.of)),
                ("shareStepsDone", .optional(group.stepsDone.of > 0 ? Double(group.stepsDone.done) / Double(group.stepsDone.of) : nil)),
            ])),
            ("teachers", .array(group.profiles.map { p in
                .object([("respondent", .optional(p.respondent)),
                         ("scores", .object(p.marks.map { ($0.area.id, .optional($0.mark.score)) })),
                         ("routeProgress", p.respondent.flatMap { group.progress[$0] }.map { .object([("done", .integer($0.done)), ("steps", .integer($0.of))]) } ?? .null)])
            })),
        ])
    }

    /// «α = 0,78 (n = 24)» or why there is none.
    func reliabilityText(_ r: AreaReliability) -> String {
        guard let alpha = r.alpha else {
            if r.items < 2 { return t("α не считается: меньше двух общих утверждений", "no alpha: fewer than two common statements") }
            return r.complete < AreaReliability.minimumComplete
                ? t("α не считается: полных ответов \(r.complete) (нужно от \(AreaReliability.minimumComplete))", "no alpha: \(r.complete) complete answers (\(AreaReliability.minimumComplete) needed)")
                : t("α не считается: ответы не различаются", "no alpha: the answers do not vary")
        }
        return "α = " + labels.language.decimal(alpha, digits: 2) + " (n = \(r.complete))" + (alpha < AreaReliability.warnBelow ? " ⚠" : "")
    }

    func marker(_ area: TeacherSummary.Mark?) -> String {
        guard let area, let band = area.band else { return "·" }
        if band.strength { return "★" }
        if band.deficit { return questionnaire.scoring.bands.first { $0.deficit }?.id == band.id ? "▓" : "▒" }
        return " "
    }

    public func groupText(_ group: GroupAnalysis, width: Int = 100) -> String {
        var out = t("Дефициты педагогов: сводка по школе", "Teachers' deficits: the school") + "\n" + labels.title + "\n"
        let n = group.teachers
        let verb = n % 10 == 1 && n % 100 != 11 ? "прошёл" : "прошли"
        out += t("Диагностику \(verb) " + labels.language.count(n, ru: ("педагог", "педагога", "педагогов"), en: ("teacher", "teachers")) + ".",
                 "Teachers diagnosed: \(n).") + "\n\n"
        let nameWidth = min(28, max(12, group.profiles.compactMap { $0.respondent.map(TextLayout.width) }.max() ?? 12))
        out += TextLayout.pad(t("Педагог", "Teacher"), to: nameWidth) + "  " + questionnaire.areas.indices.map { TextLayout.pad("\($0 + 1)", to: 4, alignRight: true) }.joined(separator: " ") + "\n"
        for profile in group.profiles {
            out += TextLayout.pad(profile.respondent ?? "—", to: nameWidth) + "  "
            out += questionnaire.areas.map { area in
                let scored = profile.area(area.id)
                return TextLayout.pad(score(scored?.score), to: 3, alignRight: true) + marker(scored)
            }.joined(separator: " ") + (profile.respondent.flatMap { group.progress[$0] }.map { t("  ИОМ: \($0.done) из \($0.of)", "  route: \($0.done) of \($0.of)") } ?? "") + "\n"
        }
        out += t("▓ выраженный дефицит, ▒ частичный, ★ ресурс\n\n", "▓ severe deficit, ▒ partial, ★ strength\n\n")
        out += t("Области:", "Areas:") + "\n"
        for (index, a) in group.areas.enumerated() {
            out += "  \(TextLayout.pad("\(index + 1).", to: 3)) \(TextLayout.pad(labels.area(a.area), to: 46)) " + t("дефицит у \(a.deficits) (\(Int((a.share * 100).rounded())) %)", "deficit: \(a.deficits) (\(Int((a.share * 100).rounded())) %)")
            if a.strengths > 0 { out += t(", ресурс у \(a.strengths)", ", strength: \(a.strengths)") }
            if a.groupSeminar { out += t("  → групповой семинар", "  → group seminar") }
            if let r = group.reliability.first(where: { $0.area == a.area.id }) { out += "; " + reliabilityText(r) }
            out += "\n"
        }
        let weak = group.reliability.filter { ($0.alpha ?? 1) < AreaReliability.warnBelow }
        if !weak.isEmpty {
            out += TextLayout.wrap(t("Внимание: α ниже 0,6 — утверждения области в этой школе согласуются слабо, балл области читайте с осторожностью: ",
                                     "Note: alpha below 0.6: the area's statements agree weakly in this school; read its score with care: ")
                                   + weak.compactMap { questionnaire.area($0.area).map(labels.area) }.joined(separator: "; "), to: width).joined(separator: "\n") + "\n"
        }
        out += "\n" + t("Наставнические пары:", "Mentor pairs:") + "\n"
        if group.pairs.isEmpty { out += "  " + t("нет педагогов с ресурсом в нужных областях", "no teacher is strong where others are deficient") + "\n" }
        for pair in group.pairs {
            for (i, line) in TextLayout.wrap(pairLine(pair), to: width - 4).enumerated() { out += (i == 0 ? "  " : "    ") + line + "\n" }
            for line in TextLayout.wrap(t("почему: ", "why: ") + pairReasons(pair).joined(separator: "; "), to: width - 4) { out += "    " + line + "\n" }
        }
        if !group.uncovered.isEmpty {
            out += t("Без наставника внутри школы:", "No mentor in the school for:") + "\n"
            for line in TextLayout.wrap("(" + uncoveredNote(group) + ")", to: width - 2) {
                out += "  " + line + "\n"
            }
            for (mentee, areas) in uncoveredByMentee(group) { for line in TextLayout.wrap("\(mentee): " + areas.joined(separator: "; "), to: width - 4) { out += "  " + line + "\n" } }
        }
        out += "\n" + t("Показатели:", "Indicators:") + "\n"
        out += indicatorLines(group).map { "  " + $0 + "\n" }.joined()
        return out
    }

    func uncoveredNote(_ group: GroupAnalysis) -> String {
        t("нет свободного педагога с ресурсом в области, согласием и стажем от " + labels.language.count(group.rules.mentorMinExperience, ru: ("года", "лет", "лет"), en: ("year", "years")) + "; в предметной и методической областях — того же предмета или уровня",
          "no teacher with capacity left, a strength in the area, consent and \(group.rules.mentorMinExperience) years' experience; in the subject and methodical areas, of the same subject or level")
    }

    /// The teachers left without a mentor in the school, each with the areas, in the order they come.
    func uncoveredByMentee(_ group: GroupAnalysis) -> [(String, [String])] {
        var order: [String] = []
        var byMentee: [String: [String]] = [:]
        for (mentee, area) in group.uncovered {
            if byMentee[mentee] == nil { order.append(mentee) }
            byMentee[mentee, default: []].append(questionnaire.area(area).map(labels.area) ?? area)
        }
        return order.map { ($0, byMentee[$0] ?? []) }
    }

    /// The school's indicators (the text's «Показатели», the HTML's list).
    func indicatorLines(_ group: GroupAnalysis) -> [String] {
        var lines: [String] = []
        let routeShare = group.teachers > 0 ? Int((Double(group.withRoute) / Double(group.teachers) * 100).rounded()) : 0
        lines.append(t("доля педагогов с ИОМ (среди прошедших диагностику): \(group.withRoute) из \(group.teachers), \(routeShare) %",
                       "teachers with a route (of those diagnosed): \(group.withRoute) of \(group.teachers), \(routeShare) %"))
        let mentoringShare = group.withRoute > 0 ? Int((Double(group.inMentoring) / Double(group.withRoute) * 100).rounded()) : 0
        lines.append(t("доля педагогов с дефицитами, включённых в наставничество: \(group.inMentoring) из \(group.withRoute), \(mentoringShare) %",
                       "teachers with deficits who have a mentor: \(group.inMentoring) of \(group.withRoute), \(mentoringShare) %"))
        if group.youngSpecialists > 0 {
            let share = Int((Double(group.youngInMentoring) / Double(group.youngSpecialists) * 100).rounded())
            lines.append(t("доля молодых специалистов в наставничестве: \(group.youngInMentoring) из \(group.youngSpecialists), \(share) %",
                           "young specialists in mentoring: \(group.youngInMentoring) of \(group.youngSpecialists), \(share) %"))
        }
        if group.stepsDone.of > 0 {
            let share = Int((Double(group.stepsDone.done) / Double(group.stepsDone.of) * 100).rounded())
            lines.append(t("доля выполненных шагов ИОМ: \(group.stepsDone.done) из \(group.stepsDone.of), \(share) %",
                           "route steps done: \(group.stepsDone.done) of \(group.stepsDone.of), \(share) %"))
        }
        return lines
    }

    public func groupMarkdown(_ group: GroupAnalysis) -> String {
        var out = "# " + t("Дефициты педагогов: сводка по школе", "Teachers' deficits: the school") + "\n\n"
        out += "| " + t("Педагог", "Teacher") + " | " + questionnaire.areas.map { labels.area($0) }.joined(separator: " | ") + " |\n|---|" + questionnaire.areas.map { _ in "---:" }.joined(separator: "|") + "|\n"
        for p in group.profiles {
            out += "| \(p.respondent ?? "—") | " + questionnaire.areas.map { a in let s = p.area(a.id); return score(s?.score) + marker(s).trimmingCharacters(in: .whitespaces) }.joined(separator: " | ") + " |\n"
        }
        out += "\n## " + t("Наставнические пары", "Mentor pairs") + "\n\n" + group.pairs.map { "- " + pairLine($0) + " (" + pairReasons($0).joined(separator: "; ") + ")\n" }.joined()
        return out
    }

    public func groupHTML(_ group: GroupAnalysis, generatedAt: Date? = nil) -> String {
        htmlPage(title: t("Дефициты педагогов", "Teachers' deficits"), language: labels.language, body: groupHTMLBody(group, date: generatedAt), extraStyle: groupStyle)
    }

    var groupStyle: String { "@page { size: A4 landscape; } body { max-width: 80rem; } table.heat th { font-size: .72rem; } table.heat td.n { text-align: center; }" }

    /// Everything the text form shows: the heat map with its legend, the areas with alpha, the pairs with their
    /// reasons, who is left without a mentor, the indicators.
    func groupHTMLBody(_ group: GroupAnalysis, heading: String? = nil, date: Date? = nil) -> String {
        let n = group.teachers
        let verb = n % 10 == 1 && n % 100 != 11 ? "прошёл" : "прошли"
        var body = documentHeader([heading ?? t("Дефициты педагогов: сводка по школе", "Teachers' deficits: the school"), labels.title,
                                   t("Диагностику \(verb) " + labels.language.count(n, ru: ("педагог", "педагога", "педагогов"), en: ("teacher", "teachers")) + ".", "Teachers diagnosed: \(n).")], date: date)
        body += "<h2>\(t("Баллы педагогов по областям", "Teachers' scores by area"))</h2>"
        body += "<table class=\"heat\"><thead><tr><th>\(t("Педагог", "Teacher"))</th>" + questionnaire.areas.enumerated().map { "<th>\($0.offset + 1). \(htmlEscape(labels.area($0.element)))</th>" }.joined() + "<th>\(t("ИОМ: шагов выполнено", "Route: steps done"))</th></tr></thead><tbody>"
        for p in group.profiles {
            let routeDone = p.respondent.flatMap { group.progress[$0] }.map { t("\($0.done) из \($0.of)", "\($0.done) of \($0.of)") } ?? "—"
            body += "<tr><td>\(htmlEscape(p.respondent ?? "—"))</td>"
            for area in questionnaire.areas {
                let s = p.area(area.id)
                let colour = bandColour(s?.band)
                body += "<td class=\"n\" style=\"background:\(colour);color:\(["#b2182b", "#2166ac"].contains(colour) ? "#fff" : "#111")\">\(score(s?.score))\(s?.borderline == true ? " ≈" : "")</td>"
            }
            body += "<td class=\"c\">\(htmlEscape(routeDone))</td></tr>"
        }
        body += "<tr><th>\(t("Доля с дефицитом", "Share with deficit"))</th>" + group.areas.map { "<th>\(Int(($0.share * 100).rounded())) %\($0.groupSeminar ? " ●" : "")</th>" }.joined() + "<th></th></tr>"
        body += "</tbody></table>"
        body += bandLegend([borderlineNote, "● " + t("групповой семинар вместо индивидуальных шагов", "a group seminar instead of individual steps")], missing: true)
        body += "<h2>\(t("Области", "Areas"))</h2><table><thead><tr><th>№</th><th>\(t("Область", "Area"))</th><th>\(t("Дефицит у", "Deficit"))</th><th>\(t("Ресурс у", "Strength"))</th><th>\(t("Групповой семинар", "Group seminar"))</th><th>\(t("Согласованность утверждений (α)", "Agreement of the statements (alpha)"))</th></tr></thead><tbody>"
        for (index, a) in group.areas.enumerated() {
            let alpha = group.reliability.first { $0.area == a.area.id }.map(reliabilityText) ?? "—"
            body += "<tr><td class=\"n\">\(index + 1)</td><td>\(htmlEscape(labels.area(a.area)))</td><td class=\"n\">\(a.deficits) (\(Int((a.share * 100).rounded())) %)</td><td class=\"n\">\(a.strengths)</td><td class=\"c\">\(a.groupSeminar ? t("да", "yes") : "")</td><td>\(htmlEscape(alpha))</td></tr>"
        }
        body += "</tbody></table>"
        let weak = group.reliability.filter { ($0.alpha ?? 1) < AreaReliability.warnBelow }
        if !weak.isEmpty {
            body += "<p class=\"warn\">" + htmlEscape(t("Внимание: α ниже 0,6 — утверждения области в этой школе согласуются слабо, балл области читайте с осторожностью: ",
                                                         "Note: alpha below 0.6: the area's statements agree weakly in this school; read its score with care: ")
                                                       + weak.compactMap { questionnaire.area($0.area).map(labels.area) }.joined(separator: "; ")) + "</p>"
        }
        body += "<h2>\(t("Наставнические пары", "Mentor pairs"))</h2>"
        if group.pairs.isEmpty { body += "<p>\(t("Нет педагогов с ресурсом в нужных областях.", "No teacher is strong where others are deficient."))</p>" }
        else {
            body += "<table><thead><tr><th>\(t("Пара", "Pair"))</th><th>\(t("Почему", "Why"))</th></tr></thead><tbody>"
            body += group.pairs.map { "<tr><td>\(htmlEscape(pairLine($0)))</td><td>\(htmlEscape(pairReasons($0).joined(separator: "; ")))</td></tr>" }.joined() + "</tbody></table>"
        }
        let uncovered = uncoveredByMentee(group)
        if !uncovered.isEmpty {
            body += "<h2>\(t("Без наставника внутри школы", "No mentor in the school"))</h2><p class=\"meta\">\(htmlEscape(uncoveredNote(group)))</p><ul>"
                + uncovered.map { "<li>\(htmlEscape($0.0)): \(htmlEscape($0.1.joined(separator: "; ")))</li>" }.joined() + "</ul>"
        }
        body += "<h2>\(t("Показатели", "Indicators"))</h2><ul>" + indicatorLines(group).map { "<li>\(htmlEscape($0))</li>" }.joined() + "</ul>"
        return body
    }

    // MARK: - District (group --by)

    func summaryRow(_ name: String, _ g: GroupAnalysis) -> [String] {
        let steps = g.stepsDone
        return [name, String(g.teachers), String(g.withRoute), String(g.inMentoring), String(g.pairs.count),
                g.youngSpecialists > 0 ? "\(g.youngInMentoring)/\(g.youngSpecialists)" : "—",
                steps.of > 0 ? "\(Int((Double(steps.done) / Double(steps.of) * 100).rounded())) %" : "—"]
    }

    func summaryHeader(_ label: String) -> [String] {
        [label, t("Педагогов", "Teachers"), t("С ИОМ", "With route"), t("В наставничестве", "In mentoring"), t("Пар", "Pairs"),
         t("Молодые в наставничестве", "Young in mentoring"), t("Шагов выполнено", "Steps done")]
    }

    /// One block per group (school) and a district summary.
    public func districtText(_ blocks: [(name: String, group: GroupAnalysis)], total: GroupAnalysis, by label: String, width: Int = 100) -> String {
        var out = ""
        for (name, group) in blocks {
            out += "══ \(label): \(name) ══\n" + groupText(group, width: width) + "\n"
        }
        out += t("Сводка по району", "District summary") + " (" + label + ")\n"
        let rows = [summaryHeader(label)] + blocks.map { summaryRow($0.name, $0.group) } + [summaryRow(t("Всего", "Total"), total)]
        let widths = summaryHeader(label).indices.map { c in rows.map { TextLayout.width($0[c]) }.max() ?? 0 }
        for (i, row) in rows.enumerated() {
            out += row.enumerated().map { c, cell in TextLayout.pad(cell, to: min(widths[c], 30), alignRight: c > 0) }.joined(separator: "  ") + "\n"
            if i == 0 || i == rows.count - 2 { out += widths.map { String(repeating: "─", count: min($0, 30)) }.joined(separator: "  ") + "\n" }
        }
        return out
    }

    public func districtJSON(_ blocks: [(name: String, group: GroupAnalysis)], total: GroupAnalysis, by field: String) -> JSONOutput {
        func summary(_ g: GroupAnalysis) -> JSONOutput {
            .object([("teachers", .integer(g.teachers)), ("withRoute", .integer(g.withRoute)), ("inMentoring", .integer(g.inMentoring)),
                     ("pairs", .integer(g.pairs.count)), ("youngSpecialists", .integer(g.youngSpecialists)), ("youngInMentoring", .integer(g.youngInMentoring)),
                     ("stepsDone", .integer(g.stepsDone.done)), ("steps", .integer(g.stepsDone.of))])
        }
        return .object([("questionnaire", .string(questionnaire.id)), ("by", .string(field)),
                        ("blocks", .array(blocks.map { .object([("group", .string($0.name)), ("summary", summary($0.group)), ("analysis", groupJSON($0.group))]) })),
                        ("summary", summary(total))])
    }

    public func districtMarkdown(_ blocks: [(name: String, group: GroupAnalysis)], total: GroupAnalysis, by label: String) -> String {
        var out = blocks.map { "\n## \(label): \($0.name)\n\n" + groupMarkdown($0.group) }.joined()
        out += "\n## " + t("Сводка по району", "District summary") + "\n\n| " + summaryHeader(label).joined(separator: " | ") + " |\n|" + summaryHeader(label).map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in blocks.map({ summaryRow($0.name, $0.group) }) + [summaryRow(t("Всего", "Total"), total)] { out += "| " + row.joined(separator: " | ") + " |\n" }
        return out
    }

    public func districtHTML(_ blocks: [(name: String, group: GroupAnalysis)], total: GroupAnalysis, by label: String) -> String {
        var body = blocks.map { "<section class=\"page\">" + groupHTMLBody($0.group, heading: "\(label): \($0.name)") + "</section>" }.joined()
        body += "<section class=\"page\"><h1>\(t("Сводка по району", "District summary"))</h1><table><thead><tr>" + summaryHeader(label).map { "<th>\(htmlEscape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in blocks.map({ summaryRow($0.name, $0.group) }) + [summaryRow(t("Всего", "Total"), total)] {
            body += "<tr>" + row.enumerated().map { $0 == 0 ? "<td>\(htmlEscape($1))</td>" : "<td class=\"n\">\(htmlEscape($1))</td>" }.joined() + "</tr>"
        }
        body += "</tbody></table></section>"
        return htmlPage(title: t("Дефициты педагогов: район", "Teachers' deficits: district"), language: labels.language, body: body, extraStyle: groupStyle + " section.page:first-child { break-before: auto; }")
    }
}
