// runas UID GID CMD [ARG...]: run CMD as user UID in group GID, with no
// supplementary groups. Root only; runas is not setuid, so it cannot be
// used to become anyone else unless one already is root.
//
// The order matters: groups first, then the gid, and the uid last,
// because once the uid is not 0 the process may no longer change the
// others. setuid as root sets the real, effective and saved uid, so the
// program cannot switch back to root.
#include "kernel/types.h"
#include "user/user.h"

static int parse_id(const char *s) {
  if (*s == 0)
    return -1;
  int id = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return -1;
    id = id * 10 + (*s - '0');
  }
  return id;
}

int main(int argc, char *argv[]) {
  int uid = argc >= 4 ? parse_id(argv[1]) : -1;
  int gid = argc >= 4 ? parse_id(argv[2]) : -1;
  if (uid < 0 || gid < 0) {
    fprintf(2, "usage: runas UID GID CMD [ARG...]\n");
    return 1;
  }
  if (geteuid() != 0) {
    fprintf(2, "runas: only root can run programs as another user\n");
    return 1;
  }
  if (setgroups(0, 0) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
    fprintf(2, "runas: cannot become %d:%d\n", uid, gid);
    return 1;
  }
  exec(argv[3], argv + 3);
  // Programs live in /; the shell finds them from anywhere, so do we.
  char path[64];
  if (strchr(argv[3], '/') == 0 && strlen(argv[3]) + 2 <= sizeof(path)) {
    path[0] = '/';
    strcpy(path + 1, argv[3]);
    exec(path, argv + 3);
  }
  fprintf(2, "runas: cannot run %s\n", argv[3]);
  return 1;
}
