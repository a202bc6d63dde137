// elftest: exec and spawn refuse every malformed ELF file.
//
// Each test takes a real program (echo) as bytes, breaks one thing in its
// headers, writes the result to a file and tries to run it twice: exec in
// a child (which must come back with -1: the child then exits 77, where a
// program that ran would exit with its own status or be killed), and
// spawn (which must return -1 and make no child). The runner
// (user/testlib.c) checks that the free frames come back, so a failed
// exec or spawn that leaked its half-built image fails the test too.
//
// usage: elftest [name]
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "kernel/proc/elf.h"
#include "user/user.h"
#include "user/testlib.h"

#define MAXPROG 65536
#define EXEC_FAILED 77
#define BAD "badelf"

static char prog[MAXPROG];
static int progsz;

static struct elfhdr *eh(void) { return (struct elfhdr *)prog; }

static struct proghdr *ph(int i) {
  return (struct proghdr *)(prog + eh()->phoff + i * sizeof(struct proghdr));
}

// The i'th loadable segment's header.
static struct proghdr *load(int i) {
  for (int k = 0; k < eh()->phnum; k++)
    if (ph(k)->type == ELF_PROG_LOAD && i-- == 0)
      return ph(k);
  fail("echo has too few loadable segments");
}

static void read_echo(void) {
  int fd = open("/echo", O_RDONLY);
  CHECK(fd >= 0);
  progsz = read(fd, prog, MAXPROG);
  close(fd);
  CHECK(progsz > (int)sizeof(struct elfhdr) && progsz < MAXPROG);
  CHECK(eh()->magic == ELF_MAGIC && eh()->phnum >= 2);
}

// Write the first n bytes of prog as BAD.
static void write_bad(int n) {
  int fd = open(BAD, O_CREATE | O_TRUNC | O_WRONLY);
  CHECK(fd >= 0);
  EXPECT(write(fd, prog, n), n);
  close(fd);
  EXPECT(chmod(BAD, 0755), 0); // new files are not executable
}

// BAD must not run, by exec or by spawn.
static void refused(void) {
  char *argv[] = {BAD, "ran", 0};
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(1); // a program that did run prints nothing
    exec(BAD, argv);
    exit(EXEC_FAILED);
  }
  int st;
  EXPECT(wait(&st), pid);
  EXPECT(st, EXEC_FAILED);
  EXPECT(spawn(BAD, argv, 0), -1);
  EXPECT(wait(0), -1); // and spawn left no child
  EXPECT(unlink(BAD), 0);
}

// Break prog with f, then check that the result is refused.
static void case_of(void (*f)(void), int n) {
  read_echo();
  f();
  write_bad(n ? n : progsz);
  refused();
}

// The program (prog, written as BAD) runs and exits 0.
static void runs(void) {
  char *argv[] = {BAD, 0};
  int pid = fork();
  if (pid == 0) {
    exec(BAD, argv);
    exit(EXEC_FAILED);
  }
  int st;
  EXPECT(wait(&st), pid);
  EXPECT(st, 0);
  EXPECT(unlink(BAD), 0);
}

// The untouched program runs: the harness around the cases works.
static void intact(void) {
  read_echo();
  write_bad(progsz);
  runs();
}

// A program whose segments do not sit at file offset = address mod 4096
// cannot have its pages mapped from the page cache: exec copies them
// instead (docs/pagecache.md), and it runs. Eight bytes go in before the
// first segment, and every segment's offset moves with them.
static void unaligned_offsets(void) {
  read_echo();
  int at = load(0)->off;
  CHECK(progsz + 8 < MAXPROG && at > (int)sizeof(struct elfhdr));
  memmove(prog + at + 8, prog + at, progsz - at);
  memset(prog + at, 0, 8);
  progsz += 8;
  for (int k = 0; k < eh()->phnum; k++)
    if (ph(k)->off >= at)
      ph(k)->off += 8;
  write_bad(progsz);
  // It must run right, not only exit 0: its words come back.
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(1);
    CHECK(open("elfout", O_CREATE | O_TRUNC | O_WRONLY) == 1);
    char *argv[] = {BAD, "copied", "pages", 0};
    exec(BAD, argv);
    exit(EXEC_FAILED);
  }
  int st;
  EXPECT(wait(&st), pid);
  EXPECT(st, 0);
  char out[32] = {0};
  int fd = open("elfout", O_RDONLY);
  CHECK(fd >= 0);
  EXPECT(read(fd, out, sizeof(out) - 1), 13);
  close(fd);
  CHECK(strcmp(out, "copied pages\n") == 0);
  EXPECT(unlink("elfout"), 0);
  EXPECT(unlink(BAD), 0);
}

