/// What a teacher can do about a deficit: a course, a seminar, a mentoring form, self-education.
public struct Activity: Sendable, Equatable {
    public enum Phase: String, Sendable { case programme, iom }
    public enum Kind: String, Sendable, CaseIterable { case formal, nonformal, mentoring, `self` }

    public var id: String
    public var area: String
    /// Band ids of the questionnaire this activity answers.
    public var bands: [String]
    /// Kept from catalogue version 1; the planner now places steps by priority and the workload limits.
    public var phase: Phase
    public var kind: Kind
    public var title: String
    public var form: String
    public var hours: Int
    public var months: Int
    /// The product that closes the step (seed 001: diagnostics, recommendations, lesson plans, scenarios…).
    public var product: String
    /// The statements and test tasks (item ids) the activity works on: the planner picks it when one of them
    /// is among the teacher's weakest. Empty: an area-wide activity, used when nothing more specific fits.
    public var addresses: [String]
    /// The planned result: what the teacher can do after the step (the ИОМ's «планируемый результат»).
    public var result: String
    /// Where the product is presented (the ИОМ's «форма отчётности»).
    public var reportingForm: String
    /// Who accompanies the step when there is no personal mentor (the methodist, the deputy head…).
    public var responsible: String
    /// The teaching experience (years) the activity is meant for, when it is meant for some only: a school
    /// for young teachers is not offered to a teacher of 34 years' standing. Nil: any.
    public var experience: ClosedRange<Int>?

    /// Whether the activity suits a teacher of this context (an unknown experience suits every activity).
    public func suits(_ context: TeacherContext) -> Bool {
        guard let experience, let years = context.experience else { return true }
        return experience.contains(years)
    }

    public init(id: String, area: String, bands: [String], phase: Phase = .programme, kind: Kind, title: String, form: String,
                hours: Int, months: Int, product: String, addresses: [String] = [], result: String = "", reportingForm: String = "",
                responsible: String = "") {
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
        self.addresses = addresses
        self.result = result
        self.reportingForm = reportingForm
        self.responsible = responsible
    }

    /// Hours a month the step takes, spread evenly over its months.
    public var hoursPerMonth: Int { months > 0 ? (hours + months - 1) / months : hours }
}

/// What the catalogue says about an area beyond its activities: the desired image for the ИОМ's
/// self-determination, a self-education theme, and what a teacher strong in the area offers colleagues.
public struct AreaGuide: Sendable, Equatable {
    public var image: String
    public var theme: String
    public var offer: Offer?

    public struct Offer: Sendable, Equatable {
        public var title: String
        public var form: String
        public var product: String
        public init(title: String, form: String, product: String) {
            self.title = title
            self.form = form
            self.product = product
        }
    }

    public init(image: String, theme: String, offer: Offer? = nil) {
        self.image = image
        self.theme = theme
        self.offer = offer
    }
}

/// The planning rules of a catalogue, as data: defaults a school can change in its catalogue.
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
    /// How many deficits (most urgent first) the first year holds; the others go to later years, as many a year.
    public var programmePriorities: Int
    /// Steps per deficit by band id (`severe` 3, `partial` 2); a band not named gets `defaultStepsPerDeficit`.
    public var stepsPerDeficit: [String: Int]
    public var defaultStepsPerDeficit: Int
    /// Formal (ДПО) courses starting in any twelve months.
    public var maxFormalPerYear: Int
    /// Hours of route work in any one month, all steps together.
    public var maxHoursPerMonth: Int
    /// A mentor has at least this many years of experience.
    public var mentorMinExperience: Int
    /// Areas where a mentor teaches the same subject (or works at the same level: primary, pre-school).
    public var subjectBoundAreas: [String]

    public init(programmeMonths: Int = 9, horizonYears: Int = 3, maxMenteesPerMentor: Int = 3, maxMentorsPerMentee: Int = 1,
                groupShare: Double = 0.3, groupMinimum: Int = 2, programmePriorities: Int = 3, stepsPerDeficit: [String: Int] = [:],
                defaultStepsPerDeficit: Int = 2, maxFormalPerYear: Int = 2, maxHoursPerMonth: Int = 40, mentorMinExperience: Int = 3,
                subjectBoundAreas: [String] = ["subject", "methods"]) {
        self.programmeMonths = programmeMonths
        self.horizonYears = horizonYears
        self.maxMenteesPerMentor = maxMenteesPerMentor
        self.maxMentorsPerMentee = maxMentorsPerMentee
        self.groupShare = groupShare
        self.groupMinimum = groupMinimum
        self.programmePriorities = programmePriorities
        self.stepsPerDeficit = stepsPerDeficit
        self.defaultStepsPerDeficit = defaultStepsPerDeficit
        self.maxFormalPerYear = maxFormalPerYear
        self.maxHoursPerMonth = maxHoursPerMonth
        self.mentorMinExperience = mentorMinExperience
        self.subjectBoundAreas = subjectBoundAreas
    }
}

