import Foundation
import SurveyEngine
import SurveyFormats

/// `survey bench --group`: times a district's `group` in process — scoring every teacher's answers and pairing
/// mentors — at 1,000, 10,000 and 20,000 teachers (or `--sizes`). Teachers are generated deterministically:
/// 50 a school, a few subjects, a third strong, the rest with two or three deficits, most with consent.
func benchGroup(_ invocation: Invocation) throws(CLIError) -> Int32 {
    let q = try invocation.questionnaire("teacher-deficits")
    let path = CatalogueLoader.path(for: q.id, folder: invocation.library.folder)
    guard let catalogue = CatalogueLoader.load(path: path, questionnaire: q).catalogue else { throw .message(Messages.benchNoCatalogue(path)) }
    let sizes = try (invocation.value("--sizes") ?? "1000,10000,20000").split(separator: ",").map { text throws(CLIError) -> Int in
        guard let n = Int(text), n > 0 else { throw .usage(Messages.benchSizes(String(text), teachers: true).text(invocation.language)) }
        return n
    }
    let runs = try invocation.integer("--runs", default: 3, range: 1...100) ?? 3
    let console = invocation.console
    console.out("survey bench --group: score + pair, \(runs) run(s) each, best and median\n\n")
    let header = ["teachers", "schools", "pairs", "best s", "median s", "across schools best s"]
    var table = [header]
    for n in sizes {
        let responses = syntheticTeachers(q, count: n)
        var times: [Double] = [], across: [Double] = []
        var pairs = 0
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            let profiles = responses.map { DeficitProfile($0, questionnaire: q) }
            let group = GroupAnalysis(profiles: profiles, questionnaire: q, rules: catalogue.planning)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            pairs = group.pairs.count
            let wide = DispatchTime.now().uptimeNanoseconds
            _ = GroupAnalysis(profiles: profiles, questionnaire: q, rules: catalogue.planning, acrossSchools: true)
            across.append(Double(DispatchTime.now().uptimeNanoseconds - wide) / 1e9)
        }
        times.sort()
        across.sort()
        table.append([String(n), String(max(1, n / 50)), String(pairs), String(format: "%.3f", times[0]),
                      String(format: "%.3f", times[times.count / 2]), String(format: "%.3f", across[0])])
    }
    let widths = header.indices.map { c in table.map { $0[c].count }.max() ?? 0 }
    for row in table { console.out(row.enumerated().map { c, cell in String(repeating: " ", count: widths[c] - cell.count) + cell }.joined(separator: "  ") + "\n") }
    console.out("\n")
    try benchGroupEndToEnd(invocation, sizes: sizes, runs: runs)
    return 0
}

/// `survey group` as a user runs it, each run a child process: a store of N teachers made once from
/// `survey sample teacher-deficits --count N --seed 7` (in --dir), then the whole report — reading the store,
/// scoring, alpha, pairing, the text — with wall time and peak memory, with and without `--by Школа`.
private func benchGroupEndToEnd(_ invocation: Invocation, sizes: [Int], runs: Int) throws(CLIError) {
    let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    let dir = invocation.value("--dir") ?? "/tmp/survey-bench"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var common = ["--questionnaires", invocation.library.folder]
    if let lang = invocation.value("--lang") { common += ["--lang", lang] }
    var table: [[String]] = []
    for n in sizes {
        let file = "\(dir)/teacher-deficits-\(n).csv", store = "\(dir)/teacher-store-\(n)"
        if !FileIO.exists(store) {
            invocation.console.err(Messages.benchGenerating(store).text(invocation.language) + "\n")
            let made = ChildRun.run(me, ["sample", "teacher-deficits", "--count", String(n), "--seed", "7", "--out", file] + common)
            guard made.status == 0 else { throw .message(Messages.benchCannotGenerate(file)) }
            let imported = ChildRun.run(me, ["import", "teacher-deficits", file, "--data", store + ".partial"] + common)
            try? FileManager.default.removeItem(atPath: file)
            guard imported.status == 0, rename(store + ".partial", store) == 0 else { throw .message(Messages.benchCannotGenerate(store)) }
        }
        var plain: [ChildRun] = [], bySchool: [ChildRun] = []
        for _ in 0..<runs {
            plain += try measure1(me, ["group", "teacher-deficits", "--data", store, "--out", "/dev/null"] + common)
            bySchool += try measure1(me, ["group", "teacher-deficits", "--data", store, "--by", "Школа", "--out", "/dev/null"] + common)
        }
        table.append(row("group (store)", "teachers", n, 0, plain))
        table.append(row("group --by Школа (store)", "teachers", n, 0, bySchool))
    }
    invocation.console.out("survey group, end to end (\(runs) run(s) each):\n")
    invocation.console.out(TextLayout.table(["command", "of", "rows", "MB", "best s", "median s", "rows/s", "MB/s", "peak RSS MB"], table, alignRight: Set(2...8)))
}

/// Deterministic teachers (a linear congruential generator, no clock): answers per statement around an
/// area level, and a context (school, subject, experience, age, consent).
func syntheticTeachers(_ q: Questionnaire, count: Int) -> [Response] {
    var state: UInt64 = 0x9E3779B97F4A7C15
    func next(_ n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(n))
    }
    let subjects = ["math", "russian", "history", "biology", "foreign", "primary"]
    let statements = q.items.filter { $0.scale != nil && !$0.confidential && $0.area != nil }
    return (0..<count).map { i in
        var level: [String: Double] = [:]
        let strong = next(3) == 0
        for area in q.areas { level[area.id] = strong ? 4 : (next(4) == 0 ? 1 + Double(next(2)) : 3) }
        var values: [String: Double] = [:]
        for item in statements {
            let keyed = min(4, max(1, (level[item.area ?? ""] ?? 3) + (next(5) == 0 ? -1 : 0)))
            values[item.id] = item.reverse ? 5 - keyed : keyed
        }
        let experience = next(30)
        let attributes = ["role": "teacher", "subject": subjects[next(subjects.count)], "school": "Школа № \(i / 50 + 1)",
                          "experience": String(experience), "age": String(22 + experience + next(10)), "consent": next(5) == 0 ? "no" : "yes"]
        return Response(respondent: "Педагог \(i + 1)", values: values, attributes: attributes)
    }
}
