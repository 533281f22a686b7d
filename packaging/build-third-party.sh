#!/bin/sh
# build-third-party.sh - libseccomp, inih and BearSSL as static
# musl libraries, from Debian 12's own source packages, for `make release`.
#
#   ARCH=x86_64|aarch64 packaging/build-third-party.sh [OUTDIR [WHAT...]]
#
# OUTDIR defaults to build/third_party; ARCH to the host's (uname -m).  A
# foreign ARCH cross-builds with Debian's ARCH-linux-musl-gcc (musl-dev:arm64
# ships aarch64-linux-musl-gcc and pulls in gcc-aarch64-linux-gnu).  WHAT is
# "release" (default: libseccomp, inih, BearSSL) or "cmocka" (the unit-test
# framework, for running the unit tests of a foreign ARCH under emulation).
#
# Result: OUTDIR/musl/include and
# OUTDIR/musl/lib/{libseccomp,libinih,libbearssl}.a,
# and OUTDIR/manifest: one line per library linked into muster, musl
# included, "NAME SOURCE-PACKAGE VERSION LICENCE [PATCH SHA256]", the Debian
# source version actually built and the patch muster applied to it, if any
# (the SBOM and `muster --version` are made from it).
# cmocka goes to OUTDIR/test/ and is not in the manifest.
# Idempotent: a library already built and recorded is not rebuilt; the
# sources are fetched once into OUTDIR/src (never committed).
#
# Needs: musl-dev for ARCH, dpkg-dev (apt-get source), make, and deb-src lines for
# bookworm; when there are none it adds /etc/apt/sources.list.d/
# muster-deb-src.sources, a deb-src copy of Debian 12's deb822
# debian.sources (same mirrors), and runs apt-get update, which needs root.
set -eu

OUT=${1:-build/third_party}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SRC=$OUT/src
PREFIX=$OUT/musl
KINC=$OUT/kernel-include
MANIFEST=$OUT/manifest
JOBS=${JOBS:-2}
HOST_ARCH=$(uname -m)
ARCH=${ARCH:-$HOST_ARCH}
case $ARCH in
x86_64) DEB_ARCH=amd64 ;;
aarch64) DEB_ARCH=arm64 ;;
*) echo "build-third-party: ARCH=$ARCH: x86_64 or aarch64" >&2; exit 1 ;;
esac
CC=${MUSL_CC:-$ARCH-linux-musl-gcc}
# a cross build names the target to configure, and archives with the
# target's ar (libtool's symbol index)
if [ "$ARCH" != "$HOST_ARCH" ]; then
	HOST_OPT=--host=$ARCH-linux-musl
	AR=$ARCH-linux-gnu-ar
	export AR RANLIB=$ARCH-linux-gnu-ranlib
else
	HOST_OPT=
	AR=ar
fi
CPPFLAGS_TP="-isystem $KINC"
# no build path in the objects (reproducible release builds)
CFLAGS_TP="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables \
-ffile-prefix-map=$OUT=."
MULTIARCH=$ARCH-linux-gnu

say() { echo "build-third-party: $*" >&2; }

command -v "$CC" >/dev/null || { say "$CC not found (apt-get install musl-dev:$DEB_ARCH)"; exit 1; }

# Kernel headers only, through a directory of symlinks: putting
# /usr/include itself on the path would let glibc's headers shadow musl's.
# A cross build takes them from the cross toolchain's tree
# (linux-libc-dev-arm64-cross), a native one from /usr/include.
if [ ! -e "$KINC/asm" ]; then
	if [ -d "/usr/$MULTIARCH/include/asm" ]; then
		linux=/usr/$MULTIARCH/include asm=/usr/$MULTIARCH/include/asm
	else
		linux=/usr/include asm=/usr/include/$MULTIARCH/asm
	fi
	say "kernel headers: $KINC -> $linux/{linux,asm-generic}, $asm"
	mkdir -p "$KINC"
	ln -sfn "$linux/linux" "$KINC/linux"
	ln -sfn "$linux/asm-generic" "$KINC/asm-generic"
	ln -sfn "$asm" "$KINC/asm"
