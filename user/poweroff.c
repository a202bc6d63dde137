// poweroff: shut the machine down.
//
// Invariant: returns only if the kernel refused, and then with status 1.
#include "kernel/types.h"
#include "user/user.h"

int main(void) {
  poweroff();
  fprintf(2, "poweroff: permission denied (only root may shut down)\n");
  return 1;
}
