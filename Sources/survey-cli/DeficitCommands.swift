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
    let snapshot: StoreSnapshot

    init(_ invocation: Invocation) throws(CLIError) {
        let q = try invocation.questionnaire(invocation.positionals[0])
        guard q.kind == .deficits else {
            throw .usage("'\(invocation.command.name)' is for deficit self-diagnoses; '\(q.id)' is \(q.kind.rawValue)")
        }
        questionnaire = q
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
        } catch { throw .failed("\(error)") }
        guard !mine.isEmpty else {
            var names = Set<String>()
            do throws(StoreError) { try snapshot.forEachCurrent { record throws(StoreError) in if let n = record.respondent() { names.insert(n) } } } catch { throw .failed("\(error)") }
            let sorted = names.sorted()
            throw .failed("no diagnosis of «\(name)» in '\(questionnaire.id)'",
                          hint: TextFolding.nearest(name, among: sorted).map { "did you mean «\($0)»?" } ?? (sorted.isEmpty ? "nothing is stored yet: survey take \(questionnaire.id) --respondent NAME" : nil))
        }
        return mine
    }

    /// Each named teacher's latest diagnosis as a profile, sorted by name.
    var profiles: [DeficitProfile] {
        get throws(CLIError) {
            var profiles: [DeficitProfile] = []
            do throws(StoreError) {
                try snapshot.forEachCurrent { record throws(StoreError) in
                    guard record.respondent() != nil else { return }
                    profiles.append(DeficitProfile(try record.response(), questionnaire: questionnaire))
                }
            } catch { throw .failed("\(error)") }
            return profiles.sorted { ($0.respondent ?? "") < ($1.respondent ?? "") }
        }
    }

    func catalogue(_ invocation: Invocation) throws(CLIError) -> ActivityCatalogue {
        let path = CatalogueLoader.path(for: questionnaire.id, folder: invocation.library.folder)
        guard FileIO.exists(path) else { throw .failed("no activity catalogue for '\(questionnaire.id)' at \(path)", hint: "see docs/DEFINITIONS.md, «Activity catalogues»") }
        let outcome = CatalogueLoader.load(path: path, questionnaire: questionnaire)
        guard let catalogue = outcome.catalogue else { throw .refused(outcome.problems, summary: "the activity catalogue has problems") }
        return catalogue
    }
}

let anonymizeOption = OptionSpec.flag("--anonymize", "Replace names with stable pseudonyms (for reports that leave the school).")

/// The name a report prints: the person's own, or with --anonymize the store's stable pseudonym for it.
func displayName(_ name: String, _ invocation: Invocation) throws(CLIError) -> String {
    guard invocation.has("--anonymize") else { return name }
    do { return Pseudonym.make(name, key: try PseudonymKey.load(storeRoot: invocation.store.root)) } catch { throw .failed("\(error)") }
}

func emit(_ text: String, _ invocation: Invocation) throws(CLIError) {
    let sink = try OutputSink(path: invocation.value("--out"))
    try sink.write(text, encoding: .utf8)
    try sink.close()
}

/// `survey profile ID --respondent NAME`.
let profileCommand = Command(
    name: "profile", summary: "Show a teacher's deficit profile: a score and level per area, priorities, change since last time.",
    usage: "ID --respondent NAME [--format text|md|json|html] [--out FILE]",
    discussion: """
    Each area's score is 0–100 (percent of the maximum, negatively worded statements reversed); its level comes
    from the bands of the definition. Deficits are ordered most severe first. An area with too few answers gets
    no score. When the teacher took the diagnosis before, the change per area is shown and closed deficits marked.
    """,
    arguments: [("ID", "A deficits questionnaire (teacher-deficits).")],
    options: [respondentOption, reportFormatOption, anonymizeOption, outOption], positionals: 1...1,
    examples: ["survey profile teacher-deficits --respondent \"Иванова Анна Сергеевна\""]
) { invocation throws(CLIError) in
    let diagnoses = try Diagnoses(invocation)
    guard let name = invocation.value("--respondent") else { throw .usage("profile needs --respondent NAME") }
    let history = try diagnoses.history(of: name)
    let q = diagnoses.questionnaire
    var profile = DeficitProfile(history[history.count - 1], questionnaire: q)
    profile.respondent = try profile.respondent.map { name throws(CLIError) in try displayName(name, invocation) }
    let change = history.count > 1 ? ProfileChange(before: DeficitProfile(history[history.count - 2], questionnaire: q), after: profile) : nil
    let rendering = DeficitRendering(q, language: invocation.language)
    switch invocation.value("--format") ?? "text" {
    case "json": try emit(rendering.profileJSON(profile, change: change).rendered(), invocation)
    case "md": try emit(rendering.profileMarkdown(profile, change: change), invocation)
    case "html": try emit(rendering.profileHTML(profile, change: change), invocation)
    default: try emit(rendering.profileText(profile, change: change, width: terminalWidth()), invocation)
    }
    return 0
}