/// A questionnaire's activity catalogue.
public struct ActivityCatalogue: Sendable, Equatable {
    public var questionnaire: String
    public var version: String
    public var planning: PlanningRules
    public var activities: [Activity]
    /// What a teacher strong in an area offers others (when the area has no offer of its own).
    public var strength: (title: String, form: String, product: String)
    /// Per area id: desired image, self-education theme, offer for colleagues.
    public var guides: [String: AreaGuide]

    public init(questionnaire: String, version: String = "1", planning: PlanningRules, activities: [Activity],
                strength: (title: String, form: String, product: String), guides: [String: AreaGuide] = [:]) {
        self.questionnaire = questionnaire
        self.version = version
        self.planning = planning
        self.activities = activities
        self.strength = strength
        self.guides = guides
    }

    public static func == (a: ActivityCatalogue, b: ActivityCatalogue) -> Bool {
        a.questionnaire == b.questionnaire && a.version == b.version && a.planning == b.planning && a.activities == b.activities
            && a.strength == b.strength && a.guides == b.guides
    }

    /// The offer of a teacher strong in the area.
    public func offer(for area: String) -> AreaGuide.Offer {
        guides[area]?.offer ?? AreaGuide.Offer(title: strength.title, form: strength.form, product: strength.product)
    }

