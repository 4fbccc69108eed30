import Foundation
import SurveyEngine
import SurveyFormats

let respondentOption = OptionSpec.value("--respondent", "NAME", "The teacher (as named when answering).")
let reportFormatOption = OptionSpec.value("--format", "FORMAT", "text (default), md, json or html.", choices: ["text", "md", "json", "html"])
let outOption = OptionSpec.value("--out", "FILE", "Write to FILE instead of standard output.")

/// A deficits questionnaire and its stored diagnoses, as the deficit commands need them: read from the
/// store in one streaming pass each, never all decoded at once.
struct Diagnoses {
    let questionnaire: Questionnaire
    /// Earlier versions of the definition, for answers stored under them.
    let earlier: [Questionnaire]
    /// One scoring plan per version, built once for all the teachers.
    let plans: [String: DeficitScoringPlan]
    let snapshot: StoreSnapshot
    /// The language of the failures these reads report.
    let language: Language

    init(_ invocation: Invocation) throws(CLIError) {
        let q = try invocation.questionnaire(invocation.positionals[0])
        guard q.kind == .deficits else {
            throw .usage(Messages.commandIsForDeficits(invocation.command.name, questionnaire: q.id, kind: q.kind).text(invocation.language))
        }
        questionnaire = q
        language = invocation.language
        earlier = invocation.library.earlierVersions(of: q.id).filter { $0.version != q.version }
        plans = Dictionary(([q] + earlier).map { ($0.version, DeficitScoringPlan($0)) }, uniquingKeysWith: { a, _ in a })
        snapshot = try invocation.snapshot(q.id)
    }

    /// The respondent's diagnoses, oldest first; names are compared folded (case, spaces, ё/е). Only that
    /// person's records are decoded.
    func history(of name: String) throws(CLIError) -> [Response] {
        let key = TextFolding.fold(name)
        var mine: [Response] = []
        do throws(StoreError) {
            try snapshot.forEach { record throws(StoreError) in
                if let respondent = record.respondent(), TextFolding.fold(respondent) == key { mine.append(try record.response()) }
            }
        } catch { throw .from(error) }
        guard !mine.isEmpty else {
            var names = Set<String>()
            do throws(StoreError) { try snapshot.forEachCurrent { record throws(StoreError) in if let n = record.respondent() { names.insert(n) } } } catch { throw .from(error) }
            let sorted = names.sorted()
            throw .message(Messages.noDiagnosisOf(name, questionnaire: questionnaire.id),
                           hint: TextFolding.nearest(name, among: sorted).map(Messages.didYouMeanName) ?? (sorted.isEmpty ? Messages.nothingStoredYet(questionnaire.id) : nil))
        }
        return mine
    }

    /// A response scored with the definition it was given under (an old store keeps its old statements).
    func profile(_ response: Response) -> DeficitProfile {
        let definition = definition(of: response)
        return DeficitProfile(response, plan: plans[definition.version] ?? DeficitScoringPlan(definition))
    }

    func definition(of response: Response) -> Questionnaire {
        questionnaire.version(for: response, among: earlier)
    }

    /// Each named teacher's latest diagnosis as a summary (what `group` shows), sorted by name, with the rows
    /// that Cronbach's alpha per area needs: one record decoded at a time, nothing of it kept but the summary
    /// and one `Int16` per common statement.
    var district: District {
        get throws(CLIError) {
            var teachers: [TeacherSummary] = []
            var rowOf: [Int32] = []
            let reliability = AreaReliability.Accumulator(questionnaire: questionnaire)
            var rows: [Int16] = []
            // Schools, subjects and roles repeat: one copy of each.
            var words = Set<String>()
            func shared(_ text: String?) -> String? { text.map { words.insert($0).memberAfterInsert } }
            do throws(StoreError) {
                try snapshot.forEachCurrent { record throws(StoreError) in
                    guard record.respondent() != nil else { return }
                    let response = try record.response()
                    let definition = definition(of: response)
                    let plan = plans[definition.version] ?? DeficitScoringPlan(definition)
                    let profile = DeficitProfile(response, plan: plan)
                    var summary = TeacherSummary(profile, areas: plan.questionnaire.areas, bands: plan.questionnaire.scoring.bands)
                    summary.context.school = shared(summary.context.school)
                    summary.context.subject = shared(summary.context.subject)
                    summary.context.role = shared(summary.context.role)
                    teachers.append(summary)
                    if profile.version == questionnaire.version {
                        rowOf.append(Int32(rows.count / max(1, reliability.width)))
                        reliability.row(response.values, into: &rows)
                    } else {
                        rowOf.append(-1)
                    }
                }
            } catch { throw .from(error) }
            var district = District(teachers: teachers, rowOf: rowOf, rows: rows, reliability: reliability)
            // Natural order: «Учитель 3» before «Учитель 10».
            district.reorder(NaturalOrder.sorted(Array(teachers.indices)) { teachers[$0].respondent ?? "" })
            return district
        }
    }

