import Foundation
import SurveyEngine
#if canImport(Glibc)
import Glibc
#endif

/// The stored routes of a questionnaire: `<store>/<questionnaire>/routes.jsonl`, one event a line (a plan, a
/// mark, a reflection, a re-diagnosis), appended in order and never rewritten except by `forget`. Each append
/// is written whole and fsynced under an exclusive lock; a line cut off by a crash (no newline at the end) is
/// ignored when reading and trimmed before the next append. The file is 0600 in the store's 0700 folder.
/// A plan line carries the whole planned route (titles, forms, hours, products), so the route reads back as it
/// was planned even after the catalogue changes.
public struct RouteJournal: Sendable {
    public let path: String
    let folder: String

    public init(store: ResponseStore, questionnaireID: String) {
        folder = store.folder(for: questionnaireID)
        path = (folder as NSString).appendingPathComponent("routes.jsonl")
    }

    public struct Line: Sendable {
        public var respondent: String
        public var event: RouteEvent
    }

    /// The events of one respondent (names compared folded), in order.
    public func events(of respondent: String, questionnaire q: Questionnaire) throws(FileError) -> [RouteEvent] {
        let key = TextFolding.fold(respondent)
        // Only the respondent's lines are decoded into routes.
        return try rawLines().filter { ($0["respondent"] as? String).map(TextFolding.fold) == key }.compactMap { Self.decode($0, q)?.event }
    }

    /// Every complete line, in order; lines that do not parse are skipped.
    public func lines(_ q: Questionnaire) throws(FileError) -> [Line] {
        try rawLines().compactMap { Self.decode($0, q) }
    }

