# calf: build the kernel, the user programs and the file-system image, and
# run them under QEMU.
#
#   make qemu              boot to a shell (CPUS=3, MEM=128M, BOOTARGS=...)
#   make test              the whole test suite (QEMU tests + host checks), on
#                          the LOCKCHECK kernel; KSAN=1: on the UBSan kernel;
#                          J=n workers, T=regex, LIST=1, LF=1 (docs/testing.md)
#   make qemu KSAN=1       (or LOCKCHECK=1) boot a checking kernel
#   make bench             benchmarks under -icount (docs/benchmarks.md)
#   make fuzz SEED=n ITERS=n   a system-call fuzz soak (docs/reliability.md)
#   make grade [LAB=cow] [RESULTS=results.json]   the autograder (docs/labs/)
#   make handout LAB=cow OUT=DIR                  a lab's student tree
#   make gradescope LAB=cow [EXTRA_USER=DIR] OUT=autograder.zip
#                          a Gradescope autograder (BUDGET=600 TEST_LIMIT=300)
#   make                   everything `make qemu` boots (kernel, fs.img)
#   make qemu-gdb / gdb    debug the kernel (see README.md)
#   make compile_commands.json   for clangd (installs bear)
#
# `make qemu`, `make test` (and qemu-gdb, grade, bench) first run
# scripts/deps.sh, which installs missing Debian packages, then do all
# their work in a sub-make. A make expands TOOLPREFIX, OBJDUMP and the rest
# from the tools it finds when it reads this file, which for the outer
# make is before deps.sh has installed them: so the outer make's recipes
# use none of them, and the work is in the NAME-run targets, which only
# the sub-make reaches (see "running" below).

# A bare `make` builds what `make qemu` boots, without booting it.
.DEFAULT_GOAL := all

CPUS ?= 3
MEM ?= 128M
BOOTARGS ?=
EXTRA_USER ?=

# --- toolchain -------------------------------------------------------------
ifndef TOOLPREFIX
TOOLPREFIX := $(shell for p in riscv64-unknown-elf- riscv64-linux-gnu- riscv64-elf-; do \
	if command -v $${p}gcc >/dev/null 2>&1; then echo $$p; exit 0; fi; done)
endif
QEMU ?= qemu-system-riscv64

CC = $(TOOLPREFIX)gcc
AS = $(TOOLPREFIX)gcc
LD = $(TOOLPREFIX)ld
OBJDUMP = $(TOOLPREFIX)objdump
NM = $(TOOLPREFIX)nm
OBJCOPY = $(TOOLPREFIX)objcopy
AR = $(TOOLPREFIX)ar
HOSTCC ?= gcc

COMMON_CFLAGS = -Wall -Werror -O2 -ggdb -fno-omit-frame-pointer -mcmodel=medany \
	-ffreestanding -fno-common -nostdlib -mno-relax -fno-pie -no-pie \
	-fno-stack-protector -I. -MMD -MP
KCFLAGS = -std=c11 $(COMMON_CFLAGS)
# User programs: gnu11, so xv6 lab programs that use GNU C build unchanged.
UCFLAGS = -std=gnu11 $(COMMON_CFLAGS)
# Programs written for xv6 (EXTRA_USER: instructors' and lab programs) build
# as they do on xv6, where printf's formats are not checked: calf's
# user/user.h checks them, and here a mismatch is a warning, not an error.
# calf's own programs keep them errors.
XV6_UCFLAGS = $(UCFLAGS) -Wno-error=format -Wno-error=format-extra-args \
	-Wno-error=format-zero-length
LDFLAGS = -z max-page-size=4096

# --- kernel ----------------------------------------------------------------
KSRCS := $(shell find kernel -name '*.c' -o -name '*.S' | sort)
KOBJS := $(patsubst %.c,%.o,$(patsubst %.S,%.o,$(KSRCS)))
KERNEL := kernel/kernel