    /// Checks the catalogue against its questionnaire: known areas, bands and addressed items, sane durations
    /// (no month above the hours limit), every deficit band of every area answered by at least one activity.
    public func problems(against q: Questionnaire) -> [DefinitionProblem] {
        var problems: [DefinitionProblem] = []
        if questionnaire != q.id { problems.append(DefinitionProblem("$.questionnaire", .catalogueNamesOther(questionnaire, expected: q.id))) }
        if !(3...12).contains(planning.programmeMonths) { problems.append(DefinitionProblem("$.planning.programmeMonths", .programmeMonths)) }
        if !(1...10).contains(planning.horizonYears) { problems.append(DefinitionProblem("$.planning.horizonYears", .outOfRange(low: 1, high: 10))) }
        if planning.maxMentorsPerMentee < 1 { problems.append(DefinitionProblem("$.planning.maxMentorsPerMentee", .outOfRange(low: 1, high: nil))) }
        if planning.maxMenteesPerMentor < 1 { problems.append(DefinitionProblem("$.planning.maxMenteesPerMentor", .outOfRange(low: 1, high: nil))) }
        if !(0...1).contains(planning.groupShare) { problems.append(DefinitionProblem("$.planning.groupShare", .shareOutOfRange)) }
        if !(1...20).contains(planning.programmePriorities) { problems.append(DefinitionProblem("$.planning.programmePriorities", .outOfRange(low: 1, high: 20))) }
        if planning.maxFormalPerYear < 1 { problems.append(DefinitionProblem("$.planning.maxFormalPerYear", .outOfRange(low: 1, high: nil))) }
        if !(1...300).contains(planning.maxHoursPerMonth) { problems.append(DefinitionProblem("$.planning.maxHoursPerMonth", .outOfRange(low: 1, high: 300))) }
        if planning.mentorMinExperience < 0 { problems.append(DefinitionProblem("$.planning.mentorMinExperience", .notNegative)) }
        for (band, n) in planning.stepsPerDeficit.sorted(by: { $0.key < $1.key }) {
            if !q.scoring.bands.contains(where: { $0.id == band }) { problems.append(DefinitionProblem("$.planning.stepsPerDeficit", .unknown(.band, band, suggestion: nil))) }
            if !(1...10).contains(n) { problems.append(DefinitionProblem("$.planning.stepsPerDeficit.\(band)", .outOfRange(low: 1, high: 10))) }
        }
        for area in planning.subjectBoundAreas where q.area(area) == nil {
            problems.append(DefinitionProblem("$.planning.subjectBoundAreas", .unknown(.area, area, suggestion: nil)))
        }
        for area in guides.keys.sorted() where q.area(area) == nil { problems.append(DefinitionProblem("$.areas", .unknown(.area, area, suggestion: nil))) }
        let bandIDs = Set(q.scoring.bands.map(\.id))
        var seen = Set<String>()
        for (i, activity) in activities.enumerated() {
            let path = "$.activities[\(i)]"
            if !seen.insert(activity.id).inserted { problems.append(DefinitionProblem("\(path).id", .duplicateID(.activity, activity.id))) }
            if q.area(activity.area) == nil { problems.append(DefinitionProblem("\(path).area", .unknown(.area, activity.area, suggestion: nil))) }
            for band in activity.bands where !bandIDs.contains(band) {
                problems.append(DefinitionProblem("\(path).bands", .unknown(.band, band, suggestion: nil)))
            }
            for id in activity.addresses where q.item(id)?.area != activity.area {
                problems.append(DefinitionProblem("\(path).addresses", q.item(id) == nil ? .unknownStatementOrTask(id) : .notInArea(id, area: activity.area)))
            }
            if !(1...60).contains(activity.months) { problems.append(DefinitionProblem("\(path).months", .outOfRange(low: 1, high: 60))) }
            if activity.hours < 0 { problems.append(DefinitionProblem("\(path).hours", .notNegative)) }
            if activity.months > 0 && activity.hoursPerMonth > planning.maxHoursPerMonth {
                problems.append(DefinitionProblem("\(path).months", .hoursExceed(hours: activity.hours, months: activity.months, limit: planning.maxHoursPerMonth)))
            }
        }
        for area in q.areas {
            for band in q.scoring.bands where band.deficit {
                if !activities.contains(where: { $0.area == area.id && $0.bands.contains(band.id) }) {
                    problems.append(DefinitionProblem("$.activities", .noActivity(area: area.id, band: band.id)))
                }
            }
        }
        return problems
    }
}
/// A calendar month, the unit of a route's terms.
public struct YearMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
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

/// Where a step stands: planned, done (with the product or a comment), cancelled, or past its term undone.
public enum StepStatus: String, Sendable, CaseIterable {
    case planned, done, overdue, cancelled
}

/// One line of the ИОМ table: дефицит | задача | мероприятие и форма | сроки | наставник | результат | продукт и
/// форма отчётности | отметка о выполнении.
public struct RouteStep: Sendable, Equatable {
    public var area: Area
    public var band: Band
    public var priority: Int
    public var activity: Activity
    /// First and last month of the step, inclusive; never shorter than the activity's months.
    public var start: YearMonth
    public var end: YearMonth
    public var mentor: String?
    /// Within the first year's programme (the top priorities), or in a later year of the ИОМ.
    public var inProgramme: Bool
    /// The task: the weak statement or missed test task this step works on.
    public var task: Item?
    /// The teacher's other weak statements and tasks the activity also works on.
    public var alsoAddresses: [String]
    /// Other catalogue entries for the same task, offered instead.
    public var alternatives: [Activity]
    public var status: StepStatus
    /// The product or comment given when the step was marked, or why it was cancelled.
    public var note: String?
    /// Cancelled because a re-diagnosis found the deficit closed.
    public var closedByDiagnosis = false

