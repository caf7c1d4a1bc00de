#!/usr/bin/env bash
# Every benchmark of issue 6, then a summary table:
#   start-up      startup.sh: Hello with no agent, an empty agent and Tether, on each JDK of jdks.sh
#   first spawn   FirstSpawn: a fresh JVM's first start() + waitFor(), without and with the agent,
#                 on each JDK
#   steady spawn  SpawnLatency (JMH): ProcessBuilder("/bin/true").start().waitFor(), without and with
#   spawn cost    SpawnCost: the same spawn, protected vs left alone (opt-out) vs left alone through the
#                 launcher, alternated spawn by spawn in one JVM with the agent; again without it (control)
#   shutdown      Shutdown: System.exit with 1,000 live groups until the JVM is gone; /proc must then
#                 show every one of them gone; then SIGTERM with 1,000 children on the JDK's default
#                 pipes, quiet and with 4 busy loops, against the JDK's own exit with the same
#                 children (left running) and the program ending them itself (destroy, waitFor)
#
# usage: [TETHER_AGENT_JAR=<jar>] benchmark/run.sh [--long]
#   TETHER_AGENT_JAR  measure another build of the agent (say, the last release's, right before or
#            after this one, to compare two builds on the same day), default agent/target/tether-agent.jar
#   default  start-up 40 runs per variant, first spawn 20, JMH 5 pairs of forks x 5 iterations of 1 s after
#            3 warm-up iterations, spawn cost 2,000 rounds after 15 s, shutdown 3 runs: about 6 minutes
#            on 2 cores
#   --long   start-up 100, first spawn 50, JMH 9 pairs of forks x 10 iterations of 2 s after 5, spawn cost
#            5,000 rounds, shutdown 5
# The jars are built (mvn -B -q -DskipTests package) only if one is missing: rebuild by hand after a
# change. JMH and shutdown run on the first JDK of jdks.sh (the java on PATH; JDKS="..." to choose).
# The whole output also goes to benchmark/target/run-<time>.log.
#
# Every process started here carries TETHER_BENCHMARK_RUN=<this run> in its environment. At exit,
# also after a failure or Ctrl-C, whatever still carries it is killed: a benchmark that fails half-way
# can leave JVMs or a thousand sleeps behind, and timings taken next to them mean nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source benchmark/jdks.sh

startup_runs=40 first_runs=20 jmh=(--forks 5 --iterations 5 --warmup 3 --seconds 1) cost_rounds=2000 shutdown_runs=3
case "${1:-}" in
    "") ;;
    --long) startup_runs=100 first_runs=50 jmh=(--forks 9 --iterations 10 --warmup 5 --seconds 2) cost_rounds=5000
        shutdown_runs=5 ;;
    *) echo "usage: benchmark/run.sh [--long]" >&2; exit 2 ;;
esac

export TETHER_BENCHMARK_RUN="$$-$RANDOM$RANDOM"
mark="TETHER_BENCHMARK_RUN=$TETHER_BENCHMARK_RUN"

# Kills every process whose environment has our mark; again until none is left, since a JVM being
# killed may still have been starting children. The mark is unexported first, so the sweep's own
# grep and cut do not carry it.
sweep() {
    local round pids
    export -n TETHER_BENCHMARK_RUN
    for round in 1 2 3 4 5; do
        pids=$(grep -lzxF "$mark" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -vx "$$" || true)
        [[ -z $pids ]] && return 0
        echo "run.sh: killing $(wc -w <<<"$pids") process(es) left behind" >&2
        kill -KILL $pids 2>/dev/null || true
        sleep 0.2
    done
}
trap sweep EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

jar=benchmark/target/tether-benchmark.jar
agent=$(realpath "${TETHER_AGENT_JAR:-agent/target/tether-agent.jar}")
export TETHER_AGENT_JAR=$agent
for needed in agent/target/tether-agent.jar "$jar" benchmark/target/tether-benchmark-empty-agent.jar; do
    if [[ ! -e $needed ]]; then
        echo "== building ($needed is missing): mvn -B -q -DskipTests package =="
        mvn -B -q -DskipTests package
        break
    fi
done
mapfile -t jdks < <(list_jdks)
log=benchmark/target/run-$(date +%Y%m%d-%H%M%S).log
: >"$log"

failed=()
# step NAME COMMAND...: runs it with its output on the terminal and in the log; a failure is
# remembered and the next benchmark still runs. In the background with `wait`, because bash runs a
# trap only once the foreground command has ended: Ctrl-C would otherwise wait for a whole benchmark.
step() {
    local name=$1
    shift
    echo -e "\n== $name ==" | tee -a "$log"
    ("$@" 2>&1 | tee -a "$log") &
    if ! wait $!; then failed+=("$name"); fi
}

