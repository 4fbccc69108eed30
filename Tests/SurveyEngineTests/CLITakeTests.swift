import Foundation
import Testing
@testable import SurveyEngine
@testable import SurveyFormats
#if canImport(Glibc)
import Glibc
#endif

/// The stored answers of a questionnaire, read back through `survey export --format json`:
/// one dictionary per response, item id → value (a number) or text.
private func storedResponses(_ id: String, data: String) throws -> [(respondent: String?, stage: String?, answers: [String: Any])] {
    let export = try survey(["export", id, "--format", "json", "--data", data])
    #expect(export.status == 0, "\(export.stderr)")
    let object = try #require(try json(export.stdout) as? [String: Any])
    let responses = try #require(object["responses"] as? [[String: Any]])
    return responses.map { response in
        let answers = (response["answers"] as? [String: [String: Any]] ?? [:]).mapValues { $0["value"] ?? $0["text"] ?? NSNull() }
        return (response["respondent"] as? String, response["stage"] as? String, answers)
    }
}

private func sessionFiles(_ data: String, _ id: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: data + "/\(id)/sessions")) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
}

private func permissions(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
}

/// `survey take` with piped standard input: one line per answer.
@Suite("CLI: take, piped")
struct CLITakePipedTests {
    /// The parent survey's ten statements answered in numbers (positions as listed: 1 = «Полностью согласен» = 4)
    /// and in labels typed as people type them, then the comment.
    let parentLines = ["1", "Согласен", "не  согласен", "4", "Полностью согласна", "2", "3", "1", "НЕ СОГЛАСЕН", "2", "Спасибо воспитателям!"]
    let parentValues: [String: Double] = ["p1": 4, "p2": 3, "p3": 2, "p4": 1, "p5": 4, "p6": 3, "p7": 2, "p8": 4, "p9": 2, "p10": 3]

    func expectParentAnswers(_ answers: [String: Any]) {
        for (item, value) in parentValues {
            #expect((answers[item] as? NSNumber)?.doubleValue == value, "\(item): \(String(describing: answers[item]))")
        }
        #expect(answers["comment"] as? String == "Спасибо воспитателям!")
        #expect(answers.count == 11)
    }

    @Test func answersMixingNumbersAndLabelsAreStored() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try survey(["take", "preschool-parent-survey", "--data", dir], stdin: parentLines.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Вопрос 1 из 11\n"))
        #expect(result.stdout.contains("  1 — Полностью согласен\n  2 — Согласен\n"))
        #expect(result.stdout.contains("Вопрос 11 из 11\n"))
        #expect(!result.stdout.contains("\u{1B}["), "no colour or screen control when piped")
        let stored = try storedResponses("preschool-parent-survey", data: dir)
        #expect(stored.count == 1)
        let response = try #require(stored.first)
        #expect(response.respondent == nil, "an anonymous survey")
        expectParentAnswers(response.answers)
        #expect(sessionFiles(dir, "preschool-parent-survey").isEmpty, "the journal is deleted once the response is stored")
    }

