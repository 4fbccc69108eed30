import Foundation
import SurveyEngine
import SurveyFormats
#if canImport(Glibc)
import Glibc
#endif

/// `survey take ID`: answer a questionnaire at a terminal (one key per answer) or line by line from piped input.
let takeCommand = Command(
    name: "take", summary: "Answer a questionnaire: at a terminal one key per answer, from piped input one line per answer.",
    usage: "ID [--respondent NAME] [--stage start|mid|final] [--session ID]",
    discussion: """
    At a terminal there is one screen per question: a digit answers it and the next one appears. Every answer
    is written to a session journal on the disk before the screen moves on, so a closed window, a killed
    program or a power cut loses nothing: run the same command again to continue where you stopped. When the
    last question is answered the response is stored, the journal deleted and a summary shown.

    KEYS (at a terminal):
      1–9        answer with the option of that number and go to the next question
      ← or b     back to the previous question (its answer can be changed)
      → or s     skip an optional question, or keep the answer of one answered before
      ?          show the keys
      q          save and leave (Ctrl-C does the same); the same command continues later
    A free-text question takes a line: Enter ends it, an empty line skips it, ← on an empty line goes back.
    Colour is off when NO_COLOR is set or TERM=dumb.

    PIPED INPUT (standard input is not a terminal): one line per question, in order. A line holds the
    option's number as listed (1…n), or a label («Согласен»: case, spaces, ё/е and the scale's aliases
    forgiven), or for levels I, II, III (Latin or Cyrillic); an empty line skips an optional question; for a
    free-text question the line is the answer. A line that is not an answer is refused on stderr, with the
    answers accepted, and the next line is read for the same question. When the input ends early the answers
    so far are kept, and the next run continues after them.

    A self-diagnosis (deficits) and a monitoring sheet (about one child, with --stage) need a name: give
    --respondent, or type it when asked at a terminal. A survey (likert) may be anonymous: it then prints a
    session id at the start, and --session ID continues it. A name is found however it is typed (case, runs of
    spaces, ё/е), and the session continues under the name as first given. Names never become file names: a
    session journal is named by a hash, and kept private (0600) in the store's folder of the questionnaire.
    """,
    arguments: [("ID", "The questionnaire (its id, or a path to its file).")],
    options: [.value("--respondent", "NAME", "Who answers: the teacher, or for monitoring the child."),
              .value("--stage", "STAGE", "Monitoring: the stage (start, mid or final)."),
              .value("--session", "ID", "Continue an anonymous survey by the session id it printed.")],
    positionals: 1...1,
    examples: ["survey take teacher-deficits --respondent \"Иванова А.А.\"",
               "survey take preschool-monitoring --stage start --respondent \"Петя С.\"",
               "survey take preschool-parent-survey",
               "survey take preschool-parent-survey --session 3fa94c1b27d0",
               "printf '1\\nСогласен\\n…' | survey take preschool-staff-survey"]
) { invocation throws(CLIError) in
    try runTake(invocation)
}

/// How a take ended.
private enum TakeOutcome {
    /// Every item has an answer (or an allowed skip): store the response.
    case completed
    /// `q`, Ctrl-C or the end of input: the journal keeps the answers for next time.
    case left
}

/// One screen of a take: a question about the person (context) or an item.
private enum TakeStep {
    case context(ContextField)
    case item(Item)

    /// The journal key: the item's id, or `@` and the context field's id.
    var key: String {
        switch self {
        case .context(let field): "@" + field.id
        case .item(let item): item.id
        }
    }

    var required: Bool {
        switch self {
        case .context(let field): !field.optional
        case .item(let item): item.required
        }
    }
}

/// A take in progress: the current step and the answers so far. Every answer goes to the journal (on the
/// disk) before it counts, and before the caller shows the next step. The steps are the context questions,
/// then the items that apply to the person as the context answers describe her.
///
/// Invariant: every step before `index` has an answer or a skip, so reaching the end means complete.
private final class TakeSession {
    let q: Questionnaire
    let labels: Labels
    let respondent: String?
    let stage: String?
    /// The id of an anonymous session.
    let sessionID: String?
    private let journal: SessionJournal
    private(set) var answers: [String: SessionJournal.Answer]
    private(set) var index: Int

    init(q: Questionnaire, labels: Labels, respondent: String?, stage: String?, sessionID: String?,
         journal: SessionJournal, answers: [String: SessionJournal.Answer]) {
        self.q = q
        self.labels = labels
        self.respondent = respondent
        self.stage = stage
        self.sessionID = sessionID
        self.journal = journal
        self.answers = answers
        index = 0
        let all = steps
        index = all.firstIndex { answers[$0.key] == nil } ?? all.count
    }

