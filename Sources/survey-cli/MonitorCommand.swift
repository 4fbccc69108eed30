import Foundation
import SurveyEngine
import SurveyFormats

/// `survey monitor ID`: class summaries per stage and dynamics, or a child's development card.
let monitorCommand = Command(
    name: "monitor", summary: "Child monitoring: observation sheets, class summaries per stage, movement, dynamics, development cards.",
    usage: "ID [--stage start|mid|final] [--sheet [--blank N] | --report] [--child NAME | --all-children] [--format text|md|csv|json|html] [--out FILE]",
    discussion: """
    The class summary is the sheet's footer rows: children at each level per criterion, as counts and as
    percents of the children actually assessed at that stage; per area the children in each band (low,
    medium, high) and the mean level; the movement of children (at the start, arrived, left, at the end);
    then the change start → mid → final. --report gives the summary by domain and the analytical report:
    per domain the share of children at each level per stage, the change, the criteria most often at level I,
    as text to paste into the self-assessment. --sheet --stage S prints the stage's observation sheet: children as
    rows (natural order), criterion codes as columns grouped by area and domain, one level per cell, each
    child's mean and level, footer rows per criterion (children and percent at I, II, III) and the class's
    distribution per area and domain; HTML is printable on A4 landscape, one domain per page; CSV opens in
    Excel. --blank N prints an empty sheet of N rows with every criterion's indicators, to fill by hand (its
    CSV imports once filled). --child gives one child's development card: per domain and area the level at
    each stage, the change, flagged regressions and criteria still at level I, the teacher's measures
    («Мероприятия») per stage, and short suggestions. --all-children prints every card (HTML: one per page).
    Sheets come in with 'survey import ID FILE --stage S'.
    """,
    arguments: [("ID", "A monitoring questionnaire (preschool-monitoring, preschool-monitoring-kk).")],
    options: [stageOption, .value("--child", "NAME", "One child's development card."),
              .flag("--all-children", "Every child's card."),
              .flag("--sheet", "The observation sheet of one stage (needs --stage)."),
              .flag("--report", "The summary by domain and the analytical report (shares per level per stage, change, weakest criteria)."),
              .value("--blank", "N", "With --sheet: an empty printable sheet with N rows."),
              .flag("--excel", "CSV: UTF-8 with a byte-order mark, so Russian Excel opens it correctly."),
              .value("--format", "FORMAT", "text (default), md, json or html; csv for --sheet.", choices: ["text", "md", "json", "html", "csv"]),
              anonymizeOption, outOption],
    positionals: 1...1,
    examples: ["survey monitor preschool-monitoring", "survey monitor preschool-monitoring --sheet --stage start --format html --out sheet.html",
               "survey monitor preschool-monitoring --sheet --stage start --blank 25 --format html --out blank.html",
               "survey monitor preschool-monitoring --report --format html --out report.html",
               "survey monitor preschool-monitoring --child \"Айгерим К.\"",
               "survey monitor preschool-monitoring --all-children --format html --out cards.html"]
) { invocation throws(CLIError) in
    let q = try invocation.questionnaire(invocation.positionals[0])
    guard q.kind == .monitoring else { throw .usage(Messages.commandIsFor("monitor", kind: Messages.monitoringPlural, questionnaire: q.id, kindName: Messages.kindName(q.kind)).text(invocation.language)) }
    let format = invocation.value("--format") ?? "text"
    if invocation.has("--sheet") { return try monitorSheet(q, invocation: invocation, format: format) }
    if format == "csv" { throw .usage(Messages.sheetOnlyCSV.text(invocation.language)) }
    if invocation.value("--blank") != nil { throw .usage(Messages.sheetOnlyBlank.text(invocation.language)) }
    // The class summary names children only in its movement line; with --anonymize those are pseudonyms.
    let responses = try childSheets(q, invocation,
                                    pseudonymised: invocation.has("--anonymize") && invocation.value("--child") == nil && !invocation.has("--all-children"))
    guard let analysis = MonitoringAnalysis(questionnaire: q, sheets: responses) else { throw .message(Messages.noLevelScale(q.id)) }
    guard !responses.isEmpty else {
        throw .message(Messages.noSheets(q.id, store: invocation.store.root), hint: Messages.hintImportSheet(q.id))
    }
    let rendering = MonitoringRendering(analysis, language: invocation.language)
    if invocation.has("--report") {
        let report = MonitoringReport(rendering)
        switch format {
        case "json": try emit(report.json().rendered(), invocation)
        case "md": try emit(report.markdown(), invocation)
        case "html": try emit(report.html(), invocation)
        default: try emit(report.text(), invocation)
        }
        return 0
    }
    if invocation.value("--child") != nil || invocation.has("--all-children") {
        // One card per child however the name was spelled at each stage (names compare folded).
        var folded = Set<String>()
        let names = (invocation.value("--child").map { [$0] } ?? analysis.children).filter { folded.insert(TextFolding.fold($0)).inserted }
        var cards: [DevelopmentCard] = []
        for name in names {
            guard let card = analysis.card(for: name) else {
                throw .message(Messages.noChild(name, questionnaire: q.id), hint: TextFolding.nearest(name, among: analysis.children).map(Messages.didYouMeanName))
            }
            var shown = card
            shown.child = try displayName(card.child, invocation)
            cards.append(shown)
        }
        // Pseudonymised cards go in pseudonym order, not in the order of the children's real names.
        if invocation.has("--anonymize") { cards.sort { $0.child < $1.child } }
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
        guard let chosen = q.stages.first(where: { $0.id == stage }) else { throw .usage(Messages.unknownStage(stage, questionnaire: q.id, stages: q.stages.map(\.id)).text(invocation.language)) }
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

/// `--sheet --stage S [--blank N]`: one stage's observation sheet, or an empty one to print.
private func monitorSheet(_ q: Questionnaire, invocation: Invocation, format: String) throws(CLIError) -> Int32 {
    guard let stageID = invocation.value("--stage") else {
        throw .usage(Messages.sheetNeedsStage(q.stages.map(\.id)).text(invocation.language))
    }
    guard let stage = q.stages.first(where: { $0.id == stageID }) else {
        throw .usage(Messages.unknownStage(stageID, questionnaire: q.id, stages: q.stages.map(\.id)).text(invocation.language))
    }
    let blank = try invocation.integer("--blank", range: 1...500)
    let responses = blank == nil ? try childSheets(q, invocation, pseudonymised: invocation.has("--anonymize")) : []
    guard let analysis = MonitoringAnalysis(questionnaire: q, sheets: responses) else { throw .message(Messages.noLevelScale(q.id)) }
    let sheets = ObservationSheetRendering(MonitoringRendering(analysis, language: invocation.language))
    if let blank {
        switch format {
        case "csv": try emit(sheets.blankCSV(rows: blank, excel: invocation.has("--excel")), invocation)
        case "html": try emit(sheets.blankHTML(stage: stage, rows: blank), invocation)
        case "text", "md": try emit(sheets.blankText(stage: stage, rows: blank), invocation)
        default: throw .usage(Messages.blankSheetFormats.text(invocation.language))
        }
        return 0
    }
    guard !(analysis.byStage[stage.id] ?? []).isEmpty else {
        throw .message(Messages.noSheetOfStage(stage.id, questionnaire: q.id, store: invocation.store.root),
                       hint: Messages.hintImportOrBlankSheet(q.id, stage: stage.id))
    }
    let sheet = analysis.sheet(of: stage)
    let movement = analysis.movement
    switch format {
    case "json": try emit(sheets.json(sheet, movement: movement).rendered(), invocation)
    case "csv": try emit(sheets.csv(sheet, excel: invocation.has("--excel")), invocation)
    case "md": try emit(sheets.markdown(sheet, movement: movement), invocation)
    case "html": try emit(sheets.html(sheet, movement: movement), invocation)
    default: try emit(sheets.text(sheet, movement: movement), invocation)
    }
    return 0
}

/// The current sheet rows, one record decoded at a time and kept as a `ChildSheet` (one byte a criterion);
/// names replaced by pseudonyms when asked.
private func childSheets(_ q: Questionnaire, _ invocation: Invocation, pseudonymised: Bool) throws(CLIError) -> [ChildSheet] {
    let snapshot = try invocation.snapshot(q.id)
    let layout = ChildSheet.Layout(q)
    let key: [UInt8]?
    if pseudonymised {
        do { key = try PseudonymKey.load(storeRoot: invocation.store.root) } catch { throw .from(error) }
    } else {
        key = nil
    }
    var sheets: [ChildSheet] = []
    do throws(StoreError) {
        try snapshot.forEachCurrent { record throws(StoreError) in
            var sheet = ChildSheet(try record.response(), layout: layout)
            if let key { sheet.respondent = sheet.respondent.map { Pseudonym.make($0, key: key) } }
            sheets.append(sheet)
        }
    } catch { throw .from(error) }
    return sheets
}