    /// Each named teacher's latest diagnosis as a summary, sorted by name.
    var profiles: [TeacherSummary] { get throws(CLIError) { try district.teachers } }

    func catalogue(_ invocation: Invocation) throws(CLIError) -> ActivityCatalogue {
        let path = CatalogueLoader.path(for: questionnaire.id, folder: invocation.library.folder)
        guard FileIO.exists(path) else { throw .message(Messages.noActivityCatalogue(questionnaire.id, path: path), hint: Messages.hintActivityCatalogues) }
        let outcome = CatalogueLoader.load(path: path, questionnaire: questionnaire)
        guard let catalogue = outcome.catalogue else { throw .refused(outcome.problems, summary: Messages.catalogueHasProblems.text(language)) }
        return catalogue
    }
}

let anonymizeOption = OptionSpec.flag("--anonymize", "Replace names with stable pseudonyms (for reports that leave the school).")

/// The name a report prints: the person's own, or with --anonymize the store's stable pseudonym for it.
func displayName(_ name: String, _ invocation: Invocation) throws(CLIError) -> String {
    guard invocation.has("--anonymize") else { return name }
    do { return Pseudonym.make(name, key: try PseudonymKey.load(storeRoot: invocation.store.root)) } catch { throw .from(error) }
}

func emit(_ text: String, _ invocation: Invocation) throws(CLIError) {
    let sink = try OutputSink(path: invocation.value("--out"), language: invocation.language)
    try sink.write(text, encoding: .utf8)
    try sink.close()
}

/// A district's teachers as `group` keeps them: summaries, and beside each (by `rowOf`, −1 when her answers were
/// given under an earlier version of the definition) her row of option indices for alpha per area.
struct District {
    var teachers: [TeacherSummary]
    var rowOf: [Int32]
    let rows: [Int16]
    let reliability: AreaReliability.Accumulator

    /// Puts the teachers (and their rows) in the order of these indices.
    mutating func reorder(_ order: [Int]) {
        teachers = order.map { teachers[$0] }
        rowOf = order.map { rowOf[$0] }
    }

    /// Alpha per area over the teachers who answered the current version, added in the teachers' order.
    var areaReliability: [AreaReliability] {
        var accumulator = reliability
        let width = accumulator.width
        for row in rowOf where row >= 0 { accumulator.add(row: rows[Int(row) * width..<(Int(row) + 1) * width]) }
        return accumulator.result()
    }
}

