/// What happens to a stored route, in order: planned once, then steps marked done or cancelled, reflections
/// written, and a re-diagnosis closing steps whose deficit closed and adding steps for new deficits.
public enum RouteEvent: Sendable, Equatable {
    /// The route as planned; `diagnoses` is how many diagnoses of the teacher it was planned from.
    case plan(Route, diagnoses: Int)
    case done(step: Int, note: String?)
    case cancel(step: Int, note: String?)
    case reflect(area: String, text: String)
    /// A later diagnosis: step numbers whose deficit closed, steps added for new deficits.
    case rediagnosis(closed: [Int], added: [RouteStep], diagnoses: Int)

    public static func == (a: RouteEvent, b: RouteEvent) -> Bool {
        switch (a, b) {
        case let (.plan(r1, d1), .plan(r2, d2)): r1 == r2 && d1 == d2
        case let (.done(s1, n1), .done(s2, n2)), let (.cancel(s1, n1), .cancel(s2, n2)): s1 == s2 && n1 == n2
        case let (.reflect(a1, t1), .reflect(a2, t2)): a1 == a2 && t1 == t2
        case let (.rediagnosis(c1, s1, d1), .rediagnosis(c2, s2, d2)): c1 == c2 && s1 == s2 && d1 == d2
        default: false
        }
    }
}

/// A route read back from its events: the plan with every mark applied in order. Steps are numbered as
/// planned (added steps after them), so a mark stays attached to its step.
public struct LivingRoute: Sendable {
    public var route: Route
    /// Diagnoses the route has taken into account (the plan's, then each re-diagnosis).
    public var diagnoses: Int

    /// nil when the events hold no plan.
    public init?(_ events: [RouteEvent], today: YearMonth) {
        guard let first = events.firstIndex(where: { if case .plan = $0 { true } else { false } }),
              case let .plan(planned, diagnoses) = events[first] else { return nil }
        var route = planned
        var seen = diagnoses
        for event in events[(first + 1)...] {
            switch event {
            case .plan:
                continue  // planned once: a second plan line is ignored
            case let .done(step, note):
                guard route.steps.indices.contains(step - 1) else { continue }
                route.steps[step - 1].status = .done
                route.steps[step - 1].note = note ?? route.steps[step - 1].note
            case let .cancel(step, note):
                guard route.steps.indices.contains(step - 1) else { continue }
                route.steps[step - 1].status = .cancelled
                route.steps[step - 1].note = note ?? route.steps[step - 1].note
            case let .reflect(area, text):
                route.reflections.append((area, text))
            case let .rediagnosis(closed, added, count):
                for step in closed where route.steps.indices.contains(step - 1) && route.steps[step - 1].status != .done {
                    route.steps[step - 1].status = .cancelled
                    route.steps[step - 1].closedByDiagnosis = true
                }
                route.steps += added
                if let last = route.steps.map(\.end).max(), last > route.horizonEnd { route.horizonEnd = last }
                seen = count
            }
        }
        for index in route.steps.indices where route.steps[index].status == .planned && route.steps[index].end < today {
            route.steps[index].status = .overdue
        }
        self.route = route
        self.diagnoses = seen
    }

    /// What a new diagnosis changes: open steps of areas that are no deficit now are closed; deficits the route
    /// has no open step for get steps planned from `start` (the planner's choice, within its limits).
    public static func rediagnosis(of route: Route, profile: DeficitProfile, planner: RoutePlanner, start: YearMonth,
                                   mentors: [String: String] = [:], diagnoses: Int) -> RouteEvent? {
        let deficits = Set(profile.deficits.map(\.area.id))
        let closed = route.steps.indices.filter { i in
            let step = route.steps[i]
            return (step.status == .planned || step.status == .overdue) && !deficits.contains(step.area.id)
        }.map { $0 + 1 }
        let covered = Set(route.steps.filter { $0.status != .cancelled }.map(\.area.id))
        var fresh = profile
        fresh.areas = profile.areas.map { area in
            var area = area
            if covered.contains(area.area.id) { area.band = area.band.flatMap { $0.deficit ? nil : $0 }; area.priority = nil }
            return area
        }
        let added = fresh.deficits.isEmpty ? [] : planner.route(for: fresh, start: start, mentors: mentors).steps
        return .rediagnosis(closed: closed, added: added, diagnoses: diagnoses)
    }
}
