#!/usr/bin/env bash
# Builds libFuzzer targets straight from the package's sources with swiftc (Package.swift is not involved).
#
#   Fuzz/build.sh [TARGET...]        TARGET: csv, matcher, tabulation, definition, import (default: all five)
#
# Each target is ONE executable and ONE module: Sources/SurveyEngine/*.swift, Sources/SurveyFormats/**/*.swift,
# the shared harness (Tests/SurveyEngineTests/FuzzRegressionTests.swift, compiled with -D FUZZING, which
# drops its tests and imports) and the entry point Fuzz/TARGET.swift. The sources are copied to the build
# folder first with `import SurveyEngine` commented out (line numbers stay as they are), because the two
# libraries become one module. Output: $FUZZ_BUILD (default .build-fuzz/fuzz)/fuzz-TARGET.
#
# Environment: FUZZ_SANITIZERS (default fuzzer,address; fuzzer alone runs faster but misses memory errors
# in the unsafe-pointer code), FUZZ_OPT (default -O), FUZZ_BUILD (output folder).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${FUZZ_BUILD:-$ROOT/.build-fuzz/fuzz}"
SANITIZERS="${FUZZ_SANITIZERS:-fuzzer,address}"
OPT="${FUZZ_OPT:--O}"
if [ "$#" -eq 0 ]; then set -- csv matcher tabulation definition import; fi

# The sources, as one module.
SRC="$OUT/src"
rm -rf "$SRC"
mkdir -p "$SRC"
(cd "$ROOT" && find Sources/SurveyEngine Sources/SurveyFormats -name '*.swift' | LC_ALL=C sort) | while read -r file; do
    mkdir -p "$SRC/$(dirname "$file")"
    sed -E 's/^[[:space:]]*(@testable[[:space:]]+)?import[[:space:]]+(SurveyEngine|SurveyFormats)[[:space:]]*$/\/\/ (fuzz build: one module) &/' \
        "$ROOT/$file" > "$SRC/$file"
done
mapfile -t SOURCES < <(find "$SRC" -name '*.swift' | LC_ALL=C sort)

for target in "$@"; do
    entry="$ROOT/Fuzz/$target.swift"
    [ -f "$entry" ] || { echo "build.sh: no target '$target' (Fuzz/$target.swift)" >&2; exit 64; }
    echo "build.sh: building $OUT/fuzz-$target ($SANITIZERS, $OPT)" >&2
    # ld.gold warns about every ASan helper symbol it cannot export; the warnings are harmless.
    swiftc $OPT -g -sanitize="$SANITIZERS" -parse-as-library -swift-version 6 -module-name "Fuzz_$target" \
        -D FUZZING -module-cache-path "$OUT/module-cache" \
        "$entry" "$ROOT/Tests/SurveyEngineTests/FuzzRegressionTests.swift" "${SOURCES[@]}" \
        -o "$OUT/fuzz-$target" 2> >(grep -v "Cannot export local symbol '__asan" >&2)
done
