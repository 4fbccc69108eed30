import Foundation
import SurveyEngine

/// Reads `questionnaires/catalogues/<questionnaire-id>.json` with the same located diagnostics as definitions.
public enum CatalogueLoader {
    public static func path(for questionnaireID: String, folder: String) -> String {
        ((folder as NSString).appendingPathComponent("catalogues") as NSString).appendingPathComponent("\(questionnaireID).json")
    }

    public struct Outcome: Sendable {
        public var catalogue: ActivityCatalogue?
        public var problems: [Diagnostic]
    }

    /// Loads and checks a catalogue against its questionnaire.
    public static func load(path: String, questionnaire q: Questionnaire) -> Outcome {
        let name = (path as NSString).lastPathComponent
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(path: path, limit: DefinitionLoader.maxFileSize) } catch {
            return Outcome(catalogue: nil, problems: [Diagnostic(file: path, error.reasonText)])
        }
        let lines = LineIndex(bytes)
        let root: JSONNode
        do { root = try JSONTreeParser.parse(bytes) } catch {
            let (line, column) = lines.position(of: error.offset)
            return Outcome(catalogue: nil, problems: [Diagnostic(file: name, line: line, column: column, error.text)])
        }
        var reader = TreeReader()
        let catalogue = decode(root, &reader)
        var problems = reader.problems
        if let catalogue, problems.isEmpty { problems = catalogue.problems(against: q).map { ($0.path, Messages.definition($0.issue)) } }
        let diagnostics = problems.map { path, message in
            let (line, column) = lines.position(of: reader.offset(nearest: path))
            return Diagnostic(file: "catalogues/" + name, line: line, column: column, path: path, message)
        }
        return Outcome(catalogue: diagnostics.isEmpty ? catalogue : nil, problems: diagnostics)
    }

    private static func decode(_ root: JSONNode, _ r: inout TreeReader) -> ActivityCatalogue? {
        guard var o = r.object(root, "$") else { return nil }
        let questionnaire = o.string("questionnaire", &r)
        let version = o.string("version", &r, required: false) ?? "1"
        var planning = PlanningRules()
        if let node = o.member("planning", &r), var p = r.object(node, "$.planning") {
            planning.programmeMonths = p.integer("programmeMonths", &r) ?? planning.programmeMonths
            planning.horizonYears = p.integer("horizonYears", &r) ?? planning.horizonYears
            planning.maxMenteesPerMentor = p.integer("maxMenteesPerMentor", &r) ?? planning.maxMenteesPerMentor
            planning.maxMentorsPerMentee = p.integer("maxMentorsPerMentee", &r, required: false) ?? planning.maxMentorsPerMentee
            planning.groupShare = p.number("groupShare", &r, required: false) ?? planning.groupShare
            planning.groupMinimum = p.integer("groupMinimum", &r, required: false) ?? planning.groupMinimum
            planning.programmePriorities = p.integer("programmePriorities", &r, required: false) ?? planning.programmePriorities
            if let node = p.member("stepsPerDeficit", &r, required: false), var steps = r.object(node, "$.planning.stepsPerDeficit") {
                for key in steps.keys { planning.stepsPerDeficit[key] = steps.integer(key, &r) }
                steps.finish(&r)
            }
            planning.maxFormalPerYear = p.integer("maxFormalPerYear", &r, required: false) ?? planning.maxFormalPerYear
            planning.maxHoursPerMonth = p.integer("maxHoursPerMonth", &r, required: false) ?? planning.maxHoursPerMonth
            planning.mentorMinExperience = p.integer("mentorMinExperience", &r, required: false) ?? planning.mentorMinExperience
            if p.member("subjectBoundAreas", &r, required: false) != nil {
                planning.subjectBoundAreas = p.array("subjectBoundAreas", &r) { r, node, path in r.string(node, path) } ?? planning.subjectBoundAreas
            }
            p.finish(&r)
        }
        let activities = o.array("activities", &r) { r, node, path -> Activity? in
            guard var a = r.object(node, path) else { return nil }
            let id = a.string("id", &r), area = a.string("area", &r)
            let bands = a.array("bands", &r) { r, node, path in r.string(node, path) }
            let phaseText = a.string("phase", &r, required: false) ?? "programme", kindText = a.string("kind", &r)
            let title = a.string("title", &r), form = a.string("form", &r), product = a.string("product", &r)
            let hours = a.integer("hours", &r), months = a.integer("months", &r)
            let addresses = a.array("addresses", &r, required: false) { r, node, path in r.string(node, path) } ?? []
            let result = a.string("result", &r, required: false) ?? ""
            let reportingForm = a.string("reportingForm", &r, required: false) ?? ""
            let responsible = a.string("responsible", &r, required: false) ?? ""
            let minExperience = a.integer("minExperience", &r, required: false), maxExperience = a.integer("maxExperience", &r, required: false)
            a.finish(&r)
            if let low = minExperience, let high = maxExperience, low > high {
                r.report("\(path).minExperience", Messages.minExperienceAboveMax(low, high))
            }
            let phase = Activity.Phase(rawValue: phaseText)
            if phase == nil { r.report("\(path).phase", Messages.unknownValue(.phase, phaseText, oneOf: ["programme", "iom"])) }
            let kind = kindText.flatMap(Activity.Kind.init(rawValue:))
            if kindText != nil && kind == nil { r.report("\(path).kind", Messages.unknownValue(.kind, kindText ?? "", oneOf: ["formal", "nonformal", "mentoring", "self"])) }
            guard let id, let area, let bands, let phase, let kind, let title, let form, let product, let hours, let months else { return nil }
            var activity = Activity(id: id, area: area, bands: bands, phase: phase, kind: kind, title: title, form: form, hours: hours, months: months,
                                    product: product, addresses: addresses, result: result, reportingForm: reportingForm, responsible: responsible)
            if minExperience != nil || maxExperience != nil {
                let low = minExperience ?? 0, high = max(low, maxExperience ?? Int.max)
                activity.experience = low...high
            }
            return activity
        }
        var strength: (String, String, String)?
        if let node = o.member("strength", &r), var s = r.object(node, "$.strength") {
            let title = s.string("title", &r), form = s.string("form", &r), product = s.string("product", &r)
            s.finish(&r)
            if let title, let form, let product { strength = (title, form, product) }
        }
        var guides: [String: AreaGuide] = [:]
        if let node = o.member("areas", &r, required: false), var areas = r.object(node, "$.areas") {
            for key in areas.keys {
                guard let member = areas.member(key, &r), var g = r.object(member, "$.areas.\(key)") else { continue }
                let image = g.string("image", &r), theme = g.string("theme", &r)
                var offer: AreaGuide.Offer?
                if let node = g.member("offer", &r, required: false), var f = r.object(node, "$.areas.\(key).offer") {
                    if let title = f.string("title", &r), let form = f.string("form", &r), let product = f.string("product", &r) {
                        offer = AreaGuide.Offer(title: title, form: form, product: product)
                    }
                    f.finish(&r)
                }
                g.finish(&r)
                if let image, let theme { guides[key] = AreaGuide(image: image, theme: theme, offer: offer) }
            }
            areas.finish(&r)
        }
        o.finish(&r)
        guard let questionnaire, let activities, let strength else { return nil }
        return ActivityCatalogue(questionnaire: questionnaire, version: version, planning: planning, activities: activities, strength: strength,
                                 guides: guides)
    }
}
