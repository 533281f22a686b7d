#!/bin/sh
# build-third-party.sh - libseccomp, libcap-ng, inih and BearSSL as static
# musl libraries, from Debian 12's own source packages, for `make release`.
#
#   packaging/build-third-party.sh [OUTDIR]     (default build/third_party)
#
# Result: OUTDIR/musl/include and
# OUTDIR/musl/lib/{libseccomp,libcap-ng,libinih,libbearssl}.a
# Idempotent: a library already in OUTDIR/musl/lib is not rebuilt; the
# sources are fetched once into OUTDIR/src (never committed).
#
# Needs: musl-tools, dpkg-dev (apt-get source), make, and deb-src lines for
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
JOBS=${JOBS:-2}
CC=${MUSL_CC:-musl-gcc}
CPPFLAGS_TP="-isystem $KINC"
CFLAGS_TP="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables"
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)

say() { echo "build-third-party: $*" >&2; }

command -v "$CC" >/dev/null || { say "$CC not found (apt-get install musl-tools)"; exit 1; }

# Kernel headers only, through a directory of symlinks: putting
# /usr/include itself on the path would let glibc's headers shadow musl's.
if [ ! -e "$KINC/asm" ]; then
	say "kernel headers: $KINC -> /usr/include/{linux,asm-generic,$MULTIARCH/asm}"
	mkdir -p "$KINC"
	ln -sfn /usr/include/linux "$KINC/linux"
	ln -sfn /usr/include/asm-generic "$KINC/asm-generic"
	ln -sfn "/usr/include/$MULTIARCH/asm" "$KINC/asm"
fi
mkdir -p "$SRC" "$PREFIX/lib" "$PREFIX/include"

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

# autotools_build DIR [CONFIGURE ARGS]: configure out of tree, static only.
autotools_build() {
	dir=$1
	shift
	b=$dir/_musl
	mkdir -p "$b"
	say "configure $(basename "$dir") (CC=$CC, static)"
	(cd "$b" && CC="$CC" CPPFLAGS="$CPPFLAGS_TP" CFLAGS="$CFLAGS_TP" ../configure -q --prefix="$PREFIX" \
		--enable-static --disable-shared "$@" >/dev/null)
}

build_seccomp() {
	[ -f "$PREFIX/lib/libseccomp.a" ] && { say "libseccomp.a: cached"; return 0; }
	d=$(fetch libseccomp)
	autotools_build "$d" --disable-python
	say "make libseccomp"
	make -s -C "$d/_musl/src" -j"$JOBS" >/dev/null
	make -s -C "$d/_musl/src" install >/dev/null
	make -s -C "$d/_musl/include" install >/dev/null
}

build_capng() {
	[ -f "$PREFIX/lib/libcap-ng.a" ] && { say "libcap-ng.a: cached"; return 0; }
	d=$(fetch libcap-ng)
	autotools_build "$d" --without-python --without-python3
	say "make libcap-ng"
	make -s -C "$d/_musl/src" -j"$JOBS" libcap-ng.la >/dev/null
	make -s -C "$d/_musl/src" install-libLTLIBRARIES install-includeHEADERS >/dev/null
	rm -f "$PREFIX/lib/libdrop_ambient.a" "$PREFIX/lib/libdrop_ambient.la"
}

# inih: Debian's libinih.a is plain C calling only libc functions that musl
# also has (fopen64, fgets, __ctype_b_loc, ...), so it links as it is.  Set
# INIH_FROM_SOURCE=1 to build it from `apt-get source libinih` instead.
build_inih() {
	[ -f "$PREFIX/lib/libinih.a" ] && { say "libinih.a: cached"; return 0; }
	if [ "${INIH_FROM_SOURCE:-0}" != 1 ] && [ -f "/usr/lib/$MULTIARCH/libinih.a" ]; then
		say "libinih.a: Debian's /usr/lib/$MULTIARCH/libinih.a, as it is"
		cp "/usr/lib/$MULTIARCH/libinih.a" "$PREFIX/lib/libinih.a"
		cp /usr/include/ini.h "$PREFIX/include/ini.h"
		return 0
	fi
	d=$(fetch libinih)
	say "cc inih (CC=$CC)"
	$CC $CPPFLAGS_TP $CFLAGS_TP -c "$d/ini.c" -o "$d/ini.musl.o"
	ar rcs "$PREFIX/lib/libinih.a" "$d/ini.musl.o"
	cp "$d/ini.h" "$PREFIX/include/ini.h"
}

# ---- BearSSL (TLS for https://, rediss://, grpcs://; issue 14) -------------
# A self-contained block: Debian's source package `bearssl` (0.6 in Debian
# 12), built with its own makefiles (conf/Unix.mk) and only the `lib`
# target: no shared library, no tools, no tests.  CC and CFLAGS are given
# on make's command line, so they replace Unix.mk's (no -fPIC: the library
# goes into a static binary).  BUILD=_musl keeps the objects out of the
# source's own build/ directory.  Headers go to musl/include/ as bearssl.h
# and bearssl_*.h, so <bearssl.h> names the same API as Debian's
# libbearssl-dev for the glibc build.
build_bearssl() {
	[ -f "$PREFIX/lib/libbearssl.a" ] && { say "libbearssl.a: cached"; return 0; }
	d=$(fetch bearssl)
	say "make bearssl (CC=$CC, static library only)"
	make -s -C "$d" -j"$JOBS" CONF=Unix BUILD=_musl CC="$CC" AR=ar \
		CFLAGS="$CPPFLAGS_TP $CFLAGS_TP" lib >/dev/null
	cp "$d/_musl/libbearssl.a" "$PREFIX/lib/libbearssl.a"
	cp "$d"/inc/bearssl*.h "$PREFIX/include/"
}
# ---- end of BearSSL ---------------------------------------------------------

build_seccomp
build_capng
build_inih
build_bearssl
say "done: $PREFIX/lib: $(cd "$PREFIX/lib" && ls -- *.a | tr '\n' ' ')"
