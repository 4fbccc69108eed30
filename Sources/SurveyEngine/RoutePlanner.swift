/// What a teacher can do about a deficit: a course, a seminar, a mentoring form, self-education.
public struct Activity: Sendable, Equatable {
    public enum Phase: String, Sendable { case programme, iom }
    public enum Kind: String, Sendable, CaseIterable { case formal, nonformal, mentoring, `self` }

    public var id: String
    public var area: String
    /// Band ids of the questionnaire this activity answers.
    public var bands: [String]
    public var phase: Phase
    public var kind: Kind
    public var title: String
    public var form: String
    public var hours: Int
    public var months: Int
    /// The product that closes the step (seed 001: diagnostics, recommendations, lesson plans, scenarios…).
    public var product: String

    public init(id: String, area: String, bands: [String], phase: Phase, kind: Kind, title: String, form: String,
                hours: Int, months: Int, product: String) {
        self.id = id
        self.area = area
        self.bands = bands
        self.phase = phase
        self.kind = kind
        self.title = title
        self.form = form
        self.hours = hours
        self.months = months
        self.product = product
    }
}

/// The planning rules of a catalogue, as data.
public struct PlanningRules: Sendable, Equatable {
    /// The personalised mentoring programme (3–12 months) that holds the first steps.
    public var programmeMonths: Int
    /// The long individual route (ИОМ) behind it.
    public var horizonYears: Int
    public var maxMenteesPerMentor: Int
    /// How many mentors one teacher may have (each for some of her deficit areas).
    public var maxMentorsPerMentee: Int
    /// An area where at least this share of teachers (and `groupMinimum` of them) has a deficit gets a group seminar.
    public var groupShare: Double
    public var groupMinimum: Int

    public init(programmeMonths: Int = 9, horizonYears: Int = 4, maxMenteesPerMentor: Int = 3, maxMentorsPerMentee: Int = 1,
                groupShare: Double = 0.3, groupMinimum: Int = 2) {
        self.programmeMonths = programmeMonths
        self.horizonYears = horizonYears
        self.maxMenteesPerMentor = maxMenteesPerMentor
        self.maxMentorsPerMentee = maxMentorsPerMentee
        self.groupShare = groupShare
        self.groupMinimum = groupMinimum
    }
}

/// A questionnaire's activity catalogue.
public struct ActivityCatalogue: Sendable, Equatable {
    public var questionnaire: String
    public var version: String
    public var planning: PlanningRules
    public var activities: [Activity]
    /// What a teacher strong in an area offers others.
    public var strength: (title: String, form: String, product: String)

    public init(questionnaire: String, version: String = "1", planning: PlanningRules, activities: [Activity],
                strength: (title: String, form: String, product: String)) {
        self.questionnaire = questionnaire
        self.version = version
        self.planning = planning
        self.activities = activities
        self.strength = strength
    }

    public static func == (a: ActivityCatalogue, b: ActivityCatalogue) -> Bool {
        a.questionnaire == b.questionnaire && a.version == b.version && a.planning == b.planning && a.activities == b.activities
            && a.strength == b.strength
    }

    /// Checks the catalogue against its questionnaire: known areas and bands, sane durations, every
    /// deficit band of every area answered by at least one activity.
    public func problems(against q: Questionnaire) -> [DefinitionProblem] {
        var problems: [DefinitionProblem] = []
        if questionnaire != q.id { problems.append(DefinitionProblem("$.questionnaire", "names \"\(questionnaire)\", not \"\(q.id)\"")) }
        if !(3...12).contains(planning.programmeMonths) { problems.append(DefinitionProblem("$.planning.programmeMonths", "a mentoring programme lasts 3 to 12 months")) }
        if !(1...10).contains(planning.horizonYears) { problems.append(DefinitionProblem("$.planning.horizonYears", "must be 1 to 10 years")) }
        if planning.maxMentorsPerMentee < 1 { problems.append(DefinitionProblem("$.planning.maxMentorsPerMentee", "must be 1 or more")) }
        if planning.maxMenteesPerMentor < 1 { problems.append(DefinitionProblem("$.planning.maxMenteesPerMentor", "must be 1 or more")) }
        if !(0...1).contains(planning.groupShare) { problems.append(DefinitionProblem("$.planning.groupShare", "must be a share from 0 to 1")) }
        let bandIDs = Set(q.scoring.bands.map(\.id))
        var seen = Set<String>()
        for (i, activity) in activities.enumerated() {
            let path = "$.activities[\(i)]"
            if !seen.insert(activity.id).inserted { problems.append(DefinitionProblem("\(path).id", "duplicate activity id \"\(activity.id)\"")) }
            if q.area(activity.area) == nil { problems.append(DefinitionProblem("\(path).area", "unknown area \"\(activity.area)\"")) }
            for band in activity.bands where !bandIDs.contains(band) {
                problems.append(DefinitionProblem("\(path).bands", "unknown band \"\(band)\""))
            }
            if !(1...60).contains(activity.months) { problems.append(DefinitionProblem("\(path).months", "must be 1 to 60")) }
            if activity.hours < 0 { problems.append(DefinitionProblem("\(path).hours", "must be 0 or more")) }
        }
        for area in q.areas {
            for band in q.scoring.bands where band.deficit {
                if !activities.contains(where: { $0.area == area.id && $0.bands.contains(band.id) }) {
                    problems.append(DefinitionProblem("$.activities", "no activity for area \"\(area.id)\" in band \"\(band.id)\""))
                }
            }
        }
        return problems
    }
}

