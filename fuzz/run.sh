#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers with Jazzer, one target at a time (Jazzer fuzzes a single
# @FuzzTest per JVM). Not part of the build: `mvn verify` only replays the saved inputs.
#
#   fuzz/run.sh                      every target, 2 minutes each
#   fuzz/run.sh 10m                  every target, 10 minutes each
#   fuzz/run.sh 30s RuleSyntaxFuzzTest#compactRules JwtFuzzTest   some targets (a class means all its methods)
#
# A finding stops that target and is written as a regression input under
# src/test/resources/<package>/<Class>Inputs/<method>/crash-<sha1>: fix the bug, give the file a
# descriptive name and commit it. Inputs that reached new code stay in .cifuzz-corpus/ (git-ignored)
# and seed the next run.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-2m}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(grep -l '@FuzzTest' -r src/test/java | sed 's#.*/##; s#\.java$##' | sort)
fi

methods=()
for t in "${targets[@]}"; do
  if [[ $t == *'#'* ]]; then
    methods+=("$t")
  else
    file=$(grep -l "class $t\b" -r src/test/java)
    while read -r m; do methods+=("$t#$m"); done < <(grep -A1 '@FuzzTest' "$file" | grep -oP 'void \K\w+')
  fi
done

mvn -B -q test-compile
status=0
for m in "${methods[@]}"; do
  echo "== fuzzing $m for $duration"
  # Surefire forwards -D properties to the test JVM: max_duration overrides the annotation's, and
  # jazzer.internal.arg.N are libFuzzer's arguments (0 is argv[0]): one input running 30 s is a hang.
  if ! JAZZER_FUZZ=1 mvn -B surefire:test -Dtest="$m" -Djazzer.hooks=true -Djazzer.max_duration="$duration" \
      -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-timeout=30 \
      -Dsurefire.failIfNoSpecifiedTests=false > "target/fuzz-${m//#/-}.log" 2>&1; then
    echo "   FINDING (see target/fuzz-${m//#/-}.log)"
    status=1
  fi
  grep -E '^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs' "target/fuzz-${m//#/-}.log" | sed 's/^/   /' || true
done
exit "$status"
