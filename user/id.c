// id: print who the caller is: "uid=U gid=G", then "euid=E" and "egid=E"
// when the effective ids differ from the real ones, then "groups=A,B,..."
// when there are supplementary groups.
#include "kernel/types.h"
#include "user/user.h"

int main(void) {
  int uid = getuid(), euid = geteuid(), gid = getgid(), egid = getegid();
  printf("uid=%d gid=%d", uid, gid);
  if (euid != uid)
    printf(" euid=%d", euid);
  if (egid != gid)
    printf(" egid=%d", egid);
  int groups[32];
  int n = getgroups(32, groups);
  for (int i = 0; i < n; i++)
    printf("%s%d", i == 0 ? " groups=" : ",", groups[i]);
  printf("\n");
  return 0;
}