    @Test func anInvalidLineIsRefusedWithTheAcceptedAnswersAndAskedAgain() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = ["Соглсен", "7", ""] + parentLines
        let result = try survey(["take", "preschool-parent-survey", "--data", dir], stdin: lines.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("error: вопрос 1 (p1): «Соглсен» — не вариант ответа. Возможно, «Согласен»?"), "\(result.stderr)")
        #expect(result.stderr.contains("Ответ — номер 1–4 или вариант: Полностью согласен, Согласен, Не согласен, Полностью не согласен."))
        #expect(result.stderr.contains("error: вопрос 1 (p1): нет варианта с номером 7."))
        #expect(result.stderr.contains("error: вопрос 1 (p1) обязателен"), "an empty line does not skip a required item")
        #expect(result.stdout.components(separatedBy: "Вопрос 1 из 11").count == 2, "the prompt is not repeated, the next line is read")
        let response = try #require(try storedResponses("preschool-parent-survey", data: dir).first)
        expectParentAnswers(response.answers)
    }

    @Test func anOptionalItemMaySkipWithAnEmptyLine() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = Array(parentLines.prefix(10)) + [""]
        let result = try survey(["take", "preschool-parent-survey", "--data", dir], stdin: lines.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.stderr)")
        let response = try #require(try storedResponses("preschool-parent-survey", data: dir).first)
        #expect(response.answers.count == 10)
        #expect(response.answers["comment"] == nil)
    }

    @Test func endOfInputHalfwayKeepsAJournalThatTheNextRunCompletes() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let name = "Петрова О.И."
        let first = try survey(["take", "preschool-parent-survey", "--respondent", name, "--data", dir],
                               stdin: parentLines.prefix(5).joined(separator: "\n") + "\n")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("ответы сохранены (5 из 11)"), "\(first.stderr)")
        #expect(first.stderr.contains("Продолжить: survey take preschool-parent-survey --respondent 'Петрова О.И.' --data \(dir)"), "\(first.stderr)")
        #expect(try storedResponses("preschool-parent-survey", data: dir).isEmpty, "nothing is stored before the end")

        // The journal: private, named by a hash, never by the name.
        let files = sessionFiles(dir, "preschool-parent-survey")
        #expect(files.count == 1)
        let file = try #require(files.first)
        #expect(file.count == 64 + 6 && file.dropLast(6).allSatisfy(\.isHexDigit), "\(file)")
        let path = dir + "/preschool-parent-survey/sessions/" + file
        #expect(permissions(path) == 0o600)
        #expect(permissions(dir + "/preschool-parent-survey/sessions") == 0o700)
        let journal = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(journal.count == 6)
        #expect(journal.first?.contains("\"respondent\":\"Петрова О.И.\"") == true)
        #expect(journal.first?.contains("\"version\":\"1\"") == true)
        #expect(journal[1] == #"{"item":"p1","value":4}"#)

        let second = try survey(["take", "preschool-parent-survey", "--respondent", name, "--data", dir],
                                stdin: parentLines.dropFirst(5).joined(separator: "\n") + "\n")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.hasPrefix("Продолжаем с вопроса 6\n"), "\(second.stdout)")
        #expect(!second.stdout.contains("Вопрос 5 из 11"))
        let stored = try storedResponses("preschool-parent-survey", data: dir)
        #expect(stored.count == 1)
        #expect(stored.first?.respondent == name)
        expectParentAnswers(try #require(stored.first).answers)
        #expect(sessionFiles(dir, "preschool-parent-survey").isEmpty)
    }

    @Test func anAnonymousSessionResumesByItsIdAndATornLastLineIsIgnored() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try survey(["take", "preschool-parent-survey", "--data", dir], stdin: parentLines.prefix(3).joined(separator: "\n") + "\n")
        #expect(first.status == 0)
        let marker = try #require(first.stderr.range(of: "--session "), "\(first.stderr)")
        let session = String(first.stderr[marker.upperBound...].prefix { $0.isHexDigit })
        #expect(session.count == 12)
        #expect(first.stderr.contains("Анонимный сеанс \(session)"))
        #expect(sessionFiles(dir, "preschool-parent-survey") == ["\(session).jsonl"])
        // A crash in the middle of writing the fourth answer.
        let path = dir + "/preschool-parent-survey/sessions/\(session).jsonl"
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"item":"p4","val"#.utf8))
        try handle.close()

        let second = try survey(["take", "preschool-parent-survey", "--session", session, "--data", dir],
                                stdin: parentLines.dropFirst(3).joined(separator: "\n") + "\n")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.hasPrefix("Продолжаем с вопроса 4\n"), "\(second.stdout)")
        expectParentAnswers(try #require(try storedResponses("preschool-parent-survey", data: dir).first).answers)

        let again = try survey(["take", "preschool-parent-survey", "--session", session, "--data", dir], stdin: "")
        #expect(again.status == 1, "a finished session cannot be continued")
        #expect(again.stderr.contains("нет незаконченного сеанса '\(session)'"), "\(again.stderr)")
    }

    @Test func monitoringTakesRomanNumeralsForOneChildAtAStage() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let show = try survey(["show", "preschool-monitoring", "--format", "json"])
        let all = try #require((try json(show.stdout) as? [String: Any])?["items"] as? [[String: Any]])
        let items = all.filter { $0["scale"] is String }.compactMap { $0["id"] as? String }
        let freeText = all.count - items.count
        let spellings = ["I", "ii", "III", "ІІ", "3", "1"]  // Latin, lower case, Cyrillic І, positions
        let values: [Double] = [1, 2, 3, 2, 3, 1]
        let lines = items.indices.map { spellings[$0 % spellings.count] }
        // The criteria, then the teacher's measures (free text, last).
        let result = try survey(["take", "preschool-monitoring", "--stage", "start", "--respondent", "Петя С.", "--data", dir],
                                stdin: lines.joined(separator: "\n") + "\nИгры с мячом в паре\n" + String(repeating: "\n", count: freeText - 1))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Критерий 1 из \(all.count) (\(items[0]))"))
        // Each level is shown with the criterion's own indicator, not only the scale's generic descriptor.
        #expect(result.stdout.contains("1 — I: ходит и бегает вместе с группой по показу взрослого"), "\(result.stdout.prefix(600))")
        let response = try #require(try storedResponses("preschool-monitoring", data: dir).first)
        #expect(response.respondent == "Петя С.")
        #expect(response.stage == "start")
        for (index, item) in items.enumerated() {
            #expect((response.answers[item] as? NSNumber)?.doubleValue == values[index % values.count], "\(item)")
        }
        #expect(response.answers["measures"] as? String == "Игры с мячом в паре", "the measures are entered at take too")
    }

    @Test func wrongUsageExits64() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let noName = try survey(["take", "teacher-deficits", "--data", dir], stdin: "1\n")
        #expect(noName.status == 64)
        #expect(noName.stderr.contains("нужен --respondent ИМЯ"), "\(noName.stderr)")
        #expect(try survey(["take", "preschool-monitoring", "--respondent", "Петя", "--data", dir], stdin: "").status == 64, "no --stage")
        #expect(try survey(["take", "teacher-deficits", "--session", "0123456789ab", "--data", dir], stdin: "").status == 64)
        #expect(try survey(["take", "preschool-parent-survey", "--session", "../../etc", "--data", dir], stdin: "").status == 64)
        #expect(try survey(["take", "preschool-parent-survey", "--session", "0123456789ab", "--data", dir], stdin: "").status == 1)
        let help = try survey(["take", "--help", "--lang", "en"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: survey take ID [--respondent NAME]"))
        #expect(help.stdout.contains("← or b"))
    }
}