fi
mkdir -p "$SRC" "$PREFIX/lib" "$PREFIX/include"

# record NAME SOURCE-PACKAGE VERSION LICENCE [PATCH SHA256]: NAME's line
# in the manifest (replacing an older one), once NAME is built; PATCH is
# the file (from the repository root) applied to the source package.
record() {
	touch "$MANIFEST"
	{ grep -v "^$1 " "$MANIFEST" || true; echo "$*"; } | LC_ALL=C sort >"$MANIFEST.new"
	mv "$MANIFEST.new" "$MANIFEST"
}

# recorded NAME FILE [END]: FILE is built and NAME is in the manifest (its
# line ending with END)
recorded() {
	[ -f "$2" ] && grep -qs "^$1 .*${3:-}\$" "$MANIFEST"
}

# dsc_version PKG: the Debian version of the source package PKG in $SRC
dsc_version() {
	sed -n 's/^Version: //p' "$(ls "$SRC/$1"_*.dsc | LC_ALL=C sort | tail -n 1)"
}

have_deb_src() {
	grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/
}

enable_deb_src() {
	have_deb_src && return 0
	sl=/etc/apt/sources.list.d
	# the machine's own mirrors, as deb-src: Debian 12's deb822 file or a
	# classic sources.list; deb.debian.org when neither is there
	if [ -f $sl/debian.sources ]; then
		f=$sl/muster-deb-src.sources
		sed "s/^Types:.*/Types: deb-src/" $sl/debian.sources >"$f"
	elif grep -qs '^deb ' /etc/apt/sources.list; then
		f=$sl/muster-deb-src.list
		sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >"$f"
	else
		f=$sl/muster-deb-src.sources
		cat >"$f" <<-'EOF'
		Types: deb-src
		URIs: http://deb.debian.org/debian
		Suites: bookworm bookworm-updates
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		EOF
	fi
	say "no deb-src lines: wrote $f, running apt-get update"
	apt-get update -qq
}

# fetch PKG: unpack Debian's source package (patches applied) into $SRC
# once; prints the source tree's path.
fetch() {
	d=$(find "$SRC" -maxdepth 1 -type d -name "$1-[0-9]*" | sort | tail -n 1)
	if [ -z "$d" ]; then
		enable_deb_src
		say "apt-get source $1"
		# stale or missing package lists: update once and retry
		(cd "$SRC" && apt-get source -qq "$1" >&2) ||
			{ apt-get update -qq && (cd "$SRC" && apt-get source -qq "$1" >&2); }
		d=$(find "$SRC" -maxdepth 1 -type d -name "$1-[0-9]*" | sort | tail -n 1)
	fi
	[ -n "$d" ] || { say "apt-get source $1 gave no tree"; exit 1; }
	echo "$d"
}

# autotools_build DIR CPPFLAGS [CONFIGURE ARGS]: configure out of tree,
# static only, with CPPFLAGS_TP and CPPFLAGS.
autotools_build() {
	dir=$1
	cppflags="$CPPFLAGS_TP $2"
	shift 2
	b=$dir/_musl
	rm -rf "$b" # configured afresh: no stale prefix or flags from an older tree
	mkdir -p "$b"
	say "configure $(basename "$dir") (CC=$CC, static)"
	# shellcheck disable=SC2086
	(cd "$b" && CC="$CC" CPPFLAGS="$cppflags" CFLAGS="$CFLAGS_TP" ../configure -q --prefix="$PREFIX" \
		$HOST_OPT --enable-static --disable-shared "$@" >/dev/null)
}