    public init(area: Area, band: Band, priority: Int, activity: Activity, start: YearMonth, end: YearMonth, mentor: String? = nil,
                inProgramme: Bool, task: Item? = nil, alsoAddresses: [String] = [], alternatives: [Activity] = [],
                status: StepStatus = .planned, note: String? = nil) {
        self.area = area
        self.band = band
        self.priority = priority
        self.activity = activity
        self.start = start
        self.end = end
        self.mentor = mentor
        self.inProgramme = inProgramme
        self.task = task
        self.alsoAddresses = alsoAddresses
        self.alternatives = alternatives
        self.status = status
        self.note = note
    }

    /// The mentor, or the person the catalogue names for the activity.
    public var responsible: String? { mentor ?? (activity.responsible.isEmpty ? nil : activity.responsible) }
}

/// A deficit the route placed in a later year, or a step moved past the programme, and why.
public struct Postponement: Sendable, Equatable {
    public enum Reason: String, Sendable {
        /// Beyond the top `programmePriorities`: the first year holds only those.
        case laterPriority
        /// The month's hours limit pushed the step on.
        case hoursLimit
        /// Two formal courses in twelve months already.
        case formalLimit
    }

    public var area: Area
    public var priority: Int
    public var reason: Reason
    /// The first month of the area's steps.
    public var from: YearMonth

    public init(area: Area, priority: Int, reason: Reason, from: YearMonth) {
        self.area = area
        self.priority = priority
        self.reason = reason
        self.from = from
    }
}

/// An individual educational route: steps for every deficit, the programme's and the horizon's ends, what was
/// postponed, and strengths the teacher can offer.
public struct Route: Sendable, Equatable {
    public var respondent: String?
    public var start: YearMonth
    public var programmeEnd: YearMonth
    public var horizonEnd: YearMonth
    public var steps: [RouteStep]
    public var offers: [AreaScore]
    public var postponed: [Postponement] = []
    /// Self-determination (seed 001): the desired image and the self-education theme, from the top priority.
    public var desiredImage: String?
    public var selfEducationTheme: String?
    /// The teacher's reflective analysis per deficit area (area id → text), in the order written.
    public var reflections: [(area: String, text: String)] = []
    /// Limits the route was planned under, to say so.
    public var rules: PlanningRules = PlanningRules()

    public init(respondent: String?, start: YearMonth, programmeEnd: YearMonth, horizonEnd: YearMonth, steps: [RouteStep],
                offers: [AreaScore], postponed: [Postponement] = [], desiredImage: String? = nil, selfEducationTheme: String? = nil,
                rules: PlanningRules = PlanningRules()) {
        self.respondent = respondent
        self.start = start
        self.programmeEnd = programmeEnd
        self.horizonEnd = horizonEnd
        self.steps = steps
        self.offers = offers
        self.postponed = postponed
        self.desiredImage = desiredImage
        self.selfEducationTheme = selfEducationTheme
        self.rules = rules
    }

    public static func == (a: Route, b: Route) -> Bool {
        a.respondent == b.respondent && a.start == b.start && a.programmeEnd == b.programmeEnd && a.horizonEnd == b.horizonEnd
            && a.steps == b.steps && a.offers == b.offers && a.postponed == b.postponed && a.desiredImage == b.desiredImage
            && a.selfEducationTheme == b.selfEducationTheme && a.reflections.map(\.area) == b.reflections.map(\.area)
            && a.reflections.map(\.text) == b.reflections.map(\.text) && a.rules == b.rules
    }

    /// Hours of route work per month, all steps that are not cancelled.
    public func hours(in month: YearMonth) -> Int {
        steps.filter { $0.status != .cancelled && $0.start <= month && month <= $0.end }.map(\.activity.hoursPerMonth).reduce(0, +)
    }