// MARK: - A real terminal

/// Drives `survey take` in a real terminal: a tmux server of its own (its own socket), detached windows of
/// 120×40, keys sent with `send-keys`, screens read with `capture-pane`.
private final class Tmux {
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/bin"])
            .map { $0 + "/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static var available: Bool { executable != nil }

    /// The server's socket, in the temporary folder (removed by `close()`), so no test meets another's server.
    /// (A socket's path is limited to about 100 bytes, hence /tmp when the temporary folder's is long.)
    let socket = (NSTemporaryDirectory().utf8.count < 60 ? NSTemporaryDirectory() : "/tmp/") + "survey-take-tmux-\(UUID().uuidString.prefix(8))"
    private var sessions: [String] = []

    init() throws {
        // A session that lives as long as the test keeps the server up while the others come and go.
        try start("keeper-\(UUID().uuidString.prefix(6))", "sleep 600")
    }

    /// Runs `tmux ARGUMENTS` and waits for it. Spawned by hand rather than with `Process`: the first
    /// command forks the tmux server, a daemon that keeps every descriptor it inherits. `Process` learns that
    /// a child ended when a socket it passes down is closed, so a server holding it (or another test's pipe)
    /// would hang the test. The child therefore gets only standard input, output and error, and no blocked
    /// signals (the test runner's threads block most of them, and a server that inherits that mask cannot
    /// even be killed with kill-server).
    @discardableResult
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "tmux-output-\(UUID().uuidString)"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // glibc ignores a close of a descriptor that is no longer open by then.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let fd = Int32(name), fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = [Tmux.executable ?? "tmux", "-S", socket, "-u", "-f", "/dev/null"] + arguments
        let environment = ["PATH=/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "SHELL=/bin/sh", "TERM=xterm", "HOME=" + NSTemporaryDirectory()]
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = environment.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, &cArguments, &cEnvironment)
        guard spawned == 0 else { throw TmuxError(message: "tmux cannot be started: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }

    /// A new detached session running a shell command.
    func start(_ name: String, _ command: String) throws {
        sessions.append(name)
        let result = try run(["new-session", "-d", "-s", name, "-x", "120", "-y", "40", command])
        guard result.status == 0 else { throw TmuxError(message: "tmux new-session failed (\(result.status)): \(result.output)") }
    }

    func screen(_ name: String) -> String { (try? run(["capture-pane", "-p", "-t", name]).output) ?? "" }

    func send(_ name: String, _ keys: String...) { _ = try? run(["send-keys", "-t", name] + keys) }

    func isRunning(_ name: String) -> Bool { (try? run(["has-session", "-t", name]).status) == 0 }

    /// Polls the screen until it shows `text`; the last screen seen either way.
    func waitFor(_ name: String, _ text: String, seconds: Double = 15) -> (found: Bool, screen: String) {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        repeat {
            last = screen(name)
            if last.contains(text) { return (true, last) }
            Thread.sleep(forTimeInterval: 0.03)
        } while Date() < deadline
        // Say what tmux knows, to tell a wrong screen from a server that went away.
        let sessions = (try? run(["list-sessions"])).map { "list-sessions (status \($0.status)): \($0.output)" } ?? "tmux did not run"
        return (false, last.isEmpty ? "(empty screen) " + sessions : last)
    }

    func panePID(_ name: String) -> pid_t? {
        (try? run(["list-panes", "-t", name, "-F", "#{pane_pid}"]).output).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Ends every session and the server (killed outright if it does not go).
    func close() {
        let server = (try? run(["display-message", "-p", "#{pid}"]).output).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        for name in sessions { _ = try? run(["kill-session", "-t", name]) }
        _ = try? run(["kill-server"])
        if let server {
            let deadline = Date().addingTimeInterval(2)
            while kill(server, 0) == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if kill(server, 0) == 0 { kill(server, SIGKILL) }
        }
        unlink(socket)
    }

    struct TmuxError: Error { var message: String }
}

/// A word for `sh -c`, single-quoted.
private func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

private func takeCommandLine(_ arguments: [String], colour: Bool = true) -> String {
    "env SURVEY_QUESTIONNAIRES=\(quoted(Repo.questionnaires)) TERM=xterm-256color LANG=C.UTF-8 " + (colour ? "" : "NO_COLOR=1 ")
        + ([Repo.binary, "take"] + arguments).map(quoted).joined(separator: " ")
}

@Suite("CLI: take at a terminal (tmux)", .enabled(if: Tmux.available, "tmux is not installed: the terminal tests of `survey take` are skipped (CI installs it)"))
struct CLITakeTerminalTests {
    /// A music teacher who is not a class teacher: the context first, then only the statements that concern
    /// her (the exam and class-teacher ones are never asked), tests, the optional confidential block; an answer
    /// changed after going back; killed; resumed; finished.
    @Test func aMusicTeacherIsAskedOnlyHerStatementsAndResumesAfterAKill() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tmux = try Tmux()
        defer { tmux.close() }
        let data = dir + "/data"

        let q = try QuestionnaireLibrary(folder: Repo.questionnaires).resolve("teacher-deficits")
        let music = TeacherContext(role: "teacher", subject: "music", classTeacher: false)
        let asked = q.items.filter { q.applies($0, to: music) }
        let skipped = q.items.filter { !q.applies($0, to: music) }
        #expect(skipped.count >= 5, "the exam and class-teacher statements: \(skipped.map(\.id))")
        let total = q.context.count + asked.count
        // Keys per step: context, then statements 1…4 in turn, tests «1» (single) or «1 2 Enter» (multiple), the
        // confidential block skipped with «s».
        let subjectKey = String((q.contextField("subject")?.options.firstIndex { $0.id == "music" } ?? 0) + 1)
        let contextKeys: [[String]] = [["1"], Array(subjectKey).map(String.init), ["2"],
                                       ["1", "2", "Enter"], ["4", "1", "Enter"], ["Enter"], ["1"]]
        var planned: [String: Double] = [:]
        func keys(_ item: Item) -> [String] {
            if let task = item.test { return task.choice == .single ? ["1"] : ["1", "2", "Enter"] }
            if item.confidential { return ["s"] }
            return [String(Int(planned[item.id] ?? 1))]
        }
        for (index, item) in asked.enumerated() where item.scale == "self4" { planned[item.id] = Double(index * 7 % 4 + 1) }

        let arguments = ["teacher-deficits", "--respondent", "Иванова А.А.", "--data", data]
        try tmux.start("first", "exec " + takeCommandLine(arguments))
        // Until the role is known every statement counts; the total settles once the context is answered.
        var wait = tmux.waitFor("first", "Вопрос 1 из ")
        try #require(wait.found, "the first screen:\n\(wait.screen)")
        #expect(wait.screen.contains("Должность") && wait.screen.contains("  1  Учитель"), "\(wait.screen)")
        for (index, step) in contextKeys.enumerated() {
            for key in step { tmux.send("first", key) }
            wait = tmux.waitFor("first", "Вопрос \(index + 2) из ")
            try #require(wait.found, "after context question \(index + 1):\n\(wait.screen)")
        }
        #expect(wait.screen.contains("Вопрос \(q.context.count + 1) из \(total)"), "\(wait.screen)")
        // The statements: the first five, then back to the fifth and change it.
        for index in 0..<5 {
            for key in keys(asked[index]) { tmux.send("first", key) }
            wait = tmux.waitFor("first", "Вопрос \(q.context.count + index + 2) из \(total)")
            try #require(wait.found, "after statement \(index + 1):\n\(wait.screen)")
        }
        tmux.send("first", "b")
        wait = tmux.waitFor("first", "Вопрос \(q.context.count + 5) из \(total)")
        try #require(wait.found, "b goes back:\n\(wait.screen)")
        #expect(wait.screen.contains("▸ \(Int(planned[asked[4].id] ?? 0))"), "the earlier answer is marked:\n\(wait.screen)")
        planned[asked[4].id] = planned[asked[4].id] == 4 ? 1 : (planned[asked[4].id] ?? 1) + 1
        for key in keys(asked[4]) { tmux.send("first", key) }
        wait = tmux.waitFor("first", "Вопрос \(q.context.count + 6) из \(total)")
        try #require(wait.found, "\(wait.screen)")
        #expect(wait.screen.contains("Иванова А.А."))

        // Killed without a chance to clean up: the journal has every answer, the context included.
        let pid = try #require(tmux.panePID("first"))
        #expect(kill(pid, SIGKILL) == 0)
        let gone = Date().addingTimeInterval(10)
        while tmux.isRunning("first") && Date() < gone { Thread.sleep(forTimeInterval: 0.05) }
        let files = sessionFiles(data, "teacher-deficits")
        #expect(files.count == 1 && !(files.first ?? "").contains("Иванова"))
        let journal = try String(contentsOfFile: data + "/teacher-deficits/sessions/" + (files.first ?? ""), encoding: .utf8)
        #expect(journal.components(separatedBy: "\"item\":\"\(asked[4].id)\"").count == 3, "the fifth answered twice:\n\(journal)")
        #expect(journal.contains("\"@subject\""))
        #expect(try storedResponses("teacher-deficits", data: data).isEmpty)

        // The same command again resumes after the fifth statement and never shows a skipped one.
        try tmux.start("second", takeCommandLine(arguments) + "; echo EXIT=$?; sleep 600")
        wait = tmux.waitFor("second", "Вопрос \(q.context.count + 6) из \(total)")
        try #require(wait.found, "resumed:\n\(wait.screen)")
        #expect(wait.screen.contains("Продолжаем с вопроса \(q.context.count + 6)"), "\(wait.screen)")
        for index in 5..<asked.count {
            for key in keys(asked[index]) { tmux.send("second", key) }
            let next = index + 1 < asked.count ? "Вопрос \(q.context.count + index + 2) из \(total)" : "EXIT="
            wait = tmux.waitFor("second", next)
            try #require(wait.found, "after item \(asked[index].id):\n\(wait.screen)")
            for item in skipped { #expect(!wait.screen.contains(item.text.prefix(40)), "\(item.id) is not hers:\n\(wait.screen)") }
        }
        wait = tmux.waitFor("second", "EXIT=0")
        #expect(wait.found, "\(wait.screen)")

        let stored = try storedResponses("teacher-deficits", data: data)
        #expect(stored.count == 1)
        let response = try #require(stored.first)
        #expect(response.respondent == "Иванова А.А.")
        for item in skipped { #expect(response.answers[item.id] == nil, "\(item.id)") }
        for item in asked where item.scale == "self4" {
            #expect((response.answers[item.id] as? NSNumber)?.doubleValue == planned[item.id], "\(item.id)")
        }
        #expect(asked.filter(\.confidential).allSatisfy { response.answers[$0.id] == nil }, "skipped, and never exported")
        let export = try #require(try json(try survey(["export", "teacher-deficits", "--format", "json", "--data", data]).stdout) as? [String: Any])
        let attributes = ((export["responses"] as? [[String: Any]])?.first?["attributes"] as? [String: String]) ?? [:]
        #expect(attributes["role"] == "teacher" && attributes["subject"] == "music" && attributes["classTeacher"] == "no"
                && attributes["experience"] == "12" && attributes["age"] == "41" && attributes["consent"] == "yes", "\(attributes)")
        #expect(sessionFiles(data, "teacher-deficits").isEmpty)
    }

    /// `q`, Ctrl-C (a key in raw mode) and SIGTERM all save, restore the terminal and say how to continue;
    /// the anonymous session then finishes from piped input.
    @Test(arguments: ["q", "C-c", "SIGTERM"])
    func leavingRestoresTheTerminal(_ how: String) throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tmux = try Tmux()
        defer { tmux.close() }
        let data = dir + "/data", pidFile = dir + "/pid"
        // The inner shell notes its pid and becomes `survey`; the outer one reports and runs stty afterwards.
        let command = "sh -c \(quoted("echo $$ > \(quoted(pidFile)); exec " + takeCommandLine(["preschool-parent-survey", "--data", data], colour: false)))"
            + "; echo EXIT=$?; stty -a; echo STTY-DONE; sleep 600"
        try tmux.start("take", command)
        var wait = tmux.waitFor("take", "Вопрос 1 из 11")
        try #require(wait.found, "\(wait.screen)")
        #expect(wait.screen.contains("сеанс "), "the anonymous session's id is on the screen")
        tmux.send("take", "2")
        wait = tmux.waitFor("take", "Вопрос 2 из 11")
        try #require(wait.found, "\(wait.screen)")
        tmux.send("take", "1")
        wait = tmux.waitFor("take", "Вопрос 3 из 11")
        try #require(wait.found, "\(wait.screen)")

        switch how {
        case "SIGTERM":
            let pid = try #require(pid_t(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(kill(pid, SIGTERM) == 0)
        default:
            tmux.send("take", how)
        }
        wait = tmux.waitFor("take", "STTY-DONE")
        try #require(wait.found, "\(wait.screen)")
        #expect(wait.screen.contains(how == "SIGTERM" ? "EXIT=143" : "EXIT=0"), "\(wait.screen)")
        #expect(wait.screen.contains("Ответы сохранены"), "\(wait.screen)")
        let words = Set(wait.screen.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        for mode in ["icanon", "echo", "isig"] {
            #expect(words.contains(mode) && !words.contains("-" + mode), "\(mode) is on again after \(how):\n\(wait.screen)")
        }
        let marker = try #require(wait.screen.range(of: "--session "), "\(wait.screen)")
        let session = String(wait.screen[marker.upperBound...].prefix { $0.isHexDigit })

        let rest = ["3", "4", "1", "2", "3", "4", "1", "2", ""]
        let finish = try survey(["take", "preschool-parent-survey", "--session", session, "--data", data], stdin: rest.joined(separator: "\n") + "\n")
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(finish.stdout.hasPrefix("Продолжаем с вопроса 3"))
        let response = try #require(try storedResponses("preschool-parent-survey", data: data).first)
        #expect((response.answers["p1"] as? NSNumber)?.doubleValue == 3)
        #expect((response.answers["p2"] as? NSNumber)?.doubleValue == 4)
        #expect(response.answers.count == 10)
    }
}