# --- checking kernels (docs/reliability.md) ---------------------------------
# LOCKCHECK=1: the lock checker (kernel/lock/lockcheck.c, empty without
# it); `make test` boots this kernel. KSAN=1: the lock checker and UBSan,
# whose reports kernel/lib/ubsan.c (empty without KSAN) prints before it
# panics; `make test KSAN=1` runs the
# whole suite on it. Each is built from the same sources in its own
# directory (build/lockcheck/kernel, build/ksan/kernel, objects under
# build/*/obj): their objects have other flags, and a normal build must
# never link one of them by accident. `make qemu`, `make qemu-gdb` and
# `make fuzz` boot $(KERNEL), the one these flags choose; make bench
# measures kernel/kernel.
UBSAN_CHECKS := shift,integer-divide-by-zero,unreachable,vla-bound,null,signed-integer-overflow,$\
	bounds,alignment,object-size,bool,enum,pointer-overflow,builtin,nonnull-attribute,$\
	returns-nonnull-attribute
# Sub-makes of this Makefile get them from MAKEFLAGS; other programs'
# makes (the gradescope check's trees) must not inherit them.
unexport KSAN LOCKCHECK
ifeq ($(KSAN),1)
KVARIANT := ksan
else ifeq ($(LOCKCHECK),1)
KVARIANT := lockcheck
endif
KVARIANT_FLAGS.lockcheck := -DLOCKCHECK
KVARIANT_FLAGS.ksan := -DLOCKCHECK -DKSAN -fsanitize=$(UBSAN_CHECKS) -fno-sanitize-recover=all

ifndef KVARIANT
kernel/%.o: kernel/%.c
	$(CC) $(KCFLAGS) -c -o $@ $<

kernel/%.o: kernel/%.S
	$(CC) $(KCFLAGS) -D__ASSEMBLER__ -c -o $@ $<
else
KDIR := build/$(KVARIANT)
KERNEL := $(KDIR)/kernel
KOBJS := $(addprefix $(KDIR)/obj/,$(KOBJS))
KVCFLAGS := $(KCFLAGS) $(KVARIANT_FLAGS.$(KVARIANT))

# The flags, rewritten only when they change: a change rebuilds every object.
$(KDIR)/flags: FORCE
	@mkdir -p $(KDIR)
	@echo "$(KVCFLAGS)" | cmp -s - $@ || echo "$(KVCFLAGS)" > $@

$(KDIR)/obj/kernel/%.o: kernel/%.c $(KDIR)/flags
	@mkdir -p $(@D)
	$(CC) $(KVCFLAGS) -c -o $@ $<

$(KDIR)/obj/kernel/%.o: kernel/%.S $(KDIR)/flags
	@mkdir -p $(@D)
	$(CC) $(KVCFLAGS) -D__ASSEMBLER__ -c -o $@ $<

# The UBSan handlers themselves are not instrumented: a report from
# inside one would call it again.
$(KDIR)/obj/kernel/lib/ubsan.o: KVCFLAGS += -fno-sanitize=all
endif

$(KERNEL): $(KOBJS) kernel/kernel.ld
	$(LD) $(LDFLAGS) -T kernel/kernel.ld -o $@ $(KOBJS)
	$(OBJDUMP) -S $@ > $@.asm

