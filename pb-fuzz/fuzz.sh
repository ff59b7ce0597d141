#!/usr/bin/env bash
# Fuzzes every pb-fuzz target (or those named) for a given time each, one at a time, and writes
# pb-fuzz/target/fuzz-report.md: executions, coverage and findings per target.
#
#   pb-fuzz/fuzz.sh [-t SECONDS] [TARGET ...]      TARGET: Class#method, e.g. BananaDecoderFuzzTest#decode
#
# Each target runs in a JVM of its own under Jazzer (libFuzzer inside the JVM), its corpus the seeds in
# src/test/resources/…/<Class>Inputs/<method>/ plus what earlier runs found (target/fuzz/<target>/corpus/).
# Limits: -Xmx (PBJ_FUZZ_HEAP, default 1g), libFuzzer's -rss_limit_mb (PBJ_FUZZ_RSS_MB, default 2048) and
# -timeout per input (PBJ_FUZZ_TIMEOUT, seconds, default 10); inputs it makes are at most PBJ_FUZZ_MAX_LEN bytes
# (default 64 KiB: the 640 KiB bomb seeds would otherwise make mutations that large and each run 50 times slower).
# A finding (crash, timeout, out of memory) is copied
# into the target's seed directory as finding-…, so `mvn verify` replays it from then on: fix the code, never the
# invariant. Environment: MVN (default "mvn"; "mvn -o" offline), PBJ_FUZZ_NO_BUILD=1 to reuse the last build,
# PBJ_FUZZ_NICE (default 10) for the CPU priority.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
seconds=60
while getopts "t:" opt; do
  case "$opt" in
    t) seconds="$OPTARG" ;;
    *) echo "usage: $0 [-t SECONDS] [Class#method ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

all_targets=(
  fuzz.BananaDecoderFuzzTest#decode
  fuzz.MsgpackDecoderFuzzTest#decode
  fuzz.UnjellierFuzzTest#banana
  fuzz.UnjellierFuzzTest#msgpack
  fuzz.BrokerFuzzTest#banana
  fuzz.BrokerFuzzTest#msgpack
  fuzz.DialectHandshakeFuzzTest#handshake
  websocket.WebSocketLinkFuzzTest#messages
)
targets=()
if [ $# -eq 0 ]; then
  targets=("${all_targets[@]}")
else
  for wanted in "$@"; do
    for t in "${all_targets[@]}"; do
      [[ "$t" == *"$wanted" ]] && targets+=("$t")
    done
  done
  [ ${#targets[@]} -gt 0 ] || { echo "no target matches: $*" >&2; exit 2; }
fi

mvn_cmd=${MVN:-mvn}
out="$here/target/fuzz"
classpath_file="$here/target/fuzz-classpath.txt"
if [ "${PBJ_FUZZ_NO_BUILD:-}" != 1 ]; then
  (cd "$root" && nice -n "${PBJ_FUZZ_NICE:-10}" $mvn_cmd -q -pl pb-fuzz -am install -DskipTests)
  (cd "$root" && $mvn_cmd -q -pl pb-fuzz test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$classpath_file")
fi
classpath="$here/target/test-classes:$here/target/classes:$(cat "$classpath_file")"
mkdir -p "$out"

report="$here/target/fuzz-report.md"
{
  echo "# pb-fuzz report"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), ${seconds} s per target, $(nproc) CPUs, heap ${PBJ_FUZZ_HEAP:-1g},"
  echo "rss limit ${PBJ_FUZZ_RSS_MB:-2048} MB, timeout ${PBJ_FUZZ_TIMEOUT:-10} s per input, commit $(git -C "$root" rev-parse --short HEAD)."
  echo
  echo "| target | executions | exec/s | coverage (edges) | features | corpus | findings |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
} > "$report"
findings_section=""

for t in "${targets[@]}"; do
  package="${t%%.*}"
  rest="${t#*.}"
  class="${rest%%#*}"
  method="${rest#*#}"
  name="$class#$method"
  dir="$out/$class/$method"
  seeds="$here/src/test/resources/dev/pbj/$package/${class}Inputs/$method"
  mkdir -p "$dir/corpus" "$dir/findings" "$seeds"
  rm -f "$dir"/findings/* # earlier runs' findings are in the seed directory already
  log="$dir/fuzz.log"
  echo "fuzzing $name for ${seconds}s (log: ${log#$root/})" >&2
  set +e
  (cd "$dir" && nice -n "${PBJ_FUZZ_NICE:-10}" java "-Xmx${PBJ_FUZZ_HEAP:-1g}" -Xss1m -Xshare:off \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=off -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
    --target_class="dev.pbj.$package.$class" --target_method="$method" \
    --instrumentation_includes='dev.pbj.**' --custom_hook_includes='dev.pbj.**' --keep_going=20 \
    -max_total_time="$seconds" -max_len="${PBJ_FUZZ_MAX_LEN:-65536}" -rss_limit_mb="${PBJ_FUZZ_RSS_MB:-2048}" \
    -timeout="${PBJ_FUZZ_TIMEOUT:-10}" \
    -artifact_prefix="$dir/findings/" -print_final_stats=1 "$dir/corpus" "$seeds") > "$log" 2>&1
  status=$?
  set -e
  # a run that stopped on a finding prints no "Done" line; -print_final_stats gives the count either way
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1 || true)
  [ -n "$runs" ] || runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  stat_line=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$stat_line")
  ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$stat_line")
  corp=$(sed -nE 's/.*corp: ([0-9]+).*/\1/p' <<<"$stat_line")
  rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$log" | tail -1 || true)
  found=0
  for f in "$dir"/findings/*; do
    [ -f "$f" ] || continue
    case "$(basename "$f")" in
      crash-*|timeout-*|oom-*|slow-unit-*|leak-*) ;;
      *) continue ;;
    esac
    found=$((found + 1))
    cp -n "$f" "$seeds/finding-$(basename "$f")"
  done
  echo "| \`$name\` | ${runs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $found |" >> "$report"
  if [ "$found" -gt 0 ] || { [ "$status" -ne 0 ] && [ -z "$runs" ]; }; then
    findings_section+=$'\n'"### \`$name\` (exit $status)"$'\n\n```\n'
    findings_section+="$(grep -E '^== Java Exception|^Caused by|ERROR: libFuzzer|Test unit written' "$log" | head -40 || true)"
    findings_section+=$'\n```\n'
  fi
done

{
  echo
  echo "Executions are libFuzzer's runs (one input each); coverage is libFuzzer's count of covered edges in the"
  echo "instrumented dev.pbj classes, features its finer measure; corpus the inputs kept. A finding's input is in"
  echo "target/fuzz/<Class>/<method>/findings/ and was copied to the target's seed directory as finding-…,"
  echo "so \`mvn verify\` replays it until it is fixed."
  echo
  echo "## Findings"
  if [ -z "$findings_section" ]; then
    echo
    echo "None."
  else
    echo "$findings_section"
  fi
} >> "$report"
echo "report: ${report#$root/}" >&2
