#!/usr/bin/env bash
# Fuzzes every pb-fuzz target (or those named) for a given time each, or a given number of executions, and writes
# pb-fuzz/target/fuzz-report.md: executions, coverage and findings per target.
#
#   pb-fuzz/fuzz.sh [-t SECONDS] [-n RUNS] [-j JOBS] [TARGET ...]   TARGET: Class#method, e.g. BananaDecoderFuzzTest#decode
#
# -t: time per target (default 60 s); -n: stop a target after RUNS executions instead (-t still caps its time);
# -j: how many targets fuzz at once, each on a core of its own (default 1). The long run the README reports is
# `pb-fuzz/fuzz.sh -n 10000000 -t 5400 -j 2`.
#   pb-fuzz/fuzz.sh -m [TARGET ...]                 minimise each target's seed directory instead (see below)
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
# PBJ_FUZZ_JAVA_OPTS: the JVM's options (default -XX:+UseParallelGC -XX:MaxJavaStackTraceDepth=48). Most inputs
# end in a ProtocolException thrown some 150 frames deep under Jazzer's JUnit runner; recording only the innermost
# 48 (PBJ's own and the target's) took the share of the time spent filling in stack traces from 27 % to 6 %.
#
# -m minimises each target's seed directory with libFuzzer's -merge=1: the regression cases (finding-… and the
# seed-bomb-… inputs) go first into a fresh directory, then libFuzzer adds from the seeds only the inputs that
# cover an edge or feature those do not, smallest first; every other seed-… file is deleted from the seed
# directory (commit the deletions), and the counts before and after are printed and written to
# target/fuzz-minimise.md. make-seeds.py writes every seed again; run -m after it.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
seconds=60
runs_wanted=
jobs=1
minimise=0
while getopts "t:n:j:m" opt; do
  case "$opt" in
    t) seconds="$OPTARG" ;;
    n) runs_wanted="$OPTARG" ;;
    j) jobs="$OPTARG" ;;
    m) minimise=1 ;;
    *) echo "usage: $0 [-t SECONDS] [-n RUNS] [-j JOBS] [Class#method ...] | $0 -m [Class#method ...]" >&2; exit 2 ;;
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

# jazzer PACKAGE CLASS METHOD LIBFUZZER_ARGS...: one target under Jazzer's driver, in the current directory
jazzer() {
  local package="$1" class="$2" method="$3"
  shift 3
  nice -n "${PBJ_FUZZ_NICE:-10}" java "-Xmx${PBJ_FUZZ_HEAP:-1g}" -Xss1m -Xshare:off ${PBJ_FUZZ_JAVA_OPTS--XX:+UseParallelGC -XX:MaxJavaStackTraceDepth=48} \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=off -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
    --target_class="dev.pbj.$package.$class" --target_method="$method" \
    --instrumentation_includes='dev.pbj.**' --custom_hook_includes='dev.pbj.**' \
    --instrumentation_excludes='dev.pbj.fuzz.**:dev.pbj.testkit.**' --custom_hook_excludes='dev.pbj.fuzz.**:dev.pbj.testkit.**' \
    -rss_limit_mb="${PBJ_FUZZ_RSS_MB:-2048}" -timeout="${PBJ_FUZZ_TIMEOUT:-10}" "$@"
}

