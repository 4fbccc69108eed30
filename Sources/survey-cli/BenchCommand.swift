import Foundation
import SurveyEngine
import SurveyFormats
#if canImport(Glibc)
import Glibc
#endif

/// `survey bench`: times what users do on deterministic sample files of several sizes and shapes, each run a
/// separate process, and prints rows/s, MB/s and peak resident memory.
let benchCommand = Command(
    name: "bench", summary: "Benchmark tabulate, import and the store on generated files of several sizes (use a release build).",
    usage: "[--sizes 10000,100000,1000000] [--runs N] [--dir DIR] [--questionnaire ID] [--skip-import]",
    discussion: """
    Files are made once with 'survey sample ID --count N --seed 7' in --dir (default /tmp/survey-bench) and
    reused, in three shapes: «plain» (only the statements, as 'sample' writes them), «id» (a respondent column
    first, as administrators' files have «№», «ФИО» or «Анкета») and «id+group» (a respondent and a school
    column). Measured: tabulate --from-csv on each shape (the last with --by); import of the id+group file
    (with --keep); tabulate from the store it made (and with --by); 10 rows imported into that store and into
    an empty one. Each measurement runs the survey binary as a child process; the time is wall-clock, the
    memory the child's peak resident set as it reports it on exit (VmHWM, the figure /usr/bin/time -v
    reports). Best and median of --runs runs are printed. Build with 'swift build -c release' first: debug builds are slower.
    """,
    options: [.value("--sizes", "LIST", "Comma-separated row counts (default 10000,100000,1000000)."),
              .value("--runs", "N", "Runs per measurement (default 3)."),
              .value("--dir", "DIR", "Where the generated files are kept (default /tmp/survey-bench)."),
              .value("--questionnaire", "ID", "The survey to generate (default preschool-staff-survey)."),
              .flag("--skip-import", "Time only tabulate --from-csv."),
              .flag("--group", "Time group instead: scoring and mentor pairing in process, then 'survey group' end to end on a store of 1,000, 10,000 and 20,000 teachers, with peak memory.")],
    examples: ["swift build -c release && .build/release/survey bench", ".build/release/survey bench --sizes 100000 --runs 5"]
) { invocation throws(CLIError) in
    if invocation.has("--group") { return try benchGroup(invocation) }
    let sizes = try (invocation.value("--sizes") ?? "10000,100000,1000000").split(separator: ",").map { text throws(CLIError) -> Int in
        guard let n = Int(text), n > 0 else { throw .usage(Messages.benchSizes(String(text), teachers: false).text(invocation.language)) }
        return n
    }
    let runs = try invocation.integer("--runs", default: 3, range: 1...100) ?? 3
    let dir = invocation.value("--dir") ?? "/tmp/survey-bench"
    let id = invocation.value("--questionnaire") ?? "preschool-staff-survey"
    _ = try invocation.questionnaire(id)
    let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var common = ["--questionnaires", invocation.library.folder]
    if let lang = invocation.value("--lang") { common += ["--lang", lang] }
    let console = invocation.console
    console.out("survey bench: \(id), \(runs) run(s) each, binary \(me)\n")
    console.out("cores: \(ProcessInfo.processInfo.activeProcessorCount)\n\n")
    let group = "Школа"
    /// Makes (once) the file of one shape and size.
    func file(_ shape: String, _ size: Int) throws(CLIError) -> (path: String, mb: Double) {
        let path = "\(dir)/\(id)-\(shape)-\(size).csv"
        if !FileIO.exists(path) {
            console.err(Messages.benchGenerating(path).text(invocation.language) + "\n")
            let extra: [String] = shape == "plain" ? [] : shape == "id" ? ["--with-id"] : ["--with-id", "--with-group", group]
            let made = ChildRun.run(me, ["sample", id, "--count", String(size), "--seed", "7", "--out", path] + extra + common)
            guard made.status == 0 else { throw .message(Messages.benchCannotGenerate(path)) }
        }
        var info = stat()
        return (path, stat(path, &info) == 0 ? Double(info.st_size) / 1_000_000 : 0)  // stat follows a symlinked file
    }
    /// Runs one command `runs` times; `before` runs ahead of each (untimed), e.g. to empty a store.
    func measure(_ arguments: [String], before: () -> Void = {}) throws(CLIError) -> [ChildRun] {
        var done: [ChildRun] = []
        for _ in 0..<runs {
            before()
            let run = ChildRun.run(me, arguments + common)
            guard run.status == 0 else { throw .message(Messages.benchRunFailed("survey " + arguments.joined(separator: " "))) }
            done.append(run)
        }
        return done
    }
    var table: [[String]] = []
    for size in sizes {
        let plain = try file("plain", size), named = try file("id", size), grouped = try file("id+group", size)
        let tabulate = ["tabulate", id, "--format", "json", "--out", "/dev/null"]
        table.append(row("tabulate --from-csv", "plain", size, plain.mb, try measure(tabulate + ["--from-csv", plain.path])))
        table.append(row("tabulate --from-csv", "id", size, named.mb, try measure(tabulate + ["--from-csv", named.path])))
        table.append(row("tabulate --from-csv --by", "id+group", size, grouped.mb, try measure(tabulate + ["--from-csv", grouped.path, "--by", group])))
        guard !invocation.has("--skip-import") else { continue }
        let store = "\(dir)/store-\(getpid())-\(size)"
        let empty = "\(dir)/store-\(getpid())-empty"
        defer {
            try? FileManager.default.removeItem(atPath: store)
            try? FileManager.default.removeItem(atPath: empty)
        }
        table.append(row("import --keep", "id+group", size, grouped.mb,
                         try measure(["import", id, grouped.path, "--keep", group, "--data", store], before: { try? FileManager.default.removeItem(atPath: store) })))
        table.append(row("tabulate (store)", "id+group", size, grouped.mb, try measure(tabulate + ["--data", store])))
        table.append(row("tabulate --by (store)", "id+group", size, grouped.mb, try measure(tabulate + ["--data", store, "--by", group])))
        table.append(row("export (store)", "id+group", size, grouped.mb, try measure(["export", id, "--data", store, "--out", "/dev/null"])))
        table.append(row("export --format json (store)", "id+group", size, grouped.mb, try measure(["export", id, "--format", "json", "--data", store, "--out", "/dev/null"])))
        // 10 new respondents (numbers past the file's), into the store of `size` and into an empty one.
        let small = "\(dir)/\(id)-small-\(size).csv"
        var text = ""
        // The first lines only (the file may be large): 64 KB hold the header and ten rows.
        let head = (FileHandle(forReadingAtPath: grouped.path).flatMap { try? $0.read(upToCount: 1 << 16) }).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let lines = head.split(separator: "\r\n", maxSplits: 11)
        if lines.count >= 11 {
            text = String(lines[0]) + "\r\n"
            for (k, line) in lines.dropFirst().prefix(10).enumerated() {
                text += "n\(size + k + 1)" + line.drop(while: { $0 != ";" }) + "\r\n"
            }
        }
        guard FileManager.default.createFile(atPath: small, contents: Data(text.utf8)) else { throw .message(Messages.benchCannotWrite(small)) }
        // Each run imports the same 10 rows again; a copy renamed per run keeps the checksum from refusing it.
        var copy = 0
        func fresh() -> String {
            copy += 1
            let path = "\(dir)/small-\(getpid())-\(copy).csv"
            let bytes: [UInt8] = Array(text.utf8) + [UInt8](repeating: 0x0A, count: copy)
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            return path
        }
        var intoLarge: [ChildRun] = [], intoEmpty: [ChildRun] = []
        for _ in 0..<runs {
            let a = fresh(), b = fresh()
            intoLarge += try measure1(me, ["import", id, a, "--keep", group, "--data", store] + common)
            try? FileManager.default.removeItem(atPath: empty)
            intoEmpty += try measure1(me, ["import", id, b, "--keep", group, "--data", empty] + common)
            unlink(a)
            unlink(b)
        }
        table.append(row("import 10 rows into the store of \(size)", "id+group", 10, 0, intoLarge))
        table.append(row("import 10 rows into an empty store", "id+group", 10, 0, intoEmpty))
    }
    console.out(TextLayout.table(["command", "file shape", "rows", "MB", "best s", "median s", "rows/s", "MB/s", "peak RSS MB"], table, alignRight: Set(2...8)))
    return 0
}

