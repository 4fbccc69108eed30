import SurveyEngine
import SurveyFormats

/// What `survey take` shows once the last answer is stored: a teacher sees her deficit profile at once.
func afterTakeSummary(_ q: Questionnaire, response: Response, invocation: Invocation) -> String {
    let t = invocation.language.t
    let answered = response.values.count + response.texts.count
    var out = t("Сохранено ответов: \(answered) из \(q.items.count).\n", "Answers saved: \(answered) of \(q.items.count).\n")
    guard q.kind == .deficits else { return out }
    let profile = DeficitProfile(response, questionnaire: q)
    out += "\n" + DeficitRendering(q, language: invocation.language).profileText(profile, change: nil, width: terminalWidth())
    if let name = response.respondent, !profile.deficits.isEmpty {
        out += "\n" + t("Маршрут (ИОМ): survey route \(q.id) --respondent \"\(name)\"\n", "Route: survey route \(q.id) --respondent \"\(name)\"\n")
    }
    return out
}
