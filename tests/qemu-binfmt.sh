#!/bin/sh
# qemu-binfmt.sh ARCH - make the kernel run ARCH's ELF binaries through
# qemu-user-static (binfmt_misc), as make check-arm64 needs: the emulated
# muster execs emulated workloads and fixtures, and runc starts it in a
# container.  Debian's qemu-user-static ships the handler's line in
# /usr/lib/binfmt.d/qemu-ARCH.conf (flag F: the interpreter is opened now,
# so it also works inside a container's root); systemd-binfmt loads it at
# boot, which a machine without systemd as PID 1 never does.  Registers it
# when the kernel has no handler yet (needs root); a no-op otherwise.
set -eu
arch=${1:?usage: qemu-binfmt.sh ARCH}
bm=/proc/sys/fs/binfmt_misc
conf=/usr/lib/binfmt.d/qemu-$arch.conf

[ -e "$bm/qemu-$arch" ] && exit 0
[ -r "$conf" ] || { echo "qemu-binfmt: $conf missing (apt-get install qemu-user-static)" >&2; exit 1; }
[ -e "$bm/register" ] || mount -t binfmt_misc binfmt_misc "$bm"
cat "$conf" >"$bm/register"
echo "qemu-binfmt: registered qemu-$arch: $(tr '\n' ' ' <"$bm/qemu-$arch")"
