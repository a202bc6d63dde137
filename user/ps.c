// ps: one line per process: pid, state, name, and its pages: resident,
// shared with other processes (copy-on-write or text), and private; then
// the real uid that owns it.
#include "kernel/types.h"
#include "kernel/param.h"
#include "user/user.h"

static const char *state_name(int s) {
  switch (s) {
  case PS_SLEEPING:
    return "sleep";
  case PS_RUNNABLE:
    return "runble";
  case PS_RUNNING:
    return "run";
  case PS_ZOMBIE:
    return "zombie";
  }
  return "?";
}

int main(int argc, char *argv[]) {
  int pids[NPROC];
  int n = proclist(pids, NPROC);
  if (n < 0) {
    fprintf(2, "ps: proclist failed\n");
    exit(1);
  }
  // FILE: resident pages that are the page cache's (program text, mapped
  // files); they count in SHARED or PRIVATE too.
  printf("PID\tSTATE\tNAME\t\tRSS\tSHARED\tPRIVATE\tFILE\tUID\n");
  for (int i = 0; i < n; i++) {
    struct procstat ps;
    if (procstat(pids[i], &ps) < 0)
      continue; // exited since proclist
    printf("%d\t%s\t%s\t\t%ld\t%ld\t%ld\t%ld\t%d\n", ps.pid, state_name(ps.state), ps.name,
           ps.rss_pages, ps.shared_pages, ps.private_pages, ps.file_pages, ps.uid);
  }
  exit(0);
}