    /// The context as answered so far (stored form: option ids, yes/no, years).
    var attributes: [String: String] {
        var attributes: [String: String] = [:]
        for field in q.context { if case .text(let stored) = answers["@" + field.id] { attributes[field.id] = stored } }
        return attributes
    }

    /// Recomputed from the answers: changing the role brings other statements.
    var steps: [TakeStep] {
        let context = TeacherContext(attributes: attributes)
        return q.context.map(TakeStep.context) + q.items.filter { q.applies($0, to: context) }.map(TakeStep.item)
    }

    var step: TakeStep { steps[index] }
    var isComplete: Bool { index >= steps.count }
    var answeredCount: Int { steps.reduce(0) { $0 + (answers[$1.key] == nil ? 0 : 1) } }

    /// Journals the answer to the current free-text item or context line, then moves on: saved when given,
    /// a skip when optional; false when a required one was left empty (the caller says so in its own way).
    func recordFreeText(_ line: String, required: Bool) throws(CLIError) -> Bool {
        let text = cleanFreeText(line)
        if !text.isEmpty { try record(.text(text)) } else if !required { try record(.skip) } else { return false }
        return true
    }

    func record(_ answer: SessionJournal.Answer) throws(CLIError) {
        let id = step.key
        do throws(StoreError) { try journal.record(item: id, answer) } catch {
            throw .message(error.problem, hint: Messages.answersKeptSoFar)
        }
        answers[id] = answer
        index += 1
    }

    /// Back one step; false on the first.
    func back() -> Bool {
        guard index > 0 else { return false }
        index -= 1
        return true
    }

    /// On to the next step keeping the answer already given; false when there is none to keep.
    func keep() -> Bool {
        guard answers[step.key] != nil else { return false }
        index += 1
        return true
    }

    var response: Response {
        var response = Response(respondent: respondent, stage: stage)
        response.attributes = attributes
        for case .item(let item) in steps {
            switch answers[item.id] {
            case .value(let value): response.values[item.id] = value
            case .text(let text): response.texts[item.id] = text
            case .skip, nil: break
            }
        }
        return response
    }

    func finish() { journal.remove() }
    func close() { journal.close() }
}

/// What a line typed for a context question means: the stored form, or why it is refused.
private struct ContextRefusal: Error { var reason: String }

private func readContext(_ line: String, _ field: ContextField, language: Language) -> Result<String, ContextRefusal> {
    let entry = line.trimmingCharacters(in: .whitespaces)
    if field.kind == .choice, let number = Int(entry), (1...field.options.count).contains(number) { return .success(field.options[number - 1].id) }
    if field.kind == .yesno, let number = Int(entry), (1...2).contains(number) { return .success(number == 1 ? "yes" : "no") }
    switch field.read(entry) {
    case .success(let stored): return .success(stored)
    case .failure(let problem):
        switch problem {
        case .notYesNo: return .failure(ContextRefusal(reason: Messages.answerYesNo.text(language)))
        case .notNumber: return .failure(ContextRefusal(reason: Messages.wholeYearsNeeded.text(language)))
        case .outOfRange(let min, let max): return .failure(ContextRefusal(reason: Messages.numberFromTo(min ?? 0, max ?? 100).text(language)))
        case .unknownChoice(let suggestion):
            return .failure(ContextRefusal(reason: Messages.chooseNumber(field.options.count, suggestion: suggestion).text(language)))
        }
    }
}

