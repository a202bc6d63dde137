// container [-k DIR] [-u UID] IMAGE CMD [ARG...]: run CMD in a container
// made from the directory tree IMAGE (docs/containers.md).
//
//   1. clone:  DIR becomes a copy-on-write copy of IMAGE (tree_clone,
//              user/tree.c): new directories, every file a reflink, so the
//              copy costs per file, not per byte, and the image is never
//              written: whatever CMD writes lands in DIR's own blocks;
//   2. chroot: a child makes DIR its root and current directory, so every
//              path it names, absolute or with "..", stays inside DIR;
//   3. drop:   it gives up root for good (no groups, then gid, then uid:
//              after setuid the others could not be changed any more),
//              as user UID (default 100) in group UID; DIR itself is
//              made UID's, so CMD may write there, while the image's files
//              keep their owners and modes;
//   4. run:    it closes every fd but 0, 1 and 2 (an fd opened outside
//              the root would reach outside it) and execs CMD, looked up
//              in the new root, as the shell does ("cat" is "/cat").
// The parent waits for CMD and removes DIR, unless -k asked to keep it
// (then `rmtree DIR` throws it away). DIR defaults to /ctr.PID.
//
// Invariant: the exit status is CMD's (127 if it could not be started,
// 1 if the container could not be made); without -k no DIR is left.
#include "kernel/types.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/tree.h"

#define DEFAULT_UID 100

static void usage(void) {
  fprintf(2, "usage: container [-k DIR] [-u UID] IMAGE CMD [ARG...]\n");
  exit(1);
}

// "/ctr." and the decimal pid, in buf.
static void default_dir(char *buf) {
  char digits[12];
  int n = 0, pid = getpid();
  do {
    digits[n++] = '0' + pid % 10;
    pid /= 10;
  } while (pid > 0);
  strcpy(buf, "/ctr.");
  int len = strlen(buf);
  while (n > 0)
    buf[len++] = digits[--n];
  buf[len] = 0;
}

// In the child: become the container's process, then CMD. Never returns.
static void enter(const char *dir, int uid, char **argv) {
  for (int fd = 3; fd < NOFILE; fd++)
    close(fd);
  if (chroot(dir) < 0) {
    fprintf(2, "container: cannot chroot to %s\n", dir);
    exit(127);
  }
  if (setgroups(0, 0) < 0 || setgid(uid) < 0 || setuid(uid) < 0 || getuid() != uid) {
    fprintf(2, "container: cannot become user %d\n", uid);
    exit(127);
  }
  exec(argv[0], argv);
  char path[MAXPATH];
  if (strchr(argv[0], '/') == 0 && strlen(argv[0]) + 2 <= sizeof(path)) {
    path[0] = '/';
    strcpy(path + 1, argv[0]);
    exec(path, argv);
  }
  fprintf(2, "container: cannot run %s\n", argv[0]);
  exit(127);
}

int main(int argc, char *argv[]) {
  char dir[MAXPATH];
  int keep = 0, uid = DEFAULT_UID, i = 1;
  default_dir(dir);
  for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
    if (strcmp(argv[i], "-k") == 0 && strlen(argv[i + 1]) < MAXPATH) {
      strcpy(dir, argv[i + 1]);
      keep = 1;
    } else if (strcmp(argv[i], "-u") == 0 && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9') {
      uid = atoi(argv[i + 1]);
    } else {
      usage();
    }
  }
  if (argc - i < 2 || uid == 0)
    usage();
  if (geteuid() != 0) {
    fprintf(2, "container: only root can make a container (chroot)\n");
    return 1;
  }
  char *image = argv[i];
  if (tree_clone(image, dir, 0) < 0) {
    fprintf(2, "container: cannot clone %s to %s\n", image, dir);
    return 1;
  }
  // The container's "/" is its user's: CMD may make files there.
  if (chown(dir, uid, uid) < 0 || chmod(dir, 0755) < 0) {
    fprintf(2, "container: cannot give %s to user %d\n", dir, uid);
    tree_remove(dir);
    return 1;
  }
  int pid = fork();
  if (pid == 0)
    enter(dir, uid, argv + i + 1);
  int st = 127;
  if (pid < 0)
    fprintf(2, "container: fork failed\n");
  else
    while (wait(&st) != pid)
      ;
  if (!keep && tree_remove(dir) < 0) {
    fprintf(2, "container: cannot remove %s\n", dir);
    return 1;
  }
  return st;
}