/// A calendar month, the unit of a route's terms.
public struct YearMonth: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    public init(year: Int, month: Int) {
        self.year = year + (month - 1).floorDivided(by: 12)
        self.month = (month - 1).floorModulo(12) + 1
    }

    /// `2026-09`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m), (1900...3000).contains(y) else { return nil }
        self.init(year: y, month: m)
    }

    public func adding(months: Int) -> YearMonth { YearMonth(year: year, month: month + months) }
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }
    public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }
}

extension Int {
    func floorDivided(by d: Int) -> Int { (self >= 0 ? self : self - d + 1) / d }
    func floorModulo(_ d: Int) -> Int { ((self % d) + d) % d }
}

/// One line of the ИОМ table: дефицит | мероприятие и форма | сроки | наставник | продукт.
public struct RouteStep: Sendable, Equatable {
    public var area: Area
    public var band: Band
    public var priority: Int
    public var activity: Activity
    /// First and last month of the step, inclusive.
    public var start: YearMonth
    public var end: YearMonth
    public var mentor: String?
    /// Within the mentoring programme (the first months), or in the long ИОМ.
    public var inProgramme: Bool
    /// The task: the statement that pulled the area down most (what the teacher should be able to do).
    public var task: Item?
}

/// An individual educational route: steps for every deficit, the programme's and the horizon's ends, and
/// strengths the teacher can offer.
public struct Route: Sendable, Equatable {
    public var respondent: String?
    public var start: YearMonth
    public var programmeEnd: YearMonth
    public var horizonEnd: YearMonth
    public var steps: [RouteStep]
    public var offers: [AreaScore]
}

/// Turns a deficit profile into a route: deficits in priority order; programme-phase activities packed
/// into the mentoring programme (each area's steps one after another, areas side by side from the start,
/// later priorities starting a month later each), ИОМ-phase activities spread over the years after it;
/// no step ends past the horizon.
public struct RoutePlanner: Sendable {
    public let catalogue: ActivityCatalogue

    public init(catalogue: ActivityCatalogue) { self.catalogue = catalogue }

    public func route(for profile: DeficitProfile, start: YearMonth, mentors: [String: String] = [:]) -> Route {
        let rules = catalogue.planning
        let programmeEnd = start.adding(months: rules.programmeMonths - 1)
        let horizonEnd = start.adding(months: rules.horizonYears * 12 - 1)
        var steps: [RouteStep] = []
        // ИОМ-phase steps follow the programme, one area after another across the years.
        var iomCursor = programmeEnd.adding(months: 1)
        for deficit in profile.deficits {
            guard let band = deficit.band, let priority = deficit.priority else { continue }
            let chosen = catalogue.activities.filter { $0.area == deficit.area.id && $0.bands.contains(band.id) }
            var cursor = start.adding(months: min(priority - 1, rules.programmeMonths - 1))
            for activity in chosen where activity.phase == .programme {
                var end = cursor.adding(months: activity.months - 1)
                if end > programmeEnd { end = programmeEnd }
                if cursor > programmeEnd { cursor = programmeEnd }
                steps.append(RouteStep(area: deficit.area, band: band, priority: priority, activity: activity, start: cursor, end: end,
                                       mentor: activity.kind == .mentoring ? mentors[deficit.area.id] : nil, inProgramme: true,
                                       task: deficit.weakest.first))
                cursor = end.adding(months: 1)
            }
            for activity in chosen where activity.phase == .iom {
                if iomCursor > horizonEnd { iomCursor = horizonEnd }
                var end = iomCursor.adding(months: activity.months - 1)
                if end > horizonEnd { end = horizonEnd }
                steps.append(RouteStep(area: deficit.area, band: band, priority: priority, activity: activity, start: iomCursor, end: end,
                                       mentor: nil, inProgramme: false, task: deficit.weakest.first))
                iomCursor = end.adding(months: 1)
            }
        }
        steps.sort { ($0.inProgramme ? 0 : 1, $0.priority, $0.start) < ($1.inProgramme ? 0 : 1, $1.priority, $1.start) }
        return Route(respondent: profile.respondent, start: start, programmeEnd: programmeEnd, horizonEnd: horizonEnd,
                     steps: steps, offers: profile.strengths)
    }
}
