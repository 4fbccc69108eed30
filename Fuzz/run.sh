#!/usr/bin/env bash
# Builds and runs one fuzz target for a while.
#
#   Fuzz/run.sh TARGET SECONDS [libFuzzer flags...]      TARGET: csv, matcher, tabulation, definition, import
#
# The corpus grows in .build-fuzz/corpus/TARGET (git-ignored) and starts from the seeds in Fuzz/corpus/TARGET,
# which it never writes to. Crashes, timeouts and out-of-memory inputs go to Fuzz/artifacts/TARGET/. The
# run's log is Fuzz/artifacts/TARGET/last-run.log; its last lines are the figures (runs, exec/s, cov, ft).
# FUZZ_NO_BUILD=1 skips the build. Run one fuzzer at a time on a shared machine (each uses one core).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${1:?usage: Fuzz/run.sh csv|matcher|tabulation|definition|import SECONDS [libFuzzer flags...]}"
SECONDS_TO_RUN="${2:?usage: Fuzz/run.sh TARGET SECONDS}"
shift 2
OUT="${FUZZ_BUILD:-$ROOT/.build-fuzz/fuzz}"
[ -n "${FUZZ_NO_BUILD:-}" ] || "$ROOT/Fuzz/build.sh" "$TARGET"

CORPUS="$ROOT/.build-fuzz/corpus/$TARGET"
ARTIFACTS="$ROOT/Fuzz/artifacts/$TARGET"
mkdir -p "$CORPUS" "$ARTIFACTS"
# The Swift runtime's own crash backtracer would hold a crashing process for seconds and hide the
# signal from libFuzzer's handler; ASan reports instead. Leak checking is off: the Swift runtime keeps
# metadata caches for the process's lifetime, which LeakSanitizer would report as leaks.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"
export SURVEY_QUESTIONNAIRES="${SURVEY_QUESTIONNAIRES:-$ROOT/questionnaires}"

cd "$ROOT"
set -x
"$OUT/fuzz-$TARGET" \
    -max_total_time="$SECONDS_TO_RUN" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$ROOT/Fuzz/dict/$TARGET.dict" -artifact_prefix="$ARTIFACTS/" \
    "$@" "$CORPUS" "$ROOT/Fuzz/corpus/$TARGET" 2>&1 | tee "$ARTIFACTS/last-run.log"
