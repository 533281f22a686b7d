# muster - build, test, install.  `make deps` installs what a fresh Debian 12 needs.
VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     ?= build

CC        ?= cc
CSTD      := -std=c11 -D_GNU_SOURCE
WARN      := -Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -Wno-unused-parameter
CFLAGS    ?= -Os -g
# Every include is by path from the repository root: #include "hooks/wait/wait.h".
CPPFLAGS  += -I. -DMUSTER_VERSION='"$(VERSION)"'
# The one link line for the third-party libraries (size work: issue 6).
LIBS      := -lseccomp -linih

# `make release`: the same sources and LIBS, linked statically against musl
# and the third-party libraries packaging/build-third-party.sh builds with
# musl-gcc from Debian's source packages; -Os, sections, gc, stripped.
TP        := build/third_party
ifeq ($(RELEASE),1)
  CC      := musl-gcc
  CFLAGS  := -Os -flto -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
             -fno-unwind-tables
  CPPFLAGS += -isystem $(TP)/musl/include -isystem $(TP)/kernel-include
  LDFLAGS += -L$(TP)/musl/lib -Wl,--gc-sections -s -flto
  BUILD   := build/release
  LDSTATIC := -static
else ifeq ($(SANITIZE),1)
  CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDSTATIC :=
  BUILD   := build/asan
else ifeq ($(VALGRIND),1)
  # a plain dynamic build: valgrind replaces malloc only in a shared libc
  CFLAGS  := -O1 -g
  LDSTATIC :=
  BUILD   := build/dyn
else
  LDSTATIC := -static
endif

