/// A test task with a key (распоряжение Минпросвещения № Р-201: testing with closed tasks is the priority
/// procedure of deficit diagnosis). The answer is stored as a number whose bit `i` says option `i` was chosen,
/// so single and multiple choice share one stored form.
public struct TestTask: Sendable, Equatable {
    public enum Choice: String, Sendable, CaseIterable {
        /// One option is right.
        case single
        /// Several options are right; partial credit.
        case multiple
    }

    public struct Option: Sendable, Equatable {
        public var label: String
        public var correct: Bool
        public init(label: String, correct: Bool) {
            self.label = label
            self.correct = correct
        }
    }

    public var choice: Choice
    public var points: Double
    public var options: [Option]
    /// Why the key is right, shown after the diagnosis.
    public var explanation: String?

    public init(choice: Choice, points: Double = 1, options: [Option], explanation: String? = nil) {
        self.choice = choice
        self.points = points
        self.options = options
        self.explanation = explanation
    }

    /// Options 0…(n−1) as the stored number; nil for an empty or out-of-range selection.
    public func value(choosing indices: Set<Int>) -> Double? {
        guard !indices.isEmpty, indices.allSatisfy({ options.indices.contains($0) }) else { return nil }
        if choice == .single && indices.count != 1 { return nil }
        return Double(indices.reduce(0) { $0 | (1 << $1) })
    }

    /// The option indices a stored number chooses; nil when it is not a valid answer of this task.
    public func chosen(_ value: Double) -> Set<Int>? {
        guard value >= 1, value < Double(1 << options.count), value.rounded() == value else { return nil }
        let bits = Int(value)
        let set = Set(options.indices.filter { bits & (1 << $0) != 0 })
        if choice == .single && set.count != 1 { return nil }
        return set
    }

    /// Points earned. Single choice: all or nothing. Multiple choice: the share of right options chosen less
    /// the share of wrong ones chosen, never below zero — so ticking everything earns nothing.
    public func score(_ value: Double) -> Double {
        guard let chosen = chosen(value) else { return 0 }
        let right = options.indices.filter { options[$0].correct }
        let wrong = options.indices.filter { !options[$0].correct }
        switch choice {
        case .single:
            return chosen.allSatisfy { options[$0].correct } ? points : 0
        case .multiple:
            let hits = Double(chosen.filter { options[$0].correct }.count) / Double(max(1, right.count))
            let misses = wrong.isEmpty ? 0 : Double(chosen.filter { !options[$0].correct }.count) / Double(wrong.count)
            return points * max(0, hits - misses)
        }
    }

    /// The letters of a selection, «б», «а, в» (Russian answer sheets letter their options).
    public static let letters: [Character] = Array("абвгдежзик")

    public func letters(_ value: Double) -> String? {
        chosen(value).map { $0.sorted().map { String(Self.letters[$0]) }.joined(separator: ", ") }
    }

    /// Reads «б», «а, в», «ав», «2», «1;3» (letters а…, Latin a… or numbers 1…) into the stored number.
    public func read(_ raw: String) -> Double? {
        let text = TextFolding.fold(raw)
        guard !text.isEmpty else { return nil }
        var indices = Set<Int>()
        var number = ""
        func flush() -> Bool {
            guard !number.isEmpty else { return true }
            defer { number = "" }
            guard let n = Int(number), (1...options.count).contains(n) else { return false }
            indices.insert(n - 1)
            return true
        }
        for character in text {
            if character.isASCII && character.isNumber { number.append(character); continue }
            guard flush() else { return nil }
            if " ,;.)".contains(character) { continue }
            let latin: [Character] = Array("abcdefghij")
            if let i = Self.letters.firstIndex(of: character) ?? latin.firstIndex(of: character), i < options.count {
                indices.insert(i)
            } else {
                return nil
            }
        }
        guard flush() else { return nil }
        return value(choosing: indices)
    }
}
