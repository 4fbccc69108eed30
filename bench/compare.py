#!/usr/bin/env python3
"""Times the same work in pandas, polars, DuckDB, SQLite and `survey`, on one file, in one run.

Two comparisons:

  tabulate (default): read the answer file (UTF-8, ';'), count every statement's answers per label, count
  blanks. `survey tabulate --from-csv` does more (folds spellings, checks every cell, names duplicate
  respondents, reverse keys, Cronbach's alpha), so the comparison is generous to the data-frame libraries.
  A respondent column (`id`) and a group column (`Школа`) are left out of their counts (counting a million
  distinct ids would be unfair to them); `survey` reads them (duplicates, --by).

  --store: the store path. Import: `survey import` into a fresh store vs DuckDB's CSV → table in a database
  file and SQLite's `.import`. Query: `survey tabulate` from that store vs the same counts queried by DuckDB
  and SQLite from their database files, each in a fresh process.

Peak memory is each child's maximum resident set. Load is printed before and after: the machine is shared.

    pip install polars pandas duckdb      # for this comparison only; the project needs none of them
    python3 bench/compare.py /tmp/survey-bench/preschool-staff-survey-id-1000000.csv [--runs 3] [--store]
"""
import argparse, os, shutil, subprocess, sys, tempfile, time

SKIP = ("id", "Школа")

TASKS = {
    "pandas": """
import pandas as pd, sys
df = pd.read_csv(sys.argv[1], sep=';', dtype=str, keep_default_na=False, engine='c')
out = {c: df[c].value_counts().to_dict() for c in df.columns if c not in ('id', 'Школа')}
""",
    "polars": """
import polars as pl, sys
df = pl.read_csv(sys.argv[1], separator=';', infer_schema_length=0)
out = {c: df[c].value_counts() for c in df.columns if c not in ('id', 'Школа')}
""",
    "duckdb": """
import duckdb, sys
con = duckdb.connect()
cols = [c for c in con.execute(f"DESCRIBE SELECT * FROM read_csv('{sys.argv[1]}', delim=';', all_varchar=true)").fetchall()]
keep = ', '.join('"' + c[0] + '"' for c in cols if c[0] not in ('id', 'Школа'))
con.execute(f\"\"\"SELECT name, value, count(*) FROM (UNPIVOT (SELECT {keep} FROM read_csv('{sys.argv[1]}', delim=';', all_varchar=true))
                 ON COLUMNS(*) INTO NAME name VALUE value) GROUP BY ALL\"\"\").fetchall()
""",
}

DUCKDB_IMPORT = """
import duckdb, sys
con = duckdb.connect(sys.argv[2])
con.execute(f"CREATE TABLE answers AS SELECT * FROM read_csv('{sys.argv[1]}', delim=';', all_varchar=true)")
con.close()
"""

DUCKDB_QUERY = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
cols = [r[0] for r in con.execute("DESCRIBE answers").fetchall() if r[0] not in ('id', 'Школа')]
keep = ', '.join('"' + c + '"' for c in cols)
con.execute(f"SELECT name, value, count(*) FROM (UNPIVOT (SELECT {keep} FROM answers) ON COLUMNS(*) INTO NAME name VALUE value) GROUP BY ALL").fetchall()
"""


def run(cmd, stdin=None):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stdin=stdin)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, status


def best(name, cmd, runs, before=None, stdin_text=None):
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        stdin = None
        if stdin_text is not None:
            stdin = tempfile.TemporaryFile()
            stdin.write(stdin_text.encode()); stdin.seek(0)
        seconds, peak, status = run(cmd, stdin)
        if status != 0:
            print(f"{name}: failed (status {status}); skipped"); return None
        times.append(seconds); peaks.append(peak)
    print(f"{name:24s} {min(times):7.3f} s   peak {max(peaks):7.1f} MB")
    return min(times), max(peaks)


def header(path):
    with open(path, encoding="utf-8-sig") as f:
        return f.readline().rstrip("\r\n").split(";")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--survey", default=".build/release/survey")
    ap.add_argument("--questionnaire", default="preschool-staff-survey")
    ap.add_argument("--store", action="store_true", help="compare import and the query from a database file")
    a = ap.parse_args()
    size = os.path.getsize(a.file) / 1e6
    cols = header(a.file)
    print(f"file: {a.file} ({size:.0f} MB, columns: {', '.join(c for c in cols if c in SKIP) or 'statements only'}), best of {a.runs}")
    print(f"load before: {os.getloadavg()[0]:.2f}")
    results = {}
    if not a.store:
        for name, code in TASKS.items():
            r = best(name, [sys.executable, "-c", code, a.file], a.runs)
            if r: results[name] = r
        by = ["--by", "Школа"] if "Школа" in cols else []
        r = best("survey", [a.survey, "tabulate", a.questionnaire, "--from-csv", a.file, "--format", "json", "--out", "/dev/null"] + by, a.runs)
        if r: results["survey"] = r
        if "survey" in results:
            for name in ("pandas", "polars", "duckdb"):
                if name in results:
                    print(f"survey is {results[name][0] / results['survey'][0]:.1f}x faster than {name}")
    else:
        work = tempfile.mkdtemp(prefix="survey-compare-")
        store, duck, lite = f"{work}/store", f"{work}/answers.duckdb", f"{work}/answers.sqlite"
        keep = ["--keep", "Школа"] if "Школа" in cols else []
        def clear(*paths):
            def go():
                for p in paths:
                    shutil.rmtree(p, ignore_errors=True) if os.path.isdir(p) else (os.path.exists(p) and os.remove(p))
            return go
        results["survey import"] = best("survey import", [a.survey, "import", a.questionnaire, a.file, "--data", store] + keep, a.runs, before=clear(store))
        results["duckdb import"] = best("duckdb CSV→table", [sys.executable, "-c", DUCKDB_IMPORT, a.file, duck], a.runs, before=clear(duck))
        results["sqlite import"] = best("sqlite3 .import", ["sqlite3", lite], a.runs, before=clear(lite),
                                        stdin_text=f".mode csv\n.separator ;\n.import {a.file} answers\n")
        by = ["--by", "Школа"] if "Школа" in cols else []
        results["survey query"] = best("survey tabulate (store)", [a.survey, "tabulate", a.questionnaire, "--data", store, "--format", "json", "--out", "/dev/null"], a.runs)
        if by:
            best("survey tabulate --by", [a.survey, "tabulate", a.questionnaire, "--data", store, "--format", "json", "--out", "/dev/null"] + by, a.runs)
        results["duckdb query"] = best("duckdb query (db file)", [sys.executable, "-c", DUCKDB_QUERY, duck], a.runs)
        statements = [c for c in cols if c not in SKIP]
        sql = " UNION ALL ".join(f"SELECT '{c}', \"{c}\", count(*) FROM answers GROUP BY 2" for c in statements) + ";\n"
        results["sqlite query"] = best("sqlite3 query (db file)", ["sqlite3", lite], a.runs, stdin_text=sql)
        for what in ("import", "query"):
            mine = results.get(f"survey {what}")
            for peer in ("duckdb", "sqlite"):
                theirs = results.get(f"{peer} {what}")
                if mine and theirs:
                    print(f"{what}: survey is {theirs[0] / mine[0]:.2f}x the speed of {peer}")
        shutil.rmtree(work, ignore_errors=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
