import Foundation
import SurveyEngine

/// Reads a questionnaire definition (JSON) into a `Questionnaire`, reporting every problem of the file at
/// once: syntax with line and column, shape (missing or unknown fields, wrong types) and the engine's
/// semantic rules, each at its JSON path and position.
public enum DefinitionLoader {
    /// Definitions are small; anything larger is a mistake (a data file in the wrong folder).
    public static let maxFileSize = 8 << 20
    /// The most elements in one list (items, areas, options…) or fields in one object. The shipped
    /// questionnaires have under a hundred items; the limit keeps the lookups that validation and scoring
    /// do per item (areas × items, scales × items) from turning a big file into minutes of work.
    public static let maxListLength = 5_000

    public struct Outcome: Sendable {
        public var questionnaire: Questionnaire?
        public var problems: [Diagnostic]
        /// Every questionnaire the file gives: one, or one per variant (the first is `questionnaire`).
        public var variants: [Questionnaire] = []
        public var isValid: Bool { questionnaire != nil && problems.isEmpty }
    }

    public static func load(path: String) -> Outcome {
        let name = (path as NSString).lastPathComponent
        do {
            let bytes = try FileIO.readAll(path: path, limit: maxFileSize)
            return decode(bytes, file: name)
        } catch {
            return Outcome(questionnaire: nil, problems: [Diagnostic(file: path, error.reasonText)], variants: [])
        }
    }

    public static func decode(_ bytes: [UInt8], file: String) -> Outcome {
        let lines = LineIndex(bytes)
        let root: JSONNode
        do {
            root = try JSONTreeParser.parse(bytes)
        } catch {
            let (line, column) = lines.position(of: error.offset)
            return Outcome(questionnaire: nil, problems: [Diagnostic(file: file, line: line, column: column, error.text)], variants: [])
        }
        var reader = TreeReader()
        let questionnaire = reader.questionnaire(root)
        var problems = reader.problems
        if let questionnaire, problems.isEmpty {
            problems = QuestionnaireValidator.problems(in: questionnaire).map { ($0.path, Messages.definition($0.issue)) }
            // Each variant must be a valid questionnaire on its own too (paths are the variant's, so only
            // problems the whole file does not already show are added, at the variants' list).
            if problems.isEmpty {
                for (v, variant) in questionnaire.variants.enumerated() {
                    for problem in QuestionnaireValidator.problems(in: questionnaire.variant(variant)) {
                        problems.append(("$.variants[\(v)]", Messages.definition(.inVariant(variant.id, path: problem.path, problem.issue))))
                    }
                }
            }
        }
        let diagnostics = problems.map { path, message in
            let offset = reader.offset(nearest: path)
            let (line, column) = lines.position(of: offset)
            return Diagnostic(file: file, line: line, column: column, path: path, message)
        }
        return Outcome(questionnaire: diagnostics.isEmpty ? questionnaire?.resolvedVariants.first : nil, problems: diagnostics,
                       variants: diagnostics.isEmpty ? questionnaire?.resolvedVariants ?? [] : [])
    }
}

/// Walks the JSON tree into the model, recording each path's offset and every shape problem.
struct TreeReader {
    var problems: [(String, Message)] = []
    private var offsets: [String: Int] = [:]

    mutating func report(_ path: String, _ message: Message) { problems.append((path, message)) }

    /// The offset of `path`, or of its nearest ancestor that exists in the file.
    func offset(nearest path: String) -> Int {
        var current = Substring(path)
        while true {
            if let offset = offsets[String(current)] { return offset }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { return 0 }
            current = current[..<cut]
        }
    }

    // MARK: - The questionnaire

