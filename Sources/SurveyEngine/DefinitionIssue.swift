/// What is wrong with a definition, as a value: the engine knows no language, so the text people read
/// («повторяющийся id шкалы «agree5»» / `duplicate scale id "agree5"`) is made from it by the message
/// catalogue (`Messages.definition` in SurveyFormats).
public enum DefinitionIssue: Sendable, Equatable {
    /// The things of a definition an id can name.
    public enum Entity: String, Sendable {
        case scale, domain, area, stage, item, variant, composite, band, contextField, option, role, subject, id, activity
    }
    /// The fields that must not be empty.
    public enum Field: String, Sendable { case title, text, label, alias }

    case unsafeID(String)
    case unsafeVariantID(String)
    case empty(Field)
    case duplicateID(Entity, String)
    case unknown(Entity, String, suggestion: String?)
    case areaWithoutItems(String)
    case monthOutOfRange(Int)
    case noItems
    case duplicateItemNumber(Int)
    case itemIDBlank(String)
    case numberBelowOne(Int)
    case freeTextReverse
    /// Two items of one variant share an id or a number (`field` is "id" or "number").
    case variantClash(field: String, value: String, variant: String, areaA: String, areaB: String)
    case scaleWithoutOptions(String)
    case scaleNeedsTwoOptions(String)
    case duplicateValue(Double, scale: String)
    /// `otherOption` nil: another spelling of the same option.
    case spellingClash(String, otherOption: String?)
    case spellingReadsAsValue(String, number: Double, value: Double)
    case favourableOutside(Double, min: Double, max: Double)
    case levelsNotAscending(scale: String, count: Int, position: Int, value: Double)
    case romanLevelMismatch(String, roman: Int, value: Double)
    case descriptorCount(Int, options: Int, scale: String)
    case reverseWithDescriptors(scale: String)
    case confidentialInArea
    case testReverse
    case testOptionCount(max: Int, given: Int)
    case singleChoiceCorrect(Int)
    case multipleChoiceCorrect
    case pointsNotPositive
    case unknownSubjectEntry(String, entry: Int, suggestion: String?)
    case unknownContextField(String, known: [String])
    case choiceNeedsOptions
    case onlyChoiceHasOptions
    case minAboveMax(Int, Int)
    case severalNotApplicable
    case levelScaleNotApplicable
    case notApplicableInside(Double, min: Double, max: Double)
    case kindNeedsAreas(String)
    case kindItemNeedsArea(String)
    case kindNeedsAreaRule(String)
    case kindNeedsBands(String)
    case monitoringNeedsStages
    case criterionScaleNotLevels(scale: String, kind: String)
    case missingIndicators(item: String, levels: Int, missing: [String])
    case unknownLevel(scale: String, level: String)
    case domainOnlyForFreeText
    case indicatorsOnlyForMonitoring
    case aliasTaken(String, owner: String)
    case noDeficitBand
    case compositeNeedsTwo
    case listedTwice(String)
    case freeTextNotScored(String)
    case shareOutOfRange
    case notNegative
    case noSuchAnswer(String)
    case answerLandsElsewhere(answer: String, basis: Double, landed: String?, band: String)
    case overrideNeedsEquivalent
    case testBandsWithoutTasks
    case testTasksNeedBands
    case fromNotBelowTo(from: Double?, to: Double?)
    case deficitAndStrength
    case bandsStart(Double, found: Double?)
    case bandsEnd(Double, found: Double?)
    case bandGap(previous: String, to: Double, next: String, from: Double)
    case bandOverlap(String, from: Double, previous: String, to: Double)
    case mustStartWhereEnds(String)
    case translatesUnknown(Entity, String)
    // Activity catalogues (routes).
    case catalogueNamesOther(String, expected: String)
    case programmeMonths
    /// A whole number outside `low...high` (`high` nil: `low` or more).
    case outOfRange(low: Int, high: Int?)
    case notInArea(String, area: String)
    case hoursExceed(hours: Int, months: Int, limit: Int)
    case noActivity(area: String, band: String)
    case unknownStatementOrTask(String)
    /// A problem of one variant, found when the variant is checked as a questionnaire of its own.
    indirect case inVariant(String, path: String, DefinitionIssue)
}