# conf/ -> hooks/ -> init/: every .c under them (two folder levels deep)
SRC_DIRS  := conf hooks hooks/* hooks/*/* init init/*
SRC_LIB   := $(sort $(wildcard $(addsuffix /*.c,$(SRC_DIRS))))
HDR_ALL   := $(wildcard $(addsuffix /*.h,$(SRC_DIRS)))
SRC_LIB   := $(filter-out init/main.c,$(SRC_LIB))
OBJ_LIB   := $(SRC_LIB:%.c=$(BUILD)/obj/%.o)
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FIX_SRC   := $(sort $(wildcard tests/fixtures/*.c))
FIX_BIN   := $(FIX_SRC:tests/fixtures/%.c=$(BUILD)/fixtures/%)
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_TIME ?= 30
FUZZ_RUNS ?=
# Debian's interpreter, where python3-pytest lives (not a pyenv one on PATH)
PYTHON    ?= /usr/bin/python3

# Debian 12 packages the build, the tests and the benchmarks need.
DEPS_BUILD := build-essential pkg-config libseccomp-dev libinih-dev file
DEPS_TEST  := libcmocka-dev python3 python3-pytest util-linux busybox-static runc valgrind \
              redis-server redis-tools postgresql postgresql-client iproute2 procps
DEPS_FUZZ  := clang libclang-rt-14-dev
DEPS_BENCH := tini dumb-init catatonit hyperfine wait-for-it curl
# make release / make deb (third-party sources: apt-get source, gperf for
# libseccomp); the packaging tests (man page rendering, example YAML).
DEPS_RELEASE := musl-tools dpkg-dev gperf
DEPS_PKGTEST := groff-base man-db python3-yaml
DEPS       := $(DEPS_BUILD) $(DEPS_TEST) $(DEPS_FUZZ) $(DEPS_BENCH) $(DEPS_RELEASE) \
              $(DEPS_PKGTEST)

.PHONY: all deps check unit integration soak demo fuzz bench install clean format fixtures \
	release deb man distclean FORCE

# The binary `make integration` tests and `make install` installs:
# MUSTER_BIN=build/release/muster for the release one.
MUSTER_BIN ?= $(BUILD)/muster

all: $(BUILD)/muster

$(BUILD)/obj/%.o: %.c $(HDR_ALL) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(CPPFLAGS) -c $< -o $@

$(BUILD)/libmuster.a: $(OBJ_LIB)
	@rm -f $@
	ar rcs $@ $^

# The release link also depends on the third-party libraries it links, so a
# rebuilt libseccomp or inih relinks it.
LINK_DEPS := $(if $(filter 1,$(RELEASE)),$(wildcard $(TP)/musl/lib/*.a))
$(BUILD)/muster: $(BUILD)/obj/init/main.o $(BUILD)/libmuster.a $(LINK_DEPS)
	$(CC) $(CFLAGS) $(LDFLAGS) $(LDSTATIC) -o $@ $(BUILD)/obj/init/main.o $(BUILD)/libmuster.a $(LIBS)

# A test may list linker --wrap flags (fault injection) in tests/unit/NAME.wrap.
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libmuster.a $(wildcard tests/unit/*.wrap)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -Wno-missing-prototypes $(CFLAGS) $(CPPFLAGS) -o $@ $< \
		$$(cat tests/unit/$*.wrap 2>/dev/null) $(BUILD)/libmuster.a -lcmocka $(LIBS)

$(BUILD)/fixtures/%: tests/fixtures/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -Wno-missing-prototypes -O2 -static -o $@ $<

fixtures: $(FIX_BIN)

# Installs only what is missing; a no-op on a machine that has it all.
deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$(echo $$missing | sed 's/^/ /')"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do $$t || fail=1; done; exit $$fail

# build/dyn/muster: the same sources, dynamic, for the valgrind leak tests
# of the setup path (test_valgrind.py).
integration: $(MUSTER_BIN) $(FIX_BIN) build/dyn/muster
	MUSTER=$(abspath $(MUSTER_BIN)) FIXTURES=$(abspath $(BUILD)/fixtures) \
		MUSTER_DYN=$(abspath build/dyn/muster) MUSTER_SANITIZE=$(SANITIZE) \
		$(PYTHON) -m pytest -q -p no:cacheprovider tests/integration

# The integration tests run against the release binary (issue 6); unit tests
# link cmocka, which Debian ships for glibc only.  `make integration` alone
# tests the quicker default build.  `make check SANITIZE=1` runs both against
# the ASan/UBSan build instead.
ifeq ($(SANITIZE),1)
CHECK_BIN := $(BUILD)/muster
else
CHECK_BIN := build/release/muster
endif
check: deps
	$(MAKE) unit
	$(MAKE) integration MUSTER_BIN=$(CHECK_BIN)

# Soak and storms (minutes, not part of check): 100k orphans, a 10k-signal
# storm, a minute of fork/exit with RSS and fds sampled.
soak: $(MUSTER_BIN) $(FIX_BIN)
	MUSTER=$(abspath $(MUSTER_BIN)) FIXTURES=$(abspath $(BUILD)/fixtures) MUSTER_SOAK=1 \
		$(PYTHON) -m pytest -q -p no:cacheprovider tests/integration/test_soak.py

demo: deps $(BUILD)/muster $(FIX_BIN)
	MUSTER=$(abspath $(BUILD)/muster) FIXTURES=$(abspath $(BUILD)/fixtures) sh tests/demo.sh

# The library once with the fuzzer's instrumentation, then one link per target.
FUZZ_CFLAGS := $(CSTD) -g -O1 -fsanitize=address,undefined $(CPPFLAGS)
FUZZ_OBJ    := $(SRC_LIB:%.c=build/fuzz/obj/%.o)
build/fuzz/obj/%.o: %.c $(HDR_ALL) Makefile
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

.SECONDARY: $(FUZZ_OBJ)
build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LIBS)

# Each target for FUZZ_TIME seconds, or for FUZZ_RUNS inputs with a fixed
# seed (the same every time: CI); a table of executions and crashes per
# target in build/fuzz/report.txt.  Fails if any target crashed.
fuzz: $(FUZZ_BIN)
	FUZZ_TIME=$(FUZZ_TIME) FUZZ_RUNS=$(FUZZ_RUNS) sh tests/fuzz/run.sh $(FUZZ_BIN)

bench: $(BUILD)/muster
	MUSTER=$(abspath $(BUILD)/muster) sh tests/bench/run

install: $(MUSTER_BIN)
	install -D -m 0755 $(MUSTER_BIN) $(DESTDIR)$(PREFIX)/bin/muster
	@if [ -f packaging/muster.1 ]; then \
		install -D -m 0644 packaging/muster.1 $(DESTDIR)$(PREFIX)/share/man/man1/muster.1; fi

# The static musl release binary (issue 6).  The third-party libraries are
# built once into $(TP)/ by packaging/build-third-party.sh.
$(TP)/.done: packaging/build-third-party.sh
	sh packaging/build-third-party.sh $(TP)
	@touch $@

ifneq ($(RELEASE),1)
build/release/muster: $(TP)/.done FORCE
	$(MAKE) --no-print-directory RELEASE=1 $@
endif
ifneq ($(VALGRIND),1)
build/dyn/muster: FORCE
	$(MAKE) --no-print-directory VALGRIND=1 SANITIZE= RELEASE= $@
endif

# The size promise of issue 6 is part of the build: over the limit fails.
# The file grows in 4 KiB steps (segments are page-aligned in the file): at
# 247,576 bytes (December 2026, libcap-ng gone) three steps are left.
# Levers, in order: trim code; -flto is on already; -Wl,-z,noseparate-code
# would save 8 KiB but map rodata and the ELF headers executable, which this
# hardening-minded binary avoids.
RELEASE_MAX := 262144
release: build/release/muster
	@file build/release/muster
	@size=$$(stat -c %s build/release/muster); \
	echo "build/release/muster: $$size bytes (limit $(RELEASE_MAX))"; \
	test $$size -le $(RELEASE_MAX) || { echo "release binary over $(RELEASE_MAX) bytes" >&2; exit 1; }

# The OPTIONS section of the man page, from the option table.
man: $(BUILD)/gen-man-options
	$(BUILD)/gen-man-options > $(BUILD)/man-options.roff
	sh packaging/update-man.sh packaging/muster.1 $(BUILD)/man-options.roff

$(BUILD)/gen-man-options: packaging/gen-man-options.c $(BUILD)/libmuster.a
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(CPPFLAGS) -o $@ $< $(BUILD)/libmuster.a

# A binary .deb of the release build: dpkg-buildpackage in a staged copy of
# the tree with packaging/debian/ as debian/ (plain debian/rules, no
# debhelper), reusing the third-party libraries and the release build
# already made (timestamps kept), so the package holds the tested binary.
DEB_STAGE := build/deb/muster-$(VERSION)
deb: build/release/muster
	rm -rf build/deb && mkdir -p $(DEB_STAGE)/build/third_party
	cp -rp Makefile LICENSE conf hooks init packaging $(DEB_STAGE)/
	cp -rp packaging/debian $(DEB_STAGE)/debian
	cp -rp $(TP)/musl $(TP)/kernel-include $(TP)/.done $(DEB_STAGE)/build/third_party/
	cp -rp build/release $(DEB_STAGE)/build/
	cd $(DEB_STAGE) && dpkg-buildpackage -b -us -uc
	@ls build/deb/*.deb

FORCE:

format:
	clang-format -i $(SRC_LIB) init/main.c $(HDR_ALL) $(wildcard tests/unit/*.c tests/fuzz/*.c tests/fixtures/*.c tests/bench/*.c)

# clean keeps build/third_party (the musl libraries: minutes and a network
# fetch to rebuild); distclean removes it too.
clean:
	@if [ -d build ]; then find build -mindepth 1 -maxdepth 1 ! -name third_party \
		-exec rm -rf {} +; fi

distclean:
	rm -rf build
