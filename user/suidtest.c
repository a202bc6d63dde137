// suidtest: report the ids this program runs with. mkfs installs it
// setuid root (mode 04755), so whoever runs it, its effective uid is 0:
// credtest checks exactly that. It does nothing else with its privilege.
#include "kernel/types.h"
#include "user/user.h"

int main(void) {
  printf("suidtest: uid=%d euid=%d gid=%d egid=%d\n", getuid(), geteuid(), getgid(),
         getegid());
  return 0;
}
