/// A problem found in a definition, at a JSON path such as `$.items[12].scale`.
public struct DefinitionProblem: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// Checks the rules a definition must keep beyond its JSON shape, collecting every problem at once:
/// unique ids and numbers, known scales and areas, options that can be told apart after folding,
/// level scales lowest first, bands that tile their range without gaps or overlaps.
public enum QuestionnaireValidator {
    public static func problems(in q: Questionnaire) -> [DefinitionProblem] {
        var problems: [DefinitionProblem] = []
        func report(_ path: String, _ message: String) { problems.append(DefinitionProblem(path, message)) }

        if !isSafeIdentifier(q.id) {
            report("$.id", "id \"\(q.id)\" must be letters, digits, '-', '_' or '.', not starting with '.'")
        }
        if q.title.trimmingSpaces.isEmpty { report("$.title", "title is empty") }

        // Scales and their options.
        duplicates(q.scales.map(\.id)) { i, id in report("$.scales[\(i)].id", "duplicate scale id \"\(id)\"") }
        for (s, scale) in q.scales.enumerated() {
            checkScale(scale, path: "$.scales[\(s)]", report: report)
        }

        // Domains, areas, stages.
        duplicates(q.domains.map(\.id)) { i, id in report("$.domains[\(i)].id", "duplicate domain id \"\(id)\"") }
        duplicates(q.areas.map(\.id)) { i, id in report("$.areas[\(i)].id", "duplicate area id \"\(id)\"") }
        duplicates(q.stages.map(\.id)) { i, id in report("$.stages[\(i)].id", "duplicate stage id \"\(id)\"") }
        let domainIDs = Set(q.domains.map(\.id))
        for (a, area) in q.areas.enumerated() {
            if let domain = area.domain, !domainIDs.contains(domain) {
                report("$.areas[\(a)].domain", "unknown domain \"\(domain)\"\(hint(domain, q.domains.map(\.id)))")
            }
            if !q.items.contains(where: { $0.area == area.id }) {
                report("$.areas[\(a)]", "area \"\(area.id)\" has no items")
            }
        }
        for (s, stage) in q.stages.enumerated() {
            if let month = stage.month, !(1...12).contains(month) {
                report("$.stages[\(s)].month", "month \(month) is not 1–12")
            }
        }

        // Items.
        if q.items.isEmpty { report("$.items", "no items") }
        if q.variants.isEmpty {
            duplicates(q.items.map(\.id)) { i, id in report("$.items[\(i)].id", "duplicate item id \"\(id)\"") }
            duplicates(q.items.map(\.number)) { i, n in report("$.items[\(i)].number", "duplicate item number \(n)") }
        } else {
            checkVariants(q, report: report)
        }
        let scaleIDs = q.scales.map(\.id), areaIDs = q.areas.map(\.id)
        for (i, item) in q.items.enumerated() {
            let path = "$.items[\(i)]"
            if item.id.trimmingSpaces.isEmpty || item.id != item.id.trimmingSpaces {
                report("\(path).id", "item id \"\(item.id)\" is empty or has spaces at its ends")
            }
            if item.number < 1 { report("\(path).number", "number \(item.number) must be 1 or more") }
            if item.text.trimmingSpaces.isEmpty { report("\(path).text", "text is empty") }
            if let scale = item.scale {
                if !scaleIDs.contains(scale) {
                    report("\(path).scale", "unknown scale \"\(scale)\"\(hint(scale, scaleIDs))")
                }
            } else if item.reverse {
                report("\(path).reverse", "a free-text item cannot be reverse-keyed")
            }
            if let area = item.area, !areaIDs.contains(area) {
                report("\(path).area", "unknown area \"\(area)\"\(hint(area, areaIDs))")
            }
            checkStatement(item, q, path: path, report: report)
        }

        checkContext(q, report: report)
        checkKind(q, report: report)
        checkScoring(q, report: report)
        checkTranslations(q, report: report)
        return problems
    }

    // MARK: - Scales