# --- user programs ---------------------------------------------------------
# The user library is an archive, so a program links only the members it
# uses: the test runner (testlib) stays out of programs that are not tests,
# and the tree walks (tree) out of all but the container tools.
ULIB_OBJS := user/ulib.o user/usys.o user/printf.o user/umalloc.o user/testlib.o user/tree.o
ULIB_SRCS := user/ulib.c user/printf.c user/umalloc.c user/testlib.c user/tree.c
ULIB := user/ulib.a
# A program of several files is a folder, user/NAME/*.c, linked as user/_NAME
# (usertests: one file per concern).
UMULTI := $(patsubst user/%/,%,$(dir $(wildcard user/*/*.c)))
UPROGS := $(patsubst user/%.c,user/_%,$(filter-out $(ULIB_SRCS),$(wildcard user/*.c))) \
	$(addprefix user/_,$(sort $(UMULTI)))

user/%.o: user/%.c
	$(CC) $(UCFLAGS) -c -o $@ $<

user/usys.o: user/usys.S
	$(CC) $(UCFLAGS) -D__ASSEMBLER__ -c -o $@ $<

$(ULIB): $(ULIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $(ULIB_OBJS)

user/_%: user/%.o $(ULIB) user/user.ld
	$(LD) $(LDFLAGS) -T user/user.ld -o $@ $< $(ULIB)

.SECONDEXPANSION:
$(addprefix user/_,$(sort $(UMULTI))): user/_%: $$(addsuffix .o,$$(basename $$(wildcard user/$$*/*.c))) \
		$(ULIB) user/user.ld
	$(LD) $(LDFLAGS) -T user/user.ld -o $@ $(filter %.o,$^) $(ULIB)

