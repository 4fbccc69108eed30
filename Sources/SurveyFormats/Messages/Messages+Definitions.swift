import Foundation
import SurveyEngine

/// Questionnaire definitions and activity catalogues (`survey validate`, and every command that loads one):
/// JSON syntax, the shape of the file, and the engine's rules (`DefinitionIssue`).
extension Messages {
    // MARK: JSON syntax

    public static func jsonSyntax(_ error: JSONSyntaxError.Kind) -> Message {
        switch error {
        case .textAfterValue: Message("лишний текст после значения JSON", "unexpected text after the JSON value")
        case .endExpectingValue: Message("файл кончился, а ожидалось значение", "unexpected end of file, a value was expected")
        case .unexpectedCharacter(let c): Message("неожиданный символ \(byteName(c, .ru)), ожидалось значение", "unexpected character \(byteName(c, .en)), a value was expected")
        case .tooDeep(let n): Message("вложенность глубже \(n) уровней", "nesting deeper than \(n) levels")
        case .expectedKey(let c): Message("ожидался ключ в кавычках, а найден \(byteName(c, .ru))", "expected a key in quotes, found \(byteName(c, .en))")
        case .endInObject: Message("файл кончился внутри объекта", "unexpected end of file inside an object")
        case .duplicateKey(let key): Message("ключ \"\(key)\" повторяется", "duplicate key \"\(key)\"")
        case .expectedColon(let key): Message("после ключа \"\(key)\" нужно ':'", "expected ':' after the key \"\(key)\"")
        case .expectedObjectSeparator(let c): Message("в объекте ожидалось ',' или '}', а найден \(byteName(c, .ru))", "expected ',' or '}' in an object, found \(byteName(c, .en))")
        case .endInArray: Message("файл кончился внутри массива", "unexpected end of file inside an array")
        case .expectedArraySeparator(let c): Message("в массиве ожидалось ',' или ']', а найден \(byteName(c, .ru))", "expected ',' or ']' in an array, found \(byteName(c, .en))")
        case .unexpectedWord(let word): Message("неожиданное слово, ожидалось \(word)", "unexpected word, expected \(word)")
        case .numberNeedsDigits: Message("в числе нет цифр", "a number needs digits")
        case .leadingZero: Message("число не может начинаться с 0", "a number cannot start with 0")
        case .fractionDigits: Message("после десятичной точки нужны цифры", "digits expected after the decimal point")
        case .exponentDigits: Message("в показателе степени нужны цифры", "digits expected in the exponent")
        case .numberOutOfRange(let text): Message("число \(text) вне допустимого диапазона", "number \(text) is out of range")
        case .unterminatedString: Message("строка не закрыта кавычкой", "unterminated string")
        case .stringNotUTF8: Message("строка — не UTF-8 (сохраните файл в кодировке UTF-8)", "the string is not valid UTF-8 (save the file as UTF-8)")
        case .unpairedSurrogate: Message("непарный суррогат в экранировании \\u", "unpaired surrogate in \\u escape")
        case .invalidUnicodeEscape: Message("неверное экранирование \\u", "invalid \\u escape")
        case .invalidEscape(let c): Message("неверное экранирование \\\(byteName(c, .ru))", "invalid escape \\\(byteName(c, .en))")
        case .controlCharacter(let c): Message("управляющий символ \(byteName(c, .ru)) внутри строки (пишите \\n или \\t)", "control character \(byteName(c, .en)) inside a string (use \\n or \\t)")
        case .hexDigits: Message("после \\u нужны четыре шестнадцатеричные цифры", "\\u needs four hex digits")
        }
    }

