/// Cronbach's alpha per competence area over a school's teachers: how far the statements of one area measure
/// one thing in this group. Computed over the statements every subject teacher is asked (those bound to a
/// subject or to class-teacher duty are answered by some only), listwise: a teacher counts where she answered
/// all of them on the scale («не относится» is no point on the scale, so such a teacher is left out of that
/// area's alpha).
public struct AreaReliability: Sendable, Equatable {
    public var area: String
    /// Statements the alpha is over.
    public var items: Int
    /// Teachers who answered all of them.
    public var complete: Int
    /// nil when fewer than `minimumComplete` teachers answered all statements, or the answers do not vary.
    public var alpha: Double?

    /// Below this many complete answers an alpha says more about chance than about the statements.
    public static let minimumComplete = 10
    /// Below this, the area's score should be read with care (the usual rule of thumb for group use).
    public static let warnBelow = 0.6

    /// Asked of every teacher of a role: no subject or class-teacher condition.
    static func isCommon(_ rule: Applicability?) -> Bool {
        guard let rule else { return true }
        return rule.subjects.isEmpty && rule.exceptSubjects.isEmpty && rule.classTeacher == nil
    }

    /// The definition with one composite per area: its common statements (asked of every teacher of a role),
    /// each answer required, so alpha is over the teachers who answered them all.
    static func scoped(_ q: Questionnaire) -> Questionnaire {
        var rules = q.scoring
        rules.composites = q.areas.map { area in
            Composite(id: area.id, title: area.title,
                      items: q.items.filter { $0.area == area.id && $0.scale != nil && !$0.confidential && isCommon($0.appliesTo) }.map(\.id),
                      minAnswered: 1)
        }
        var scoped = q
        scoped.scoring = rules
        return scoped
    }

    public static func compute(_ responses: [Response], questionnaire q: Questionnaire) -> [AreaReliability] {
        compute(answers: responses.map(\.values), questionnaire: q)
    }

    /// From each teacher's answers (item id → value as given).
    /// (The reference for `Accumulator`, which `group` feeds from rows it keeps instead of the answers.)
    public static func compute(answers: [[String: Double]], questionnaire q: Questionnaire) -> [AreaReliability] {
        let scoped = scoped(q)
        var accumulator = TabulationAccumulator(questionnaire: scoped)
        // One row of option indices per teacher; «не относится» is no point on the scale, so it counts as blank.
        let scored = scoped.scoredItems
        let notApplicable = scored.map { q.scale(of: $0)?.notApplicableValue }
        var row = [Int](repeating: -1, count: scored.count)
        for values in answers {
            for (i, item) in scored.enumerated() {
                if let value = values[item.id], value != notApplicable[i] { row[i] = accumulator.optionIndex(item: i, value: value) } else { row[i] = -1 }
            }
            row.withUnsafeBufferPointer { accumulator.add(optionRow: $0) }
        }
        return accumulator.result().composites.map { result in
            AreaReliability(area: result.composite.id, items: result.composite.items.count, complete: result.complete,
                            alpha: result.complete >= minimumComplete ? result.alpha : nil)
        }
    }

    /// Alpha per area fed one teacher at a time. A teacher's answers can be kept as a row of option indices,
    /// one `Int16` per statement (`row(_:into:)`), and added later (`add(row:)`): `group` keeps a district's
    /// rows, not its answers, to add them in the report's order.
    public struct Accumulator: Sendable {
        var accumulator: TabulationAccumulator
        let scored: [Item]
        let notApplicable: [Double?]
        var scratch: [Int]

        /// Values per row.
        public var width: Int { scored.count }

        public init(questionnaire q: Questionnaire) {
            let scoped = AreaReliability.scoped(q)
            accumulator = TabulationAccumulator(questionnaire: scoped)
            scored = scoped.scoredItems
            notApplicable = scored.map { q.scale(of: $0)?.notApplicableValue }
            scratch = [Int](repeating: -1, count: scored.count)
        }

        /// Appends the teacher's row to `rows`: the option index of each statement's answer, −1 for a blank
        /// or «не относится» (no point on the scale, so it counts as blank).
        public func row(_ values: [String: Double], into rows: inout [Int16]) {
            for (i, item) in scored.enumerated() {
                if let value = values[item.id], value != notApplicable[i] {
                    rows.append(Int16(clamping: accumulator.optionIndex(item: i, value: value)))
                } else {
                    rows.append(-1)
                }
            }
        }

        public mutating func add(row: ArraySlice<Int16>) {
            precondition(row.count == scored.count)
            for (i, option) in zip(scratch.indices, row) { scratch[i] = Int(option) }
            scratch.withUnsafeBufferPointer { accumulator.add(optionRow: $0) }
        }

        public mutating func add(_ values: [String: Double]) {
            var row: [Int16] = []
            row.reserveCapacity(width)
            self.row(values, into: &row)
            add(row: row[...])
        }

        public func result() -> [AreaReliability] {
            accumulator.result().composites.map { result in
                AreaReliability(area: result.composite.id, items: result.composite.items.count, complete: result.complete,
                                alpha: result.complete >= minimumComplete ? result.alpha : nil)
            }
        }
    }
}