/// `survey profile ID --respondent NAME`.
let profileCommand = Command(
    name: "profile", summary: "Show a teacher's deficit profile: a score and level per area, priorities, change since last time.",
    usage: "ID --respondent NAME [--format text|md|json|html] [--out FILE]",
    discussion: """
    Each area's score is 0–100 (percent of the maximum) over the statements that apply to the teacher's role,
    subject and class-teacher duty; «Не относится к моей работе» counts as neither a deficit nor a strength. The
    level comes from the bands of the definition, drawn on the mean answer so that a band means what its answer
    says; «≈» marks a score one answer step from another level. Beside it, the test result (share of points,
    levels of order Р-201); a high deficit by the test makes the area a deficit whatever the self-report says.
    Deficits are ordered most severe first. An area with too few answers gets no score. When the teacher took
    the diagnosis before, the change per area is shown and closed deficits marked. Answers stored under an
    earlier version of the definition are scored with that version, and the profile says which.
    The confidential block (the teacher's own state) is never shown here.
    """,
    arguments: [("ID", "A deficits questionnaire (teacher-deficits).")],
    options: [respondentOption, reportFormatOption, anonymizeOption, outOption], positionals: 1...1,
    examples: ["survey profile teacher-deficits --respondent \"Иванова Анна Сергеевна\""]
) { invocation throws(CLIError) in
    let diagnoses = try Diagnoses(invocation)
    guard let name = invocation.value("--respondent") else { throw .usage(Messages.needsRespondent("profile").text(invocation.language)) }
    let history = try diagnoses.history(of: name)
    let latest = history[history.count - 1]
    let q = diagnoses.definition(of: latest)
    var profile = diagnoses.profile(latest)
    profile.respondent = try profile.respondent.map { name throws(CLIError) in try displayName(name, invocation) }
    let change = history.count > 1 ? ProfileChange(before: diagnoses.profile(history[history.count - 2]), after: profile) : nil
    let rendering = DeficitRendering(q, language: invocation.language)
    switch invocation.value("--format") ?? "text" {
    case "json": try emit(rendering.profileJSON(profile, change: change).rendered(), invocation)
    case "md": try emit(rendering.profileMarkdown(profile, change: change), invocation)
    case "html": try emit(rendering.profileHTML(profile, change: change, generatedAt: Date()), invocation)
    default: try emit(rendering.profileText(profile, change: change, width: terminalWidth()), invocation)
    }
    return 0
}

