import Foundation
import SurveyEngine
import SurveyFormats

/// `survey monitor ID`: class summaries per stage and dynamics, or a child's development card.
let monitorCommand = Command(
    name: "monitor", summary: "Child monitoring: class summaries per stage, dynamics, development cards.",
    usage: "ID [--stage start|mid|final] [--child NAME | --all-children] [--format text|md|json|html] [--out FILE]",
    discussion: """
    The class summary is the sheet's footer rows: children at each level per criterion, as counts and as
    percents of the real number of children rated; per area the children in each band (low, medium, high)
    and the mean level; then the change start → mid → final. --child gives one child's development card: per
    domain and area the level at each stage, the change, flagged regressions and criteria still at level I,
    and the individual work planned from the weakest criteria. --all-children prints every card (HTML: one
    per page). Sheets come in with 'survey import ID FILE --stage S'.
    """,
    arguments: [("ID", "A monitoring questionnaire (preschool-monitoring).")],
    options: [stageOption, .value("--child", "NAME", "One child's development card."),
              .flag("--all-children", "Every child's card."), reportFormatOption, anonymizeOption, outOption],
    positionals: 1...1,
    examples: ["survey monitor preschool-monitoring", "survey monitor preschool-monitoring --child \"Айгерим К.\"",
               "survey monitor preschool-monitoring --all-children --format html --out cards.html"]
) { invocation throws(CLIError) in
    let q = try invocation.questionnaire(invocation.positionals[0])
    guard q.kind == .monitoring else { throw .usage("monitor is for monitoring questionnaires; '\(q.id)' is \(q.kind.rawValue)") }
    let responses = try invocation.currentResponses(q.id)
    guard let analysis = MonitoringAnalysis(questionnaire: q, responses: responses) else { throw .failed("'\(q.id)' has no level scale") }
    guard !responses.isEmpty else {
        throw .failed("no sheets of '\(q.id)' in \(invocation.store.root)", hint: "import one: survey import \(q.id) FILE --stage start")
    }
    let rendering = MonitoringRendering(analysis, language: invocation.language)
    let format = invocation.value("--format") ?? "text"
    if invocation.value("--child") != nil || invocation.has("--all-children") {
        let names = invocation.value("--child").map { [$0] } ?? analysis.children
        var cards: [DevelopmentCard] = []
        for name in names {
            guard let card = analysis.card(for: name) else {
                throw .failed("no child «\(name)» in '\(q.id)'", hint: TextFolding.nearest(name, among: analysis.children).map { "did you mean «\($0)»?" })
            }
            var shown = card
            shown.child = try displayName(card.child, invocation)
            cards.append(shown)
        }
        switch format {
        case "json": try emit((cards.count == 1 ? rendering.cardJSON(cards[0]) : .array(cards.map(rendering.cardJSON))).rendered(), invocation)
        case "md": try emit(cards.map(rendering.cardMarkdown).joined(separator: "\n"), invocation)
        case "html": try emit(rendering.cardsHTML(cards), invocation)
        default: try emit(cards.map(rendering.cardText).joined(separator: "\n" + String(repeating: "─", count: 60) + "\n\n"), invocation)
        }
        return 0
    }
    var stages = q.stages
    if let stage = invocation.value("--stage") {
        guard let chosen = q.stages.first(where: { $0.id == stage }) else { throw .usage("unknown stage '\(stage)'; one of \(q.stages.map(\.id).joined(separator: ", "))") }
        stages = [chosen]
    }
    let summaries = stages.map(analysis.summary(of:)).filter { $0.children > 0 || stages.count == 1 }
    switch format {
    case "json": try emit(rendering.summaryJSON(summaries).rendered(), invocation)
    case "md": try emit(rendering.summaryMarkdown(summaries), invocation)
    case "html": try emit(rendering.summaryHTML(summaries), invocation)
    default: try emit(rendering.summaryText(summaries), invocation)
    }
    return 0
}
