import Foundation
import SurveyEngine
import SurveyFormats

extension Invocation {
    /// Opens a questionnaire's store for reading and says on stderr what opening did (a format-1 store
    /// converted, a crash's spool removed).
    func snapshot(_ questionnaireID: String) throws(CLIError) -> StoreSnapshot {
        let snapshot: StoreSnapshot
        do { snapshot = try store.snapshot(questionnaireID) } catch { throw .from(error) }
        report(snapshot.notes)
        return snapshot
    }

    func report(_ notes: [StoreNote]) {
        for note in notes { console.err("warning: \(note.text(language))\n") }
    }
}

/// Tabulates the current stored responses in one streaming pass. A record's option codes go straight into
/// the accumulator through per-batch tables (column → statement, code → option); only records with an
/// escaped value, a comment, or a `--by` breakdown are decoded whole.
func tabulateStore(_ q: Questionnaire, _ invocation: Invocation, by: String?) throws(CLIError) -> (TabulationAccumulator, [String: TabulationAccumulator]) {
    let snapshot = try invocation.snapshot(q.id)
    var accumulator = TabulationAccumulator(questionnaire: q)
    var groups: [String: TabulationAccumulator] = [:]
    let scored = q.scoredItems
    let position = Dictionary(scored.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
    let hasFreeText = q.items.contains(where: \.isFreeText)
    // Per batch: for each column its scored item (−1 none) and, per code, the option index (−1 not an option).
    let plans: [(items: [Int], options: [[Int]])] = snapshot.batches.map { batch in
        let items = batch.tables.columns.map { position[$0] ?? -1 }
        let options = zip(items, batch.tables.values).map { item, values in
            [-1] + values.map { item >= 0 ? accumulator.optionIndex(item: item, value: $0) : -1 }
        }
        return (items, options)
    }
    // With --by: per batch, the index of the kept column it names (compared folded, as headers are).
    let key = by.map(TextFolding.fold)
    let groupKeys: [Int?] = snapshot.batches.map { batch in key.flatMap { key in batch.tables.keys.firstIndex { TextFolding.fold($0) == key } } }
    var sawGroup = false
    var row = [Int](repeating: -1, count: scored.count)
    do throws(StoreError) {
        try snapshot.forEachCurrent { record throws(StoreError) in
            var group: String?
            if key != nil {
                group = groupKeys[record.batch].flatMap { record.attribute($0) }
                if group != nil { sawGroup = true }
            }
            if record.hasEscapes {
                let response = try record.response()
                accumulator.add(response)
                if key != nil { groups[group ?? "", default: TabulationAccumulator(questionnaire: q)].add(response) }
                return
            }
            let plan = plans[record.batch]
            for i in row.indices { row[i] = -1 }
            let codes = record.codes
            for c in 0..<min(codes.count, plan.items.count) {
                let item = plan.items[c], code = Int(codes[c])
                if item >= 0 && code > 0 && code < plan.options[c].count { row[item] = plan.options[c][code] }
            }
            row.withUnsafeBufferPointer { accumulator.add(optionRow: $0) }
            if key != nil {
                let name = group ?? ""
                if groups[name] == nil { groups[name] = TabulationAccumulator(questionnaire: q) }
                row.withUnsafeBufferPointer { groups[name]?.add(optionRow: $0) }
            }
            if hasFreeText && record.hasTexts {
                let response = try record.response()
                for item in q.items where item.isFreeText {
                    if let text = response.texts[item.id], !text.isEmpty {
                        accumulator.addComment(item: item.id, text: text)
                        if key != nil { groups[group ?? ""]?.addComment(item: item.id, text: text) }
                    }
                }
            }
        }
    } catch { throw .from(error) }
    if accumulator.respondents == 0 {
        throw .message(Messages.noResponses(q.id, store: invocation.store.root), hint: Messages.hintImportOrFromCSV(q.id))
    }
    if let by, !sawGroup {
        throw .message(Messages.noStoredColumn(by), hint: Messages.hintKeepColumn(by))
    }
    return (accumulator, groups)
}