/// `survey route ID --respondent NAME`.
let routeCommand = Command(
    name: "route", summary: "Plan a teacher's individual educational route (ИОМ), then keep it: mark steps done, cancel, reflect.",
    usage: "ID --respondent NAME [--start YYYY-MM] [--done N [--note TEXT] | --cancel N [--note TEXT] | --reflect AREA TEXT] [--today YYYY-MM] [--format text|md|json|html] [--out FILE]",
    discussion: """
    The first call plans the route from the latest diagnosis and stores it (<store>/<ID>/routes.jsonl); later calls
    read it back, so marks stay attached to their steps. Each deficit's steps address its weakest statements and
    missed test tasks (an alternative from the catalogue is named beside a step); the first year holds the top
    priorities, the rest go to later years; no month above the catalogue's hours limit, at most its number of
    ДПО courses in twelve months; the route says what it postponed and why. --done N marks step N done (--note:
    the product or a comment), --cancel N cancels it, --reflect AREA TEXT adds the reflective analysis of a deficit
    (AREA: its id or title). A step past its term and not done shows as overdue (judged by --today, default this
    month). A diagnosis taken after the route was planned closes the open steps of deficits that closed and adds
    steps for new ones. Mentors are proposed as `group` pairs them (consent, experience, subject, school).
    """,
    arguments: [("ID", "A deficits questionnaire (teacher-deficits)."), ("TEXT", "With --reflect: the reflective analysis.")],
    options: [respondentOption, .value("--start", "YYYY-MM", "The first month of a new route (default: next month)."),
              .value("--done", "N", "Mark step N done."), .value("--cancel", "N", "Cancel step N."),
              .value("--note", "TEXT", "With --done or --cancel: the product, a comment or the reason."),
              .value("--reflect", "AREA", "Add the reflective analysis (TEXT) of a deficit area."),
              .value("--today", "YYYY-MM", "The month overdue steps are judged by (default: this month)."),
              reportFormatOption, anonymizeOption, outOption],
    positionals: 1...2,
    examples: ["survey route teacher-deficits --respondent \"Иванова Анна Сергеевна\" --format html --out iom.html",
               "survey route teacher-deficits --respondent \"Иванова Анна Сергеевна\" --done 1 --note \"Карта урока на МО 12.11\"",
               "survey route teacher-deficits --respondent \"Иванова Анна Сергеевна\" --reflect ict \"Тесты с автопроверкой веду сама\""]
) { invocation throws(CLIError) in
    let diagnoses = try Diagnoses(invocation)
    guard let name = invocation.value("--respondent") else { throw .usage(Messages.needsRespondent("route").text(invocation.language)) }
    let history = try diagnoses.history(of: name)
    let q = diagnoses.questionnaire
    let catalogue = try diagnoses.catalogue(invocation)
    let now = Calendar(identifier: .gregorian).dateComponents([.year, .month], from: Date())
    let thisMonth = YearMonth(year: now.year ?? 2026, month: now.month ?? 9)
    func month(_ option: String) throws(CLIError) -> YearMonth? {
        guard let text = invocation.value(option) else { return nil }
        guard let month = YearMonth(text) else { throw .usage(Messages.monthFormat(option, given: text).text(invocation.language)) }
        return month
    }
    let today = try month("--today") ?? thisMonth
    let start = try month("--start") ?? today.adding(months: 1)
    let marks = ["--done", "--cancel", "--reflect"].filter { invocation.value($0) != nil }
    guard marks.count <= 1 else { throw .usage(Messages.oneRouteMarkAtATime.text(invocation.language)) }
    if invocation.value("--reflect") != nil && invocation.positionals.count < 2 { throw .usage(Messages.reflectNeedsText.text(invocation.language)) }
    if invocation.value("--reflect") == nil && invocation.positionals.count > 1 { throw .usage(Messages.textOnlyWithReflect(invocation.positionals[1]).text(invocation.language)) }
    if invocation.value("--note") != nil && invocation.value("--done") == nil && invocation.value("--cancel") == nil { throw .usage(Messages.noteGoesWithDoneOrCancel.text(invocation.language)) }
    let profile = diagnoses.profile(history[history.count - 1])
    let respondent = profile.respondent ?? name
    let group = GroupAnalysis(summaries: try diagnoses.profiles, questionnaire: q, rules: catalogue.planning)
    let mentors = group.mentors(of: respondent)
    let planner = RoutePlanner(catalogue: catalogue)
    let journal = RouteJournal(store: invocation.store, questionnaireID: q.id)
    func events() throws(CLIError) -> [RouteEvent] {
        do { return try journal.events(of: respondent, questionnaire: q) } catch { throw .from(error) }
    }
    func append(_ event: RouteEvent) throws(CLIError) {
        do { try journal.append(event, respondent: respondent) } catch { throw .from(error) }
    }
    var living = LivingRoute(try events(), today: today)
    if living == nil {
        try append(.plan(planner.route(for: profile, start: start, mentors: mentors), diagnoses: history.count))
    } else if let current = living, history.count > current.diagnoses,
              let event = LivingRoute.rediagnosis(of: current.route, profile: profile, planner: planner, start: today.adding(months: 1),
                                                  mentors: mentors, diagnoses: history.count) {
        try append(event)
    }
    living = LivingRoute(try events(), today: today)
    if let given = try month("--start"), let planned = living, planned.route.start != given {
        invocation.console.err(Messages.routeStartKept(planned.route.start.description).text(invocation.language) + "\n")
    }
    guard let planned = living else { throw .message(Messages.routeUnreadable(respondent, path: journal.path)) }
    func stepNumber(_ option: String) throws(CLIError) -> Int? {
        guard let text = invocation.value(option) else { return nil }
        guard let n = Int(text), planned.route.steps.indices.contains(n - 1) else {
            throw .usage(Messages.stepNumber(option, steps: planned.route.steps.count, given: text).text(invocation.language))
        }
        return n
    }
    let l = invocation.language
    if let n = try stepNumber("--done") {
        try append(.done(step: n, note: invocation.value("--note")))
        invocation.console.err(Messages.stepDone(n).text(l) + "\n")
    } else if let n = try stepNumber("--cancel") {
        try append(.cancel(step: n, note: invocation.value("--note")))
        invocation.console.err(Messages.stepCancelled(n).text(l) + "\n")
    } else if let areaText = invocation.value("--reflect") {
        let key = TextFolding.fold(areaText)
        let areas = planned.route.steps.map(\.area)
        guard let area = areas.first(where: { TextFolding.fold($0.id) == key || TextFolding.fold($0.title) == key })
                ?? areas.first(where: { TextFolding.fold($0.title).hasPrefix(key) }) else {
            throw .usage(Messages.reflectArea(Array(Set(areas.map(\.id))).sorted(), given: areaText).text(l))
        }
        try append(.reflect(area: area.id, text: invocation.positionals[1]))
        invocation.console.err(Messages.reflectionRecorded(area.title).text(l) + "\n")
    }
    guard var route = LivingRoute(try events(), today: today)?.route else { throw .message(Messages.routeUnreadable(respondent, path: nil)) }
    route.offers = profile.strengths
    for index in route.steps.indices where route.steps[index].closedByDiagnosis && route.steps[index].note == nil {
        route.steps[index].note = Messages.deficitClosedLater.text(l)
    }
    if invocation.has("--anonymize") {
        route.respondent = try route.respondent.map { name throws(CLIError) in try displayName(name, invocation) }
        for index in route.steps.indices {
            route.steps[index].mentor = try route.steps[index].mentor.map { name throws(CLIError) in try displayName(name, invocation) }
        }
    }
    let rendering = DeficitRendering(q, language: invocation.language)
    switch invocation.value("--format") ?? "text" {
    case "json": try emit(rendering.routeJSON(route).rendered(), invocation)
    case "md": try emit(rendering.routeMarkdown(route), invocation)
    case "html": try emit(rendering.routeHTML(route, generatedAt: Date()), invocation)
    default: try emit(rendering.routeText(route, catalogue: catalogue, width: terminalWidth()), invocation)
    }
    return 0
}