    /// Variants (groups taught in Russian or in Kazakh): an area may belong to one variant; within each
    /// variant — its own areas plus the common ones — codes and numbers are unique, so two variant areas
    /// that claim the same code for one group clash.
    private static func checkVariants(_ q: Questionnaire, report: (String, String) -> Void) {
        duplicates(q.variants.map(\.id)) { i, id in report("$.variants[\(i)].id", "duplicate variant id \"\(id)\"") }
        for (v, variant) in q.variants.enumerated() where !isSafeIdentifier(variant.id) {
            report("$.variants[\(v)].id", "variant id \"\(variant.id)\" must be letters, digits, '-', '_' or '.'")
        }
        let variantIDs = Set(q.variants.map(\.id))
        for (a, area) in q.areas.enumerated() {
            if let variant = area.variant, !variantIDs.contains(variant) {
                report("$.areas[\(a)].variant", "unknown variant \"\(variant)\"\(hint(variant, q.variants.map(\.id)))")
            }
        }
        var reported = Set<String>()
        for variant in q.variants {
            let active = q.items.indices.filter { q.isActive(q.items[$0], in: variant.id) }
            func clash<T: Hashable>(_ key: (Item) -> T, _ field: String, _ describe: (T) -> String) {
                var first: [T: Int] = [:]
                for i in active {
                    let k = key(q.items[i])
                    guard let earlier = first[k] else { first[k] = i; continue }
                    let path = "$.items[\(i)].\(field)"
                    guard reported.insert(path).inserted else { continue }
                    let areas = [q.items[earlier].area, q.items[i].area].map { "\"\($0 ?? "—")\"" }
                    report(path, "duplicate item \(field) \(describe(k)) in variant \"\(variant.id)\": areas \(areas[0]) and \(areas[1]) clash")
                }
            }
            clash(\.id, "id") { "\"\($0)\"" }
            clash(\.number, "number") { "\($0)" }
        }
    }

    private static func checkScale(_ scale: ResponseScale, path: String, report: (String, String) -> Void) {
        if scale.options.isEmpty {
            report("\(path).options", "scale \"\(scale.id)\" has no options")
            return
        }
        if scale.options.count < 2 { report("\(path).options", "scale \"\(scale.id)\" needs at least two options") }
        duplicates(scale.options.map(\.value)) { i, v in
            report("\(path).options[\(i)].value", "duplicate value \(formatNumber(v)) in scale \"\(scale.id)\"")
        }
        // Every spelling (label or alias), folded, must name one option only. Labels are registered first,
        // so a clash between an alias and a label is reported at the alias.
        var owner: [String: Int] = [:]
        var spellings: [(option: Int, text: String, path: String)] = []
        for (o, option) in scale.options.enumerated() {
            if option.label.trimmingSpaces.isEmpty { report("\(path).options[\(o)].label", "label is empty") }
            spellings.append((o, option.label, "\(path).options[\(o)].label"))
        }
        for (o, option) in scale.options.enumerated() {
            for (a, alias) in option.aliases.enumerated() {
                spellings.append((o, alias, "\(path).options[\(o)].aliases[\(a)]"))
            }
        }
        for (o, spelling, where_) in spellings {
            let option = scale.options[o]
            let folded = TextFolding.fold(spelling)
            if folded.isEmpty {
                if spelling != option.label { report(where_, "alias is empty") }
                continue
            }
            if let first = owner[folded] {
                let whose = first == o ? "another spelling of the same option" : "option \"\(scale.options[first].label)\""
                report(where_, "\"\(spelling)\" clashes with \(whose)")
            } else {
                owner[folded] = o
            }
            // A spelling that reads as a number must be that option's own value, or input is ambiguous.
            if let number = Double(folded.replacingComma), number != option.value {
                report(where_, "\"\(spelling)\" reads as the value \(formatNumber(number)), but the option's value is \(formatNumber(option.value))")
            }
        }
        if let from = scale.favourableFrom, !(scale.minValue...scale.maxValue).contains(from) {
            report("\(path).favourableFrom", "\(formatNumber(from)) is outside the scale's values \(formatNumber(scale.minValue))–\(formatNumber(scale.maxValue))")
        }
        if scale.kind == .levels {
            // Levels are listed lowest first and numbered 1…n, so that n is always the highest level.
            for (o, option) in scale.options.enumerated() where option.value != Double(o + 1) {
                report("\(path).options[\(o)].value",
                       "level scale \"\(scale.id)\" must list levels lowest first with values 1…\(scale.options.count); option \(o + 1) has value \(formatNumber(option.value))")
            }
            for (o, option) in scale.options.enumerated() {
                for spelling in [option.label] + option.aliases {
                    if let roman = TextFolding.romanValue(spelling), Double(roman) != option.value {
                        report("\(path).options[\(o)]", "level \"\(spelling)\" is numeral \(roman) but has value \(formatNumber(option.value)): the highest level must have the highest value")
                    }
                }
            }
        }
    }