private func runTake(_ invocation: Invocation) throws(CLIError) -> Int32 {
    let q = try invocation.questionnaire(invocation.positionals[0])
    let stage = try stageArgument(invocation, q)
    let language = invocation.language
    let t = language.t
    let labels = Labels(q, language)
    let console = invocation.console
    guard !q.items.isEmpty else { throw .message(Messages.noItemsToAnswer(q.id)) }

    var respondent = invocation.value("--respondent").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    if respondent == "" { throw .usage(Messages.respondentNeedsName.text(language)) }
    let givenSession = invocation.value("--session")
    if let givenSession {
        guard q.kind == .likert else {
            throw .usage(Messages.sessionOnlyAnonymous(q.id, stage: stage).text(language))
        }
        guard respondent == nil else { throw .usage(Messages.sessionWithRespondent.text(language)) }
        guard SessionJournal.isValidKey(givenSession) else {
            throw .usage(Messages.notASessionID(givenSession).text(language), hint: Messages.hintSessionID.text(language))
        }
    }

    let interactive = Console.isTerminal(0) && Console.isTerminal(1)
    let needsName = q.kind != .likert
    if needsName && respondent == nil && !interactive {
        throw .usage(Messages.takeNeedsRespondent(q.id, child: q.kind == .monitoring).text(language),
                     hint: "survey take \(invocation.positionals[0]) --respondent \"Иванова А.А.\"\(stage.map { " --stage \($0)" } ?? "")")
    }

    var terminal: Terminal?
    if interactive {
        guard let opened = Terminal(environment: invocation.environment) else { throw .message(Messages.noRawMode) }
        terminal = opened
    }
    defer { terminal?.restore() }

    if needsName && respondent == nil, let terminal {
        terminal.setLeaveMessage(Messages.nothingSaved.text(language) + "\n")
        guard let name = askName(terminal, q: q, labels: labels, stage: stage, t: t) else {
            terminal.clear()
            terminal.restore()
            console.out(Messages.nothingSaved.text(language) + "\n")
            return 0
        }
        respondent = name
    }

    // The journal: keyed by a hash of the name folded (and stage), or by a random id for an anonymous survey.
    let sessionID = respondent == nil ? (givenSession ?? SessionJournal.newSessionID()) : nil
    var key = respondent.map { SessionJournal.key(respondent: $0, stage: stage) } ?? sessionID ?? SessionJournal.newSessionID()
    let store = invocation.store
    // An unfinished session of this person, however the name is spelled now (or was hashed before names
    // were folded), is resumed under the name as it was stored.
    if let name = respondent, let found = SessionJournal.findNamed(store: store, questionnaireID: q.id, respondent: name, stage: stage) {
        key = found.key
        respondent = found.respondent
    }
    let header = SessionJournal.Header(questionnaireID: q.id, version: q.version, respondent: respondent, stage: stage, session: sessionID)
    let journal: SessionJournal
    let contents: SessionJournal.Contents
    do throws(StoreError) {
        (journal, contents) = try SessionJournal.open(store: store, header: header, key: key, create: givenSession == nil)
    } catch {
        if let givenSession, case .file(let problem) = error, problem.reasonText == Messages.noSuchSession {
            throw .message(Messages.noUnfinishedSession(givenSession, questionnaire: q.id, store: store.root), hint: Messages.hintSessionFinished)
        }
        throw .from(error)
    }

    // What the journal holds, checked against the definition as it is now.
    var answers: [String: SessionJournal.Answer] = [:]
    var dropped = 0
    for (id, answer) in contents.answers {
        if id.hasPrefix("@") {
            guard let field = q.contextField(String(id.dropFirst())) else { dropped += 1; continue }
            switch answer {
            case .text(let stored): if case .success = field.read(stored) { answers[id] = answer } else { dropped += 1 }
            case .skip: if field.optional { answers[id] = answer } else { dropped += 1 }
            case .value: dropped += 1
            }
            continue
        }
        guard let item = q.item(id) else { dropped += 1; continue }
        let fits: Bool
        switch answer {
        case .value(let value): fits = item.test.map { $0.chosen(value) != nil } ?? (q.scale(of: item)?.option(value: value) != nil)
        case .text: fits = item.isFreeText
        case .skip: fits = !item.required
        }
        if fits { answers[id] = answer } else { dropped += 1 }
    }
    var notes: [String] = []
    if let version = contents.header?.version, version != q.version {
        notes.append(Messages.definitionChanged(from: version, to: q.version).text(language))
    }
    if dropped > 0 {
        notes.append(Messages.earlierAnswersDropped(dropped).text(language))
    }
    if contents.unreadableLines > 0 {
        notes.append(Messages.unreadableJournalLines(contents.unreadableLines).text(language))
    }

    let session = TakeSession(q: q, labels: labels, respondent: respondent, stage: stage, sessionID: sessionID,
                              journal: journal, answers: answers)
    let resume = resumeCommand(invocation, respondent: respondent, stage: stage, session: sessionID)
    let noun = itemNoun(q, t: t)
    var opening: String?
    if !answers.isEmpty && !session.isComplete {
        opening = t("Продолжаем с \(noun.genitive) \(session.index + 1)", "Continuing from \(noun.word.lowercased()) \(session.index + 1)")
    }

    let outcome: TakeOutcome
    if session.isComplete {
        outcome = .completed
    } else if let terminal {
        terminal.setLeaveMessage(Messages.answersSavedResume(resume).text(language) + "\n")
        var screen = TakeScreen(terminal: terminal, session: session, t: t, noun: noun)
        screen.status = (opening.map { [$0] } ?? []) + notes
        outcome = try screen.run()
    } else {
        for note in notes { console.err("warning: \(note)\n") }
        if sessionID != nil && givenSession == nil {
            console.err(Messages.anonymousSession(sessionID ?? "", resume: resume).text(language) + "\n")
        }
        if let opening { console.out(opening + "\n\n") }
        outcome = try LineTake(session: session, console: console, t: t, noun: noun).run()
    }

    switch outcome {
    case .left:
        session.close()
        let total = session.steps.count
        if let terminal {
            terminal.clear()
            terminal.restore()
            console.out(Messages.answersSavedProgress(session.answeredCount, of: total, resume: resume).text(language) + "\n")
        } else {
            console.err(Messages.inputEnded(session.answeredCount, of: total, resume: resume).text(language) + "\n")
        }
        return 0
    case .completed:
        break
    }

    let response = session.response
    if let terminal {
        terminal.clear()
        terminal.restore()
    }
    // Storing the response and deleting the journal go together: an interrupt waits until both are done,
    // so that a session is never stored twice (once now, once more when the kept journal is resumed).
    var interrupts = sigset_t(), previousMask = sigset_t()
    sigemptyset(&interrupts)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&interrupts, signal) }
    pthread_sigmask(SIG_BLOCK, &interrupts, &previousMask)
    defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }
    do throws(StoreError) {
        let result = try store.commit([response], questionnaireID: q.id, source: "terminal", checksum: nil)
        invocation.report(result.notes)
        if result.replacedCount > 0 {
            console.out(q.kind == .monitoring
                ? Messages.earlierReplaced(monitoring: true).text(language) + "\n"
                : Messages.earlierReplaced(monitoring: false).text(language) + "\n")
        }
    } catch {
        session.close()
        throw .message(error.problem, hint: Messages.hintAnswersInJournal(resume))
    }
    session.finish()
    console.out(afterTakeSummary(q, response: response, invocation: invocation))
    return 0
}

/// How the kind calls its items: «Вопрос 7 из 45», «Критерий 7 из 84».
private struct ItemNoun {
    var word: String
    /// After «с»: «с вопроса 7», «с критерия 7».
    var genitive: String
}

private func itemNoun(_ q: Questionnaire, t: (String, String) -> String) -> ItemNoun {
    q.kind == .monitoring
        ? ItemNoun(word: t("Критерий", "Criterion"), genitive: t("критерия", "criterion"))
        : ItemNoun(word: t("Вопрос", "Question"), genitive: t("вопроса", "question"))
}

/// The command that continues this session: the same questionnaire, name, stage and folders.
private func resumeCommand(_ invocation: Invocation, respondent: String?, stage: String?, session: String?) -> String {
    var words = ["survey", "take", invocation.positionals[0]]
    if let respondent { words += ["--respondent", respondent] }
    if let stage { words += ["--stage", stage] }
    if let session { words += ["--session", session] }
    for option in ["--questionnaires", "--data", "--lang"] {
        if let value = invocation.value(option) { words += [option, value] }
    }
    return words.map(shellWord).joined(separator: " ")
}

/// A word as a shell reads it back: bare when safe, else in single quotes.
private func shellWord(_ text: String) -> String {
    let safe = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
        (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_./:=,+@".unicodeScalars.contains(scalar))
    }
    return safe ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// The first prompt when no --respondent was given at a terminal. nil = the person left.
private func askName(_ terminal: Terminal, q: Questionnaire, labels: Labels, stage: String?, t: (String, String) -> String) -> String? {
    let prompt = q.kind == .monitoring ? t("Имя ребёнка:", "The child's name:") : t("Ваше имя (ФИО):", "Your name:")
    var status: String?
    while true {
        let width = max(20, min(terminal.size.columns - 1, 100))
        var screen = "\u{1B}[2J\u{1B}[H" + terminal.style.dim(TextLayout.cut(labels.title, to: width)) + "\n\n"
        if let stage, let found = q.stages.first(where: { $0.id == stage }) {
            screen += t("Этап: ", "Stage: ") + labels.name(found.id, fallback: found.title) + "\n\n"
        }
        if let status { screen += terminal.style.warning(status) + "\n\n" }
        screen += terminal.style.dim(t("Enter — далее · Ctrl-C — выйти", "Enter — next · Ctrl-C — leave")) + "\n\n"
        screen += terminal.style.bold(prompt) + " "
        terminal.write(screen)
        switch terminal.readLine() {
        case .line(let line):
            let name = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if !name.isEmpty { return name }
            status = t("Имя нужно, чтобы сохранить ответы и продолжить позже.", "A name is needed to keep the answers and continue later.")
        case .back:
            continue
        case .leave:
            return nil
        }
    }
}

// MARK: - At a terminal

/// The numbered choices of a step shown one key each: a scale's options, a context field's, да/нет, a test's.
private func choices(of step: TakeStep, _ session: TakeSession) -> [(label: String, descriptor: String?)] {
    switch step {
    case .context(let field):
        switch field.kind {
        case .choice: return field.options.map { ($0.label, nil) }
        case .yesno: return [(session.labels.language.t("да", "yes"), nil), (session.labels.language.t("нет", "no"), nil)]
        case .number, .text: return []
        }
    case .item(let item):
        if let task = item.test { return task.options.enumerated().map { ("\(TestTask.letters[$0.offset])) \($0.element.label)", nil) } }
        guard let scale = session.q.scale(of: item) else { return [] }
        return scale.options.enumerated().map { index, option in
            // A monitoring criterion's own indicator for the level says what to observe.
            (session.labels.option(option, of: scale), item.indicators[Int(option.value)] ?? item.descriptors?[index] ?? option.descriptor)
        }
    }
}

/// Whether a step is answered with a line (free text, a number of years, a school's name) rather than a key.
private func takesLine(_ step: TakeStep) -> Bool {
    switch step {
    case .context(let field): field.kind == .number || field.kind == .text
    case .item(let item): item.isFreeText
    }
}

/// One screen per step, one key per answer (see the command's KEYS).
private struct TakeScreen {
    let terminal: Terminal
    let session: TakeSession
    let t: (String, String) -> String
    let noun: ItemNoun
    /// Lines shown under the options until the next key.
    var status: [String] = []
    /// Digits typed so far when a step has ten choices or more.
    private var pending = ""
    /// Options ticked so far in a multiple-choice test task.
    private var ticked = Set<Int>()

    init(terminal: Terminal, session: TakeSession, t: @escaping (String, String) -> String, noun: ItemNoun) {
        self.terminal = terminal
        self.session = session
        self.t = t
        self.noun = noun
    }

    private var style: TerminalStyle { terminal.style }

    /// Records choice `number` (1-based) of the current step.
    private mutating func choose(_ number: Int) throws(CLIError) {
        switch session.step {
        case .context(let field):
            try session.record(.text(field.kind == .yesno ? (number == 1 ? "yes" : "no") : field.options[number - 1].id))
        case .item(let item):
            if let task = item.test {
                if task.choice == .multiple {
                    if ticked.contains(number - 1) { ticked.remove(number - 1) } else { ticked.insert(number - 1) }
                    status = [t("Отмечено: ", "Ticked: ") + (ticked.isEmpty ? "—" : ticked.sorted().map { String(TestTask.letters[$0]) }.joined(separator: ", "))
                              + t(" · Enter — ответить", " · Enter — answer")]
                    return
                }
                if let value = task.value(choosing: [number - 1]) { try session.record(.value(value)) }
            } else if let scale = session.q.scale(of: item) {
                try session.record(.value(scale.options[number - 1].value))
            }
        }
        ticked = []
    }

    mutating func run() throws(CLIError) -> TakeOutcome {
        var shown = -1
        while !session.isComplete {
            let step = session.step
            if shown != session.index {
                shown = session.index
                ticked = []
                if case .item(let item) = step, let task = item.test, case .value(let value) = session.answers[item.id] {
                    ticked = task.chosen(value) ?? []
                }
            }
            draw()
            if takesLine(step) {
                var initial = ""
                if case .text(let text) = session.answers[step.key] { initial = text }
                status = []
                switch terminal.readLine(initial: initial, allowBack: session.index > 0) {
                case .line(let line):
                    if case .context(let field) = step, !line.trimmingCharacters(in: .whitespaces).isEmpty {
                        switch readContext(line, field, language: session.labels.language) {
                        case .success(let stored): try session.record(.text(stored))
                        case .failure(let refusal): status = [refusal.reason]
                        }
                    } else if try !session.recordFreeText(line, required: step.required) {
                        status = [t("Этот вопрос обязателен", "This question is required")]
                    }
                case .back:
                    _ = session.back()
                case .leave:
                    return .left
                }
                continue
            }
            let count = choices(of: step, session).count
            guard count > 0 else { continue }
            let key = terminal.readKey()
            status = []
            switch key {
            case .character(let c) where c.isASCII && c.isWholeNumber:
                let typed = pending + String(c)
                pending = ""
                guard let number = Int(typed), (1...count).contains(number) else {
                    status = [t("Нет ответа с номером \(typed): нажмите 1–\(count)", "No answer numbered \(typed): press 1–\(count)")]
                    continue
                }
                if number * 10 <= count {
                    pending = typed
                    status = [t("\(typed)… — Enter, чтобы выбрать, или ещё цифра", "\(typed)… — Enter to choose, or another digit")]
                    continue
                }
                try choose(number)
            case .enter where !pending.isEmpty:
                let number = Int(pending) ?? 0
                pending = ""
                if (1...count).contains(number) { try choose(number) }
            case .enter where !ticked.isEmpty:
                if case .item(let item) = step, let task = item.test, let value = task.value(choosing: ticked) {
                    try session.record(.value(value))
                    ticked = []
                }
            case .character("b"), .character("B"), .character("и"), .left:
                pending = ""
                if !session.back() { status = [t("Это первый вопрос", "This is the first question")] }
            case .character("s"), .character("S"), .character("ы"), .right:
                pending = ""
                if session.keep() { break }
                if step.required {
                    status = [t("Этот вопрос обязателен", "This question is required")]
                } else {
                    try session.record(.skip)
                }
            case .character("?"):
                guard showHelp() else { return .left }
            case .character("q"), .character("Q"), .character("й"), .interrupt, .endOfInput:
                return .left
            case .resize, .redraw:
                break
            default:
                status = [t("Нажмите 1–\(count), чтобы ответить; ? — все клавиши", "Press 1–\(count) to answer; ? shows all keys")]
            }
        }
        return .completed
    }

    /// The keys; false when the person pressed Ctrl-C there.
    private func showHelp() -> Bool {
        let n = max(1, min(9, choices(of: session.step, session).count))
        var text = "\u{1B}[2J\u{1B}[H" + style.bold(t("Клавиши", "Keys")) + "\n\n"
        let rows: [(String, String)] = [
            ("1–\(n)", t("выбрать ответ и перейти к следующему вопросу", "answer and go to the next question")),
            ("Enter", t("в задании с несколькими ответами — ответить отмеченными", "in a task with several answers: answer with those ticked")),
            (t("← или b", "← or b"), t("назад, к предыдущему вопросу (ответ можно изменить)", "back to the previous question (its answer can be changed)")),
            (t("→ или s", "→ or s"), t("пропустить необязательный вопрос или оставить прежний ответ", "skip an optional question, or keep the earlier answer")),
            ("?", t("эта справка", "this help")),
            ("q", t("сохранить ответы и выйти; продолжить можно той же командой", "save and leave; the same command continues later")),
            ("Ctrl-C", t("то же, что q", "the same as q")),
        ]
        for (key, meaning) in rows { text += "  " + TextLayout.pad(key, to: 10) + meaning + "\n" }
        text += "\n" + t("Каждый ответ сразу записывается на диск.", "Every answer is written to the disk at once.") + "\n\n"
        text += style.dim(t("Любая клавиша — вернуться к вопросу.", "Any key returns to the question.")) + "\n"
        terminal.write(text)
        while true {
            switch terminal.readKey() {
            case .interrupt: return false
            case .resize: continue
            default: return true
            }
        }
    }

    private func draw() {
        let q = session.q, labels = session.labels, step = session.step
        let width = max(20, min(terminal.size.columns - 1, 100))
        var screen = "\u{1B}[2J\u{1B}[H"

        var head = [labels.title]
        if let respondent = session.respondent { head.append(respondent) }
        if let stage = session.stage, let found = q.stages.first(where: { $0.id == stage }) {
            head.append(labels.name(found.id, fallback: found.title))
        }
        if let id = session.sessionID { head.append(t("сеанс \(id)", "session \(id)")) }
        screen += style.dim(TextLayout.cut(head.joined(separator: " · "), to: width)) + "\n"

        let total = session.steps.count, done = session.answeredCount
        let cells = 20, filled = done * cells / max(1, total)
        let percent = Int((Double(done) * 100 / Double(max(1, total))).rounded())
        screen += style.bold(t("\(noun.word) \(session.index + 1) из \(total)", "\(noun.word) \(session.index + 1) of \(total)"))
            + "  [" + String(repeating: "█", count: filled) + String(repeating: "░", count: cells - filled) + "] \(percent) %\n\n"

        let text: String
        switch step {
        case .context(let field):
            screen += style.accent(t("О вас", "About you")) + "\n\n"
            text = field.label + (field.kind == .number ? t(" (полных лет)", " (whole years)") : "")
        case .item(let item):
            if let area = item.area.flatMap(q.area) {
                var title = labels.area(area)
                if let domain = area.domain.flatMap({ id in q.domains.first { $0.id == id } }) {
                    title += " · " + labels.name(domain.id, fallback: domain.title)
                }
                if let task = item.test {
                    title += " · " + (task.choice == .multiple ? t("тест: несколько верных ответов", "test: several right answers") : t("тест: один верный ответ", "test: one right answer"))
                }
                screen += TextLayout.wrap(title, to: width).map(style.accent).joined(separator: "\n") + "\n"
                if q.kind == .monitoring { screen += style.dim(t("критерий \(item.id)", "criterion \(item.id)")) + "\n" }
                screen += "\n"
            }
            if item.confidential {
                screen += style.accent(t("Конфиденциально: этот ответ видите только вы; вопрос можно пропустить.", "Confidential: only you see this answer; you may skip it.")) + "\n\n"
            }
            text = labels.text(item)
        }
        screen += TextLayout.wrap(text, to: width).joined(separator: "\n") + "\n"
        if !step.required { screen += style.dim(t("(необязательный)", "(optional)")) + "\n" }
        screen += "\n"

        let current = session.answers[step.key]
        var keys: [String] = []
        let options = choices(of: step, session)
        if !options.isEmpty {
            var chosen = Set<Int>()
            switch step {
            case .context(let field):
                if case .text(let stored) = current {
                    if field.kind == .yesno { chosen = stored == "yes" ? [0] : stored == "no" ? [1] : [] }
                    else if let i = field.options.firstIndex(where: { $0.id == stored }) { chosen = [i] }
                }
            case .item(let item):
                if item.test != nil { chosen = ticked }
                else if case .value(let value) = current, let scale = q.scale(of: item), let i = scale.options.firstIndex(where: { $0.value == value }) { chosen = [i] }
            }
            for (number, option) in options.enumerated() {
                let isChosen = chosen.contains(number)
                let lead = (isChosen ? "▸ " : "  ") + TextLayout.pad("\(number + 1)", to: 3)
                let lines = TextLayout.wrap(option.label, to: width - 5)
                for (i, line) in lines.enumerated() {
                    screen += (i == 0 ? lead : "     ") + (isChosen ? style.chosen(line) : line) + "\n"
                }
                if let descriptor = option.descriptor, !descriptor.isEmpty {
                    for line in TextLayout.wrap(descriptor, to: width - 5) { screen += "     " + style.dim(line) + "\n" }
                }
            }
            if case .item(let item) = step, item.test?.choice == .multiple {
                keys.append(t("1–\(min(options.count, 9)) отметить · Enter — ответить", "1–\(min(options.count, 9)) tick · Enter — answer"))
            } else {
                keys.append(t("1–\(min(options.count, 9)) ответ", "1–\(min(options.count, 9)) answer"))
            }
            if session.index > 0 { keys.append(t("← b назад", "← b back")) }
            if current != nil { keys.append(t("→ s дальше", "→ s keep")) } else if !step.required { keys.append(t("→ s пропустить", "→ s skip")) }
            keys += [t("? справка", "? help"), t("q сохранить и выйти", "q save and leave")]
        } else {
            keys.append(t("Enter — готово", "Enter — done"))
            if !step.required { keys.append(t("пустая строка — пропустить", "empty line — skip")) }
            if session.index > 0 { keys.append(t("← на пустой строке — назад", "← on an empty line — back")) }
            keys.append(t("Ctrl-C — сохранить и выйти", "Ctrl-C — save and leave"))
        }
        screen += "\n"
        for line in status { screen += style.warning(line) + "\n" }
        if !status.isEmpty { screen += "\n" }
        screen += TextLayout.wrap(keys.joined(separator: " · "), to: width).map(style.dim).joined(separator: "\n") + "\n"
        if options.isEmpty { screen += "\n> " }
        terminal.write(screen)
    }
}

// MARK: - Piped input

/// One line per step from standard input, prompts on standard output, refusals on standard error.
private struct LineTake {
    let session: TakeSession
    let console: Console
    let t: (String, String) -> String
    let noun: ItemNoun

    func run() throws(CLIError) -> TakeOutcome {
        var matchers: [String: CellMatcher] = [:]
        var prompted = -1
        while !session.isComplete {
            let step = session.step
            if prompted != session.index {
                console.out(prompt(step))
                prompted = session.index
            }
            guard let line = readLine(strippingNewline: true) else { return .left }
            let name = "\(noun.word.lowercased()) \(session.index + 1) (\(step.key))"
            var entry = line.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty && !takesLine(step) || (entry.isEmpty && step.required && { if case .context = step { return true }; return false }()) {
                if step.required {
                    console.err("error: " + Messages.answerRequired(name).text(language) + "\n")
                } else {
                    try session.record(.skip)
                }
                continue
            }
            let item: Item
            switch step {
            case .context(let field):
                if entry.isEmpty { try session.record(.skip); continue }
                switch readContext(entry, field, language: language) {
                case .success(let stored): try session.record(.text(stored))
                case .failure(let refusal): console.err("error: \(name): «\(entry)» — \(refusal.reason)\n")
                }
                continue
            case .item(let found):
                item = found
            }
            if let task = item.test {
                if let value = task.read(entry) {
                    try session.record(.value(value))
                } else {
                    console.err("error: " + Messages.notATestAnswerLetters(name, entry: entry, letters: TestTask.letters.prefix(task.options.count).map(String.init),
                                                                          multiple: task.choice == .multiple).text(language) + "\n")
                }
                continue
            }
            guard let scale = session.q.scale(of: item) else {
                if try !session.recordFreeText(line, required: item.required) {
                    console.err("error: " + Messages.freeTextRequired(name).text(language) + "\n")
                }
                continue
            }
            if entry.hasSuffix(".") || entry.hasSuffix(")"), Int(entry.dropLast()) != nil { entry.removeLast() }
            if let number = Int(entry) {
                if (1...scale.options.count).contains(number) {
                    try session.record(.value(scale.options[number - 1].value))
                } else {
                    console.err("error: " + Messages.noOptionNumbered(name, number: number, accepted: accepted(scale)).text(language) + "\n")
                }
                continue
            }
            let matcher = matchers[scale.id] ?? CellMatcher(scale: scale)
            matchers[scale.id] = matcher
            switch matcher.match(entry) {
            case .value(let value):
                try session.record(.value(value))
            case .invalid(let suggestion):
                console.err("error: " + Messages.notAnOption(name, entry: entry, suggestion: suggestion, accepted: accepted(scale)).text(language) + "\n")
            case .blank, .text:
                console.err("error: " + Messages.notRecognised(name, accepted: accepted(scale)).text(language) + "\n")
            }
        }
        return .completed
    }

    private var language: Language { session.labels.language }

    private func accepted(_ scale: ResponseScale) -> Message {
        let options = scale.options.map { session.labels.option($0, of: scale) }.joined(separator: ", ")
        return Messages.acceptedAnswers(scale.options.count, options: options)
    }

    private func prompt(_ step: TakeStep) -> String {
        let q = session.q, labels = session.labels
        var text = t("\(noun.word) \(session.index + 1) из \(session.steps.count)", "\(noun.word) \(session.index + 1) of \(session.steps.count)")
        switch step {
        case .context(let field):
            text += " · " + t("о вас", "about you") + "\n" + field.label + "\n"
        case .item(let item):
            if q.kind == .monitoring { text += " (\(item.id))" }
            if let area = item.area.flatMap(q.area) { text += " · " + labels.area(area) }
            if item.test != nil { text += " · " + t("тест", "test") }
            text += "\n" + labels.text(item) + "\n"
        }
        let options = choices(of: step, session)
        for (number, option) in options.enumerated() {
            text += "  \(number + 1) — " + option.label
            if let descriptor = option.descriptor, !descriptor.isEmpty { text += ": " + descriptor }
            text += "\n"
        }
        if case .item(let item) = step, let task = item.test {
            text += task.choice == .multiple
                ? t("  (буквы или номера верных ответов через запятую)\n", "  (letters or numbers of the right answers, separated by commas)\n")
                : t("  (буква или номер ответа)\n", "  (the letter or number of the answer)\n")
        } else if options.isEmpty {
            if case .context(let field) = step, field.kind == .number {
                text += t("  (число полных лет)\n", "  (whole years)\n")
            } else {
                text += step.required
                    ? t("  (свободный ответ одной строкой)\n", "  (a free answer on one line)\n")
                    : t("  (свободный ответ одной строкой; пустая строка — пропустить)\n", "  (a free answer on one line; an empty line skips)\n")
            }
        } else if !step.required {
            text += t("  (необязательный: пустая строка — пропустить)\n", "  (optional: an empty line skips)\n")
        }
        return text + "\n"
    }
}