/// `survey group ID`.
let groupCommand = Command(
    name: "group", summary: "A school's deficits at once: teachers × areas, shares, group seminars, mentor pairs, indicators.",
    usage: "ID [--by FIELD] [--across-schools] [--format text|md|json|html] [--anonymize] [--out FILE]",
    discussion: """
    Uses each teacher's latest diagnosis. An area where enough teachers share a deficit (the catalogue's
    groupShare and groupMinimum) is proposed as a group seminar. Cronbach's alpha per area (over the statements
    every teacher is asked, teachers who answered all of them) says how far the area's score can be trusted in
    this school: withheld below 10 complete answers, a warning below 0.6. Mentor pairs match a teacher strong in an
    area to one deficient in it. A mentor gave consent («Согласие на наставничество» = да), has at least
    mentorMinExperience years, works in the same school (unless --across-schools) and, in the subject-bound
    areas (subjectBoundAreas: subject-professional and methodical), teaches the same subject (or works at the
    same level: primary, pre-school); each mentor takes at most maxMenteesPerMentor. Young specialists are paired
    first. Each pair says why it was formed. --by Школа (or school) gives one block per school and a district
    summary; stored routes (survey route) add how far each teacher's route has come and the share of steps done.
    """,
    arguments: [("ID", "A deficits questionnaire (teacher-deficits).")],
    options: [reportFormatOption, .value("--by", "FIELD", "One block per value of a context field: Школа (school), Предмет (subject), Должность (role)."),
              .flag("--across-schools", "Let mentors come from another school."),
              .flag("--anonymize", "Replace names with stable pseudonyms."), outOption], positionals: 1...1,
    examples: ["survey group teacher-deficits", "survey group teacher-deficits --by Школа", "survey group teacher-deficits --format html --out school.html"]
) { invocation throws(CLIError) in
    let diagnoses = try Diagnoses(invocation)
    let q = diagnoses.questionnaire
    let catalogue = try diagnoses.catalogue(invocation)
    var district = try diagnoses.district
    guard !district.teachers.isEmpty else { throw .message(Messages.noDiagnoses(q.id, store: invocation.store.root)) }
    let progress = routeProgress(diagnoses, profiles: district.teachers, catalogue, invocation)
    var byField: ContextField?
    if let by = invocation.value("--by") {
        let key = TextFolding.fold(by)
        guard let field = q.context.first(where: { ([$0.id, $0.label] + $0.aliases).contains { TextFolding.fold($0) == key } }),
              ["school", "subject", "role"].contains(field.id) else {
            throw .usage(Messages.groupBy(by).text(invocation.language))
        }
        byField = field
    }
    var pseudonyms: [String: String] = [:]
    if invocation.has("--anonymize") {
        let key: [UInt8]
        do { key = try PseudonymKey.load(storeRoot: invocation.store.root) } catch { throw .from(error) }
        for index in district.teachers.indices {
            district.teachers[index].respondent = district.teachers[index].respondent.map { name in let alias = Pseudonym.make(name, key: key); pseudonyms[name] = alias; return alias }
        }
        // Ordered by pseudonym: the real names' (alphabetical) order would match the pseudonyms to the staff list.
        let teachers = district.teachers
        district.reorder(teachers.indices.sorted { (teachers[$0].respondent ?? "") < (teachers[$1].respondent ?? "") })
    }
    let profiles = district.teachers
    let across = invocation.has("--across-schools")
    func analysis(_ profiles: [TeacherSummary]) -> GroupAnalysis {
        var group = GroupAnalysis(summaries: profiles, questionnaire: q, rules: catalogue.planning, acrossSchools: across)
        for (name, value) in progress { group.progress[pseudonyms[name] ?? name] = value }
        let names = Set(profiles.compactMap(\.respondent))
        group.progress = group.progress.filter { name, _ in names.contains(name) }
        return group
    }
    let rendering = DeficitRendering(q, language: invocation.language)
    if let field = byField {
        func value(_ p: TeacherSummary) -> String {
            let stored: String? = field.id == "school" ? p.context.school : field.id == "subject" ? p.context.subject : p.context.role
            return stored.map(field.display) ?? Messages.notGiven.text(invocation.language)
        }
        // Pairs are formed over everyone (within schools unless --across-schools), then shown in the mentee's block.
        let all = analysis(profiles)
        let blocks = Dictionary(grouping: profiles, by: value).sorted { $0.key.localizedStandardCompare($1.key) == .orderedAscending }.map { entry in
            var group = GroupAnalysis(summaries: entry.value, questionnaire: q, rules: catalogue.planning, acrossSchools: across)
            let names = Set(entry.value.compactMap(\.respondent))
            group.pairs = all.pairs.filter { names.contains($0.mentee) }
            group.uncovered = all.uncovered.filter { names.contains($0.mentee) }
            group.progress = all.progress.filter { names.contains($0.key) }
            return (name: entry.key, group: group)
        }
        var total = analysis([])
        total.profiles = profiles
        total.pairs = blocks.flatMap(\.group.pairs)
        total.progress = blocks.reduce(into: [:]) { all, block in all.merge(block.group.progress) { a, _ in a } }
        let label = field.label
        switch invocation.value("--format") ?? "text" {
        case "json": try emit(rendering.districtJSON(blocks, total: total, by: field.id).rendered(), invocation)
        case "md": try emit(rendering.districtMarkdown(blocks, total: total, by: label), invocation)
        case "html": try emit(rendering.districtHTML(blocks, total: total, by: label), invocation)
        default: try emit(rendering.districtText(blocks, total: total, by: label, width: terminalWidth()), invocation)
        }
        return 0
    }
    var group = analysis(profiles)
    group.reliability = district.areaReliability
    switch invocation.value("--format") ?? "text" {
    case "json": try emit(rendering.groupJSON(group).rendered(), invocation)
    case "md": try emit(rendering.groupMarkdown(group), invocation)
    case "html": try emit(rendering.groupHTML(group, generatedAt: Date()), invocation)
    default: try emit(rendering.groupText(group, width: terminalWidth()), invocation)
    }
    return 0
}

/// Per teacher (real name) the stored route's progress; empty until routes are stored (survey route).
func routeProgress(_ diagnoses: Diagnoses, profiles: [TeacherSummary], _ catalogue: ActivityCatalogue, _ invocation: Invocation) -> [String: (done: Int, of: Int)] {
    let journal = RouteJournal(store: invocation.store, questionnaireID: diagnoses.questionnaire.id)
    guard let lines = try? journal.lines(diagnoses.questionnaire), !lines.isEmpty else { return [:] }
    let names = Dictionary(profiles.compactMap { $0.respondent }.map { (TextFolding.fold($0), $0) }, uniquingKeysWith: { a, _ in a })
    var events: [String: [RouteEvent]] = [:]
    for line in lines { if let name = names[TextFolding.fold(line.respondent)] { events[name, default: []].append(line.event) } }
    var progress: [String: (done: Int, of: Int)] = [:]
    let year = YearMonth(year: 2000, month: 1)  // overdue does not change the share done
    for (name, list) in events { if let living = LivingRoute(list, today: year) { progress[name] = living.route.progress } }
    return progress
}
