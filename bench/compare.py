#!/usr/bin/env python3
"""Times the same tabulation in pandas, polars and DuckDB and in `survey`, on one file, in one run.

The work each tool does: read the answer file (UTF-8, ';'), count every statement's answers per label,
count blanks. `survey` does more (folds spellings, checks every cell, reverse keys, Cronbach's alpha), so the
comparison is generous to the data-frame libraries. Peak memory is each child's maximum resident set.

    pip install polars pandas duckdb      # for this comparison only; the project needs none of them
    python3 bench/compare.py /tmp/survey-bench/preschool-staff-survey-1000000.csv [--runs 3]
"""
import argparse, os, resource, subprocess, sys, time

TASKS = {
    "pandas": """
import pandas as pd, sys
df = pd.read_csv(sys.argv[1], sep=';', dtype=str, keep_default_na=False, engine='c')
out = {c: df[c].value_counts().to_dict() for c in df.columns}
""",
    "polars": """
import polars as pl, sys
df = pl.read_csv(sys.argv[1], separator=';', infer_schema_length=0)
out = {c: df[c].value_counts() for c in df.columns}
""",
    "duckdb": """
import duckdb, sys
con = duckdb.connect()
con.execute(f\"\"\"SELECT name, value, count(*) FROM (UNPIVOT (SELECT * FROM read_csv('{sys.argv[1]}', delim=';', all_varchar=true))
                 ON COLUMNS(*) INTO NAME name VALUE value) GROUP BY ALL\"\"\").fetchall()
""",
}

def run(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, status

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--survey", default=".build/release/survey")
    ap.add_argument("--questionnaire", default="preschool-staff-survey")
    a = ap.parse_args()
    size = os.path.getsize(a.file) / 1e6
    print(f"file: {a.file} ({size:.0f} MB), best of {a.runs}")
    results = {}
    commands = {name: [sys.executable, "-c", code, a.file] for name, code in TASKS.items()}
    commands["survey"] = [a.survey, "tabulate", a.questionnaire, "--from-csv", a.file, "--format", "json", "--out", "/dev/null"]
    for name, cmd in commands.items():
        times, peaks = [], []
        for _ in range(a.runs):
            seconds, peak, status = run(cmd)
            if status != 0:
                print(f"{name}: failed (status {status}); skipped"); break
            times.append(seconds); peaks.append(peak)
        if times:
            results[name] = (min(times), max(peaks))
            print(f"{name:8s} {min(times):7.3f} s   peak {max(peaks):7.1f} MB")
    if "survey" in results:
        for name in ("pandas", "polars", "duckdb"):
            if name in results:
                print(f"survey is {results[name][0] / results['survey'][0]:.1f}x faster than {name}")

if __name__ == "__main__":
    main()