# Instructors' extra programs: every DIR/*.c becomes build/extra/_NAME.
ifneq ($(EXTRA_USER),)
EXTRA_SRCS := $(wildcard $(EXTRA_USER)/*.c)
EXTRA_PROGS := $(patsubst $(EXTRA_USER)/%.c,build/extra/_%,$(EXTRA_SRCS))
build/extra/%.o: $(EXTRA_USER)/%.c
	@mkdir -p build/extra
	$(CC) $(XV6_UCFLAGS) -c -o $@ $<
build/extra/_%: build/extra/%.o $(ULIB) user/user.ld
	$(LD) $(LDFLAGS) -T user/user.ld -o $@ $< $(ULIB)
endif

# --- file system -----------------------------------------------------------
# The pure helpers both host tools share (and tests/host/ unit-tests).
MKFS_LIB = mkfs/diskfmt.c mkfs/dirrules.c
MKFS_LIB_H = mkfs/diskfmt.h mkfs/dirrules.h

mkfs/mkfs: mkfs/mkfs.c $(MKFS_LIB) $(MKFS_LIB_H) kernel/fs.h kernel/param.h kernel/stat.h kernel/types.h
	$(HOSTCC) -Wall -Werror -std=c11 -O2 -I. -o $@ mkfs/mkfs.c $(MKFS_LIB)

# The host file-system checker: mkfs/fsck fs.img (docs/fsck.md).
mkfs/fsck: mkfs/fsck.c $(MKFS_LIB) $(MKFS_LIB_H) kernel/fs.h kernel/param.h kernel/stat.h kernel/types.h
	$(HOSTCC) -Wall -Werror -std=c11 -O2 -I. -o $@ mkfs/fsck.c $(MKFS_LIB)

# The host checkpoint-image reader: mkfs/ckptdump IMAGE, or FS.IMG /PATH
# (docs/checkpoint.md).
mkfs/ckptdump: mkfs/ckptdump.c $(MKFS_LIB) $(MKFS_LIB_H) kernel/ckpt.h kernel/fs.h kernel/fcntl.h kernel/types.h
	$(HOSTCC) -Wall -Werror -std=c11 -O2 -I. -o $@ mkfs/ckptdump.c $(MKFS_LIB)

# fs.img gets copies without debug information (a file holds at most
# MAXFILE blocks); gdb reads the symbols from user/_NAME itself.
FSPROGS := $(addprefix build/fs/,$(notdir $(UPROGS) $(EXTRA_PROGS)))
build/fs/_%: user/_%
	@mkdir -p build/fs
	$(OBJCOPY) --strip-debug $< $@
ifneq ($(EXTRA_USER),)
build/fs/_%: build/extra/_%
	@mkdir -p build/fs
	$(OBJCOPY) --strip-debug $< $@
endif

# The list of programs, rewritten only when it changes: adding or dropping
# EXTRA_USER rebuilds fs.img even though no program file is newer.
build/fs.list: FORCE
	@mkdir -p build
	@echo "$(FSPROGS)" | cmp -s - $@ || echo "$(FSPROGS)" > $@

# The disk's README is README.md under xv6's name: xv6's programs open "README".
build/README: README.md
	@mkdir -p build
	cp README.md $@

fs.img: mkfs/mkfs build/README $(FSPROGS) build/fs.list
	mkfs/mkfs $@ build/README $(FSPROGS)

build: $(KERNEL) fs.img mkfs/fsck mkfs/ckptdump

-include $(KOBJS:.o=.d) user/*.d user/*/*.d

# --- running ---------------------------------------------------------------
QEMUOPTS = -machine virt -bios default -kernel $(KERNEL) -m $(MEM) -smp $(CPUS) \
	-nographic -global virtio-mmio.force-legacy=false \
	-drive file=fs.img,if=none,format=raw,id=x0 \
	-device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0
ifneq ($(BOOTARGS),)
QEMUOPTS += -append "$(BOOTARGS)"
endif
GDBPORT := $(shell sh scripts/gdbport.sh)

deps:
	@bash scripts/deps.sh

check-tools:
	@bash scripts/check-tools.sh "$(TOOLPREFIX)" "$(QEMU)"

# Each of these runs deps.sh, then itself as NAME-run in a fresh make,
# which detects the tools deps.sh may just have installed.
TOOL_TARGETS := all qemu qemu-gdb test grade bench fuzz
$(TOOL_TARGETS): deps
	@$(MAKE) --no-print-directory check-tools
	@$(MAKE) --no-print-directory $@-run

all-run: build

qemu-run: build
	$(QEMU) $(QEMUOPTS)

qemu-gdb-run: build
	@echo "*** QEMU is halted with a gdbstub on 127.0.0.1:$(GDBPORT)."
	@echo "*** In another terminal, in this directory, run: make gdb"
	$(QEMU) $(QEMUOPTS) -S -gdb tcp:127.0.0.1:$(GDBPORT)

gdb:
	gdb-multiarch -q -nx -x .gdbinit

# make test: every check, QEMU tests and host checks, under one runner:
# pytest with pytest-xdist (tests/conftest.py, docs/testing.md), on J
# workers (default: one per core). Tests that share images or recorded
# facts (the crash sweep) run in one worker, in order; the rest go to
# whichever worker is free, the longest first. J=1 runs them one at a time.
#   T=REGEX   only the tests whose name matches (and a suite named so)
#   LIST=1    list the tests      LF=1   rerun the ones that failed last
# Each test's log is tests/out/NAME.log; the run writes tests/out/junit.xml
# (JUnit, checked by the run itself) and tests/out/results.tap (TAP), and
# ends with the line `N passed, N failed`.
J ?= $(shell nproc 2>/dev/null || echo 2)
# Debian's python3, which sees Debian's pytest (a python3 first on PATH,
# such as a pyenv one, may not).
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
# --only=T as one word: pytest takes every word not starting with - for a
# path when it looks for its rootdir, and a long T= failed as "file name
# too long".
PYTEST_ARGS = -n $(if $(filter 1,$(J)),0,$(J)) --dist loadgroup \
	$(if $(T),--only='$(T)') $(if $(LF),--failed) $(if $(LIST),--collect-only -q) \
	--junitxml=tests/out/junit.xml
# The image for the tests carries tests/xv6compat (an xv6-style program,
# built as EXTRA_USER programs are) for the harness's xv6compat test.
# The suites boot a checking kernel: the LOCKCHECK one, or with KSAN=1 the
# KSAN one; the UBSan handler's own test always boots the KSAN kernel.
# The host checks that read the kernel (readpath, loops, gdb) read the
# normal kernel/kernel, the one make bench measures.
TEST_KERNEL := build/$(if $(filter 1,$(KSAN)),ksan,lockcheck)/kernel
# The builds run two jobs at a time whatever make test was started with:
# from a fresh clone they are some 30 s on one core.
test-run:
	@$(MAKE) -j2 --no-print-directory KSAN= LOCKCHECK= EXTRA_USER=tests/xv6compat build
	@$(MAKE) -j2 --no-print-directory KSAN=1 build/ksan/kernel
	@$(MAKE) -j2 --no-print-directory KSAN= LOCKCHECK=1 build/lockcheck/kernel
	KERNEL=$(TEST_KERNEL) KSAN_KERNEL=build/ksan/kernel OBJDUMP=$(OBJDUMP) NM=$(NM) \
		$(PYTHON) -m pytest $(PYTEST_ARGS)

# A fuzz soak (docs/reliability.md): user/fuzz SEED ITERS rounds on 4
# harts, then fsck on the image. make fuzz SEED=7 ITERS=200
SEED ?= 1
ITERS ?= 100
fuzz-run: build
	KERNEL=$(KERNEL) python3 -m tests.fuzz_soak --seeds $(SEED) --rounds $(ITERS)

# The autograder: lab specs in tests/labs/, hidden tests from EXTRA_USER.
grade-run: build
	python3 -m tests.grade $(if $(LAB),--lab $(LAB)) $(if $(RESULTS),--results $(RESULTS)) $(if $(JUNIT),--junit $(JUNIT)) \
		$(if $(EXTRA_USER),--extra $(EXTRA_USER))

handout:
	@test -n "$(LAB)" -a -n "$(OUT)" || { echo "usage: make handout LAB=cow OUT=DIR"; exit 2; }
	python3 scripts/handout.py $(LAB) $(OUT)

# A Gradescope autograder zip (docs/labs/README.md): BUDGET seconds for a
# whole run (Gradescope's timeout), TEST_LIMIT for any one test.
BUDGET ?= 600
TEST_LIMIT ?= 300
gradescope:
	@test -n "$(LAB)" -a -n "$(OUT)" || { echo "usage: make gradescope LAB=cow \
	[EXTRA_USER=DIR] OUT=autograder.zip [BUDGET=600] [TEST_LIMIT=300]"; exit 2; }
	python3 -m scripts.gradescope.bundle $(LAB) $(OUT) $(if $(EXTRA_USER),--extra $(EXTRA_USER)) \
		--budget $(BUDGET) --test-limit $(TEST_LIMIT)

# Benchmarks: QEMU with -icount shift=0,sleep=off (guest time counts
# instructions, so figures repeat exactly). See docs/benchmarks.md.
# The figures also become SVG charts beside docs/benchmarks.md, drawn with
# Debian's matplotlib (deps.sh installs it only for this target), which
# Debian's own Python imports: hence /usr/bin/python3, not the first on PATH.
PLOTPY ?= /usr/bin/python3
bench-run: build
	@bash scripts/deps.sh bench
	@{ python3 -m tests.bench; echo $$? > build/bench.status; } | tee build/bench.txt
	@test "$$(cat build/bench.status)" = 0
	$(PLOTPY) -m tests.plot_bench build/bench.txt docs

compile_commands.json:
	@bash scripts/deps.sh compdb
	$(MAKE) clean
	bear -- $(MAKE) build

clean:
	rm -f kernel/kernel kernel/kernel.asm fs.img mkfs/mkfs mkfs/fsck mkfs/ckptdump user/_* compile_commands.json
	find kernel user -name '*.o' -delete -o -name '*.d' -delete
	rm -rf build tests/out

.PHONY: FORCE deps check-tools $(TOOL_TARGETS) $(addsuffix -run,$(TOOL_TARGETS)) gdb handout \
	gradescope clean build compile_commands.json
.DELETE_ON_ERROR:
.SECONDARY:
