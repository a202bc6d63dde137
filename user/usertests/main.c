// usertests: the table of tests and the driver that runs them (user/usertests/usertests.h
// says what the program does and how its files divide).
#include "user/usertests/usertests.h"

// ----------------------------------------------------------------- driver

static struct test tests[] = {
    {"smallfile", t_smallfile},
    {"bigfile", t_bigfile},
    {"truncate", t_truncate},
    {"manyfiles", t_manyfiles},
    {"unlinkopen", t_unlinkopen},
    {"link", t_link},
    {"dir", t_dir},
    {"nested", t_nested},
    {"dotdot", t_dotdot},
    {"longpath", t_longpath},
    {"dirsiz", t_dirsiz},
    {"fdlimit", t_fdlimit},
    {"exitclose", t_exitclose},
    {"badfd", t_badfd},
    {"dup", t_dup},
    {"sharedfd", t_sharedfd},
    {"concfiles", t_concfiles},
    {"fsrace", t_fsrace},
    {"churn", t_churn},
    {"bigdir", t_bigdir},
    {"mknod", t_mknod},
    {"openmodes", t_openmodes},
    {"iputcwd", t_iputcwd},
    {"pipedata", t_pipedata},
    {"pipemany", t_pipemany},
    {"pipeclosed", t_pipeclosed},
    {"pipebad", t_pipebad},
    {"forkexit", t_forkexit},
    {"forkmany", t_forkmany},
    {"wait", t_wait},
    {"waitbad", t_waitbad},
    {"getpid", t_getpid},
    {"kill", t_kill},
    {"orphan", t_orphan},
    {"forkfork", t_forkfork},
    {"sbrkbasic", t_sbrkbasic},
    {"sbrkfreed", t_sbrkfreed},
    {"sbrkhuge", t_sbrkhuge},
    {"sbrkbelow0", t_sbrkbelow0},
    {"rmcwd", t_rmcwd},
    {"sbrkfail", t_sbrkfail},
    {"stackguard", t_stackguard},
    {"textwrite", t_textwrite},
    {"kernmem", t_kernmem},
    {"copyinout", t_copyinout},
    {"endofmem", t_endofmem},
    {"badlen", t_badlen},
    {"badsyscall", t_badsyscall},
    {"exec", t_exec},
    {"execconc", t_execconc},
    {"pause", t_pause},
    {"counters", t_counters},
};

#define NTESTS (sizeof(tests) / sizeof(tests[0]))

// Run one test in a child; print its result line; 1 if it passed.
static int run(struct test *t) {
  int pid = fork();
  if (pid < 0) {
    printf("usertests: fork failed\n");
    exit(1);
  }
  if (pid == 0) {
    test_name = t->name;
    t->f();
    exit(0);
  }
  int status = 1;
  while (wait(&status) != pid)
    ;
  printf("test %s: %s\n", t->name, status == 0 ? "OK" : "FAILED");
  return status == 0;
}

// How many pages can a process still get? A child takes all it can and
// reports the count as its exit status.
static int countfree(void) {
  int pid = fork();
  if (pid < 0) {
    printf("usertests: fork failed\n");
    exit(1);
  }
  if (pid == 0) {
    int n = grab_all_pages();
    release_pages(n);
    exit(n);
  }
  int n = -1;
  while (wait(&n) != pid)
    ;
  return n;
}

// Orphans left by tests belong to init, which frees them a moment after
// they exit; give it a few chances before calling pages lost.
static int free_pages_returned(int before) {
  int after = countfree();
  for (int tries = 0; after != before && tries < 5; tries++) {
    pause(5);
    after = countfree();
  }
  if (after != before)
    printf("test freepages: FAILED -- lost some free pages (%d before, %d after)\n",
           before, after);
  return after == before;
}

int main(int argc, char *argv[]) {
  test_prog = "usertests";
  const char *only = argc > 1 ? argv[1] : 0;
  if (only) {
    int known = 0;
    for (int i = 0; i < NTESTS; i++)
      known |= strcmp(tests[i].name, only) == 0;
    if (!known) {
      fprintf(2, "usertests: no test called %s\n", only);
      return 1;
    }
  }

  printf("usertests starting\n");
  int free0 = countfree();
  int ok = 1;
  for (int i = 0; i < NTESTS; i++)
    if (only == 0 || strcmp(tests[i].name, only) == 0)
      ok &= run(&tests[i]);
  ok &= free_pages_returned(free0);

  printf("%s\n", ok ? "ALL TESTS PASSED" : "SOME TESTS FAILED");
  return ok ? 0 : 1;
}
