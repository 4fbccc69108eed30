/// A question about the teacher asked before the statements (seed 000 §3.5, issue 12): role, subject,
/// class-teacher duty, experience, age, school, consent to mentoring. Declared in the definition so that the
/// same rules read a terminal answer and an answer file's column («Должность», «Стаж»…).
public struct ContextField: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// One of the declared options (an `open` field also keeps what it does not recognise).
        case choice
        /// да / нет.
        case yesno
        /// A whole number of years within `min…max`.
        case number
        /// Free text (the school's name).
        case text
    }

    public struct Choice: Sendable, Equatable {
        public var id: String
        public var label: String
        public var aliases: [String]
        public init(id: String, label: String, aliases: [String] = []) {
            self.id = id
            self.label = label
            self.aliases = aliases
        }
    }

    /// One of the ids the engine reads: `role`, `subject`, `classTeacher`, `experience`, `age`, `school`, `consent`.
    public var id: String
    /// The column header and the terminal question («Должность»).
    public var label: String
    public var kind: Kind
    /// Other headers the column may carry («Педагогический стаж», «Кл. руководитель»).
    public var aliases: [String]
    public var options: [Choice]
    /// A choice that keeps an answer it does not recognise as typed (a subject not in the list).
    public var open: Bool
    /// May be left empty at the terminal and absent from a file.
    public var optional: Bool
    public var min: Int?
    public var max: Int?

    public init(id: String, label: String, kind: Kind, aliases: [String] = [], options: [Choice] = [], open: Bool = false,
                optional: Bool = false, min: Int? = nil, max: Int? = nil) {
        self.id = id
        self.label = label
        self.kind = kind
        self.aliases = aliases
        self.options = options
        self.open = open
        self.optional = optional
        self.min = min
        self.max = max
    }

    /// The stored form of an answer typed in a cell or at the terminal: an option id, `yes`/`no`, digits or
    /// text; nil with a reason when it is not an answer of this field.
    public func read(_ raw: String) -> Result<String, ContextProblem> {
        let key = TextFolding.fold(raw)
        switch kind {
        case .text:
            return .success(raw.trimmingSpaces)
        case .yesno:
            if Self.yes.contains(key) { return .success("yes") }
            if Self.no.contains(key) { return .success("no") }
            return .failure(.notYesNo)
        case .number:
            // «12», «12 лет», «12,5» (years are whole: the fraction is dropped, as a personnel file counts them).
            let digits = key.prefix { $0.isASCII && ($0.isNumber || $0 == "," || $0 == ".") }
            guard let value = Double(digits.replacingOccurrences(of: ",", with: ".")), value.isFinite else { return .failure(.notNumber) }
            let years = Int(value)
            if let min, years < min { return .failure(.outOfRange(min: min, max: max)) }
            if let max, years > max { return .failure(.outOfRange(min: min, max: max)) }
            return .success(String(years))
        case .choice:
            for option in options where ([option.id, option.label] + option.aliases).contains(where: { TextFolding.fold($0) == key }) {
                return .success(option.id)
            }
            if open { return .success(raw.trimmingSpaces) }
            return .failure(.unknownChoice(suggestion: TextFolding.nearest(raw, among: options.map(\.label))))
        }
    }

    /// The label of a stored answer, for reports («Учитель», «да»).
    public func display(_ stored: String) -> String {
        switch kind {
        case .choice: options.first { $0.id == stored }?.label ?? stored
        case .yesno: stored == "yes" ? "да" : stored == "no" ? "нет" : stored
        case .number, .text: stored
        }
    }

    static let yes: Set<String> = ["да", "д", "yes", "y", "1", "+", "есть", "является", "согласен", "согласна", "true"]
    static let no: Set<String> = ["нет", "н", "no", "n", "0", "-", "не является", "не согласен", "не согласна", "false"]
}

/// Why a context answer was refused.
public enum ContextProblem: Error, Sendable, Equatable {
    case notYesNo
    case notNumber
    case outOfRange(min: Int?, max: Int?)
    case unknownChoice(suggestion: String?)
}

/// Whom a statement concerns. Every condition given must hold; what the teacher's context does not say
/// (an old answer file without the columns) never excludes a statement.
public struct Applicability: Sendable, Equatable {
    /// Role ids (`teacher`, `educator`…); empty = any role.
    public var roles: [String]
    /// Subject ids; empty = any subject.
    public var subjects: [String]
    public var exceptSubjects: [String]
    /// true: class teachers only.
    public var classTeacher: Bool?

    public init(roles: [String] = [], subjects: [String] = [], exceptSubjects: [String] = [], classTeacher: Bool? = nil) {
        self.roles = roles
        self.subjects = subjects
        self.exceptSubjects = exceptSubjects
        self.classTeacher = classTeacher
    }

    public func applies(to context: TeacherContext) -> Bool {
        if !roles.isEmpty, let role = context.role, !roles.contains(role) { return false }
        if let subject = context.subject {
            if !subjects.isEmpty && !subjects.contains(subject) { return false }
            if exceptSubjects.contains(subject) { return false }
        }
        if let wanted = classTeacher, let actual = context.classTeacher, wanted != actual { return false }
        return true
    }
}

/// A teacher's context as stored with the response (`Response.attributes` under the field ids).
public struct TeacherContext: Sendable, Equatable {
    public static let keys = ["role", "subject", "classTeacher", "experience", "age", "school", "consent"]

    public var role: String?
    public var subject: String?
    public var classTeacher: Bool?
    public var experience: Int?
    public var age: Int?
    public var school: String?
    public var consent: Bool?

    public init(role: String? = nil, subject: String? = nil, classTeacher: Bool? = nil, experience: Int? = nil, age: Int? = nil,
                school: String? = nil, consent: Bool? = nil) {
        self.role = role
        self.subject = subject
        self.classTeacher = classTeacher
        self.experience = experience
        self.age = age
        self.school = school
        self.consent = consent
    }

    public init(attributes: [String: String]) {
        func flag(_ key: String) -> Bool? { attributes[key].flatMap { $0 == "yes" ? true : $0 == "no" ? false : nil } }
        self.init(role: attributes["role"], subject: attributes["subject"], classTeacher: flag("classTeacher"),
                  experience: attributes["experience"].flatMap { Int($0) }, age: attributes["age"].flatMap { Int($0) },
                  school: attributes["school"], consent: flag("consent"))
    }

    /// Nothing is known: every statement applies.
    public var isEmpty: Bool { self == TeacherContext() }

    /// Under 35 and in the first three years of work (seed 000 §3.5: «до 35 лет в первые три года работы»):
    /// experience 0, 1 or 2 full years. nil when age or experience is unknown.
    public var isYoungSpecialist: Bool? {
        guard let age, let experience else { return nil }
        return age < 35 && experience < 3
    }
}

extension Questionnaire {
    /// The statements and tasks this teacher is asked: all items when the context says nothing.
    public func applies(_ item: Item, to context: TeacherContext) -> Bool {
        item.appliesTo?.applies(to: context) ?? true
    }

    public func contextField(_ id: String) -> ContextField? { context.first { $0.id == id } }
}
