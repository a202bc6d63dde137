// chown UID[:GID] FILE...: give each file a new owner, and group if GID is
// given (":GID" alone changes only the group). Root only.
#include "kernel/types.h"
#include "user/user.h"

// The decimal number at *s, advancing *s past it; -1 if there is none.
static int parse_id(const char **s) {
  const char *p = *s;
  int id = 0;
  if (*p < '0' || *p > '9')
    return -1;
  for (; *p >= '0' && *p <= '9'; p++)
    id = id * 10 + (*p - '0');
  *s = p;
  return id;
}

// "UID", "UID:GID" or ":GID" into *uid and *gid (-1: leave as is).
static int parse_owner(const char *s, int *uid, int *gid) {
  *uid = *gid = -1;
  if (*s != ':' && (*uid = parse_id(&s)) < 0)
    return -1;
  if (*s == 0)
    return 0;
  if (*s++ != ':' || (*gid = parse_id(&s)) < 0 || *s != 0)
    return -1;
  return 0;
}

int main(int argc, char *argv[]) {
  int uid, gid;
  if (argc < 3 || parse_owner(argv[1], &uid, &gid) < 0) {
    fprintf(2, "usage: chown UID[:GID] FILE...\n");
    return 1;
  }
  int status = 0;
  for (int i = 2; i < argc; i++) {
    if (chown(argv[i], uid, gid) < 0) {
      fprintf(2, "chown: cannot change %s\n", argv[i]);
      status = 1;
    }
  }
  return status;
}