    private static func byteName(_ byte: UInt8, _ language: Language) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'"
            : (language == .ru ? "байт " : "byte ") + String(format: "0x%02X", byte)
    }

    // MARK: The shape of a definition

    /// What a JSON value is, for «ожидалась строка, а найдено число».
    public static func jsonType(_ value: JSONValue) -> Message {
        switch value {
        case .object: Message("объект", "an object")
        case .array: Message("массив", "an array")
        case .string: Message("строка", "a string")
        case .number: Message("число", "a number")
        case .bool: Message("true или false", "true or false")
        case .null: Message("null", "null")
        }
    }
    public static func expected(_ what: Message, found value: JSONValue) -> Message {
        Message("ожидается ", "expected ") + what + Message(", а найдено: ", ", found ") + jsonType(value)
    }
    public static var anObject: Message { Message("объект", "an object") }
    public static var aString: Message { Message("строка", "a string") }
    public static var anArray: Message { Message("массив", "an array") }
    public static var aNumber: Message { Message("число", "a number") }
    public static var aBoolean: Message { Message("true или false", "true or false") }
    public static func expectedWholeNumber(found value: Double) -> Message {
        Message("ожидается целое число, а найдено \(Language.ru.decimal(value, digits: value.rounded() == value ? 0 : 3))", "expected a whole number, found \(value)")
    }
    public static func tooManyFields(_ count: Int, limit: Int) -> Message {
        Message("\(Language.ru.count(count, ru: ("поле", "поля", "полей"), en: ("", ""))); в объекте описания не больше \(Language.ru.integer(limit))",
                "\(count) fields; an object of a definition has at most \(limit)")
    }
    public static func tooManyElements(_ count: Int, limit: Int) -> Message {
        Message("\(Language.ru.count(count, ru: ("элемент", "элемента", "элементов"), en: ("", ""))); в списке описания не больше \(Language.ru.integer(limit))",
                "\(count) elements; a list in a definition has at most \(limit)")
    }
    public static func missingField(_ key: String) -> Message { Message("нет поля \"\(key)\"", "missing field \"\(key)\"") }
    public static func unknownField(_ key: String, suggestion: String?) -> Message {
        Message("неизвестное поле \"\(key)\"", "unknown field \"\(key)\"") + didYouMean(suggestion)
    }
    /// An unknown word of a closed list: `unknown kind "x"; one of: likert, deficits, monitoring`.
    public static func unknownValue(_ what: DefinitionWord, _ value: String, oneOf: [String]) -> Message {
        let list = oneOf.joined(separator: ", ")
        let (ru, en): (String, String) = switch what {
        case .kind: ("неизвестный вид", "unknown kind")
        case .contextKind: ("неизвестный вид поля контекста", "unknown context kind")
        case .choice: ("неизвестный выбор", "unknown choice")
        case .scaleKind: ("неизвестный вид шкалы", "unknown scale kind")
        case .itemKind: ("неизвестный вид пункта", "unknown item kind")
        case .basis: ("неизвестная основа", "unknown basis")
        case .phase: ("неизвестный этап", "unknown phase")
        }
        return Message("\(ru) \"\(value)\"; допустимо: \(list)", "\(en) \"\(value)\"; one of: \(list)")
    }
    public enum DefinitionWord: Sendable { case kind, contextKind, choice, scaleKind, itemKind, basis, phase }
    public static var testTaskHasOwnOptions: Message {
        Message("у тестового задания свои варианты ответа, шкала ему не нужна", "a test task has its own options, not a scale")
    }
    public static func indicatorKey(_ key: String) -> Message {
        Message("индикатор задаётся по значению уровня (\"1\", \"2\", \"3\"), а не \"\(key)\"",
                "an indicator is keyed by a level value (\"1\", \"2\", \"3\"), not \"\(key)\"")
    }
    public static var negativeSuggestions: Message {
        Message("число предложений не может быть отрицательным", "counts of suggestions cannot be negative")
    }

    private static func didYouMean(_ suggestion: String?) -> Message {
        suggestion.map { Message(" (может быть, \"\($0)\"?)", " (did you mean \"\($0)\"?)") } ?? Message(verbatim: "")
    }

    // MARK: The engine's rules

    private static func n(_ value: Double) -> (ru: String, en: String) {
        let en = formatNumber(value)
        return (en.replacingOccurrences(of: ".", with: ","), en)
    }
    private static func quoted(_ list: [String]) -> String { list.map { "\"\($0)\"" }.joined(separator: ", ") }

    private static func genitive(_ entity: DefinitionIssue.Entity) -> (ru: String, en: String) {
        switch entity {
        case .scale: ("шкалы", "scale")
        case .domain: ("направления", "domain")
        case .area: ("области", "area")
        case .stage: ("этапа", "stage")
        case .item: ("пункта", "item")
        case .variant: ("варианта анкеты", "variant")
        case .composite: ("составного показателя", "composite")
        case .band: ("уровня", "band")
        case .contextField: ("поля контекста", "context field")
        case .option: ("варианта", "option")
        case .role: ("роли", "role")
        case .subject: ("предмета", "subject")
        case .id: ("id", "id")
        case .activity: ("мероприятия", "activity")
        }
    }

    /// A problem of a definition in words.
    public static func definition(_ issue: DefinitionIssue) -> Message {
        switch issue {
        case .unsafeID(let id):
            return Message("id \"\(id)\" может состоять из латинских букв, цифр, '-', '_' и '.', и не начинаться с '.'",
                           "id \"\(id)\" must be letters, digits, '-', '_' or '.', not starting with '.'")
        case .unsafeVariantID(let id):
            return Message("id варианта \"\(id)\" может состоять из латинских букв, цифр, '-', '_' и '.'",
                           "variant id \"\(id)\" must be letters, digits, '-', '_' or '.'")
        case .empty(let field):
            switch field {
            case .title: return Message("пустое название", "title is empty")
            case .text: return Message("пустой текст", "text is empty")
            case .label: return Message("пустая подпись", "label is empty")
            case .alias: return Message("пустой синоним", "alias is empty")
            }
        case .duplicateID(let entity, let id):
            let g = genitive(entity)
            return Message("id \(g.ru) \"\(id)\" повторяется", "duplicate \(g.en) id \"\(id)\"")
        case .unknown(let entity, let value, let suggestion):
            let g = genitive(entity)
            return Message("неизвестный id \(g.ru) \"\(value)\"", "unknown \(g.en) \"\(value)\"") + didYouMean(suggestion)
        case .areaWithoutItems(let id):
            return Message("в области \"\(id)\" нет пунктов", "area \"\(id)\" has no items")
        case .monthOutOfRange(let month):
            return Message("месяц \(month) — не от 1 до 12", "month \(month) is not 1–12")
        case .noItems: return Message("нет пунктов", "no items")
        case .duplicateItemNumber(let number): return Message("номер пункта \(number) повторяется", "duplicate item number \(number)")
        case .itemIDBlank(let id): return Message("id пункта \"\(id)\" пустой или с пробелами по краям", "item id \"\(id)\" is empty or has spaces at its ends")
        case .numberBelowOne(let number): return Message("номер \(number) должен быть не меньше 1", "number \(number) must be 1 or more")
        case .freeTextReverse: return Message("пункт со свободным ответом не может быть обратным", "a free-text item cannot be reverse-keyed")
        case .variantClash(let field, let value, let variant, let a, let b):
            let shown = field == "id" ? "\"\(value)\"" : value
            return Message("\(field == "id" ? "id" : "номер") пункта \(shown) повторяется в варианте \"\(variant)\": области \"\(a)\" и \"\(b)\" совпадают",
                           "duplicate item \(field) \(shown) in variant \"\(variant)\": areas \"\(a)\" and \"\(b)\" clash")
        case .scaleWithoutOptions(let id): return Message("у шкалы \"\(id)\" нет вариантов ответа", "scale \"\(id)\" has no options")
        case .scaleNeedsTwoOptions(let id): return Message("шкале \"\(id)\" нужно не меньше двух вариантов ответа", "scale \"\(id)\" needs at least two options")
        case .duplicateValue(let v, let scale):
            return Message("значение \(n(v).ru) повторяется в шкале \"\(scale)\"", "duplicate value \(n(v).en) in scale \"\(scale)\"")
        case .spellingClash(let spelling, let other):
            return Message("\"\(spelling)\" совпадает с " + (other.map { "вариантом \"\($0)\"" } ?? "другим написанием того же варианта"),
                           "\"\(spelling)\" clashes with " + (other.map { "option \"\($0)\"" } ?? "another spelling of the same option"))
        case .spellingReadsAsValue(let spelling, let number, let value):
            return Message("\"\(spelling)\" читается как значение \(n(number).ru), а значение этого варианта — \(n(value).ru)",
                           "\"\(spelling)\" reads as the value \(n(number).en), but the option's value is \(n(value).en)")
        case .favourableOutside(let from, let min, let max):
            return Message("\(n(from).ru) вне значений шкалы \(n(min).ru)–\(n(max).ru)", "\(n(from).en) is outside the scale's values \(n(min).en)–\(n(max).en)")
        case .levelsNotAscending(let scale, let count, let position, let value):
            return Message("шкала уровней \"\(scale)\" перечисляет уровни от низшего со значениями 1…\(count); у варианта \(position) значение \(n(value).ru)",
                           "level scale \"\(scale)\" must list levels lowest first with values 1…\(count); option \(position) has value \(n(value).en)")
        case .romanLevelMismatch(let spelling, let roman, let value):
            return Message("уровень \"\(spelling)\" — цифра \(roman), а значение у него \(n(value).ru): у высшего уровня должно быть наибольшее значение",
                           "level \"\(spelling)\" is numeral \(roman) but has value \(n(value).en): the highest level must have the highest value")
        case .descriptorCount(let count, let options, let scale):
            return Message("\(Language.ru.count(count, ru: ("описание", "описания", "описаний"), en: ("", ""))) на \(options) вариантов шкалы \"\(scale)\"",
                           "\(count) descriptors for the \(options) options of \"\(scale)\"")
        case .reverseWithDescriptors(let scale):
            return Message("обратное утверждение показало бы описания шкалы \"\(scale)\", написанные для прямых утверждений: сформулируйте его прямо или дайте ему свои \"descriptors\"",
                           "a reverse-keyed statement would show the descriptors of \"\(scale)\", written for positively worded statements: word it positively or give it its own \"descriptors\"")
        case .confidentialInArea:
            return Message("конфиденциальное утверждение не входит ни в одну область (оно не может стать дефицитом или шагом маршрута)",
                           "a confidential statement belongs to no area (it must never become a deficit or a route step)")
        case .testReverse: return Message("тестовое задание не может быть обратным", "a test task cannot be reverse-keyed")
        case .testOptionCount(let max, let given):
            return Message("у тестового задания от 2 до \(max) вариантов, а не \(given)", "a test task needs 2 to \(max) options, not \(given)")
        case .singleChoiceCorrect(let right):
            return Message("в задании с одним ответом ровно один верный вариант, а не \(right)", "a single-choice task needs exactly one correct option, not \(right)")
        case .multipleChoiceCorrect:
            return Message("в задании с несколькими ответами нужно не меньше двух верных вариантов и хотя бы один неверный",
                           "a multiple-choice task needs at least two correct options and at least one wrong one")
        case .pointsNotPositive: return Message("баллы должны быть больше 0", "points must be above 0")
        case .unknownSubjectEntry(let subject, let entry, let suggestion):
            return Message("неизвестный предмет \"\(subject)\" (запись \(entry))", "unknown subject \"\(subject)\" (entry \(entry))") + didYouMean(suggestion)
        case .unknownContextField(let id, let known):
            return Message("неизвестное поле контекста \"\(id)\"; допустимо: \(known.joined(separator: ", "))",
                           "unknown context field \"\(id)\"; one of: \(known.joined(separator: ", "))")
        case .choiceNeedsOptions: return Message("для выбора нужны варианты", "a choice needs options")
        case .onlyChoiceHasOptions: return Message("варианты бывают только у выбора", "only a choice has options")
        case .minAboveMax(let min, let max): return Message("min \(min) больше max \(max)", "min \(min) is above max \(max)")
        case .severalNotApplicable: return Message("вариант «не относится» может быть только один", "at most one option may be «not applicable»")
        case .levelScaleNotApplicable: return Message("у шкалы уровней нет варианта «не относится»", "a level scale has no «not applicable» option")
        case .notApplicableInside(let na, let min, let max):
            return Message("значение «не относится» \(n(na).ru) лежит внутри диапазона шкалы \(n(min).ru)–\(n(max).ru)",
                           "the «not applicable» value \(n(na).en) lies inside the scale's range \(n(min).en)–\(n(max).en)")
        case .kindNeedsAreas(let kind): return Message("анкете вида \(kind) нужны области", "a \(kind) questionnaire needs areas")
        case .kindItemNeedsArea(let kind):
            return Message("каждому оцениваемому пункту анкеты вида \(kind) нужна область", "every scored item of a \(kind) questionnaire needs an area")
        case .kindNeedsAreaRule(let kind): return Message("анкете вида \(kind) нужно правило для областей", "a \(kind) questionnaire needs an area rule")
        case .kindNeedsBands(let kind): return Message("анкете вида \(kind) нужны уровни (bands)", "a \(kind) questionnaire needs bands")
        case .monitoringNeedsStages: return Message("мониторингу нужны этапы", "a monitoring questionnaire needs stages")
        case .criterionScaleNotLevels(let scale, let kind):
            return Message("критерии мониторинга оцениваются по шкале уровней; \"\(scale)\" — шкала вида \(kind)",
                           "monitoring criteria are rated on a level scale; \"\(scale)\" is \(kind)")
        case .missingIndicators(let item, let levels, let missing):
            return Message("критерию \"\(item)\" нужен индикатор для каждого из \(levels) уровней; нет: \(quoted(missing))",
                           "criterion \"\(item)\" needs an indicator for each of the \(levels) levels; missing: \(quoted(missing))")
        case .unknownLevel(let scale, let level): return Message("в \"\(scale)\" нет уровня \(level)", "\"\(scale)\" has no level \(level)")
        case .domainOnlyForFreeText:
            return Message("направление указывают только у пункта со свободным ответом (меры педагога); направление критерия — направление его области",
                           "only a free-text item (the teacher's measures) names a domain; a criterion's domain is its area's")
        case .indicatorsOnlyForMonitoring: return Message("индикаторы бывают только у критериев мониторинга", "indicators are for monitoring criteria")
        case .aliasTaken(let alias, let owner): return Message("синоним \"\(alias)\" уже называет пункт \"\(owner)\"", "alias \"\(alias)\" already names item \"\(owner)\"")
        case .noDeficitBand: return Message("ни один уровень не отмечен как дефицит", "no band is marked as a deficit")
        case .compositeNeedsTwo: return Message("составному показателю нужно не меньше двух пунктов", "a composite needs at least two items")
        case .listedTwice(let id): return Message("пункт \"\(id)\" указан дважды", "item \"\(id)\" listed twice")
        case .freeTextNotScored(let id): return Message("пункт \"\(id)\" — свободный ответ, его нельзя оценить", "item \"\(id)\" is free text and cannot be scored")
        case .shareOutOfRange: return Message("нужна доля от 0 до 1", "must be a share from 0 to 1")
        case .notNegative: return Message("нужно число не меньше 0", "must be 0 or more")
        case .noSuchAnswer(let answer): return Message("на шкале областей нет варианта «\(answer)»", "no option «\(answer)» on the areas' scale")
        case .answerLandsElsewhere(let answer, let basis, let landed, let band):
            return Message("«\(answer)» на всех утверждениях даёт \(n(basis).ru), это уровень \"\(landed ?? "нет")\", а не \"\(band)\"",
                           "«\(answer)» on every statement gives \(n(basis).en), which is in band \"\(landed ?? "none")\", not \"\(band)\"")
        case .overrideNeedsEquivalent:
            return Message("уровню, который заменяет самооценку, нужен равнозначный уровень дефицита",
                           "a band that overrides the self-report needs an equivalent deficit band")
        case .testBandsWithoutTasks: return Message("уровни теста есть, а тестовых заданий нет", "test bands without test tasks")
        case .testTasksNeedBands: return Message("тестовым заданиям нужны \"testBands\"", "test tasks need \"testBands\"")
        case .fromNotBelowTo(let from, let to):
            if let from, let to { return Message("from \(n(from).ru) должно быть меньше to \(n(to).ru)", "from \(n(from).en) must be below to \(n(to).en)") }
            return Message("from должно быть меньше to", "from must be below to")
        case .deficitAndStrength: return Message("уровень не может быть одновременно дефицитом и сильной стороной", "a band cannot be both a deficit and a strength")
        case .bandsStart(let at, let found):
            return Message("уровни должны начинаться с \(n(at).ru)" + (found.map { ", а не с \(n($0).ru)" } ?? ""),
                           "bands must start at \(n(at).en)" + (found.map { ", not \(n($0).en)" } ?? ""))
        case .bandsEnd(let at, let found):
            return Message("уровни должны кончаться на \(n(at).ru)" + (found.map { ", а не на \(n($0).ru)" } ?? ""),
                           "bands must end at \(n(at).en)" + (found.map { ", not \(n($0).en)" } ?? ""))
        case .bandGap(let previous, let to, let next, let from):
            return Message("пропуск между \"\(previous)\" (до \(n(to).ru)) и \"\(next)\" (от \(n(from).ru))",
                           "gap between \"\(previous)\" (to \(n(to).en)) and \"\(next)\" (from \(n(from).en))")
        case .bandOverlap(let band, let from, let previous, let to):
            return Message("\"\(band)\" (от \(n(from).ru)) перекрывает \"\(previous)\" (до \(n(to).ru)); перечислите уровни от низшего, каждый начинается там, где кончился предыдущий",
                           "\"\(band)\" (from \(n(from).en)) overlaps \"\(previous)\" (to \(n(to).en)); list bands lowest first, each starting where the last ends")
        case .mustStartWhereEnds(let previous): return Message("должен начинаться там, где кончается \"\(previous)\"", "must start where \"\(previous)\" ends")
        case .translatesUnknown(let entity, let id):
            let g = genitive(entity)
            return Message("перевод неизвестного \(entity == .id ? "id" : "id " + g.ru) \"\(id)\"", "translates unknown \(g.en) \"\(id)\"")
        case .catalogueNamesOther(let named, let expected):
            return Message("указана анкета \"\(named)\", а не \"\(expected)\"", "names \"\(named)\", not \"\(expected)\"")
        case .programmeMonths: return Message("программа наставничества длится от 3 до 12 месяцев", "a mentoring programme lasts 3 to 12 months")
        case .outOfRange(let low, let high):
            if let high { return Message("нужно число от \(low) до \(high)", "must be \(low) to \(high)") }
            return Message("нужно число не меньше \(low)", "must be \(low) or more")
        case .notInArea(let id, let area): return Message("\"\(id)\" не из области \"\(area)\"", "\"\(id)\" is not in area \"\(area)\"")
        case .hoursExceed(let hours, let months, let limit):
            return Message("\(Language.ru.count(hours, ru: ("час", "часа", "часов"), en: ("", ""))) за \(Language.ru.count(months, ru: ("месяц", "месяца", "месяцев"), en: ("", ""))) — больше maxHoursPerMonth \(limit)",
                           "\(hours) hours in \(months) months exceed maxHoursPerMonth \(limit)")
        case .noActivity(let area, let band):
            return Message("нет мероприятия для области \"\(area)\" на уровне \"\(band)\"", "no activity for area \"\(area)\" in band \"\(band)\"")
        case .unknownStatementOrTask(let id): return Message("неизвестное утверждение или задание \"\(id)\"", "unknown statement or task \"\(id)\"")
        case .inVariant(let variant, let path, let inner):
            return Message("вариант \"\(variant)\": \(path): ", "variant \"\(variant)\": \(path): ") + definition(inner)
        }
    }
}

extension Messages {
    /// An activity's experience limits the wrong way round.
    public static func minExperienceAboveMax(_ low: Int, _ high: Int) -> Message {
        Message("minExperience \(low) больше maxExperience \(high)", "minExperience \(low) is above maxExperience \(high)")
    }
}