    /// Steps done over steps not cancelled.
    public var progress: (done: Int, of: Int) {
        let live = steps.filter { $0.status != .cancelled }
        return (live.filter { $0.status == .done }.count, live.count)
    }
}

/// Turns a deficit profile into a route. For each deficit, most urgent first, the activities that address its
/// weakest statements and missed test tasks (one activity per task, up to the band's steps per deficit; an
/// activity covering several of the teacher's tasks is preferred). The top `programmePriorities` deficits start
/// in the first year; the others go to later years, as many a year, started a quarter apart. Each step takes
/// its full catalogue duration and starts in the first month where no month goes above `maxHoursPerMonth` and
/// no twelve months hold more than `maxFormalPerYear` formal courses; where a formal course would leave the
/// deficit's year, a non-formal alternative for the same task is taken instead.
public struct RoutePlanner: Sendable {
    public let catalogue: ActivityCatalogue

    public init(catalogue: ActivityCatalogue) { self.catalogue = catalogue }

    /// Months counted from the route's start (0 = the first month).
    struct Calendar {
        var hours: [Int: Int] = [:]
        var formalStarts: [Int] = []
        let rules: PlanningRules

        func fits(_ activity: Activity, at start: Int) -> Bool {
            let perMonth = activity.hoursPerMonth
            for m in start..<(start + max(1, activity.months)) where hours[m, default: 0] + perMonth > rules.maxHoursPerMonth { return false }
            if activity.kind == .formal {
                // Every twelve-month window holding `start` stays within the limit.
                for window in (start - 11)...start {
                    let inWindow = formalStarts.filter { $0 >= window && $0 <= window + 11 }.count
                    if inWindow + 1 > rules.maxFormalPerYear { return false }
                }
            }
            return true
        }

        /// The first month from `earliest` where the activity fits, and why it could not start at `earliest`.
        func slot(_ activity: Activity, from earliest: Int) -> (start: Int, reason: Postponement.Reason?) {
            var reason: Postponement.Reason?
            for s in earliest..<(earliest + 240) {
                if fits(activity, at: s) { return (s, reason) }
                if reason == nil {
                    var withoutFormal = self
                    withoutFormal.formalStarts = []
                    reason = withoutFormal.fits(activity, at: s) ? .formalLimit : .hoursLimit
                }
            }
            return (earliest, reason)
        }

        mutating func place(_ activity: Activity, at start: Int) {
            for m in start..<(start + max(1, activity.months)) { hours[m, default: 0] += activity.hoursPerMonth }
            if activity.kind == .formal { formalStarts.append(start) }
        }
    }