if [ "$minimise" = 1 ]; then
  summary="$here/target/fuzz-minimise.md"
  {
    echo "# pb-fuzz seed minimisation"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD); kept: regression cases"
    echo "(finding-…, seed-bomb-…) and the seeds libFuzzer's -merge=1 keeps for coverage."
    echo
    echo "| target | before | regression cases | after |"
    echo "|---|---:|---:|---:|"
  } > "$summary"
  for t in "${targets[@]}"; do
    package="${t%%.*}"; rest="${t#*.}"; class="${rest%%#*}"; method="${rest#*#}"
    dir="$out/$class/$method"
    seeds="$here/src/test/resources/dev/pbj/$package/${class}Inputs/$method"
    merged="$dir/minimised"
    rm -rf "$merged"
    mkdir -p "$merged"
    before=$(find "$seeds" -maxdepth 1 -type f | wc -l)
    kept=0
    for f in "$seeds"/finding-* "$seeds"/seed-bomb-*; do
      [ -f "$f" ] || continue
      cp "$f" "$merged/"
      kept=$((kept + 1))
    done
    echo "minimising $class#$method: $before inputs, $kept regression cases (log: ${dir#$root/}/minimise.log)" >&2
    if ! (cd "$dir" && jazzer "$package" "$class" "$method" -merge=1 "$merged" "$seeds") > "$dir/minimise.log" 2>&1
    then
      echo "merge failed for $class#$method; seeds left as they were (see the log)" >&2
      exit 1
    fi
    # the merge names what it adds by the SHA-1 of its contents: keep one seed of each such content
    declare -A wanted=()
    for f in "$merged"/*; do wanted["$(basename "$f")"]=1; done
    for f in "$seeds"/seed-*; do
      [ -f "$f" ] || continue
      case "$(basename "$f")" in seed-bomb-*) continue ;; esac
      sum=$(sha1sum "$f" | cut -d' ' -f1)
      if [ -n "${wanted[$sum]:-}" ]; then
        unset "wanted[$sum]"
      else
        rm "$f"
      fi
    done
    unset wanted
    after=$(find "$seeds" -maxdepth 1 -type f | wc -l)
    echo "| \`$class#$method\` | $before | $kept | $after |" >> "$summary"
    echo "  $before -> $after" >&2
  done
  echo "summary: ${summary#$root/}" >&2
  exit 0
fi

report="$here/target/fuzz-report.md"
limit_text="${seconds} s per target"
[ -z "$runs_wanted" ] || limit_text="${runs_wanted} executions per target (at most ${seconds} s)"
{
  echo "# pb-fuzz report"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), ${limit_text}, ${jobs} at a time, $(nproc) CPUs, heap ${PBJ_FUZZ_HEAP:-1g},"
  echo "rss limit ${PBJ_FUZZ_RSS_MB:-2048} MB, timeout ${PBJ_FUZZ_TIMEOUT:-10} s per input, inputs up to"
  echo "${PBJ_FUZZ_MAX_LEN:-65536} bytes, commit $(git -C "$root" rev-parse --short HEAD)."
  echo
  echo "| target | executions | exec/s | time (s) | coverage (edges) | features | corpus | findings |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
} > "$report"

# fuzz_one TARGET: fuzzes one target; writes its report row to row.md and what it found to findings.md in its
# directory
fuzz_one() {
  local t="$1"
  local package="${t%%.*}" rest="${t#*.}"
  local class="${rest%%#*}" method="${rest#*#}"
  local name="$class#$method"
  local dir="$out/$class/$method"
  local seeds="$here/src/test/resources/dev/pbj/$package/${class}Inputs/$method"
  mkdir -p "$dir/corpus" "$dir/findings" "$seeds"
  rm -f "$dir"/findings/* "$dir/row.md" "$dir/findings.md" # earlier findings are in the seed directory already
  local log="$dir/fuzz.log"
  echo "fuzzing $name for ${limit_text} (log: ${log#$root/})" >&2
  local run_limit=()
  [ -z "$runs_wanted" ] || run_limit=(-runs="$runs_wanted")
  local began=$SECONDS status
  set +e
  (cd "$dir" && jazzer "$package" "$class" "$method" --keep_going=20 -max_total_time="$seconds" \
    "${run_limit[@]}" -max_len="${PBJ_FUZZ_MAX_LEN:-65536}" -artifact_prefix="$dir/findings/" \
    -print_final_stats=1 "$dir/corpus" "$seeds") > "$log" 2>&1
  status=$?
  set -e
  local took=$((SECONDS - began))
  # a run that stopped on a finding prints no "Done" line; -print_final_stats gives the count either way
  local runs stat_line cov ft corp rate
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1 || true)
  [ -n "$runs" ] || runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  stat_line=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$stat_line")
  ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$stat_line")
  corp=$(sed -nE 's/.*corp: ([0-9]+).*/\1/p' <<<"$stat_line")
  rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$log" | tail -1 || true)
  local found=0 f
  # a target stopped from outside (Ctrl-C, kill) is reported as exited, its last input written as a crash: not one
  if grep -q '^==[0-9]*== ERROR: libFuzzer: fuzz target exited' "$log"; then
    rm -f "$dir"/findings/crash-*
    echo "$name was stopped from outside; its last input is not a finding" >&2
  fi
  for f in "$dir"/findings/*; do
    [ -f "$f" ] || continue
    case "$(basename "$f")" in
      crash-*|timeout-*|oom-*|slow-unit-*|leak-*) ;;
      *) continue ;;
    esac
    found=$((found + 1))
    cp -n "$f" "$seeds/finding-$(basename "$f")"
  done
  echo "| \`$name\` | ${runs:-?} | ${rate:-?} | $took | ${cov:-?} | ${ft:-?} | ${corp:-?} | $found |" > "$dir/row.md"
  if [ "$found" -gt 0 ] || { [ "$status" -ne 0 ] && [ -z "$runs" ]; }; then
    {
      echo
      echo "### \`$name\` (exit $status)"
      echo
      echo '```'
      grep -E '^== Java Exception|^Caused by|ERROR: libFuzzer|Test unit written' "$log" | head -40 || true
      echo '```'
    } > "$dir/findings.md"
  fi
}

running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
wait || true

findings_section=""
for t in "${targets[@]}"; do
  rest="${t#*.}"
  dir="$out/${rest%%#*}/${rest#*#}"
  cat "$dir/row.md" >> "$report" 2>/dev/null || echo "| \`${rest}\` | ? | ? | ? | ? | ? | ? | ? |" >> "$report"
  [ -f "$dir/findings.md" ] && findings_section+="$(cat "$dir/findings.md")"$'\n'
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
