import Foundation
import SurveyEngine
import SurveyFormats
#if canImport(Glibc)
import Glibc
#endif

/// `survey bench`: times `tabulate --from-csv` and `import` on deterministic sample files of several sizes,
/// each run a separate process, and prints rows/s, MB/s and peak resident memory.
let benchCommand = Command(
    name: "bench", summary: "Benchmark tabulate and import on generated files of several sizes (use a release build).",
    usage: "[--sizes 10000,100000,1000000] [--runs N] [--dir DIR] [--questionnaire ID] [--skip-import]",
    discussion: """
    Files are made once with 'survey sample ID --count N --seed 7' in --dir (default /tmp/survey-bench) and
    reused. Each measurement runs the survey binary as a child process; the time is wall-clock, the memory is
    the child's peak resident set (getrusage via wait4, the figure /usr/bin/time -v reports). Best and median
    of --runs runs are printed. Build with 'swift build -c release' first: debug builds are several times slower.
    """,
    options: [.value("--sizes", "LIST", "Comma-separated row counts (default 10000,100000,1000000)."),
              .value("--runs", "N", "Runs per measurement (default 3)."),
              .value("--dir", "DIR", "Where the generated files are kept (default /tmp/survey-bench)."),
              .value("--questionnaire", "ID", "The survey to generate (default preschool-staff-survey)."),
              .flag("--skip-import", "Time only tabulate."),
              .flag("--group", "Time group (scoring and mentor pairing) at 1,000, 10,000 and 20,000 teachers instead.")],
    examples: ["swift build -c release && .build/release/survey bench", ".build/release/survey bench --sizes 100000 --runs 5"]
) { invocation throws(CLIError) in
    if invocation.has("--group") { return try benchGroup(invocation) }
    let sizes = try (invocation.value("--sizes") ?? "10000,100000,1000000").split(separator: ",").map { text throws(CLIError) -> Int in
        guard let n = Int(text), n > 0 else { throw .usage("--sizes takes row counts like 10000,100000, not '\(text)'") }
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
    var table: [[String]] = []
    for size in sizes {
        let file = "\(dir)/\(id)-\(size).csv"
        if !FileIO.exists(file) {
            console.err("generating \(file)…\n")
            let made = ChildRun.run(me, ["sample", id, "--count", String(size), "--seed", "7", "--out", file] + common)
            guard made.status == 0 else { throw .failed("could not generate \(file)") }
        }
        var info = stat()
        let bytes = stat(file, &info) == 0 ? Int(info.st_size) : 0  // stat follows a symlinked file
        let mb = Double(bytes) / 1_000_000
        var tab: [ChildRun] = []
        for _ in 0..<runs {
            let run = ChildRun.run(me, ["tabulate", id, "--from-csv", file, "--format", "json", "--out", "/dev/null"] + common)
            guard run.status == 0 else { throw .failed("tabulate failed on \(file)") }
            tab.append(run)
        }
        table.append(row("tabulate", size, mb, tab))
        if !invocation.has("--skip-import") {
            var imp: [ChildRun] = []
            for _ in 0..<runs {
                let store = "\(dir)/store-\(getpid())"
                let run = ChildRun.run(me, ["import", id, file, "--data", store] + common)
                try? FileManager.default.removeItem(atPath: store)
                guard run.status == 0 else { throw .failed("import failed on \(file)") }
                imp.append(run)
            }
            table.append(row("import", size, mb, imp))
        }
    }
    console.out(TextLayout.table(["command", "rows", "MB", "best s", "median s", "rows/s", "MB/s", "peak RSS MB"], table, alignRight: Set(1...7)))
    return 0
}

private func row(_ name: String, _ rows: Int, _ mb: Double, _ runs: [ChildRun]) -> [String] {
    let times = runs.map(\.seconds).sorted()
    let best = times[0], median = times[times.count / 2]
    let peak = runs.map(\.maxRSSKilobytes).max() ?? 0
    return [name, String(rows), String(format: "%.1f", mb), String(format: "%.3f", best), String(format: "%.3f", median),
            String(format: "%.0f", Double(rows) / best), String(format: "%.0f", mb / best), String(format: "%.1f", Double(peak) / 1024)]
}

/// One child process: its exit status, wall time and peak resident memory.
struct ChildRun {
    var status: Int32
    var seconds: Double
    var maxRSSKilobytes: Int

    static func run(_ path: String, _ arguments: [String]) -> ChildRun {
        var pid: pid_t = 0
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let start = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return ChildRun(status: 127, seconds: 0, maxRSSKilobytes: 0) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let exited = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return ChildRun(status: exited, seconds: seconds, maxRSSKilobytes: Int(usage.ru_maxrss))
    }
}