# libseccomp with muster's patch (packaging/libseccomp-one-arch.patch, its
# header says why): the syscall table holds only ARCH's column, in shorts
# (27 KB less in the x86_64 binary), and gperf finds a name through an
# array instead of a switch (8 KB less).  ARCH resolves every name and
# number as before, every other architecture nothing: muster's filters
# hold the native architecture only (a call of another one is killed,
# SCMP_FLTATR_ACT_BADARCH) and it resolves only SCMP_ARCH_NATIVE's names.
# The tree is unpacked afresh from the .dsc before the patch is applied,
# and the manifest line ends with the patch's name and SHA-256: the SBOM
# says what was modified, and a changed patch rebuilds the library.
SECCOMP_PATCH=$(cd "$(dirname "$0")" && pwd)/libseccomp-one-arch.patch
build_seccomp() {
	patch_sha=$(sha256sum "$SECCOMP_PATCH" | cut -d' ' -f1)
	recorded libseccomp "$PREFIX/lib/libseccomp.a" " packaging/libseccomp-one-arch.patch $patch_sha" &&
		{ say "libseccomp.a: cached"; return 0; }
	d=$(fetch libseccomp)
	dsc=$(ls "$SRC"/libseccomp_*.dsc | LC_ALL=C sort | tail -n 1)
	rm -rf "$d"
	(cd "$SRC" && dpkg-source -q -x "$dsc" "$d" >/dev/null 2>&1) || { say "dpkg-source -x $dsc failed"; exit 1; }
	say "patch libseccomp: $(basename "$SECCOMP_PATCH")"
	patch -s -p1 -d "$d" <"$SECCOMP_PATCH"
	autotools_build "$d" "-DSCMP_TABLE_ARCH=$ARCH" --disable-python
	say "make libseccomp (syscall table: $ARCH only)"
	SCMP_TABLE_ARCH=$ARCH make -s -C "$d/_musl/src" -j"$JOBS" >/dev/null
	make -s -C "$d/_musl/src" install >/dev/null
	make -s -C "$d/_musl/include" install >/dev/null
	record libseccomp libseccomp "$(dsc_version libseccomp)" LGPL-2.1-only \
		packaging/libseccomp-one-arch.patch "$patch_sha"
}

# inih: Debian's libinih.a for ARCH (libinih-dev:arm64 through multiarch)
# is plain C calling only libc functions that musl also has (fopen64, fgets,
# __ctype_b_loc, ...), so it links as it is, but for its unwind tables
# (.eh_frame, 316 bytes of the binary's rodata): nothing in muster unwinds
# (C, no C++ exceptions, no backtraces), and the other libraries are built
# without them, so the copy loses them (objcopy -R .eh_frame, idempotent,
# also on a cached copy).  Set INIH_FROM_SOURCE=1 to build it from
# `apt-get source libinih` instead.
# no_unwind_tables ARCHIVE: without .eh_frame, deterministic (-D); only
# when it has one, so a cached archive keeps its time
no_unwind_tables() {
	if "$ARCH-linux-gnu-objdump" -h "$1" | grep -q ' \.eh_frame '; then
		"$ARCH-linux-gnu-objcopy" -D -R .eh_frame "$1"
	fi
}

build_inih() {
	if recorded inih "$PREFIX/lib/libinih.a"; then
		say "libinih.a: cached"
		no_unwind_tables "$PREFIX/lib/libinih.a"
		return 0
	fi
	if [ "${INIH_FROM_SOURCE:-0}" != 1 ] && [ -f "/usr/lib/$MULTIARCH/libinih.a" ]; then
		say "libinih.a: Debian's /usr/lib/$MULTIARCH/libinih.a, without unwind tables"
		cp "/usr/lib/$MULTIARCH/libinih.a" "$PREFIX/lib/libinih.a"
		no_unwind_tables "$PREFIX/lib/libinih.a"
		cp /usr/include/ini.h "$PREFIX/include/ini.h"
		record inih libinih "$(dpkg-query -W -f='${source:Version}' "libinih-dev:$DEB_ARCH")" BSD-3-Clause
		return 0
	fi
	d=$(fetch libinih)
	say "cc inih (CC=$CC)"
	# shellcheck disable=SC2086
	$CC $CPPFLAGS_TP $CFLAGS_TP -c "$d/ini.c" -o "$d/ini.musl.o"
	rm -f "$PREFIX/lib/libinih.a"
	$AR rcsD "$PREFIX/lib/libinih.a" "$d/ini.musl.o"
	cp "$d/ini.h" "$PREFIX/include/ini.h"
	record inih libinih "$(dsc_version libinih)" BSD-3-Clause
}

