// init: the first user process. It gives itself the console as fds 0, 1
// and 2 (which every later process inherits), then keeps a shell running
// on it forever.
//
// Invariant: init never exits, and it always has a wait() outstanding
// whenever it is not starting a shell, because the kernel hands every
// orphaned process to init and only init's wait() can free their zombies.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs/file.h"
#include "user/user.h"

static char *sh_argv[] = {"sh", 0};

// Open the console device as fd 0 and duplicate it onto fds 1 and 2. The
// device node is created on first boot if mkfs did not make one, open to
// every user (like /dev/tty), so that programs run as others can use it.
static void open_console(void) {
  if (open("console", O_RDWR) < 0) {
    mknod("console", CONSOLE, 0);
    chmod("console", 0666);
    if (open("console", O_RDWR) < 0)
      exit(1); // nowhere to even report the failure
  }
  dup(0); // stdout
  dup(0); // stderr
}

static int start_sh(void) {
  printf("init: starting sh\n");
  int pid = fork();
  if (pid < 0) {
    printf("init: fork failed\n");
    exit(1);
  }
  if (pid == 0) {
    exec("sh", sh_argv);
    printf("init: exec sh failed\n");
    exit(1);
  }
  return pid;
}

int main(void) {
  open_console();
  for (;;) {
    int sh = start_sh();
    // Reap until the shell itself is gone; the other pids are orphans
    // that were re-parented to us.
    for (;;) {
      int pid = wait(0);
      if (pid == sh)
        break;
      if (pid < 0) {
        printf("init: wait returned an error\n");
        exit(1);
      }
    }
  }
}
