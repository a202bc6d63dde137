// checkpoint PID PATH [-k]: write process PID's state to the image PATH
// (docs/checkpoint.md); -k kills PID once the image is written.
#include "kernel/types.h"
#include "user/user.h"

int main(int argc, char *argv[]) {
  int kill_it = argc == 4 && strcmp(argv[3], "-k") == 0;
  if (argc != 3 && !kill_it) {
    fprintf(2, "usage: checkpoint PID PATH [-k]\n");
    exit(1);
  }
  int pid = atoi(argv[1]);
  if (checkpoint(pid, argv[2], kill_it ? CKPT_KILL : 0) < 0) {
    // The kernel says only -1; these are the reasons it can have.
    fprintf(2, "checkpoint: pid %d: failed. Either: no such process; not yours to signal;\n"
               "  yourself; it has a pipe open (pipes cannot be checkpointed); it did not stop\n"
               "  within half a second (held up in the kernel); a file it uses has no name\n"
               "  (unlinked); or %s could not be written.\n",
            pid, argv[2]);
    exit(1);
  }
  printf("checkpoint: pid %d saved in %s%s\n", pid, argv[2], kill_it ? " (killed)" : "");
  exit(0);
}