# ---- BearSSL (TLS for https://, rediss://, grpcs://; issue 14) -------------
# A self-contained block: Debian's source package `bearssl` (0.6 in Debian
# 12), built with its own makefiles (conf/Unix.mk) and only the `lib`
# target: no shared library, no tools, no tests.  CC, AR and CFLAGS are
# given on make's command line, so they replace Unix.mk's (no -fPIC: the
# library goes into a static binary; -flto with gcc-ar, so that muster's
# LTO link sees through it: 1.4 KB less; ar D: a reproducible archive).
# BUILD=_musl keeps the objects out of the source's own build/ directory.
# Headers go to musl/include/ as bearssl.h and bearssl_*.h, so <bearssl.h>
# names the same API as Debian's libbearssl-dev for the glibc build.
build_bearssl() {
	recorded bearssl "$PREFIX/lib/libbearssl.a" && { say "libbearssl.a: cached"; return 0; }
	d=$(fetch bearssl)
	say "make bearssl (CC=$CC, static library only)"
	rm -rf "$d/_musl"
	make -s -C "$d" -j"$JOBS" CONF=Unix BUILD=_musl CC="$CC" AR="$ARCH-linux-gnu-gcc-ar" \
		ARFLAGS=rcsD CFLAGS="$CPPFLAGS_TP $CFLAGS_TP -flto" lib >/dev/null
	cp "$d/_musl/libbearssl.a" "$PREFIX/lib/libbearssl.a"
	cp "$d"/inc/bearssl*.h "$PREFIX/include/"
	record bearssl bearssl "$(dsc_version bearssl)" MIT
}
# ---- end of BearSSL ---------------------------------------------------------

# musl: linked in by the compiler wrapper, from Debian's musl-dev for ARCH;
# recorded on every run, so the manifest names the musl installed now.
record_musl() {
	v=$(dpkg-query -W -f='${source:Version}' "musl-dev:$DEB_ARCH")
	[ -n "$v" ] || { say "musl-dev:$DEB_ARCH is not installed"; exit 1; }
	record musl musl "$v" MIT
}

# cmocka (tests only, not in the manifest): one C file from `apt-get
# source cmocka`, with the configuration cmake would find on Linux.
# Including its cmocka.h under musl needs -D_UINTPTR_T_DEFINED (it would
# typedef uintptr_t itself otherwise).
build_cmocka() {
	t=$OUT/test
	[ -f "$t/lib/libcmocka.a" ] && { say "libcmocka.a: cached"; return 0; }
	d=$(fetch cmocka)
	mkdir -p "$t/lib" "$t/include"
	say "cc cmocka (CC=$CC)"
	# shellcheck disable=SC2086
	$CC -std=gnu99 $CPPFLAGS_TP $CFLAGS_TP -D_UINTPTR_T_DEFINED -DHAVE_SIGNAL_H -DHAVE_INTTYPES_H \
		-DHAVE_STRINGS_H -DHAVE_SIGLONGJMP -DHAVE_STRSIGNAL -DHAVE_STRUCT_TIMESPEC \
		-DHAVE_CLOCK_REALTIME -DHAVE_GCC_THREAD_LOCAL_STORAGE -I"$d/include" \
		-c "$d/src/cmocka.c" -o "$d/cmocka.musl.o"
	$AR rcsD "$t/lib/libcmocka.a" "$d/cmocka.musl.o"
	cp "$d/include/cmocka.h" "$t/include/cmocka.h"
}

[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- release
for what in "$@"; do
	case $what in
	release)
		build_seccomp
		build_inih
		build_bearssl
		record_musl
		say "done: $PREFIX/lib: $(cd "$PREFIX/lib" && ls -- *.a | tr '\n' ' ')"
		;;
	cmocka) build_cmocka ;;
	*) say "$what: release or cmocka"; exit 1 ;;
	esac
done
