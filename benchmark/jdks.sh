# Sourced by startup.sh and run.sh: which JVMs the benchmarks run on.

# The java executables, one a line: $JDKS (space-separated) if set, else the java on PATH and
# /usr/lib/jvm/temurin-25*/bin/java if present (issue 6 sets its targets on JDK 17 and 25), each once.
list_jdks() {
    local candidates=() java seen=" "
    if [[ -n ${JDKS:-} ]]; then
        read -r -a candidates <<<"$JDKS"
    else
        candidates=("$(command -v java)" /usr/lib/jvm/temurin-25*/bin/java)
    fi
    for java in "${candidates[@]}"; do
        [[ -x $java ]] || continue
        local real
        real=$(readlink -f "$java")
        [[ $seen == *" $real "* ]] && continue
        seen+="$real "
        echo "$java"
    done
}

# The feature release of a java executable: 17, 25, ...
jdk_major() {
    "$1" -version 2>&1 | awk -F'"' 'NR == 1 { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]) }'
}
