/// Which groups of a breakdown (`tabulate --by`) must be hidden so that no answer can be traced to a person.
///
/// A group smaller than the minimum is hidden. Hiding it alone is not enough: the overall counts minus the
/// visible groups give it back (29 positive − 19 − 10 = 0). So while exactly one group is hidden, or the
/// hidden groups together are still fewer than the minimum, the smallest visible group is hidden too
/// (complementary suppression). What subtraction then yields is only the hidden groups together: at least
/// the minimum number of people.
public enum GroupSuppression {
    public enum Reason: String, Sendable, Equatable {
        /// Fewer respondents than the minimum.
        case small
        /// Hidden so that a small group cannot be worked out from the totals.
        case complementary
    }

    /// Group name → why it is hidden; groups not in the result are shown. Ties between equally small visible
    /// groups go to the first name in sort order, so the choice is stable.
    public static func hidden(sizes: [String: Int], minimum: Int) -> [String: Reason] {
        var hidden: [String: Reason] = [:]
        for (name, size) in sizes where size < minimum { hidden[name] = .small }
        guard !hidden.isEmpty else { return hidden }
        var visible = sizes.filter { hidden[$0.key] == nil }.sorted { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }
        func hiddenTotal() -> Int { hidden.keys.reduce(0) { $0 + (sizes[$1] ?? 0) } }
        while (hidden.count == 1 || hiddenTotal() < minimum) && !visible.isEmpty {
            hidden[visible.removeFirst().key] = .complementary
        }
        return hidden
    }
}