/// `survey route ID --respondent NAME`.
let routeCommand = Command(
    name: "route", summary: "Plan a teacher's individual educational route (ИОМ) from the deficit profile.",
    usage: "ID --respondent NAME [--start YYYY-MM] [--format text|md|json|html] [--out FILE]",
    discussion: """
    One step per activity of the catalogue (questionnaires/catalogues/ID.json) for each deficit, most severe
    first: the mentoring programme's steps in its first months, the long route's after it, each with its term,
    form, hours and the product that closes it. Mentors are proposed from the teachers of the same store whose
    profile shows a strength in the area. Areas without a deficit are left alone; strengths are offered to others.
    """,
    arguments: [("ID", "A deficits questionnaire (teacher-deficits).")],
    options: [respondentOption, .value("--start", "YYYY-MM", "The first month of the route (default: next month)."), reportFormatOption, anonymizeOption, outOption],
    positionals: 1...1,
    examples: ["survey route teacher-deficits --respondent \"Иванова Анна Сергеевна\" --format html --out iom.html"]
) { invocation throws(CLIError) in
    let diagnoses = try Diagnoses(invocation)
    guard let name = invocation.value("--respondent") else { throw .usage("route needs --respondent NAME") }
    let history = try diagnoses.history(of: name)
    let q = diagnoses.questionnaire
    let catalogue = try diagnoses.catalogue(invocation)
    let start: YearMonth
    if let text = invocation.value("--start") {
        guard let month = YearMonth(text) else { throw .usage("--start takes a month as YYYY-MM, not '\(text)'") }
        start = month
    } else {
        let now = Calendar(identifier: .gregorian).dateComponents([.year, .month], from: Date())
        start = YearMonth(year: now.year ?? 2026, month: (now.month ?? 9) + 1)
    }
    let profile = DeficitProfile(history[history.count - 1], questionnaire: q)
    let group = GroupAnalysis(profiles: try diagnoses.profiles, questionnaire: q, rules: catalogue.planning)
    var route = RoutePlanner(catalogue: catalogue).route(for: profile, start: start, mentors: group.mentors(of: profile.respondent ?? name))
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
    case "html": try emit(rendering.routeHTML(route), invocation)
    default: try emit(rendering.routeText(route, catalogue: catalogue, width: terminalWidth()), invocation)
    }
    return 0
}

/// `survey group ID`.
let groupCommand = Command(
    name: "group", summary: "A school's deficits at once: teachers × areas, shares, group seminars, mentor pairs, indicators.",
    usage: "ID [--format text|md|json|html] [--anonymize] [--out FILE]",
    discussion: """
    Uses each teacher's latest diagnosis. An area where enough teachers share a deficit (the catalogue's
    groupShare and groupMinimum) is proposed as a group seminar. Mentor pairs match a teacher strong in an
    area to one deficient in it, each mentor with at most maxMenteesPerMentor mentees.
    """,
    arguments: [("ID", "A deficits questionnaire (teacher-deficits).")],
    options: [reportFormatOption, .flag("--anonymize", "Replace names with stable pseudonyms."), outOption], positionals: 1...1,
    examples: ["survey group teacher-deficits", "survey group teacher-deficits --format html --out school.html"]
) { invocation throws(CLIError) in
    let diagnoses = try Diagnoses(invocation)
    let q = diagnoses.questionnaire
    let catalogue = try diagnoses.catalogue(invocation)
    var profiles = try diagnoses.profiles
    guard !profiles.isEmpty else { throw .failed("no diagnoses of '\(q.id)' in \(invocation.store.root)") }
    if invocation.has("--anonymize") {
        let key: [UInt8]
        do { key = try PseudonymKey.load(storeRoot: invocation.store.root) } catch { throw .failed("\(error)") }
        profiles = profiles.map { var p = $0; p.respondent = p.respondent.map { Pseudonym.make($0, key: key) }; return p }
    }
    let group = GroupAnalysis(profiles: profiles, questionnaire: q, rules: catalogue.planning)
    let rendering = DeficitRendering(q, language: invocation.language)
    switch invocation.value("--format") ?? "text" {
    case "json": try emit(rendering.groupJSON(group).rendered(), invocation)
    case "md": try emit(rendering.groupMarkdown(group), invocation)
    case "html": try emit(rendering.groupHTML(group), invocation)
    default: try emit(rendering.groupText(group, width: terminalWidth()), invocation)
    }
    return 0
}