    func rawLines() throws(FileError) -> [[String: Any]] {
        guard FileIO.exists(path) else { return [] }
        let bytes = try FileIO.readAll(path: path, limit: 1 << 30)
        // Only lines ended by a newline were committed.
        guard let lastNewline = bytes.lastIndex(of: 0x0A) else { return [] }
        return bytes[...lastNewline].split(separator: 0x0A).compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
        }
    }

    /// Appends one event for the respondent, durably.
    public func append(_ event: RouteEvent, respondent: String) throws(FileError) {
        var object = Self.encode(event)
        object["respondent"] = respondent
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw FileError(path: path, errno: EINVAL)
        }
        data.append(0x0A)
        if !FileIO.isDirectory(folder) {
            if mkdir(folder, 0o700) != 0 && errno != EEXIST { throw FileError(path: folder, errno: errno) }
        }
        let created = !FileIO.exists(path)
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError(path: path, errno: errno) }
        defer { close(fd) }
        fchmod(fd, 0o600)
        while flock(fd, LOCK_EX) != 0 { if errno != EINTR { throw FileError(path: path, errno: errno) } }
        defer { flock(fd, LOCK_UN) }
        // Trim a line cut off by a crash, so the new line starts on its own.
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size > 0 {
            let bytes = try FileIO.readAll(path: path, limit: 1 << 30)
            if bytes.last != 0x0A {
                let keep = (bytes.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
                guard ftruncate(fd, off_t(keep)) == 0 else { throw FileError(path: path, errno: errno) }
            }
        }
        try FileIO.writeAll(fd, Array(data)[...], path: path)
        guard fsync(fd) == 0 else { throw FileError(path: path, errno: errno) }
        if created {
            let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dir >= 0 { fsync(dir); close(dir) }
        }
    }

    /// Removes every line of the respondent (names compared folded): the file is rewritten atomically
    /// (a temporary file, fsync, rename). Returns how many lines went.
    public func forget(_ respondent: String) throws(FileError) -> Int {
        guard FileIO.exists(path) else { return 0 }
        let key = TextFolding.fold(respondent)
        let bytes = try FileIO.readAll(path: path, limit: 1 << 30)
        var kept: [UInt8] = []
        var removed = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
            if let name = object?["respondent"] as? String, TextFolding.fold(name) == key { removed += 1; continue }
            if object == nil, let text = String(bytes: line, encoding: .utf8), TextFolding.fold(text).contains(key) { removed += 1; continue }
            kept += line
            kept.append(0x0A)
        }
        guard removed > 0 else { return 0 }
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileError(path: temporary, errno: errno) }
        do throws(FileError) {
            try FileIO.writeAll(fd, kept[...], path: temporary)
            guard fsync(fd) == 0 else { throw FileError(path: temporary, errno: errno) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw FileError(path: path, errno: errno) }
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { fsync(dir); close(dir) }
        return removed
    }

    // MARK: - Encoding

    static func encode(_ event: RouteEvent) -> [String: Any] {
        switch event {
        case let .plan(route, diagnoses):
            var o: [String: Any] = ["event": "plan", "diagnoses": diagnoses, "start": route.start.description,
                                    "programmeEnd": route.programmeEnd.description, "horizon": route.horizonEnd.description,
                                    "steps": route.steps.map(encode),
                                    "postponed": route.postponed.map { ["area": $0.area.id, "priority": $0.priority, "reason": $0.reason.rawValue, "from": $0.from.description] },
                                    "limits": ["programmePriorities": route.rules.programmePriorities, "maxFormalPerYear": route.rules.maxFormalPerYear,
                                               "maxHoursPerMonth": route.rules.maxHoursPerMonth]]
            if let image = route.desiredImage { o["desiredImage"] = image }
            if let theme = route.selfEducationTheme { o["selfEducationTheme"] = theme }
            return o
        case let .done(step, note), let .cancel(step, note):
            var o: [String: Any] = ["event": { if case .done = event { "done" } else { "cancel" } }(), "step": step]
            if let note { o["note"] = note }
            return o
        case let .reflect(area, text):
            return ["event": "reflect", "area": area, "text": text]
        case let .rediagnosis(closed, added, diagnoses):
            return ["event": "rediagnosis", "closed": closed, "added": added.map(encode), "diagnoses": diagnoses]
        }
    }

    static func encode(_ a: Activity) -> [String: Any] {
        ["id": a.id, "area": a.area, "bands": a.bands, "kind": a.kind.rawValue, "title": a.title, "form": a.form, "hours": a.hours,
         "months": a.months, "product": a.product, "addresses": a.addresses, "result": a.result, "reportingForm": a.reportingForm,
         "responsible": a.responsible]
    }

    static func encode(_ step: RouteStep) -> [String: Any] {
        var o: [String: Any] = ["area": step.area.id, "areaTitle": step.area.title, "band": step.band.id, "bandLabel": step.band.label,
                                "priority": step.priority, "activity": encode(step.activity), "start": step.start.description,
                                "end": step.end.description, "inProgramme": step.inProgramme, "also": step.alsoAddresses,
                                "alternatives": step.alternatives.map(encode)]
        if let mentor = step.mentor { o["mentor"] = mentor }
        if let task = step.task { o["task"] = task.id; o["taskText"] = task.text }
        return o
    }

    static func decode(_ o: [String: Any], _ q: Questionnaire) -> Line? {
        guard let respondent = o["respondent"] as? String, let kind = o["event"] as? String else { return nil }
        let event: RouteEvent
        switch kind {
        case "plan":
            guard let start = (o["start"] as? String).flatMap(YearMonth.init), let end = (o["programmeEnd"] as? String).flatMap(YearMonth.init),
                  let horizon = (o["horizon"] as? String).flatMap(YearMonth.init), let steps = o["steps"] as? [[String: Any]] else { return nil }
            var rules = PlanningRules()
            if let limits = o["limits"] as? [String: Any] {
                rules.programmePriorities = limits["programmePriorities"] as? Int ?? rules.programmePriorities
                rules.maxFormalPerYear = limits["maxFormalPerYear"] as? Int ?? rules.maxFormalPerYear
                rules.maxHoursPerMonth = limits["maxHoursPerMonth"] as? Int ?? rules.maxHoursPerMonth
            }
            let postponed = (o["postponed"] as? [[String: Any]] ?? []).compactMap { p -> Postponement? in
                guard let area = p["area"] as? String, let priority = p["priority"] as? Int,
                      let reason = (p["reason"] as? String).flatMap(Postponement.Reason.init), let from = (p["from"] as? String).flatMap(YearMonth.init) else { return nil }
                return Postponement(area: q.area(area) ?? Area(id: area, title: area), priority: priority, reason: reason, from: from)
            }
            let route = Route(respondent: respondent, start: start, programmeEnd: end, horizonEnd: horizon, steps: steps.compactMap { decodeStep($0, q) },
                              offers: [], postponed: postponed, desiredImage: o["desiredImage"] as? String,
                              selfEducationTheme: o["selfEducationTheme"] as? String, rules: rules)
            event = .plan(route, diagnoses: o["diagnoses"] as? Int ?? 1)
        case "done", "cancel":
            guard let step = o["step"] as? Int else { return nil }
            let note = o["note"] as? String
            event = kind == "done" ? .done(step: step, note: note) : .cancel(step: step, note: note)
        case "reflect":
            guard let area = o["area"] as? String, let text = o["text"] as? String else { return nil }
            event = .reflect(area: area, text: text)
        case "rediagnosis":
            event = .rediagnosis(closed: o["closed"] as? [Int] ?? [], added: (o["added"] as? [[String: Any]] ?? []).compactMap { decodeStep($0, q) },
                                 diagnoses: o["diagnoses"] as? Int ?? 1)
        default:
            return nil
        }
        return Line(respondent: respondent, event: event)
    }

    static func decodeActivity(_ a: [String: Any]) -> Activity? {
        guard let id = a["id"] as? String, let area = a["area"] as? String, let kind = (a["kind"] as? String).flatMap(Activity.Kind.init),
              let title = a["title"] as? String else { return nil }
        return Activity(id: id, area: area, bands: a["bands"] as? [String] ?? [], kind: kind, title: title, form: a["form"] as? String ?? "",
                        hours: a["hours"] as? Int ?? 0, months: a["months"] as? Int ?? 1, product: a["product"] as? String ?? "",
                        addresses: a["addresses"] as? [String] ?? [], result: a["result"] as? String ?? "",
                        reportingForm: a["reportingForm"] as? String ?? "", responsible: a["responsible"] as? String ?? "")
    }

    static func decodeStep(_ s: [String: Any], _ q: Questionnaire) -> RouteStep? {
        guard let areaID = s["area"] as? String, let bandID = s["band"] as? String, let activity = (s["activity"] as? [String: Any]).flatMap(decodeActivity),
              let start = (s["start"] as? String).flatMap(YearMonth.init), let end = (s["end"] as? String).flatMap(YearMonth.init) else { return nil }
        let area = q.area(areaID) ?? Area(id: areaID, title: s["areaTitle"] as? String ?? areaID)
        let band = q.scoring.bands.first { $0.id == bandID } ?? Band(id: bandID, label: s["bandLabel"] as? String ?? bandID, from: 0, to: 0, deficit: true)
        let task = (s["task"] as? String).map { id in q.item(id) ?? Item(id: id, number: 0, text: s["taskText"] as? String ?? id, scale: nil, area: areaID) }
        return RouteStep(area: area, band: band, priority: s["priority"] as? Int ?? 1, activity: activity, start: start, end: end,
                         mentor: s["mentor"] as? String, inProgramme: s["inProgramme"] as? Bool ?? false, task: task,
                         alsoAddresses: s["also"] as? [String] ?? [], alternatives: (s["alternatives"] as? [[String: Any]] ?? []).compactMap(decodeActivity))
    }
}