    // MARK: - Statements, tests, context

    private static func checkStatement(_ item: Item, _ q: Questionnaire, path: String, report: (String, String) -> Void) {
        if let scale = q.scale(of: item) {
            if let own = item.descriptors, own.count != scale.options.count {
                report("\(path).descriptors", "\(own.count) descriptors for the \(scale.options.count) options of \"\(scale.id)\"")
            }
            // A «Мне трудно…» statement under descriptors written for «Я делаю…» reads backwards: the teacher
            // who struggles picks «совсем не про меня — не делаю этого» and is scored as having no difficulty.
            if item.reverse && item.descriptors == nil && scale.options.contains(where: { $0.descriptor != nil }) {
                report("\(path).reverse", "a reverse-keyed statement would show the descriptors of \"\(scale.id)\", written for positively worded statements: word it positively or give it its own \"descriptors\"")
            }
        }
        if item.confidential && item.area != nil {
            report("\(path).confidential", "a confidential statement belongs to no area (it must never become a deficit or a route step)")
        }
        if let test = item.test {
            if item.reverse { report("\(path).reverse", "a test task cannot be reverse-keyed") }
            if !(2...TestTask.letters.count).contains(test.options.count) {
                report("\(path).options", "a test task needs 2 to \(TestTask.letters.count) options, not \(test.options.count)")
            }
            let right = test.options.filter(\.correct).count
            if test.choice == .single && right != 1 { report("\(path).options", "a single-choice task needs exactly one correct option, not \(right)") }
            if test.choice == .multiple && (right < 2 || right == test.options.count) {
                report("\(path).options", "a multiple-choice task needs at least two correct options and at least one wrong one")
            }
            if !(test.points > 0) { report("\(path).points", "points must be above 0") }
            for (o, option) in test.options.enumerated() where option.label.trimmingSpaces.isEmpty {
                report("\(path).options[\(o)].label", "label is empty")
            }
        }
        if let rule = item.appliesTo {
            let known = { (field: String) in Set(q.contextField(field)?.options.map(\.id) ?? []) }
            for (r, role) in rule.roles.enumerated() where !known("role").contains(role) {
                report("\(path).appliesTo.roles[\(r)]", "unknown role \"\(role)\"\(hint(role, Array(known("role")).sorted()))")
            }
            for (s, subject) in (rule.subjects + rule.exceptSubjects).enumerated() where !known("subject").contains(subject) {
                report("\(path).appliesTo", "unknown subject \"\(subject)\" (entry \(s + 1))\(hint(subject, Array(known("subject")).sorted()))")
            }
        }
    }

    private static func checkContext(_ q: Questionnaire, report: (String, String) -> Void) {
        duplicates(q.context.map(\.id)) { i, id in report("$.context[\(i)].id", "duplicate context field \"\(id)\"") }
        for (f, field) in q.context.enumerated() {
            let path = "$.context[\(f)]"
            if !TeacherContext.keys.contains(field.id) {
                report("\(path).id", "unknown context field \"\(field.id)\"; one of: \(TeacherContext.keys.joined(separator: ", "))")
            }
            if field.kind == .choice && field.options.isEmpty { report("\(path).options", "a choice needs options") }
            if field.kind != .choice && !field.options.isEmpty { report("\(path).options", "only a choice has options") }
            duplicates(field.options.map(\.id)) { i, id in report("\(path).options[\(i)].id", "duplicate option id \"\(id)\"") }
            if let min = field.min, let max = field.max, min > max { report("\(path).min", "min \(min) is above max \(max)") }
        }
        for (s, scale) in q.scales.enumerated() {
            let count = scale.options.filter(\.notApplicable).count
            if count > 1 { report("$.scales[\(s)].options", "at most one option may be «not applicable»") }
            if count > 0 && scale.kind == .levels { report("$.scales[\(s)].options", "a level scale has no «not applicable» option") }
            if count > 0, let na = scale.notApplicableValue, (scale.minValue...scale.maxValue).contains(na) {
                report("$.scales[\(s)].options", "the «not applicable» value \(formatNumber(na)) lies inside the scale's range \(formatNumber(scale.minValue))–\(formatNumber(scale.maxValue))")
            }
        }
    }

