/// A problem found in a definition, at a JSON path such as `$.items[12].scale`.
public struct DefinitionProblem: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// What is wrong; the message catalogue (`Messages.definition`) puts it into words.
    public var issue: DefinitionIssue
    public init(_ path: String, _ issue: DefinitionIssue) {
        self.path = path
        self.issue = issue
    }
    public var description: String { "\(path): \(issue)" }
}

/// Checks the rules a definition must keep beyond its JSON shape, collecting every problem at once:
/// unique ids and numbers, known scales and areas, options that can be told apart after folding,
/// level scales lowest first, bands that tile their range without gaps or overlaps.
public enum QuestionnaireValidator {
    public static func problems(in q: Questionnaire) -> [DefinitionProblem] {
        var problems: [DefinitionProblem] = []
        func report(_ path: String, _ issue: DefinitionIssue) { problems.append(DefinitionProblem(path, issue)) }

        if !isSafeIdentifier(q.id) {
            report("$.id", .unsafeID(q.id))
        }
        if q.title.trimmingSpaces.isEmpty { report("$.title", .empty(.title)) }

        // Scales and their options.
        duplicates(q.scales.map(\.id)) { i, id in report("$.scales[\(i)].id", .duplicateID(.scale, id)) }
        for (s, scale) in q.scales.enumerated() {
            checkScale(scale, path: "$.scales[\(s)]", report: report)
        }

        // Domains, areas, stages.
        duplicates(q.domains.map(\.id)) { i, id in report("$.domains[\(i)].id", .duplicateID(.domain, id)) }
        duplicates(q.areas.map(\.id)) { i, id in report("$.areas[\(i)].id", .duplicateID(.area, id)) }
        duplicates(q.stages.map(\.id)) { i, id in report("$.stages[\(i)].id", .duplicateID(.stage, id)) }
        let domainIDs = Set(q.domains.map(\.id))
        for (a, area) in q.areas.enumerated() {
            if let domain = area.domain, !domainIDs.contains(domain) {
                report("$.areas[\(a)].domain", .unknown(.domain, domain, suggestion: hint(domain, q.domains.map(\.id))))
            }
            if !q.items.contains(where: { $0.area == area.id }) {
                report("$.areas[\(a)]", .areaWithoutItems(area.id))
            }
        }
        for (s, stage) in q.stages.enumerated() {
            if let month = stage.month, !(1...12).contains(month) {
                report("$.stages[\(s)].month", .monthOutOfRange(month))
            }
        }

        // Items.
        if q.items.isEmpty { report("$.items", .noItems) }
        if q.variants.isEmpty {
            duplicates(q.items.map(\.id)) { i, id in report("$.items[\(i)].id", .duplicateID(.item, id)) }
            duplicates(q.items.map(\.number)) { i, n in report("$.items[\(i)].number", .duplicateItemNumber(n)) }
        } else {
            checkVariants(q, report: report)
        }
        let scaleIDs = q.scales.map(\.id), areaIDs = q.areas.map(\.id)
        for (i, item) in q.items.enumerated() {
            let path = "$.items[\(i)]"
            if item.id.trimmingSpaces.isEmpty || item.id != item.id.trimmingSpaces {
                report("\(path).id", .itemIDBlank(item.id))
            }
            if item.number < 1 { report("\(path).number", .numberBelowOne(item.number)) }
            if item.text.trimmingSpaces.isEmpty { report("\(path).text", .empty(.text)) }
            if let scale = item.scale {
                if !scaleIDs.contains(scale) {
                    report("\(path).scale", .unknown(.scale, scale, suggestion: hint(scale, scaleIDs)))
                }
            } else if item.reverse {
                report("\(path).reverse", .freeTextReverse)
            }
            if let area = item.area, !areaIDs.contains(area) {
                report("\(path).area", .unknown(.area, area, suggestion: hint(area, areaIDs)))
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
    private static func checkVariants(_ q: Questionnaire, report: (String, DefinitionIssue) -> Void) {
        duplicates(q.variants.map(\.id)) { i, id in report("$.variants[\(i)].id", .duplicateID(.variant, id)) }
        for (v, variant) in q.variants.enumerated() where !isSafeIdentifier(variant.id) {
            report("$.variants[\(v)].id", .unsafeVariantID(variant.id))
        }
        let variantIDs = Set(q.variants.map(\.id))
        for (a, area) in q.areas.enumerated() {
            if let variant = area.variant, !variantIDs.contains(variant) {
                report("$.areas[\(a)].variant", .unknown(.variant, variant, suggestion: hint(variant, q.variants.map(\.id))))
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
                    report(path, .variantClash(field: field, value: describe(k), variant: variant.id,
                                               areaA: q.items[earlier].area ?? "—", areaB: q.items[i].area ?? "—"))
                }
            }
            clash(\.id, "id") { $0 }
            clash(\.number, "number") { "\($0)" }
        }
    }

    private static func checkScale(_ scale: ResponseScale, path: String, report: (String, DefinitionIssue) -> Void) {
        if scale.options.isEmpty {
            report("\(path).options", .scaleWithoutOptions(scale.id))
            return
        }
        if scale.options.count < 2 { report("\(path).options", .scaleNeedsTwoOptions(scale.id)) }
        duplicates(scale.options.map(\.value)) { i, v in
            report("\(path).options[\(i)].value", .duplicateValue(v, scale: scale.id))
        }
        // Every spelling (label or alias), folded, must name one option only. Labels are registered first,
        // so a clash between an alias and a label is reported at the alias.
        var owner: [String: Int] = [:]
        var spellings: [(option: Int, text: String, path: String)] = []
        for (o, option) in scale.options.enumerated() {
            if option.label.trimmingSpaces.isEmpty { report("\(path).options[\(o)].label", .empty(.label)) }
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
                if spelling != option.label { report(where_, .empty(.alias)) }
                continue
            }
            if let first = owner[folded] {
                report(where_, .spellingClash(spelling, otherOption: first == o ? nil : scale.options[first].label))
            } else {
                owner[folded] = o
            }
            // A spelling that reads as a number must be that option's own value, or input is ambiguous.
            if let number = Double(folded.replacingComma), number != option.value {
                report(where_, .spellingReadsAsValue(spelling, number: number, value: option.value))
            }
        }
        if let from = scale.favourableFrom, !(scale.minValue...scale.maxValue).contains(from) {
            report("\(path).favourableFrom", .favourableOutside(from, min: scale.minValue, max: scale.maxValue))
        }
        if scale.kind == .levels {
            // Levels are listed lowest first and numbered 1…n, so that n is always the highest level.
            for (o, option) in scale.options.enumerated() where option.value != Double(o + 1) {
                report("\(path).options[\(o)].value",
                       .levelsNotAscending(scale: scale.id, count: scale.options.count, position: o + 1, value: option.value))
            }
            for (o, option) in scale.options.enumerated() {
                for spelling in [option.label] + option.aliases {
                    if let roman = TextFolding.romanValue(spelling), Double(roman) != option.value {
                        report("\(path).options[\(o)]", .romanLevelMismatch(spelling, roman: roman, value: option.value))
                    }
                }
            }
        }
    }

    // MARK: - Statements, tests, context

    private static func checkStatement(_ item: Item, _ q: Questionnaire, path: String, report: (String, DefinitionIssue) -> Void) {
        if let scale = q.scale(of: item) {
            if let own = item.descriptors, own.count != scale.options.count {
                report("\(path).descriptors", .descriptorCount(own.count, options: scale.options.count, scale: scale.id))
            }
            // A «Мне трудно…» statement under descriptors written for «Я делаю…» reads backwards: the teacher
            // who struggles picks «совсем не про меня — не делаю этого» and is scored as having no difficulty.
            if item.reverse && item.descriptors == nil && scale.options.contains(where: { $0.descriptor != nil }) {
                report("\(path).reverse", .reverseWithDescriptors(scale: scale.id))
            }
        }
        if item.confidential && item.area != nil {
            report("\(path).confidential", .confidentialInArea)
        }
        if let test = item.test {
            if item.reverse { report("\(path).reverse", .testReverse) }
            if !(2...TestTask.letters.count).contains(test.options.count) {
                report("\(path).options", .testOptionCount(max: TestTask.letters.count, given: test.options.count))
            }
            let right = test.options.filter(\.correct).count
            if test.choice == .single && right != 1 { report("\(path).options", .singleChoiceCorrect(right)) }
            if test.choice == .multiple && (right < 2 || right == test.options.count) {
                report("\(path).options", .multipleChoiceCorrect)
            }
            if !(test.points > 0) { report("\(path).points", .pointsNotPositive) }
            for (o, option) in test.options.enumerated() where option.label.trimmingSpaces.isEmpty {
                report("\(path).options[\(o)].label", .empty(.label))
            }
        }
        if let rule = item.appliesTo {
            let known = { (field: String) in Set(q.contextField(field)?.options.map(\.id) ?? []) }
            for (r, role) in rule.roles.enumerated() where !known("role").contains(role) {
                report("\(path).appliesTo.roles[\(r)]", .unknown(.role, role, suggestion: hint(role, Array(known("role")).sorted())))
            }
            for (s, subject) in (rule.subjects + rule.exceptSubjects).enumerated() where !known("subject").contains(subject) {
                report("\(path).appliesTo", .unknownSubjectEntry(subject, entry: s + 1, suggestion: hint(subject, Array(known("subject")).sorted())))
            }
        }
    }

    private static func checkContext(_ q: Questionnaire, report: (String, DefinitionIssue) -> Void) {
        duplicates(q.context.map(\.id)) { i, id in report("$.context[\(i)].id", .duplicateID(.contextField, id)) }
        for (f, field) in q.context.enumerated() {
            let path = "$.context[\(f)]"
            if !TeacherContext.keys.contains(field.id) {
                report("\(path).id", .unknownContextField(field.id, known: TeacherContext.keys))
            }
            if field.kind == .choice && field.options.isEmpty { report("\(path).options", .choiceNeedsOptions) }
            if field.kind != .choice && !field.options.isEmpty { report("\(path).options", .onlyChoiceHasOptions) }
            duplicates(field.options.map(\.id)) { i, id in report("\(path).options[\(i)].id", .duplicateID(.option, id)) }
            if let min = field.min, let max = field.max, min > max { report("\(path).min", .minAboveMax(min, max)) }
        }
        for (s, scale) in q.scales.enumerated() {
            let count = scale.options.filter(\.notApplicable).count
            if count > 1 { report("$.scales[\(s)].options", .severalNotApplicable) }
            if count > 0 && scale.kind == .levels { report("$.scales[\(s)].options", .levelScaleNotApplicable) }
            if count > 0, let na = scale.notApplicableValue, (scale.minValue...scale.maxValue).contains(na) {
                report("$.scales[\(s)].options", .notApplicableInside(na, min: scale.minValue, max: scale.maxValue))
            }
        }
    }

    // MARK: - Kind-specific rules

    private static func checkKind(_ q: Questionnaire, report: (String, DefinitionIssue) -> Void) {
        switch q.kind {
        case .likert:
            break
        case .deficits, .monitoring:
            if q.areas.isEmpty { report("$.areas", .kindNeedsAreas(q.kind.rawValue)) }
            for (i, item) in q.items.enumerated() where (item.scale != nil || item.isTest) && item.area == nil && !item.confidential {
                report("$.items[\(i)].area", .kindItemNeedsArea(q.kind.rawValue))
            }
            if q.scoring.area == nil { report("$.scoring.area", .kindNeedsAreaRule(q.kind.rawValue)) }
            if q.scoring.bands.isEmpty { report("$.scoring.bands", .kindNeedsBands(q.kind.rawValue)) }
        }
        if q.kind == .monitoring {
            if q.stages.isEmpty { report("$.stages", .monitoringNeedsStages) }
            for (i, item) in q.items.enumerated() {
                if let scale = q.scale(of: item), scale.kind != .levels {
                    report("$.items[\(i)].scale", .criterionScaleNotLevels(scale: scale.id, kind: scale.kind.rawValue))
                }
                // Seed 002: «тремя индикаторами, заданными каждому критерию» — one observable indicator per level.
                if let scale = q.scale(of: item), scale.kind == .levels {
                    let levels = scale.options.map { Int($0.value) }
                    let missing = levels.filter { (item.indicators[$0] ?? "").allSatisfy(\.isWhitespace) }
                    if !missing.isEmpty {
                        report("$.items[\(i)].indicators", .missingIndicators(item: item.id, levels: levels.count, missing: missing.map(String.init)))
                    }
                    for level in item.indicators.keys.sorted() where !levels.contains(level) {
                        report("$.items[\(i)].indicators.\(level)", .unknownLevel(scale: scale.id, level: String(level)))
                    }
                }
            }
        }
        for (i, item) in q.items.enumerated() {
            guard let domain = item.domain else { continue }
            if !item.isFreeText { report("$.items[\(i)].domain", .domainOnlyForFreeText) }
            if !q.domains.contains(where: { $0.id == domain }) {
                report("$.items[\(i)].domain", .unknown(.domain, domain, suggestion: hint(domain, q.domains.map(\.id))))
            }
        }
        if q.kind != .monitoring {
            for (i, item) in q.items.enumerated() where !item.indicators.isEmpty {
                report("$.items[\(i)].indicators", .indicatorsOnlyForMonitoring)
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
                if key.isEmpty { report("$.items[\(i)].aliases[\(a)]", .empty(.alias)); continue }
                if let owner = spellings[key], owner != item.id {
                    report("$.items[\(i)].aliases[\(a)]", .aliasTaken(alias, owner: owner))
                }
                spellings[key] = item.id
            }
        }
        if q.kind == .deficits && !q.scoring.bands.isEmpty && !q.scoring.bands.contains(where: \.deficit) {
            report("$.scoring.bands", .noDeficitBand)
        }
    }

    // MARK: - Scoring

    private static func checkScoring(_ q: Questionnaire, report: (String, DefinitionIssue) -> Void) {
        let rules = q.scoring
        duplicates(rules.composites.map(\.id)) { i, id in report("$.scoring.composites[\(i)].id", .duplicateID(.composite, id)) }
        for (c, composite) in rules.composites.enumerated() {
            let path = "$.scoring.composites[\(c)]"
            if composite.items.count < 2 { report("\(path).items", .compositeNeedsTwo) }
            duplicates(composite.items) { i, id in report("\(path).items[\(i)]", .listedTwice(id)) }
            for (i, id) in composite.items.enumerated() {
                guard let item = q.item(id) else {
                    report("\(path).items[\(i)]", .unknown(.item, id, suggestion: hint(id, q.items.map(\.id))))
                    continue
                }
                if item.isFreeText { report("\(path).items[\(i)]", .freeTextNotScored(id)) }
            }
            if !(0...1).contains(composite.minAnswered) { report("\(path).minAnswered", .shareOutOfRange) }
        }
        if let area = rules.area {
            if !(0...1).contains(area.minAnswered) { report("$.scoring.area.minAnswered", .shareOutOfRange) }
            if let maxMissing = area.maxMissing, maxMissing < 0 { report("$.scoring.area.maxMissing", .notNegative) }
        }
        guard !rules.bands.isEmpty else { return }
        duplicates(rules.bands.map(\.id)) { i, id in report("$.scoring.bands[\(i)].id", .duplicateID(.band, id)) }
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
                report("$.scoring.bands[\(b)].answer", .noSuchAnswer(answer))
                continue
            }
            let basis = rules.area?.bandsOn == .mean ? option.value : scale.pomp(option.value)
            let landed = rules.band(for: basis)
            if landed?.id != band.id {
                report("$.scoring.bands[\(b)].answer", .answerLandsElsewhere(answer: answer, basis: basis, landed: landed?.id, band: band.id))
            }
        }
        checkTiling(rules.testBands, range: 0...100, path: "$.scoring.testBands", report: report)
        checkTiling(rules.confidentialBands, range: 0...100, path: "$.scoring.confidentialBands", report: report)
        for (b, band) in rules.testBands.enumerated() {
            for id in band.equivalent where !rules.bands.contains(where: { $0.id == id }) {
                report("$.scoring.testBands[\(b)].equivalent", .unknown(.band, id, suggestion: nil))
            }
            if band.overrides && !rules.bands.contains(where: { band.equivalent.contains($0.id) && $0.deficit }) {
                report("$.scoring.testBands[\(b)].overrides", .overrideNeedsEquivalent)
            }
        }
        if !rules.testBands.isEmpty && !q.items.contains(where: \.isTest) { report("$.scoring.testBands", .testBandsWithoutTasks) }
        if rules.testBands.isEmpty && q.items.contains(where: \.isTest) { report("$.scoring", .testTasksNeedBands) }
        for (b, band) in rules.bands.enumerated() {
            if band.label.trimmingSpaces.isEmpty { report("$.scoring.bands[\(b)].label", .empty(.label)) }
            if band.from >= band.to { report("$.scoring.bands[\(b)]", .fromNotBelowTo(from: band.from, to: band.to)) }
            if band.deficit && band.strength { report("$.scoring.bands[\(b)]", .deficitAndStrength) }
        }
        let first = rules.bands[0], last = rules.bands[rules.bands.count - 1]
        if first.from != range.lowerBound {
            report("$.scoring.bands[0].from", .bandsStart(range.lowerBound, found: first.from))
        }
        if last.to != range.upperBound {
            report("$.scoring.bands[\(rules.bands.count - 1)].to", .bandsEnd(range.upperBound, found: last.to))
        }
        for b in 1..<max(1, rules.bands.count) {
            let previous = rules.bands[b - 1], band = rules.bands[b]
            if band.from > previous.to {
                report("$.scoring.bands[\(b)].from", .bandGap(previous: previous.id, to: previous.to, next: band.id, from: band.from))
            } else if band.from < previous.to {
                report("$.scoring.bands[\(b)].from", .bandOverlap(band.id, from: band.from, previous: previous.id, to: previous.to))
            }
        }
    }

    /// Bands of a secondary scale (tests, the confidential block) must tile 0–100 like the main ones.
    private static func checkTiling(_ bands: [Band], range: ClosedRange<Double>, path: String, report: (String, DefinitionIssue) -> Void) {
        guard let first = bands.first, let last = bands.last else { return }
        duplicates(bands.map(\.id)) { i, id in report("\(path)[\(i)].id", .duplicateID(.band, id)) }
        if first.from != range.lowerBound { report("\(path)[0].from", .bandsStart(range.lowerBound, found: nil)) }
        if last.to != range.upperBound { report("\(path)[\(bands.count - 1)].to", .bandsEnd(range.upperBound, found: nil)) }
        for b in bands.indices {
            if bands[b].from >= bands[b].to { report("\(path)[\(b)]", .fromNotBelowTo(from: nil, to: nil)) }
            if b > 0 && bands[b].from != bands[b - 1].to { report("\(path)[\(b)].from", .mustStartWhereEnds(bands[b - 1].id)) }
        }
    }

    private static func checkTranslations(_ q: Questionnaire, report: (String, DefinitionIssue) -> Void) {
        let names = Set(q.areas.map(\.id) + q.domains.map(\.id) + q.stages.map(\.id) + q.scoring.bands.map(\.id) + q.scoring.testBands.map(\.id) + q.scoring.confidentialBands.map(\.id)
            + q.scoring.composites.map(\.id))
        for (language, translation) in q.translations.sorted(by: { $0.key < $1.key }) {
            let path = "$.translations.\(language)"
            for key in translation.names.keys.sorted() where !names.contains(key) {
                report("\(path).names.\(key)", .translatesUnknown(.id, key))
            }
            for key in translation.items.keys.sorted() where q.item(key) == nil {
                report("\(path).items.\(key)", .translatesUnknown(.item, key))
            }
            for (scaleID, labels) in translation.options.sorted(by: { $0.key < $1.key }) {
                guard let scale = q.scale(scaleID) else {
                    report("\(path).options.\(scaleID)", .translatesUnknown(.scale, scaleID))
                    continue
                }
                for label in labels.keys.sorted() where !scale.options.contains(where: { $0.label == label }) {
                    report("\(path).options.\(scaleID)", .translatesUnknown(.option, label))
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

    private static func hint(_ value: String, _ candidates: [String]) -> String? {
        TextFolding.nearest(value, among: candidates)
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
