import SurveyEngine
import SurveyFormats

/// What `survey take` shows once the last answer is stored: a teacher sees her deficit profile at once.
func afterTakeSummary(_ q: Questionnaire, response: Response, invocation: Invocation) -> String {
    let l = invocation.language
    let answered = response.values.count + response.texts.count
    let context = TeacherContext(attributes: response.attributes)
    let asked = q.items.filter { q.applies($0, to: context) }.count
    var out = Messages.answersSaved(answered, of: asked).text(l) + "\n"
    guard q.kind == .deficits else { return out }
    let profile = DeficitProfile(response, questionnaire: q)
    // The teacher's own screen: the confidential block is shown here and nowhere else.
    out += "\n" + DeficitRendering(q, language: invocation.language).profileText(profile, change: nil, width: terminalWidth(), confidential: true)
    // What the test got wrong, with the key and why: the teacher learns from the diagnosis at once.
    let missed = profile.areas.flatMap { $0.test?.missed ?? [] }
    if !missed.isEmpty {
        out += "\n" + Messages.testTasksToReview.text(l) + "\n"
        for item in missed {
            guard let task = item.test else { continue }
            let key = task.options.indices.filter { task.options[$0].correct }.map { "\(TestTask.letters[$0])) \(task.options[$0].label)" }.joined(separator: "; ")
            out += TextLayout.wrap("№\(item.number). " + Messages.rightAnswer.text(l) + key + (task.explanation.map { " — " + $0 } ?? ""), to: terminalWidth() - 4)
                .map { "  " + $0 + "\n" }.joined()
        }
    }
    if let name = response.respondent, !profile.deficits.isEmpty {
        out += "\n" + Messages.routeCommand(q.id, name: name).text(l) + "\n"
    }
    return out
}
