// execempty: the "empty" program of execbench: it exits at once. Its exec
// costs what any exec costs (the name lookup, a page table, the stack, the
// few pages of code) and nothing for data; execfull is the same with
// 320 KiB of data more.
#include "kernel/types.h"
#include "user/user.h"

int main(void) { exit(0); }
