#!/usr/bin/env bash
# Whether the build is reproducible: builds the agent jar from two copies of this working tree in two
# different directories (the same sources, nothing of target/) and compares the jars' SHA-256 sums.
# On a difference, lists the entries whose contents or times differ.
#
# usage: build/reproducible.sh [-o]    (-o: Maven offline, as when the build itself runs it)
#   MAVEN_REPO_LOCAL  the local repository to use (the calling build's), default Maven's own
# exit:  0 identical, 1 different, 2 a build failed
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
offline=()
[[ ${1:-} == -o ]] && offline=(-o)
[[ -n ${MAVEN_REPO_LOCAL:-} ]] && offline+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")

work=$(mktemp -d "${TMPDIR:-/tmp}/tether-reproducible.XXXXXX")
trap 'rm -rf "$work"' EXIT

build() {
    local dir=$1
    mkdir -p "$dir"
    # The working tree as it is (committed or not), without build output.
    (cd "$root" && tar --exclude=./.git --exclude='*/target' --exclude=./target -cf - .) | (cd "$dir" && tar -xf -)
    if ! (cd "$dir" && mvn -B -q "${offline[@]}" package -DskipTests -pl native,agent >"$dir.log" 2>&1); then
        echo "reproducible.sh: the build in $dir failed:" >&2
        tail -20 "$dir.log" >&2
        exit 2
    fi
}

build "$work/first"
build "$work/second-clone/elsewhere"
a=$work/first/agent/target/tether-agent.jar
b=$work/second-clone/elsewhere/agent/target/tether-agent.jar
sum_a=$(sha256sum <"$a" | cut -d' ' -f1)
sum_b=$(sha256sum <"$b" | cut -d' ' -f1)
echo "$sum_a  tether-agent.jar built in $work/first"
echo "$sum_b  tether-agent.jar built in $work/second-clone/elsewhere"
if [[ $sum_a == "$sum_b" ]]; then
    echo "reproducible: identical"
    exit 0
fi
echo "NOT reproducible; entries that differ (contents: name and CRC; then sizes and times to the second):" >&2
diff <(unzip -v "$a" | awk 'NR > 3 {print $8, $7}') <(unzip -v "$b" | awk 'NR > 3 {print $8, $7}') >&2 || true
diff <(unzip -Z -T "$a" | tail -n +2) <(unzip -Z -T "$b" | tail -n +2) | head -20 >&2 || true
exit 1
