#!/usr/bin/env bash
# An aarch64 JDK 17 that runs here under qemu-user, for AArch64JvmIT (the agent's aarch64 tools in
# a real aarch64 JVM): Debian's openjdk-17-jre-headless:arm64 and the libraries it loads, unpacked
# (not installed) into DIR/root, and qemu-aarch64-static registered with binfmt_misc, so that the
# JVM's own spawns of aarch64 programs (the launcher, the keeper) run too. Needs root and Debian's
# archive; idempotent. Usage: build/aarch64-jdk.sh [DIR] (default /opt/tether-aarch64-jdk).
# Exit codes: 0 ready; 1 something is missing (said on stderr): the IT then skips, saying why.
set -euo pipefail
dir=${1:-/opt/tether-aarch64-jdk}
java=$dir/root/usr/lib/jvm/java-17-openjdk-arm64/bin/java
packages=(openjdk-17-jre-headless libc6 libstdc++6 libgcc-s1 zlib1g)

if [ ! -x "$java" ]; then
    dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
    apt-get update -q
    mkdir -p "$dir/debs" "$dir/root"
    chown _apt "$dir/debs" 2>/dev/null || true  # apt downloads as _apt where that user may write
    (cd "$dir/debs" && apt-get download -q "${packages[@]/%/:arm64}")
    for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir/root"; done
fi

# binfmt_misc: the kernel runs an aarch64 ELF through qemu; F opens the interpreter now, so it works
# in any mount namespace later (the kernel's Documentation/admin-guide/binfmt-misc.rst).
misc=/proc/sys/fs/binfmt_misc
[ -e $misc/register ] || mount -t binfmt_misc binfmt_misc $misc
if [ ! -e $misc/qemu-aarch64 ]; then
    qemu=$(command -v qemu-aarch64-static)
    printf '%s' ':qemu-aarch64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:'"$qemu"':F' > $misc/register
fi
grep -qx enabled $misc/qemu-aarch64

QEMU_LD_PREFIX=$dir/root "$java" -version
