// usertests: the declarations its files share (user/usertests/*.c build
// one program, _usertests). Each file holds one concern: helpers.c the
// checking and helpers every test uses, files.c, pipes.c, procs.c,
// memory.c, badargs.c and exec.c the tests, main.c the table and driver.
//
// usertests: a test suite for the kernel, run from the shell.
//
//   usertests          run every test
//   usertests NAME     run only the test called NAME
//
// Each test is a function run in a child process of its own, so a test
// that crashes, or is killed by the kernel on purpose, takes nothing else
// with it. The child exits 0 if every check held; on the first check that
// fails it prints what and where, and exits 1. The parent prints one line,
// "test NAME: OK" or "test NAME: FAILED", once the child is gone (so that
// kernel messages printed while the test runs never split that line), and
// at the end "ALL TESTS PASSED" or "SOME TESTS FAILED".
//
// Around the whole run the parent counts the free memory pages, the way
// xv6 does: a child grows its heap until the kernel says no. Every test
// gives back what it took, so the two counts must match; a difference
// means the kernel lost pages.
//
// Invariants: every check compares against one exact expected outcome;
// every test removes the files it makes, and copes with leftovers from a
// run that crashed; and no test leaves a process behind, so the final
// page count sees all memory returned.
#ifndef USERTESTS_H
#define USERTESTS_H

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/fs/file.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "user/user.h"
#include "user/testlib.h"

#define SBRK_FAIL ((char *)-1)

// The program the exec tests run. mkfs puts every program in the root
// directory; the absolute path works whatever the current directory.
#define ECHO "/echo"

#define OPEN(name, mode) xopen(name, mode, __LINE__)

// helpers.c
extern char buf[8192];
int reap(int pid);
void reap_all_ok(int n);
int run_child(void (*fn)(void));
int child_status(void (*fn)(void));
int xopen(const char *name, int mode, int line);
void put_file(const char *name, const void *data, int n);
int get_file(const char *name, char *out, int max);
struct stat stat_of(const char *name);
char *numname(char *out, const char *prefix, int i);
void align_heap(void);
char *heap_end(void);
extern volatile char * fault_addr;
void read_fault_addr(void);
void write_fault_addr(void);
void call_fault_addr(void);
int grab_all_pages(void);
void release_pages(int n);
void gate_open(void);
void gate_wait(void);
void gate_release(int n);

// files.c: file tests
void t_smallfile(void);
void t_bigfile(void);
void t_truncate(void);
void t_manyfiles(void);
void t_unlinkopen(void);
void t_link(void);
void t_dir(void);
void t_nested(void);
void t_dotdot(void);
void t_longpath(void);
void t_dirsiz(void);
void t_fdlimit(void);
void t_exitclose(void);
void t_badfd(void);
void t_dup(void);
void t_sharedfd(void);
void t_concfiles(void);
void t_fsrace(void);
void t_churn(void);
void t_bigdir(void);
void t_mknod(void);
void t_openmodes(void);
void t_iputcwd(void);

// pipes.c: pipe tests
void t_pipedata(void);
void t_pipemany(void);
void t_pipeclosed(void);
void t_pipebad(void);

// procs.c: process tests
void t_forkexit(void);
void t_forkmany(void);
void t_wait(void);
void t_waitbad(void);
void t_getpid(void);
void t_kill(void);
void t_orphan(void);
void t_forkfork(void);

// memory.c: memory tests
void t_sbrkbasic(void);
void t_sbrkfreed(void);
void t_sbrkhuge(void);
void t_rmcwd(void);
void t_sbrkbelow0(void);
void t_sbrkfail(void);
void t_stackguard(void);
void t_textwrite(void);
void t_kernmem(void);

// badargs.c: bad system-call arguments
void t_copyinout(void);
void t_endofmem(void);
void t_badlen(void);
void t_badsyscall(void);

// exec.c: exec tests
void t_exec(void);
void t_execconc(void);
void t_pause(void);
void t_counters(void);

#endif
