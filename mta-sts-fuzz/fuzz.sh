#!/usr/bin/env bash
# Runs one Jazzer target in fuzzing mode, pinned to one CPU, seeded from the real-world corpus.
#
#   mta-sts-fuzz/fuzz.sh Class#method [cpu] [seconds]
#   mta-sts-fuzz/fuzz.sh PolicyParserFuzzTest#policyBytes 1 600
#
# Needs the sibling modules installed once: ./mvnw -B -q install -DskipTests
# The corpus is read from -Dmtasts.corpus.dir (MTASTS_CORPUS_DIR), default ../shared/corpus
# beside the repository; without it the target starts from its committed inputs only.
# Findings are written by Jazzer to src/test/resources/dev/mtasts/fuzz/<Class>Inputs/<method>/,
# where the default build runs them as regression tests from then on.
set -euo pipefail

if [ $# -lt 1 ] || [[ "$1" != *#* ]]; then
  echo "usage: $0 Class#method [cpu] [seconds]" >&2
  exit 2
fi
target=$1
cpu=${2:-1}
seconds=${3:-600}
cls=${target%%#*}
method=${target#*#}

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
corpus=${MTASTS_CORPUS_DIR:-$root/../shared/corpus}
log=$here/target/fuzz-$cls-$method.log
mvn=("$root/mvnw" -B -f "$root/pom.xml" -pl mta-sts-fuzz)

mkdir -p "$here/target"
cd "$here"

# Seeds: write the corpus files into the generated-corpus directory Jazzer reads first.
"${mvn[@]}" -q test-compile
"${mvn[@]}" -q org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$here/target/fuzz.classpath"
java -cp "$here/target/test-classes:$(cat "$here/target/fuzz.classpath")" \
  dev.mtasts.fuzz.Seeds "$corpus" "$here/.cifuzz-corpus" "$cls" "$method"

echo "fuzzing $cls#$method on CPU $cpu for ${seconds}s; log: $log" >&2
# JUnit's own timeout would count the whole campaign as one test; Jazzer turns @Timeout into
# libFuzzer's per-input -timeout instead.
JAZZER_FUZZ=1 taskset -c "$cpu" "${mvn[@]}" test \
  -Dtest="dev.mtasts.fuzz.$cls#$method" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djunit.jupiter.execution.timeout.mode=disabled \
  -Djazzer.max_duration="${seconds}s" \
  -Dmtasts.corpus.dir="$corpus" \
  > "$log" 2>&1 || status=$?
grep -E '^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs|FuzzTestFindingException|Tests run:' "$log" | tail -12 >&2 || true
exit "${status:-0}"
