import Foundation

/// SplitMix64: a small, fast, seedable generator, so that `survey sample --seed S` is the same file everywhere.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    /// A standard normal deviate (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(Double.leastNonzeroMagnitude, Double.random(in: 0..<1, using: &self))
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// Realistic synthetic answer sheets for any questionnaire: each respondent has a latent level (and each
/// area its own offset), so items correlate as real answers do; about 5 % of cells are blank; labels come
/// in the variants people type (case, extra spaces, aliases, the bare value, Roman numerals for levels).
public struct SampleGenerator: Sendable {
    public let questionnaire: Questionnaire
    public var blankRate = 0.05
    public var variantRate = 0.12
    /// Shifts monitoring levels upward for later stages (children develop over the year).
    public var stageShift = 0.0
    private var random: SeededRandom
    private var row = 0

    public init(questionnaire: Questionnaire, seed: UInt64) {
        self.questionnaire = questionnaire
        self.random = SeededRandom(seed: seed)
    }

    /// Surveys are anonymous; self-diagnoses and monitoring sheets name the teacher or child.
    public var isNamed: Bool { questionnaire.kind != .likert }

    /// The header: a respondent column when named, then each item by id (criterion codes for monitoring).
    public var header: [String] {
        (isNamed ? [questionnaire.kind == .monitoring ? "Ребёнок" : "ФИО"] : []) + questionnaire.context.map(\.label)
            + questionnaire.items.map(\.id)
    }

    /// A plausible teacher: mostly subject teachers, about half of them class teachers, some young.
    private mutating func contextCells() -> (cells: [String], context: TeacherContext) {
        var attributes: [String: String] = [:]
        var cells: [String] = []
        let experience = Int(random.next() % 36)
        for field in questionnaire.context {
            var cell = ""
            switch field.id {
            case "role":
                let options = field.options
                let pick = random.next() % 10 < 8 ? options.first : options.isEmpty ? nil : options[Int(random.next() % UInt64(options.count))]
                cell = pick?.label ?? ""
                attributes["role"] = pick?.id
            case "subject":
                let options = field.options.filter { $0.id != "other" }
                if let pick = options.isEmpty ? nil : options[Int(random.next() % UInt64(options.count))] {
                    cell = pick.label
                    attributes["subject"] = pick.id
                }
            case "experience":
                cell = String(experience)
                attributes["experience"] = cell
            case "age":
                cell = String(22 + experience + Int(random.next() % 12))
                attributes["age"] = cell
            case "school":
                cell = "Школа № \(1 + random.next() % 12)"
            default:
                if field.kind == .yesno {
                    let yes = random.next() % 2 == 0
                    cell = yes ? "да" : "нет"
                    attributes[field.id] = yes ? "yes" : "no"
                }
            }
            cells.append(cell)
        }
        return (cells, TeacherContext(attributes: attributes))
    }

    public mutating func nextRow() -> [String] {
        row += 1
        let trait = random.normal()
        var areaOffset: [String: Double] = [:]
        for area in questionnaire.areas { areaOffset[area.id] = random.normal() * 0.5 }
        var cells = isNamed ? [respondentName()] : []
        let (contextCells, context) = contextCells()
        cells += contextCells
        for item in questionnaire.items {
            if !questionnaire.applies(item, to: context) { cells.append(""); continue }
            if let task = item.test {
                // A stronger teacher picks the key more often; otherwise one option at random.
                let right = Set(task.options.indices.filter { task.options[$0].correct })
                let knows = Double.random(in: 0..<1, using: &random) < 0.55 + 0.2 * trait
                let chosen = knows ? right : [Int(random.next() % UInt64(task.options.count))]
                cells.append(task.value(choosing: chosen).flatMap(task.letters) ?? "")
                continue
            }
            guard let scale = questionnaire.scale(of: item) else {
                // A monitoring sheet's free text is the teacher's measures, written after the stage: left empty.
                if questionnaire.kind == .monitoring { cells.append(""); continue }
                cells.append(Double.random(in: 0..<1, using: &random) < 0.3 ? Self.comments[Int(random.next() % UInt64(Self.comments.count))] : "")
                continue
            }
            if Double.random(in: 0..<1, using: &random) < blankRate || (item.confidential && random.next() % 3 == 0) { cells.append(""); continue }
            let latent = trait + (item.area.flatMap { areaOffset[$0] } ?? 0) + random.normal() * 0.7
            cells.append(spell(value(for: latent, on: scale, reverse: item.reverse), on: scale))
        }
        return cells
    }

    /// Maps a latent level to an option: agreement scales lean favourable, as the seed's surveys do.
    private mutating func value(for latent: Double, on scale: ResponseScale, reverse: Bool) -> Double {
        let lo = scale.minValue, hi = scale.maxValue
        let centre = scale.kind == .levels ? (lo + hi) / 2 - 0.3 + stageShift : lo + (hi - lo) * (scale.favourableFrom != nil ? 0.65 : 0.68)
        let keyed = min(hi, max(lo, (centre + latent * (hi - lo) / 4).rounded()))
        return reverse ? lo + hi - keyed : keyed
    }

    private mutating func spell(_ value: Double, on scale: ResponseScale) -> String {
        guard let option = scale.option(value: value) else { return "" }
        guard Double.random(in: 0..<1, using: &random) < variantRate else { return option.label }
        switch random.next() % 5 {
        case 0: return option.label.lowercased()
        case 1: return "  " + option.label.uppercased()
        case 2: return option.aliases.first ?? option.label.replacingOccurrences(of: " ", with: "  ")
        case 3: return scale.kind == .levels ? ["І", "ІІ", "ІІІ"][max(0, min(2, Int(value) - 1))] : String(Int(value))
        default: return option.label + " "
        }
    }

    private mutating func respondentName() -> String {
        let female = random.next() % 4 != 0
        let surname = Self.surnames[Int(random.next() % UInt64(Self.surnames.count))] + (female ? "а" : "")
        let names = female ? Self.femaleNames : Self.maleNames
        let name = names[Int(random.next() % UInt64(names.count))]
        let patronymic = Self.patronymics[Int(random.next() % UInt64(Self.patronymics.count))] + (female ? "на" : "ич")
        return questionnaire.kind == .monitoring ? "\(name) \(surname.prefix(1)). №\(row)" : "\(surname) \(name) \(patronymic) \(row)"
    }

    static let surnames = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов", "Волков", "Алексеев", "Семёнов", "Егоров", "Павлов"]
    static let femaleNames = ["Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Айгерим", "Дарья", "Алёна"]
    static let maleNames = ["Иван", "Сергей", "Алексей", "Дмитрий", "Андрей", "Ерлан", "Михаил", "Артём", "Нурлан", "Пётр"]
    static let patronymics = ["Иванов", "Сергеев", "Петров", "Александров", "Николаев", "Владимиров", "Михайлов"]
    static let comments = ["Всё устраивает, спасибо педагогам.", "Хотелось бы больше прогулок.", "Согласен.",
                           "Просим чаще информировать о занятиях; спасибо!", "У нас с учёбой и преподавателями всё прекрасно.",
                           "Нужны кружки по робототехнике, \"Лего\" и шахматам."]
}