    mutating func questionnaire(_ root: JSONNode) -> Questionnaire? {
        guard var o = object(root, "$") else { return nil }
        let id = o.string("id", &self)
        let version = o.string("version", &self, required: false) ?? "1"
        let kindText = o.string("kind", &self)
        let title = o.string("title", &self)
        let language = o.string("language", &self, required: false) ?? "ru"
        let description = o.string("description", &self, required: false)
        _ = o.string("source", &self, required: false)
        var kind: QuestionnaireKind?
        if let kindText {
            kind = QuestionnaireKind(rawValue: kindText)
            if kind == nil {
                report("$.kind", Messages.unknownValue(.kind, kindText, oneOf: ["likert", "deficits", "monitoring"]))
            }
        }
        let scales = o.array("scales", &self) { r, node, path in r.scale(node, path) }
        let domains = o.array("domains", &self, required: false) { r, node, path in r.named(node, path).map { Domain(id: $0.id, title: $0.title) } }
        let areas = o.array("areas", &self, required: false) { r, node, path in r.area(node, path) }
        let stages = o.array("stages", &self, required: false) { r, node, path in r.stage(node, path) }
        let items = o.array("items", &self) { r, node, path in r.item(node, path) }
        let variants = o.array("variants", &self, required: false) { r, node, path -> Variant? in
            guard var v = r.object(node, path) else { return nil }
            let id = v.string("id", &r), title = v.string("title", &r)
            let questionnaireTitle = v.string("questionnaireTitle", &r, required: false)
            v.finish(&r)
            guard let id, let title else { return nil }
            return Variant(id: id, title: title, questionnaireTitle: questionnaireTitle)
        }
        let context = o.array("context", &self, required: false) { r, node, path in r.contextField(node, path) }
        var scoring = ScoringRules()
        if let node = o.member("scoring", &self, required: false) {
            scoring = self.scoring(node, "$.scoring", items: items ?? [])
        }
        var translations: [String: Translation] = [:]
        if let node = o.member("translations", &self, required: false), var t = object(node, "$.translations") {
            for key in t.keys {
                if let value = t.member(key, &self), let translation = translation(value, "$.translations.\(key)") {
                    translations[key] = translation
                }
            }
            t.finish(&self)
        }
        o.finish(&self)
        guard let id, let kind, let title, let scales, let items else { return nil }
        var q = Questionnaire(
            id: id, version: version, kind: kind, title: title, language: language, description: description,
            scales: scales, domains: domains ?? [], areas: areas ?? [], stages: stages ?? [], items: items,
            scoring: scoring, translations: translations, context: context ?? [])
        q.variants = variants ?? []
        return q
    }

    mutating func contextField(_ node: JSONNode, _ path: String) -> ContextField? {
        guard var o = object(node, path) else { return nil }
        let id = o.string("id", &self), label = o.string("label", &self)
        var kind: ContextField.Kind?
        if let text = o.string("kind", &self) {
            kind = ContextField.Kind(rawValue: text)
            if kind == nil { report("\(path).kind", Messages.unknownValue(.contextKind, text, oneOf: ContextField.Kind.allCases.map(\.rawValue))) }
        }
        let aliases = o.array("aliases", &self, required: false) { r, node, path in r.string(node, path) }
        let options = o.array("options", &self, required: false) { r, node, path -> ContextField.Choice? in
            guard var c = r.object(node, path) else { return nil }
            let id = c.string("id", &r), label = c.string("label", &r)
            let aliases = c.array("aliases", &r, required: false) { r, node, path in r.string(node, path) }
            c.finish(&r)
            guard let id, let label else { return nil }
            return ContextField.Choice(id: id, label: label, aliases: aliases ?? [])
        }
        let open = o.bool("open", &self, required: false) ?? false
        let optional = o.bool("optional", &self, required: false) ?? false
        let min = o.integer("min", &self, required: false), max = o.integer("max", &self, required: false)
        o.finish(&self)
        guard let id, let label, let kind else { return nil }
        return ContextField(id: id, label: label, kind: kind, aliases: aliases ?? [], options: options ?? [], open: open,
                            optional: optional, min: min, max: max)
    }