    // MARK: - Kind-specific rules

    private static func checkKind(_ q: Questionnaire, report: (String, String) -> Void) {
        switch q.kind {
        case .likert:
            break
        case .deficits, .monitoring:
            if q.areas.isEmpty { report("$.areas", "a \(q.kind.rawValue) questionnaire needs areas") }
            for (i, item) in q.items.enumerated() where (item.scale != nil || item.isTest) && item.area == nil && !item.confidential {
                report("$.items[\(i)].area", "every scored item of a \(q.kind.rawValue) questionnaire needs an area")
            }
            if q.scoring.area == nil { report("$.scoring.area", "a \(q.kind.rawValue) questionnaire needs an area rule") }
            if q.scoring.bands.isEmpty { report("$.scoring.bands", "a \(q.kind.rawValue) questionnaire needs bands") }
        }
        if q.kind == .monitoring {
            if q.stages.isEmpty { report("$.stages", "a monitoring questionnaire needs stages") }
            for (i, item) in q.items.enumerated() {
                if let scale = q.scale(of: item), scale.kind != .levels {
                    report("$.items[\(i)].scale", "monitoring criteria are rated on a level scale; \"\(scale.id)\" is \(scale.kind.rawValue)")
                }
                // Seed 002: «тремя индикаторами, заданными каждому критерию» — one observable indicator per level.
                if let scale = q.scale(of: item), scale.kind == .levels {
                    let levels = scale.options.map { Int($0.value) }
                    let missing = levels.filter { (item.indicators[$0] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
                    if !missing.isEmpty {
                        report("$.items[\(i)].indicators", "criterion \"\(item.id)\" needs an indicator for each of the \(levels.count) levels; missing: \(missing.map { "\"\($0)\"" }.joined(separator: ", "))")
                    }
                    for level in item.indicators.keys.sorted() where !levels.contains(level) {
                        report("$.items[\(i)].indicators.\(level)", "\"\(scale.id)\" has no level \(level)")
                    }
                }
            }
        }
        for (i, item) in q.items.enumerated() {
            guard let domain = item.domain else { continue }
            if !item.isFreeText { report("$.items[\(i)].domain", "only a free-text item (the teacher's measures) names a domain; a criterion's domain is its area's") }
            if !q.domains.contains(where: { $0.id == domain }) {
                let hint = TextFolding.nearest(domain, among: q.domains.map(\.id)).map { " (did you mean \"\($0)\"?)" } ?? ""
                report("$.items[\(i)].domain", "unknown domain \"\(domain)\"\(hint)")
            }
        }
        if q.kind != .monitoring {
            for (i, item) in q.items.enumerated() where !item.indicators.isEmpty {
                report("$.items[\(i)].indicators", "indicators are for monitoring criteria")
            }
        }
        // Aliases name an item in a header: no alias may fold like another item's id, text or alias.
        var spellings: [String: String] = [:]
        for item in q.items {
            for spelling in [item.id, item.text] where spellings[TextFolding.fold(spelling)] == nil { spellings[TextFolding.fold(spelling)] = item.id }
        }
        for (i, item) in q.items.enumerated() {
            for (a, alias) in item.aliases.enumerated() {
                let key = TextFolding.fold(alias)
                if key.isEmpty { report("$.items[\(i)].aliases[\(a)]", "an empty alias"); continue }
                if let owner = spellings[key], owner != item.id {
                    report("$.items[\(i)].aliases[\(a)]", "alias \"\(alias)\" already names item \"\(owner)\"")
                }
                spellings[key] = item.id
            }
        }
        if q.kind == .deficits && !q.scoring.bands.isEmpty && !q.scoring.bands.contains(where: \.deficit) {
            report("$.scoring.bands", "no band is marked as a deficit")
        }
    }

    // MARK: - Scoring

    private static func checkScoring(_ q: Questionnaire, report: (String, String) -> Void) {
        let rules = q.scoring
        duplicates(rules.composites.map(\.id)) { i, id in report("$.scoring.composites[\(i)].id", "duplicate composite id \"\(id)\"") }
        for (c, composite) in rules.composites.enumerated() {
            let path = "$.scoring.composites[\(c)]"
            if composite.items.count < 2 { report("\(path).items", "a composite needs at least two items") }
            duplicates(composite.items) { i, id in report("\(path).items[\(i)]", "item \"\(id)\" listed twice") }
            for (i, id) in composite.items.enumerated() {
                guard let item = q.item(id) else {
                    report("\(path).items[\(i)]", "unknown item \"\(id)\"\(hint(id, q.items.map(\.id)))")
                    continue
                }
                if item.isFreeText { report("\(path).items[\(i)]", "item \"\(id)\" is free text and cannot be scored") }
            }
            if !(0...1).contains(composite.minAnswered) { report("\(path).minAnswered", "must be a share from 0 to 1") }
        }
        if let area = rules.area {
            if !(0...1).contains(area.minAnswered) { report("$.scoring.area.minAnswered", "must be a share from 0 to 1") }
            if let maxMissing = area.maxMissing, maxMissing < 0 { report("$.scoring.area.maxMissing", "must be 0 or more") }
        }
        guard !rules.bands.isEmpty else { return }
        duplicates(rules.bands.map(\.id)) { i, id in report("$.scoring.bands[\(i)].id", "duplicate band id \"\(id)\"") }
        // The range the bands must tile: POMP for deficits, the level scale's values for monitoring.
        let range: ClosedRange<Double>
        let areaScale = q.items.first { $0.area != nil && $0.scale != nil }.flatMap(q.scale(of:))
        if q.kind == .monitoring, let levels = q.scales.first(where: { $0.kind == .levels }), !levels.options.isEmpty {
            range = levels.minValue...levels.maxValue
        } else if rules.area?.bandsOn == .mean, let areaScale, !areaScale.scaleOptions.isEmpty {
            range = areaScale.minValue...areaScale.maxValue
        } else {
            range = 0...100
        }
        // Bands by meaning: a teacher who gives one answer on every statement lands in the band that answer means.
        for (b, band) in rules.bands.enumerated() {
            guard let answer = band.answer else { continue }
            guard let scale = areaScale, let option = scale.scaleOptions.first(where: { $0.label == answer }) else {
                report("$.scoring.bands[\(b)].answer", "no option «\(answer)» on the areas' scale")
                continue
            }
            let basis = rules.area?.bandsOn == .mean ? option.value : scale.pomp(option.value)
            let landed = rules.band(for: basis)
            if landed?.id != band.id {
                report("$.scoring.bands[\(b)].answer", "«\(answer)» on every statement gives \(formatNumber(basis)), which is in band \"\(landed?.id ?? "none")\", not \"\(band.id)\"")
            }
        }
        checkTiling(rules.testBands, range: 0...100, path: "$.scoring.testBands", report: report)
        checkTiling(rules.confidentialBands, range: 0...100, path: "$.scoring.confidentialBands", report: report)
        for (b, band) in rules.testBands.enumerated() {
            for id in band.equivalent where !rules.bands.contains(where: { $0.id == id }) {
                report("$.scoring.testBands[\(b)].equivalent", "unknown band \"\(id)\"")
            }
            if band.overrides && !rules.bands.contains(where: { band.equivalent.contains($0.id) && $0.deficit }) {
                report("$.scoring.testBands[\(b)].overrides", "a band that overrides the self-report needs an equivalent deficit band")
            }
        }
        if !rules.testBands.isEmpty && !q.items.contains(where: \.isTest) { report("$.scoring.testBands", "test bands without test tasks") }
        if rules.testBands.isEmpty && q.items.contains(where: \.isTest) { report("$.scoring", "test tasks need \"testBands\"") }
        for (b, band) in rules.bands.enumerated() {
            if band.label.trimmingSpaces.isEmpty { report("$.scoring.bands[\(b)].label", "label is empty") }
            if band.from >= band.to { report("$.scoring.bands[\(b)]", "from \(formatNumber(band.from)) must be below to \(formatNumber(band.to))") }
            if band.deficit && band.strength { report("$.scoring.bands[\(b)]", "a band cannot be both a deficit and a strength") }
        }
        let first = rules.bands[0], last = rules.bands[rules.bands.count - 1]
        if first.from != range.lowerBound {
            report("$.scoring.bands[0].from", "bands must start at \(formatNumber(range.lowerBound)), not \(formatNumber(first.from))")
        }
        if last.to != range.upperBound {
            report("$.scoring.bands[\(rules.bands.count - 1)].to", "bands must end at \(formatNumber(range.upperBound)), not \(formatNumber(last.to))")
        }
        for b in 1..<max(1, rules.bands.count) {
            let previous = rules.bands[b - 1], band = rules.bands[b]
            if band.from > previous.to {
                report("$.scoring.bands[\(b)].from", "gap between \"\(previous.id)\" (to \(formatNumber(previous.to))) and \"\(band.id)\" (from \(formatNumber(band.from)))")
            } else if band.from < previous.to {
                report("$.scoring.bands[\(b)].from", "\"\(band.id)\" (from \(formatNumber(band.from))) overlaps \"\(previous.id)\" (to \(formatNumber(previous.to))); list bands lowest first, each starting where the last ends")
            }
        }
    }

    /// Bands of a secondary scale (tests, the confidential block) must tile 0–100 like the main ones.
    private static func checkTiling(_ bands: [Band], range: ClosedRange<Double>, path: String, report: (String, String) -> Void) {
        guard let first = bands.first, let last = bands.last else { return }
        duplicates(bands.map(\.id)) { i, id in report("\(path)[\(i)].id", "duplicate band id \"\(id)\"") }
        if first.from != range.lowerBound { report("\(path)[0].from", "bands must start at \(formatNumber(range.lowerBound))") }
        if last.to != range.upperBound { report("\(path)[\(bands.count - 1)].to", "bands must end at \(formatNumber(range.upperBound))") }
        for b in bands.indices {
            if bands[b].from >= bands[b].to { report("\(path)[\(b)]", "from must be below to") }
            if b > 0 && bands[b].from != bands[b - 1].to { report("\(path)[\(b)].from", "must start where \"\(bands[b - 1].id)\" ends") }
        }
    }

    private static func checkTranslations(_ q: Questionnaire, report: (String, String) -> Void) {
        let names = Set(q.areas.map(\.id) + q.domains.map(\.id) + q.stages.map(\.id) + q.scoring.bands.map(\.id) + q.scoring.testBands.map(\.id) + q.scoring.confidentialBands.map(\.id)
            + q.scoring.composites.map(\.id))
        for (language, translation) in q.translations.sorted(by: { $0.key < $1.key }) {
            let path = "$.translations.\(language)"
            for key in translation.names.keys.sorted() where !names.contains(key) {
                report("\(path).names.\(key)", "translates unknown id \"\(key)\"")
            }
            for key in translation.items.keys.sorted() where q.item(key) == nil {
                report("\(path).items.\(key)", "translates unknown item \"\(key)\"")
            }
            for (scaleID, labels) in translation.options.sorted(by: { $0.key < $1.key }) {
                guard let scale = q.scale(scaleID) else {
                    report("\(path).options.\(scaleID)", "translates unknown scale \"\(scaleID)\"")
                    continue
                }
                for label in labels.keys.sorted() where !scale.options.contains(where: { $0.label == label }) {
                    report("\(path).options.\(scaleID)", "translates unknown option \"\(label)\"")
                }
            }
        }
    }

    // MARK: - Helpers

    /// Ids that can be used as file names in the response store: no separators, no leading dot.
    public static func isSafeIdentifier(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, first != ".", id.unicodeScalars.count <= 100 else { return false }
        return id.unicodeScalars.allSatisfy { scalar in
            (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                || scalar == "-" || scalar == "_" || scalar == "."
        }
    }

    private static func duplicates<T: Hashable>(_ values: [T], _ report: (Int, T) -> Void) {
        var seen = Set<T>()
        for (index, value) in values.enumerated() where !seen.insert(value).inserted {
            report(index, value)
        }
    }

    private static func hint(_ value: String, _ candidates: [String]) -> String {
        TextFolding.nearest(value, among: candidates).map { " (did you mean \"\($0)\"?)" } ?? ""
    }
}

/// Numbers as people write them: 3, not 3.0; 2.5 stays 2.5.
public func formatNumber(_ value: Double) -> String {
    if value.rounded() == value && abs(value) < 1e15 { return String(Int(value)) }
    return String(value)
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
    var replacingComma: String { String(map { $0 == "," ? "." : $0 }) }
}