echo "agent: $agent ($(sha256sum "$agent" | cut -c1-12))" | tee -a "$log"
step "start-up" benchmark/startup.sh "$startup_runs"
for java in "${jdks[@]}"; do
    step "first spawn, JDK $(jdk_major "$java")" "$java" -Dtether.agent="$agent" -cp "$jar" dev.tether.benchmark.spawn.FirstSpawn --runs "$first_runs"
done
step "steady spawn (JMH)" "${jdks[0]}" -Dtether.agent="$agent" -cp "$jar" dev.tether.benchmark.spawn.SpawnLatency "${jmh[@]}"
step "spawn cost, one JVM" "${jdks[0]}" -Dtether.agent="$agent" -cp "$jar" dev.tether.benchmark.spawn.SpawnCost --rounds "$cost_rounds"
step "shutdown" "${jdks[0]}" -Dtether.agent="$agent" -cp "$jar" dev.tether.benchmark.shutdown.Shutdown --runs "$shutdown_runs"
step "shutdown, piped, SIGTERM" "${jdks[0]}" -Dtether.agent="$agent" -cp "$jar" dev.tether.benchmark.shutdown.Shutdown --runs "$shutdown_runs" \
    --piped --sigterm
step "shutdown, piped, SIGTERM, busy" "${jdks[0]}" -Dtether.agent="$agent" -cp "$jar" dev.tether.benchmark.shutdown.Shutdown \
    --runs "$shutdown_runs" --piped --sigterm --busy 4

# ---- Summary, from the RESULT lines. ----
declare -A result
while read -r _ key value _; do result[$key]=$value; done < <(grep '^RESULT ' "$log")
get() { echo "${result[$1]:--}"; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%+.1f", a - b }'; }
row() { printf '%-28s %10s %12s %10s %15s   %s\n' "$@"; }

{
    echo
    echo "== summary: medians; $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
        "Linux $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg) =="
    row "" "no agent" "empty agent" "tether" "tether-no agent" "target"
    for java in "${jdks[@]}"; do
        v=$(jdk_major "$java")
        row "start-up, JDK $v (ms)" "$(get startup.$v.none)" "$(get startup.$v.empty)" "$(get startup.$v.tether)" \
            "$(minus "$(get startup.$v.tether)" "$(get startup.$v.none)")" "at most +40"
    done
    for java in "${jdks[@]}"; do
        v=$(jdk_major "$java")
        row "first spawn, JDK $v (ms)" "$(get firstspawn.$v.none)" "" "$(get firstspawn.$v.tether)" \
            "$(minus "$(get firstspawn.$v.tether)" "$(get firstspawn.$v.none)")" "aim: at most +100"
        row "  its thread's CPU (ms)" "$(get firstspawn.$v.cpu.none)" "" "$(get firstspawn.$v.cpu.tether)" \
            "$(minus "$(get firstspawn.$v.cpu.tether)" "$(get firstspawn.$v.cpu.none)")" "the thread's CPU time"
    done
    row "steady spawn (us/op)" "$(get spawn.none)" "" "$(get spawn.tether)" \
        "$(printf '%+.1f' "$(get spawn.difference)" 2>/dev/null || echo -)" "at most +60 (median of paired forks)"
    row "  floor: launcher's exec" "" "" "" "$(printf '%+.1f' "$(get spawn.floor)" 2>/dev/null || echo -)" \
        "one extra exec, no agent, same JVM"
    row "spawn cost, one JVM (us)" "" "" "" "$(printf '%+.1f' "$(get spawncost.tether.cost)" 2>/dev/null || echo -)" \
        "at most +60 (median, protected - alone)"
    row "  floor: launcher's exec" "" "" "" "$(printf '%+.1f' "$(get spawncost.tether.floor)" 2>/dev/null || echo -)" \
        "launcher - alone, same rounds"
    row "  control: no agent" "" "" "" "$(printf '%+.1f' "$(get spawncost.control.cost)" 2>/dev/null || echo -)" \
        "the method's own error (should be 0)"
    row "shutdown, 1000 groups (ms)" "$(get shutdown.none)*" "" "$(get shutdown.tether)" "" \
        "under 200; survivors: $(get shutdown.survivors | cut -d. -f1)"
    for load in "" ".busy"; do
        row "piped SIGTERM${load:+, busy} (ms)" "$(get shutdown.piped$load.sigterm.none)*" "" \
            "$(get shutdown.piped$load.sigterm.tether)" "" \
            "ended by the JDK itself: $(get shutdown.piped$load.sigterm.destroyed) ms"
    done
    echo "* the JVM's exit with the same 1,000 children and no agent (they survive it);" \
        "with no child at all: $(get shutdown.floor) ms"
    echo "agent: $agent"
    echo "log: $log"
} | tee -a "$log"

if ((${#failed[@]})); then
    echo "FAILED: ${failed[*]}" >&2
    exit 1
fi