    mutating func applicability(_ node: JSONNode, _ path: String) -> Applicability? {
        guard var o = object(node, path) else { return nil }
        let roles = o.array("roles", &self, required: false) { r, node, path in r.string(node, path) }
        let subjects = o.array("subjects", &self, required: false) { r, node, path in r.string(node, path) }
        let except = o.array("exceptSubjects", &self, required: false) { r, node, path in r.string(node, path) }
        let classTeacher = o.bool("classTeacher", &self, required: false)
        o.finish(&self)
        return Applicability(roles: roles ?? [], subjects: subjects ?? [], exceptSubjects: except ?? [], classTeacher: classTeacher)
    }

    mutating func testTask(_ o: inout ObjectReader, _ path: String) -> TestTask? {
        var choice: TestTask.Choice?
        if let text = o.string("choice", &self) {
            choice = TestTask.Choice(rawValue: text)
            if choice == nil { report("\(path).choice", Messages.unknownValue(.choice, text, oneOf: ["single", "multiple"])) }
        }
        let points = o.number("points", &self, required: false) ?? 1
        let options = o.array("options", &self) { r, node, path -> TestTask.Option? in
            guard var p = r.object(node, path) else { return nil }
            let label = p.string("label", &r)
            let correct = p.bool("correct", &r)
            p.finish(&r)
            guard let label, let correct else { return nil }
            return TestTask.Option(label: label, correct: correct)
        }
        let explanation = o.string("explanation", &self, required: false)
        guard let choice, let options else { return nil }
        return TestTask(choice: choice, points: points, options: options, explanation: explanation)
    }

    mutating func scale(_ node: JSONNode, _ path: String) -> ResponseScale? {
        guard var o = object(node, path) else { return nil }
        let id = o.string("id", &self)
        var kind = ResponseScale.Kind.ordinal
        if let text = o.string("kind", &self, required: false) {
            if let k = ResponseScale.Kind(rawValue: text) { kind = k } else {
                report("\(path).kind", Messages.unknownValue(.scaleKind, text, oneOf: ["ordinal", "levels"]))
            }
        }
        let favourable = o.number("favourableFrom", &self, required: false)
        let options = o.array("options", &self) { r, node, path -> Option? in
            guard var p = r.object(node, path) else { return nil }
            let label = p.string("label", &r)
            let value = p.number("value", &r)
            let aliases = p.array("aliases", &r, required: false) { r, node, path in r.string(node, path) }
            let descriptor = p.string("descriptor", &r, required: false)
            let notApplicable = p.bool("notApplicable", &r, required: false) ?? false
            p.finish(&r)
            guard let label, let value else { return nil }
            return Option(label: label, value: value, aliases: aliases ?? [], descriptor: descriptor, notApplicable: notApplicable)
        }
        o.finish(&self)
        guard let id, let options else { return nil }
        return ResponseScale(id: id, kind: kind, options: options, favourableFrom: favourable)
    }

    mutating func named(_ node: JSONNode, _ path: String) -> (id: String, title: String)? {
        guard var o = object(node, path) else { return nil }
        let id = o.string("id", &self), title = o.string("title", &self)
        o.finish(&self)
        guard let id, let title else { return nil }
        return (id, title)
    }

    mutating func area(_ node: JSONNode, _ path: String) -> Area? {
        guard var o = object(node, path) else { return nil }
        let id = o.string("id", &self), title = o.string("title", &self)
        let domain = o.string("domain", &self, required: false)
        let variant = o.string("variant", &self, required: false)
        o.finish(&self)
        guard let id, let title else { return nil }
        var area = Area(id: id, title: title, domain: domain)
        area.variant = variant
        return area
    }

    mutating func stage(_ node: JSONNode, _ path: String) -> Stage? {
        guard var o = object(node, path) else { return nil }
        let id = o.string("id", &self), title = o.string("title", &self)
        let month = o.integer("month", &self, required: false)
        o.finish(&self)
        guard let id, let title else { return nil }
        return Stage(id: id, title: title, month: month)
    }

    mutating func item(_ node: JSONNode, _ path: String) -> Item? {
        guard var o = object(node, path) else { return nil }
        let id = o.string("id", &self)
        let number = o.integer("number", &self)
        let text = o.string("text", &self)
        let kind = o.string("kind", &self, required: false) ?? "statement"
        if !["statement", "test"].contains(kind) { report("\(path).kind", Messages.unknownValue(.itemKind, kind, oneOf: ["statement", "test"])) }
        // `scale` is required so that free text is a deliberate `null`, never a forgotten field; a test task
        // has its own options instead.
        var scale: String?
        var scaleIsValid = kind == "test"
        if let member = o.member("scale", &self, required: kind != "test") {
            if case .null = member.value { scaleIsValid = true } else {
                scale = string(member, "\(path).scale")
                scaleIsValid = scale != nil
                if kind == "test" { report("\(path).scale", Messages.testTaskHasOwnOptions) }
            }
        }
        let test = kind == "test" ? testTask(&o, path) : nil
        let area = o.string("area", &self, required: false)
        let reverse = o.bool("reverse", &self, required: false) ?? false
        let required = o.bool("required", &self, required: false) ?? true
        let appliesTo = o.member("appliesTo", &self, required: false).flatMap { applicability($0, "\(path).appliesTo") }
        let confidential = o.bool("confidential", &self, required: false) ?? false
        let source = o.string("source", &self, required: false)
        let descriptors = o.array("descriptors", &self, required: false) { r, node, path in r.string(node, path) }
        let indicators = indicatorMap(o.member("indicators", &self, required: false), "\(path).indicators")
        let aliases = o.array("aliases", &self, required: false) { r, node, path in r.string(node, path) }
        let domain = o.string("domain", &self, required: false)
        o.finish(&self)
        guard let id, let number, let text, scaleIsValid, kind != "test" || test != nil else { return nil }
        var item = Item(id: id, number: number, text: text, scale: scale, area: area, reverse: reverse, required: required,
                        test: test, appliesTo: appliesTo, confidential: confidential, source: source,
                        descriptors: descriptors.flatMap { $0.isEmpty ? nil : $0 })
        item.indicators = indicators
        item.aliases = aliases ?? []
        item.domain = domain
        return item
    }

    /// `"indicators": {"1": "…", "2": "…", "3": "…"}`: keys are level values.
    mutating func indicatorMap(_ node: JSONNode?, _ path: String) -> [Int: String] {
        var map: [Int: String] = [:]
        for (key, text) in stringMap(node, path) {
            if let level = Int(key), String(level) == key { map[level] = text } else {
                report("\(path).\(key)", Messages.indicatorKey(key))
            }
        }
        return map
    }

    mutating func scoring(_ node: JSONNode, _ path: String, items: [Item]) -> ScoringRules {
        guard var o = object(node, path) else { return ScoringRules() }
        let composites = o.array("composites", &self, required: false) { r, node, path -> Composite? in
            guard var c = r.object(node, path) else { return nil }
            let id = c.string("id", &r), title = c.string("title", &r)
            var ids: [String]?
            if let member = c.member("items", &r) {
                if case .string("all") = member.value {
                    ids = items.filter { !$0.isFreeText }.map(\.id)
                } else {
                    ids = r.array(member, "\(path).items") { r, node, path in r.string(node, path) }
                }
            }
            let minAnswered = c.number("minAnswered", &r, required: false) ?? 0.5
            c.finish(&r)
            guard let id, let title, let ids else { return nil }
            return Composite(id: id, title: title, items: ids, minAnswered: minAnswered)
        }
        var area: AreaRule?
        if let member = o.member("area", &self, required: false), var a = object(member, "\(path).area") {
            let minAnswered = a.number("minAnswered", &self, required: false) ?? 0.5
            let maxMissing = a.integer("maxMissing", &self, required: false)
            let minAnswers = a.integer("minAnswers", &self, required: false) ?? 1
            var basis = AreaRule.BandBasis.pomp
            if let text = a.string("bandsOn", &self, required: false) {
                if let b = AreaRule.BandBasis(rawValue: text) { basis = b } else { report("\(path).area.bandsOn", Messages.unknownValue(.basis, text, oneOf: ["pomp", "mean"])) }
            }
            a.finish(&self)
            area = AreaRule(minAnswered: minAnswered, maxMissing: maxMissing, minAnswers: minAnswers, bandsOn: basis)
        }
        let bands = o.array("bands", &self, required: false) { r, node, path in r.band(node, path) }
        let testBands = o.array("testBands", &self, required: false) { r, node, path in r.band(node, path) }
        let confidentialBands = o.array("confidentialBands", &self, required: false) { r, node, path in r.band(node, path) }
        var suggestions = SuggestionRule()
        if let member = o.member("suggestions", &self, required: false), var g = object(member, "\(path).suggestions") {
            suggestions.perDomain = g.integer("perDomain", &self, required: false) ?? suggestions.perDomain
            suggestions.total = g.integer("total", &self, required: false) ?? suggestions.total
            g.finish(&self)
            if suggestions.perDomain < 0 || suggestions.total < 0 { report("\(path).suggestions", Messages.negativeSuggestions) }
        }
        o.finish(&self)
        var rules = ScoringRules(composites: composites ?? [], area: area, bands: bands ?? [], testBands: testBands ?? [],
                                 confidentialBands: confidentialBands ?? [])
        rules.suggestions = suggestions
        return rules
    }

    mutating func band(_ node: JSONNode, _ path: String) -> Band? {
        guard var b = object(node, path) else { return nil }
        let id = b.string("id", &self), label = b.string("label", &self)
        let from = b.number("from", &self), to = b.number("to", &self)
        let deficit = b.bool("deficit", &self, required: false) ?? false
        let strength = b.bool("strength", &self, required: false) ?? false
        let description = b.string("description", &self, required: false)
        let closedAbove = b.bool("closedAbove", &self, required: false) ?? false
        let answer = b.string("answer", &self, required: false)
        let equivalent = b.array("equivalent", &self, required: false) { r, node, path in r.string(node, path) }
        let overrides = b.bool("overrides", &self, required: false) ?? false
        b.finish(&self)
        guard let id, let label, let from, let to else { return nil }
        return Band(id: id, label: label, from: from, to: to, deficit: deficit, strength: strength, description: description,
                    closedAbove: closedAbove, answer: answer, equivalent: equivalent ?? [], overrides: overrides)
    }

    mutating func translation(_ node: JSONNode, _ path: String) -> Translation? {
        guard var o = object(node, path) else { return nil }
        var t = Translation()
        t.title = o.string("title", &self, required: false)
        t.names = stringMap(o.member("names", &self, required: false), "\(path).names")
        t.items = stringMap(o.member("items", &self, required: false), "\(path).items")
        if let member = o.member("options", &self, required: false), var scales = object(member, "\(path).options") {
            for key in scales.keys {
                t.options[key] = stringMap(scales.member(key, &self), "\(path).options.\(key)")
            }
            scales.finish(&self)
        }
        o.finish(&self)
        return t
    }

    mutating func stringMap(_ node: JSONNode?, _ path: String) -> [String: String] {
        guard let node, var o = object(node, path) else { return [:] }
        var map: [String: String] = [:]
        for key in o.keys {
            if let member = o.member(key, &self), let value = string(member, "\(path).\(key)") { map[key] = value }
        }
        o.finish(&self)
        return map
    }

    // MARK: - Typed access

    mutating func object(_ node: JSONNode, _ path: String) -> ObjectReader? {
        offsets[path] = node.offset
        guard case .object(let members) = node.value else {
            report(path, Messages.expected(Messages.anObject, found: node.value))
            return nil
        }
        guard members.count <= DefinitionLoader.maxListLength else {
            report(path, Messages.tooManyFields(members.count, limit: DefinitionLoader.maxListLength))
            return nil
        }
        return ObjectReader(path: path, members: members)
    }

    mutating func string(_ node: JSONNode, _ path: String) -> String? {
        offsets[path] = node.offset
        guard case .string(let text) = node.value else {
            report(path, Messages.expected(Messages.aString, found: node.value))
            return nil
        }
        return text
    }

    mutating func array<T>(_ node: JSONNode, _ path: String, _ element: (inout TreeReader, JSONNode, String) -> T?) -> [T]? {
        offsets[path] = node.offset
        guard case .array(let nodes) = node.value else {
            report(path, Messages.expected(Messages.anArray, found: node.value))
            return nil
        }
        guard nodes.count <= DefinitionLoader.maxListLength else {
            report(path, Messages.tooManyElements(nodes.count, limit: DefinitionLoader.maxListLength))
            return nil
        }
        var out: [T] = []
        var failed = false
        for (i, child) in nodes.enumerated() {
            let childPath = "\(path)[\(i)]"
            offsets[childPath] = child.offset
            if let value = element(&self, child, childPath) { out.append(value) } else { failed = true }
        }
        return failed ? nil : out
    }

    mutating func record(_ path: String, _ node: JSONNode) { offsets[path] = node.offset }
}

/// One JSON object being read: hands out members by key and, at `finish`, reports keys nobody asked for
/// (a misspelt `"revers"` is an error, not a silently ignored field).
struct ObjectReader {
    let path: String
    let members: [(key: String, value: JSONNode)]
    private var used = Set<String>()

    init(path: String, members: [(key: String, value: JSONNode)]) {
        self.path = path
        self.members = members
    }

    var keys: [String] { members.map(\.key) }

    mutating func member(_ key: String, _ reader: inout TreeReader, required: Bool = true) -> JSONNode? {
        used.insert(key)
        guard let node = members.first(where: { $0.key == key })?.value else {
            if required { reader.report(path, Messages.missingField(key)) }
            return nil
        }
        reader.record("\(path).\(key)", node)
        return node
    }

    mutating func string(_ key: String, _ reader: inout TreeReader, required: Bool = true) -> String? {
        guard let node = member(key, &reader, required: required) else { return nil }
        if !required, case .null = node.value { return nil }
        return reader.string(node, "\(path).\(key)")
    }

    mutating func number(_ key: String, _ reader: inout TreeReader, required: Bool = true) -> Double? {
        guard let node = member(key, &reader, required: required) else { return nil }
        if !required, case .null = node.value { return nil }
        guard case .number(let value) = node.value else {
            reader.report("\(path).\(key)", Messages.expected(Messages.aNumber, found: node.value))
            return nil
        }
        return value
    }

    mutating func integer(_ key: String, _ reader: inout TreeReader, required: Bool = true) -> Int? {
        guard let value = number(key, &reader, required: required) else { return nil }
        guard value.rounded() == value, abs(value) < 1e9 else {
            reader.report("\(path).\(key)", Messages.expectedWholeNumber(found: value))
            return nil
        }
        return Int(value)
    }

    mutating func bool(_ key: String, _ reader: inout TreeReader, required: Bool = true) -> Bool? {
        guard let node = member(key, &reader, required: required) else { return nil }
        guard case .bool(let value) = node.value else {
            reader.report("\(path).\(key)", Messages.expected(Messages.aBoolean, found: node.value))
            return nil
        }
        return value
    }

    mutating func array<T>(_ key: String, _ reader: inout TreeReader, required: Bool = true,
                           _ element: (inout TreeReader, JSONNode, String) -> T?) -> [T]? {
        guard let node = member(key, &reader, required: required) else { return required ? nil : [] }
        return reader.array(node, "\(path).\(key)", element)
    }

    func finish(_ reader: inout TreeReader) {
        for (key, node) in members where !used.contains(key) {
            reader.record("\(path).\(key)", node)
            let known = used.sorted()
            reader.report("\(path).\(key)", Messages.unknownField(key, suggestion: TextFolding.nearest(key, among: known)))
        }
    }
}