    public func route(for profile: DeficitProfile, start: YearMonth, mentors: [String: String] = [:]) -> Route {
        let rules = catalogue.planning
        let programmeEnd = start.adding(months: rules.programmeMonths - 1)
        let perYear = max(1, rules.programmePriorities)
        var calendar = Calendar(rules: rules)
        var steps: [RouteStep] = []
        var postponed: [Postponement] = []
        var used = Set<String>()
        for (rank, deficit) in profile.deficits.enumerated() {
            guard let band = deficit.band, let priority = deficit.priority else { continue }
            let year = rank / perYear
            // Later years: the deficits of one year start a quarter apart, never all in one month.
            let earliest = year == 0 ? 0 : year * 12 + (rank % perYear) * 3
            let yearEnd = max(year * 12 + 11, rules.programmeMonths - 1)
            if year > 0 { postponed.append(Postponement(area: deficit.area, priority: priority, reason: .laterPriority, from: start.adding(months: earliest))) }
            var cursor = earliest
            var areaDelay: Postponement.Reason?
            for choice in choose(for: deficit, band: band, used: used, context: profile.context) {
                // The first option that starts within the deficit's year; else the one that starts first.
                var best: (activity: Activity, start: Int, reason: Postponement.Reason?)?
                for option in choice.options {
                    let (s, reason) = calendar.slot(option, from: cursor)
                    if best == nil || s < best!.start { best = (option, s, reason) }
                    if s <= yearEnd { best = (option, s, reason); break }
                }
                guard let (activity, s, reason) = best else { continue }
                calendar.place(activity, at: s)
                used.insert(activity.id)
                let first = start.adding(months: s), last = start.adding(months: s + max(1, activity.months) - 1)
                if year == 0 && last > programmeEnd, areaDelay == nil { areaDelay = reason ?? .hoursLimit }
                steps.append(RouteStep(area: deficit.area, band: band, priority: priority, activity: activity, start: first, end: last,
                                       mentor: activity.kind == .mentoring ? mentors[deficit.area.id] : nil,
                                       inProgramme: year == 0 && last <= programmeEnd, task: choice.task,
                                       alsoAddresses: choice.also, alternatives: choice.options.filter { $0.id != activity.id }))
                cursor = s + max(1, activity.months)
            }
            if let areaDelay, let firstLate = steps.filter({ $0.area.id == deficit.area.id && !$0.inProgramme }).map(\.start).min() {
                postponed.append(Postponement(area: deficit.area, priority: priority, reason: areaDelay, from: firstLate))
            }
        }
        steps.sort { ($0.start, $0.priority) < ($1.start, $1.priority) }
        let nominalEnd = start.adding(months: rules.horizonYears * 12 - 1)
        let horizonEnd = max(nominalEnd, steps.map(\.end).max() ?? nominalEnd)
        let top = profile.deficits.first.flatMap { catalogue.guides[$0.area.id] }
        return Route(respondent: profile.respondent, start: start, programmeEnd: programmeEnd, horizonEnd: horizonEnd,
                     steps: steps, offers: profile.strengths, postponed: postponed, desiredImage: top?.image,
                     selfEducationTheme: top?.theme, rules: rules)
    }

    /// One task and the activities for it, best first.
    struct Choice {
        var task: Item?
        var also: [String]
        var options: [Activity]
    }

    /// The tasks of a deficit (weakest statements, then missed test tasks) and, for each not yet covered, the
    /// activities of the area and band that address it: those covering more of the teacher's tasks first.
    func choose(for deficit: AreaScore, band: Band, used: Set<String>, context: TeacherContext = TeacherContext()) -> [Choice] {
        let limit = catalogue.planning.stepsPerDeficit[band.id] ?? catalogue.planning.defaultStepsPerDeficit
        let inBand = catalogue.activities.filter {
            $0.area == deficit.area.id && $0.bands.contains(band.id) && !used.contains($0.id) && $0.suits(context)
        }
        let tasks = deficit.weakest + (deficit.test?.missed ?? []).filter { task in !deficit.weakest.contains { $0.id == task.id } }
        let taskIDs = tasks.map(\.id)
        var covered = Set<String>()
        var taken = Set<String>()
        var choices: [Choice] = []
        for task in tasks where choices.count < limit && !covered.contains(task.id) {
            let options = inBand.filter { $0.addresses.contains(task.id) && !taken.contains($0.id) }
                .enumerated().sorted { a, b in
                    let ca = a.element.addresses.filter { taskIDs.contains($0) && !covered.contains($0) }.count
                    let cb = b.element.addresses.filter { taskIDs.contains($0) && !covered.contains($0) }.count
                    return ca != cb ? ca > cb : a.offset < b.offset
                }.map(\.element)
            guard let first = options.first else { continue }
            let also = first.addresses.filter { $0 != task.id && taskIDs.contains($0) && !covered.contains($0) }
            covered.insert(task.id)
            covered.formUnion(also)
            taken.insert(first.id)
            // Alternatives are the other entries for the same task; the first is the plan.
            choices.append(Choice(task: task, also: also, options: options))
        }
        if choices.isEmpty, let fallback = inBand.first(where: { $0.addresses.isEmpty }) ?? inBand.first {
            choices.append(Choice(task: tasks.first, also: [], options: [fallback]))
        }
        return choices
    }
}