static void f_magic(void) { prog[1] = 'X'; }
static void f_none(void) {}
static void f_phoff_past(void) { eh()->phoff = progsz + 8; }
static void f_phnum_past(void) { eh()->phnum = (progsz - eh()->phoff) / sizeof(struct proghdr) + 1; }
static void f_phoff_4g(void) { eh()->phoff += 0x100000000UL; }
static void f_phoff_wrap(void) { eh()->phoff = ~0UL - 16; }
static void f_phentsize(void) { eh()->phentsize = 32; }
static void f_off_4g(void) { load(0)->off += 0x100000000UL; }
static void f_off_past(void) { load(0)->off = progsz; }
static void f_filesz_past(void) { load(0)->filesz = progsz; load(0)->memsz = progsz; }
static void f_filesz_4g(void) {
  load(0)->filesz += 0x100000000UL;
  load(0)->memsz += 0x100000000UL;
}
static void f_off_wrap(void) { load(0)->off = ~0UL - 8; }
static void f_memsz_small(void) { load(0)->memsz = load(0)->filesz - 1; }
static void f_vaddr_wrap(void) { load(1)->vaddr = ~0UL - 0xfff; }
static void f_memsz_wrap(void) { load(1)->memsz = ~0UL - 0x10; }
static void f_vaddr_kernel(void) { load(1)->vaddr = 0x3fffffe000UL; }   // the trap frame
static void f_vaddr_high(void) { load(1)->vaddr = 0x8000000000UL; }     // past MAXVA
static void f_vaddr_unaligned(void) { load(1)->vaddr += 8; }
static void f_overlap(void) { load(1)->vaddr = load(0)->vaddr; }
static void f_descending(void) {
  struct proghdr t = *load(0);
  *load(0) = *load(1);
  *load(1) = t;
}
static void f_entry_outside(void) { eh()->entry = load(1)->vaddr + load(1)->memsz + 0x10000; }
static void f_no_load(void) {
  for (int k = 0; k < eh()->phnum; k++)
    ph(k)->type = 0;
}

static void t_magic(void) { case_of(f_magic, 0); }
static void t_empty(void) { case_of(f_none, 1); }
static void t_short_header(void) { case_of(f_none, sizeof(struct elfhdr) - 8); }
static void t_short_phdrs(void) { case_of(f_none, sizeof(struct elfhdr) + 20); }
static void t_phoff_past(void) { case_of(f_phoff_past, 0); }
static void t_phnum_past(void) { case_of(f_phnum_past, 0); }
static void t_phoff_4g(void) { case_of(f_phoff_4g, 0); }
static void t_phoff_wrap(void) { case_of(f_phoff_wrap, 0); }
static void t_phentsize(void) { case_of(f_phentsize, 0); }
static void t_off_4g(void) { case_of(f_off_4g, 0); }
static void t_off_past(void) { case_of(f_off_past, 0); }
static void t_off_wrap(void) { case_of(f_off_wrap, 0); }
static void t_filesz_past(void) { case_of(f_filesz_past, 0); }
static void t_filesz_4g(void) { case_of(f_filesz_4g, 0); }
static void t_truncated(void) {
  read_echo();
  case_of(f_none, load(0)->off + load(0)->filesz - 16);
}
static void t_memsz_small(void) { case_of(f_memsz_small, 0); }
static void t_vaddr_wrap(void) { case_of(f_vaddr_wrap, 0); }
static void t_memsz_wrap(void) { case_of(f_memsz_wrap, 0); }
static void t_vaddr_kernel(void) { case_of(f_vaddr_kernel, 0); }
static void t_vaddr_high(void) { case_of(f_vaddr_high, 0); }
static void t_vaddr_unaligned(void) { case_of(f_vaddr_unaligned, 0); }
static void t_overlap(void) { case_of(f_overlap, 0); }
static void t_descending(void) { case_of(f_descending, 0); }
static void t_entry_outside(void) { case_of(f_entry_outside, 0); }
static void t_no_load(void) { case_of(f_no_load, 0); }

static struct test tests[] = {
    {"intact", intact},
    {"unalignedoff", unaligned_offsets},
    {"magic", t_magic},
    {"empty", t_empty},
    {"shortheader", t_short_header},
    {"shortphdrs", t_short_phdrs},
    {"phoffpast", t_phoff_past},
    {"phnumpast", t_phnum_past},
    {"phoff4g", t_phoff_4g},
    {"phoffwrap", t_phoff_wrap},
    {"phentsize", t_phentsize},
    {"off4g", t_off_4g},
    {"offpast", t_off_past},
    {"offwrap", t_off_wrap},
    {"fileszpast", t_filesz_past},
    {"filesz4g", t_filesz_4g},
    {"truncated", t_truncated},
    {"memszsmall", t_memsz_small},
    {"vaddrwrap", t_vaddr_wrap},
    {"memszwrap", t_memsz_wrap},
    {"vaddrkernel", t_vaddr_kernel},
    {"vaddrhigh", t_vaddr_high},
    {"unaligned", t_vaddr_unaligned},
    {"overlap", t_overlap},
    {"descending", t_descending},
    {"entryoutside", t_entry_outside},
    {"noload", t_no_load},
};

int main(int argc, char *argv[]) {
  test_prog = "elftest";
  struct test_suite suite = {"ELF", tests, NELEM(tests), 1, 0, 0};
  exit(run_tests(&suite, argc, argv));
}
