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
    session id at the start, and --session ID continues it. Names never become file names: a session journal
    is named by a hash, and kept private (0600) in the store's folder of the questionnaire.
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

/// A take in progress: the current item and the answers so far. Every answer goes to the journal (on the
/// disk) before it counts, and before the caller shows the next item.
///
/// Invariant: every item before `index` has an answer or a skip, so reaching the end means complete.
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
        index = q.items.firstIndex { answers[$0.id] == nil } ?? q.items.count
    }

    var item: Item { q.items[index] }
    var isComplete: Bool { index >= q.items.count }
    var answeredCount: Int { q.items.reduce(0) { $0 + (answers[$1.id] == nil ? 0 : 1) } }

    /// Journals the answer to the current item, then moves to the next.
    /// A free-text answer: saved when given, a skip when the item is optional; false when a required item
    /// was left empty (the caller says so in its own way).
    func recordFreeText(_ line: String, for item: Item) throws(CLIError) -> Bool {
        let text = cleanFreeText(line)
        if !text.isEmpty { try record(.text(text)) } else if !item.required { try record(.skip) } else { return false }
        return true
    }

    func record(_ answer: SessionJournal.Answer) throws(CLIError) {
        let id = item.id
        do throws(StoreError) { try journal.record(item: id, answer) } catch {
            throw .failed("\(error)", hint: "the answers given before this one are kept; run the same command again to continue")
        }
        answers[id] = answer
        index += 1
    }

    /// Back one item; false on the first.
    func back() -> Bool {
        guard index > 0 else { return false }
        index -= 1
        return true
    }

    /// On to the next item keeping the answer already given; false when there is none to keep.
    func keep() -> Bool {
        guard answers[item.id] != nil else { return false }
        index += 1
        return true
    }

    var response: Response {
        var response = Response(respondent: respondent, stage: stage)
        for item in q.items {
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

private func runTake(_ invocation: Invocation) throws(CLIError) -> Int32 {
    let q = try invocation.questionnaire(invocation.positionals[0])
    let stage = try stageArgument(invocation, q)
    let language = invocation.language
    let t = language.t
    let labels = Labels(q, language)
    let console = invocation.console
    guard !q.items.isEmpty else { throw .failed("'\(q.id)' has no items to answer") }

    var respondent = invocation.value("--respondent").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    if respondent == "" { throw .usage("--respondent needs a name") }
    let givenSession = invocation.value("--session")
    if let givenSession {
        guard q.kind == .likert else {
            throw .usage("--session is for anonymous surveys; '\(q.id)' continues by --respondent NAME\(stage.map { " --stage \($0)" } ?? "")")
        }
        guard respondent == nil else { throw .usage("--session and --respondent do not go together: a named session is found by its name") }
        guard SessionJournal.isValidKey(givenSession) else {
            throw .usage("'\(givenSession)' is not a session id", hint: "a session id is the hex digits printed when the session started")
        }
    }

    let interactive = Console.isTerminal(0) && Console.isTerminal(1)
    let needsName = q.kind != .likert
    if needsName && respondent == nil && !interactive {
        throw .usage("'\(q.id)' needs --respondent NAME (\(q.kind == .monitoring ? "the child" : "who answers")) when answers come from piped input",
                     hint: "survey take \(invocation.positionals[0]) --respondent \"Иванова А.А.\"\(stage.map { " --stage \($0)" } ?? "")")
    }

    var terminal: Terminal?
    if interactive {
        guard let opened = Terminal(environment: invocation.environment) else { throw .failed("the terminal cannot be switched to raw mode") }
        terminal = opened
    }
    defer { terminal?.restore() }

    if needsName && respondent == nil, let terminal {
        terminal.setLeaveMessage(t("Ничего не сохранено.\n", "Nothing saved.\n"))
        guard let name = askName(terminal, q: q, labels: labels, stage: stage, t: t) else {
            terminal.clear()
            terminal.restore()
            console.out(t("Ничего не сохранено.\n", "Nothing saved.\n"))
            return 0
        }
        respondent = name
    }

    // The journal: keyed by a hash of the name (and stage), or by a random id for an anonymous survey.
    let sessionID = respondent == nil ? (givenSession ?? SessionJournal.newSessionID()) : nil
    let key = respondent.map { SessionJournal.key(respondent: $0, stage: stage) } ?? sessionID ?? SessionJournal.newSessionID()
    let store = invocation.store
    let header = SessionJournal.Header(questionnaireID: q.id, version: q.version, respondent: respondent, stage: stage, session: sessionID)
    let journal: SessionJournal
    let contents: SessionJournal.Contents
    do throws(StoreError) {
        (journal, contents) = try SessionJournal.open(store: store, header: header, key: key, create: givenSession == nil)
    } catch {
        if let givenSession, case .file(let problem) = error, problem.reason == "no such session" {
            throw .failed("no unfinished session '\(givenSession)' of '\(q.id)' in \(store.root)",
                          hint: "it may be finished and stored already; without --session a new session starts")
        }
        throw .failed("\(error)")
    }

    // What the journal holds, checked against the definition as it is now.
    var answers: [String: SessionJournal.Answer] = [:]
    var dropped = 0
    for (id, answer) in contents.answers {
        guard let item = q.item(id) else { dropped += 1; continue }
        let fits: Bool
        switch answer {
        case .value(let value): fits = q.scale(of: item)?.option(value: value) != nil
        case .text: fits = item.isFreeText
        case .skip: fits = !item.required
        }
        if fits { answers[id] = answer } else { dropped += 1 }
    }
    var notes: [String] = []
    if let version = contents.header?.version, version != q.version {
        notes.append(t("определение изменилось с начала сеанса (версия \(version) → \(q.version))",
                       "the definition changed since the session started (version \(version) → \(q.version))"))
    }
    if dropped > 0 {
        notes.append(t("\(dropped) прежн. ответ(ов) не подходят к определению и будут спрошены снова",
                       "\(dropped) earlier answer(s) no longer fit the definition and will be asked again"))
    }
    if contents.unreadableLines > 0 {
        notes.append(t("в журнале сеанса пропущено нечитаемых строк: \(contents.unreadableLines)",
                       "\(contents.unreadableLines) unreadable line(s) in the session journal were left out"))
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
        terminal.setLeaveMessage(t("Ответы сохранены. Продолжить: \(resume)\n", "Answers saved. To continue: \(resume)\n"))
        var screen = TakeScreen(terminal: terminal, session: session, t: t, noun: noun)
        screen.status = (opening.map { [$0] } ?? []) + notes
        outcome = try screen.run()
    } else {
        for note in notes { console.err("warning: \(note)\n") }
        if sessionID != nil && givenSession == nil {
            console.err(t("Анонимный сеанс \(sessionID ?? ""). Продолжить позже: \(resume)\n",
                          "Anonymous session \(sessionID ?? ""). To continue later: \(resume)\n"))
        }
        if let opening { console.out(opening + "\n\n") }
        outcome = try LineTake(session: session, console: console, t: t, noun: noun).run()
    }

    switch outcome {
    case .left:
        session.close()
        let progress = "\(session.answeredCount) из \(q.items.count)"
        if let terminal {
            terminal.clear()
            terminal.restore()
            console.out(t("Ответы сохранены (\(progress)). Продолжить: \(resume)\n",
                          "Answers saved (\(session.answeredCount) of \(q.items.count)). To continue: \(resume)\n"))
        } else {
            console.err(t("Ввод закончился до конца анкеты: ответы сохранены (\(progress)). Продолжить: \(resume)\n",
                          "The input ended before the last question: answers saved (\(session.answeredCount) of \(q.items.count)). To continue: \(resume)\n"))
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
                ? t("Прежние данные этого этапа заменены новыми.\n", "This stage's earlier data is replaced by the new answers.\n")
                : t("Прежние ответы заменены новыми (прежние сохранены в истории).\n", "The earlier answers are replaced (and kept as history).\n"))
        }
    } catch {
        session.close()
        throw .failed("\(error)", hint: "the answers are kept in the session journal; run the same command again to store them: \(resume)")
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

/// One screen per item, one key per answer (see the command's KEYS).
private struct TakeScreen {
    let terminal: Terminal
    let session: TakeSession
    let t: (String, String) -> String
    let noun: ItemNoun
    /// Lines shown under the options until the next key.
    var status: [String] = []
    /// Digits typed so far when a scale has ten options or more.
    private var pending = ""

    init(terminal: Terminal, session: TakeSession, t: @escaping (String, String) -> String, noun: ItemNoun) {
        self.terminal = terminal
        self.session = session
        self.t = t
        self.noun = noun
    }

    private var style: TerminalStyle { terminal.style }

    mutating func run() throws(CLIError) -> TakeOutcome {
        while !session.isComplete {
            let item = session.item
            draw()
            if item.isFreeText {
                var initial = ""
                if case .text(let text) = session.answers[item.id] { initial = text }
                status = []
                switch terminal.readLine(initial: initial, allowBack: session.index > 0) {
                case .line(let line):
                    if try !session.recordFreeText(line, for: item) {
                        status = [t("Этот вопрос обязателен", "This question is required")]
                    }
                case .back:
                    _ = session.back()
                case .leave:
                    return .left
                }
                continue
            }
            guard let scale = session.q.scale(of: item) else { continue }
            let key = terminal.readKey()
            status = []
            switch key {
            case .character(let c) where c.isASCII && c.isWholeNumber:
                let typed = pending + String(c)
                pending = ""
                guard let number = Int(typed), (1...scale.options.count).contains(number) else {
                    status = [t("Нет ответа с номером \(typed): нажмите 1–\(scale.options.count)", "No answer numbered \(typed): press 1–\(scale.options.count)")]
                    continue
                }
                if number * 10 <= scale.options.count {
                    pending = typed
                    status = [t("\(typed)… — Enter, чтобы выбрать, или ещё цифра", "\(typed)… — Enter to choose, or another digit")]
                    continue
                }
                try session.record(.value(scale.options[number - 1].value))
            case .enter where !pending.isEmpty:
                let number = Int(pending) ?? 0
                pending = ""
                if (1...scale.options.count).contains(number) { try session.record(.value(scale.options[number - 1].value)) }
            case .character("b"), .character("B"), .character("и"), .left:
                pending = ""
                if !session.back() { status = [t("Это первый вопрос", "This is the first question")] }
            case .character("s"), .character("S"), .character("ы"), .right:
                pending = ""
                if session.keep() { break }
                if item.required {
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
                status = [t("Нажмите 1–\(scale.options.count), чтобы ответить; ? — все клавиши", "Press 1–\(scale.options.count) to answer; ? shows all keys")]
            }
        }
        return .completed
    }

    /// The keys; false when the person pressed Ctrl-C there.
    private func showHelp() -> Bool {
        let n = session.item.isFreeText ? 9 : (session.q.scale(of: session.item)?.options.count ?? 9)
        var text = "\u{1B}[2J\u{1B}[H" + style.bold(t("Клавиши", "Keys")) + "\n\n"
        let rows: [(String, String)] = [
            ("1–\(min(n, 9))", t("выбрать ответ и перейти к следующему вопросу", "answer and go to the next question")),
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
        let q = session.q, labels = session.labels, item = session.item
        let width = max(20, min(terminal.size.columns - 1, 100))
        var screen = "\u{1B}[2J\u{1B}[H"

        var head = [labels.title]
        if let respondent = session.respondent { head.append(respondent) }
        if let stage = session.stage, let found = q.stages.first(where: { $0.id == stage }) {
            head.append(labels.name(found.id, fallback: found.title))
        }
        if let id = session.sessionID { head.append(t("сеанс \(id)", "session \(id)")) }
        screen += style.dim(TextLayout.cut(head.joined(separator: " · "), to: width)) + "\n"

        let total = q.items.count, done = session.answeredCount
        let cells = 20, filled = done * cells / total
        let percent = Int((Double(done) * 100 / Double(total)).rounded())
        screen += style.bold(t("\(noun.word) \(session.index + 1) из \(total)", "\(noun.word) \(session.index + 1) of \(total)"))
            + "  [" + String(repeating: "█", count: filled) + String(repeating: "░", count: cells - filled) + "] \(percent) %\n\n"

        if let area = item.area.flatMap(q.area) {
            var title = labels.area(area)
            if let domain = area.domain.flatMap({ id in q.domains.first { $0.id == id } }) {
                title += " · " + labels.name(domain.id, fallback: domain.title)
            }
            screen += TextLayout.wrap(title, to: width).map(style.accent).joined(separator: "\n") + "\n"
            if q.kind == .monitoring { screen += style.dim(t("критерий \(item.id)", "criterion \(item.id)")) + "\n" }
            screen += "\n"
        }
        screen += TextLayout.wrap(labels.text(item), to: width).joined(separator: "\n") + "\n"
        if !item.required { screen += style.dim(t("(необязательный)", "(optional)")) + "\n" }
        screen += "\n"

        let current = session.answers[item.id]
        var keys: [String] = []
        if let scale = q.scale(of: item) {
            for (number, option) in scale.options.enumerated() {
                let isChosen = current == .value(option.value)
                let lead = (isChosen ? "▸ " : "  ") + TextLayout.pad("\(number + 1)", to: 3)
                let lines = TextLayout.wrap(labels.option(option, of: scale), to: width - 5)
                for (i, line) in lines.enumerated() {
                    screen += (i == 0 ? lead : "     ") + (isChosen ? style.chosen(line) : line) + "\n"
                }
                if let descriptor = option.descriptor, !descriptor.isEmpty {
                    for line in TextLayout.wrap(descriptor, to: width - 5) { screen += "     " + style.dim(line) + "\n" }
                }
            }
            keys.append(t("1–\(min(scale.options.count, 9)) ответ", "1–\(min(scale.options.count, 9)) answer"))
            if session.index > 0 { keys.append(t("← b назад", "← b back")) }
            if current != nil { keys.append(t("→ s дальше", "→ s keep")) } else if !item.required { keys.append(t("→ s пропустить", "→ s skip")) }
            keys += [t("? справка", "? help"), t("q сохранить и выйти", "q save and leave")]
        } else {
            keys.append(t("Enter — готово", "Enter — done"))
            if !item.required { keys.append(t("пустая строка — пропустить", "empty line — skip")) }
            if session.index > 0 { keys.append(t("← на пустой строке — назад", "← on an empty line — back")) }
            keys.append(t("Ctrl-C — сохранить и выйти", "Ctrl-C — save and leave"))
        }
        screen += "\n"
        for line in status { screen += style.warning(line) + "\n" }
        if !status.isEmpty { screen += "\n" }
        screen += TextLayout.wrap(keys.joined(separator: " · "), to: width).map(style.dim).joined(separator: "\n") + "\n"
        if q.scale(of: item) == nil { screen += "\n> " }
        terminal.write(screen)
    }
}

// MARK: - Piped input

/// One line per item from standard input, prompts on standard output, refusals on standard error.
private struct LineTake {
    let session: TakeSession
    let console: Console
    let t: (String, String) -> String
    let noun: ItemNoun

    func run() throws(CLIError) -> TakeOutcome {
        var matchers: [String: CellMatcher] = [:]
        var prompted = -1
        while !session.isComplete {
            let item = session.item
            if prompted != session.index {
                console.out(prompt(item))
                prompted = session.index
            }
            guard let line = readLine(strippingNewline: true) else { return .left }
            let name = "\(noun.word.lowercased()) \(session.index + 1) (\(item.id))"
            guard let scale = session.q.scale(of: item) else {
                if try !session.recordFreeText(line, for: item) {
                    console.err(t("error: \(name): ответ обязателен — напишите его строкой\n", "error: \(name) is required: type the answer on one line\n"))
                }
                continue
            }
            var entry = line.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty {
                if item.required {
                    console.err(t("error: \(name) обязателен: пустой ответ не принимается. \(accepted(scale))\n",
                                  "error: \(name) is required: an empty answer is not accepted. \(accepted(scale))\n"))
                } else {
                    try session.record(.skip)
                }
                continue
            }
            if entry.hasSuffix(".") || entry.hasSuffix(")"), Int(entry.dropLast()) != nil { entry.removeLast() }
            if let number = Int(entry) {
                if (1...scale.options.count).contains(number) {
                    try session.record(.value(scale.options[number - 1].value))
                } else {
                    console.err(t("error: \(name): нет варианта с номером \(number). \(accepted(scale))\n",
                                  "error: \(name): there is no option numbered \(number). \(accepted(scale))\n"))
                }
                continue
            }
            let matcher = matchers[scale.id] ?? CellMatcher(scale: scale)
            matchers[scale.id] = matcher
            switch matcher.match(entry) {
            case .value(let value):
                try session.record(.value(value))
            case .invalid(let suggestion):
                let guess = suggestion.map { t(" Возможно, «\($0)»?", " Did you mean «\($0)»?") } ?? ""
                console.err(t("error: \(name): «\(entry)» — не вариант ответа.\(guess) \(accepted(scale))\n",
                              "error: \(name): «\(entry)» is not an answer.\(guess) \(accepted(scale))\n"))
            case .blank, .text:
                console.err(t("error: \(name): ответ не распознан. \(accepted(scale))\n", "error: \(name): not an answer. \(accepted(scale))\n"))
            }
        }
        return .completed
    }

    private func accepted(_ scale: ResponseScale) -> String {
        let options = scale.options.map { session.labels.option($0, of: scale) }.joined(separator: ", ")
        return t("Ответ — номер 1–\(scale.options.count) или вариант: \(options).", "Answer with a number 1–\(scale.options.count) or an option: \(options).")
    }

    private func prompt(_ item: Item) -> String {
        let q = session.q, labels = session.labels
        var text = t("\(noun.word) \(session.index + 1) из \(q.items.count)", "\(noun.word) \(session.index + 1) of \(q.items.count)")
        if q.kind == .monitoring { text += " (\(item.id))" }
        if let area = item.area.flatMap(q.area) { text += " · " + labels.area(area) }
        text += "\n" + labels.text(item) + "\n"
        if let scale = q.scale(of: item) {
            for (number, option) in scale.options.enumerated() {
                text += "  \(number + 1) — " + labels.option(option, of: scale)
                if let descriptor = option.descriptor, !descriptor.isEmpty { text += ": " + descriptor }
                text += "\n"
            }
            if !item.required { text += t("  (необязательный: пустая строка — пропустить)\n", "  (optional: an empty line skips)\n") }
        } else {
            text += item.required
                ? t("  (свободный ответ одной строкой)\n", "  (a free answer on one line)\n")
                : t("  (свободный ответ одной строкой; пустая строка — пропустить)\n", "  (a free answer on one line; an empty line skips)\n")
        }
        return text + "\n"
    }
}