/// One run of a command that must succeed.
func measure1(_ me: String, _ arguments: [String]) throws(CLIError) -> [ChildRun] {
    let run = ChildRun.run(me, arguments)
    guard run.status == 0 else { throw .message(Messages.benchRunFailed("survey " + arguments.joined(separator: " "))) }
    return [run]
}

func row(_ name: String, _ shape: String, _ rows: Int, _ mb: Double, _ runs: [ChildRun]) -> [String] {
    let times = runs.map(\.seconds).sorted()
    let best = times[0], median = times[times.count / 2]
    let peak = runs.map(\.maxRSSKilobytes).max() ?? 0
    return [name, shape, String(rows), String(format: "%.1f", mb), String(format: "%.3f", best), String(format: "%.3f", median),
            String(format: "%.0f", Double(rows) / best), String(format: "%.0f", mb / best), String(format: "%.1f", Double(peak) / 1024)]
}

/// One child process: its exit status, wall time and peak resident memory.
struct ChildRun {
    var status: Int32
    var seconds: Double
    var maxRSSKilobytes: Int

    /// Where a `survey` child writes its own peak memory as it exits. The kernel's figure for a child
    /// (`ru_maxrss` from wait4) is no smaller than the parent's memory when it was spawned — posix_spawn
    /// shares the parent's address space until exec, and exec keeps that high-water mark — so a bench that
    /// holds 400 MB of generated teachers would report 400 MB for every child. The child's own VmHWM is not.
    static let peakFileVariable = "SURVEY_BENCH_PEAK_FILE"

    /// Writes this process's peak resident memory (VmHWM, in kB) to `path`.
    static func writePeak(to path: String) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return }
        try? String(line.dropFirst(6).filter(\.isNumber)).write(toFile: path, atomically: false, encoding: .utf8)
    }

    static func run(_ path: String, _ arguments: [String]) -> ChildRun {
        var pid: pid_t = 0
        let peakFile = NSTemporaryDirectory() + "survey-bench-peak-\(getpid())"
        unlink(peakFile)
        defer { unlink(peakFile) }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let variables = ProcessInfo.processInfo.environment.filter { $0.key != peakFileVariable }.map { "\($0.key)=\($0.value)" }
        let envp = (variables + ["\(peakFileVariable)=\(peakFile)"]).map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, path, &actions, nil, argv, envp) == 0 else { return ChildRun(status: 127, seconds: 0, maxRSSKilobytes: 0) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let exited = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let own = (try? String(contentsOfFile: peakFile, encoding: .utf8)).flatMap { Int($0) }
        return ChildRun(status: exited, seconds: seconds, maxRSSKilobytes: own ?? Int(usage.ru_maxrss))
    }
}
