#!/usr/bin/env bash
# JVM start-up with and without Tether: `java -cp benchmark/target/classes ...Hello` with no agent,
# with an empty agent (a premain that does nothing: the floor of any -javaagent) and with
# agent/target/tether-agent.jar. The three run in turn, RUNS times, so a busy machine's drift
# spreads over all of them; medians. On each JVM of list_jdks (jdks.sh).
#
# usage: benchmark/startup.sh [RUNS]        (default 40)
# Prints "RESULT startup.<jdk>.<none|empty|tether> <ms> ms" lines for run.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/benchmark/jdks.sh"
runs=${1:-40}

classes=$root/benchmark/target/classes
tether=${TETHER_AGENT_JAR:-$root/agent/target/tether-agent.jar}
empty=$root/benchmark/target/tether-benchmark-empty-agent.jar
for needed in "$classes/dev/tether/benchmark/startup/Hello.class" "$tether" "$empty"; do
    if [[ ! -e $needed ]]; then
        echo "startup.sh: $needed is missing; build first: mvn -B -q -DskipTests package" >&2
        exit 2
    fi
done

# Microseconds. Bash 5's EPOCHREALTIME costs no fork: $(date) would add ~1 ms to every sample.
if [[ -n ${EPOCHREALTIME:-} ]]; then
    now() { now=${EPOCHREALTIME//[!0-9]/}; }
else
    now() { now=$(( $(date +%s%N) / 1000 )); }
fi

# Runs one JVM (the command in $2...); appends its wall time in microseconds to the array named $1.
err=$(mktemp)
# Hello alone on the class path: target/classes also holds the empty agent's class, and the JVM
# would find that there, never opening the agent's jar, which any real agent's premain pays for.
hello_dir=$(mktemp -d)
trap 'rm -rf "$err" "$hello_dir"' EXIT
mkdir -p "$hello_dir/dev/tether/benchmark/startup"
cp "$classes/dev/tether/benchmark/startup/Hello.class" "$hello_dir/dev/tether/benchmark/startup/"
sample() {
    local -n into=$1
    shift
    now; local start=$now
    if ! "$@" </dev/null >/dev/null 2>"$err"; then
        echo "startup.sh: failed: $*" >&2
        cat "$err" >&2
        exit 1
    fi
    now
    into+=($(( now - start )))
}

median_ms() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}

while read -r java; do
    jdk=$(jdk_major "$java")
    hello=(-cp "$hello_dir" dev.tether.benchmark.startup.Hello)
    # One untimed round first: the page cache and CDS archive warm for all three alike.
    sample none "$java" "${hello[@]}"
    sample empty_agent "$java" "-javaagent:$empty" "${hello[@]}"
    sample with_tether "$java" "-javaagent:$tether" "${hello[@]}"
    none=() empty_agent=() with_tether=()
    for ((i = 0; i < runs; i++)); do
        sample none "$java" "${hello[@]}"
        sample empty_agent "$java" "-javaagent:$empty" "${hello[@]}"
        sample with_tether "$java" "-javaagent:$tether" "${hello[@]}"
    done
    m_none=$(median_ms "${none[@]}")
    m_empty=$(median_ms "${empty_agent[@]}")
    m_tether=$(median_ms "${with_tether[@]}")
    echo "start-up of Hello, JDK $jdk ($java), median of $runs runs each, ms:"
    awk -v n="$m_none" -v e="$m_empty" -v t="$m_tether" 'BEGIN {
        printf "  no agent     %7.1f\n", n
        printf "  empty agent  %7.1f  (%+.1f over no agent)\n", e, e - n
        printf "  tether       %7.1f  (%+.1f over no agent, %+.1f over the empty agent; target: at most +40 over no agent)\n", t, t - n, t - e
    }'
    echo "RESULT startup.$jdk.none $m_none ms"
    echo "RESULT startup.$jdk.empty $m_empty ms"
    echo "RESULT startup.$jdk.tether $m_tether ms"
done < <(list_jdks)
