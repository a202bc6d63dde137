// usertests: the tests of bad system-call arguments (user/usertests/usertests.h
// says what the program does and how its files divide).
#include "user/usertests/usertests.h"

// ------------------------------------------------- bad system-call arguments

// Every call that takes a pointer must refuse address a with -1. The
// file "bp" holds 16 bytes to read.
static void check_bad_pointer(uint64 a) {
  void *p = (void *)a;
  char *s = (char *)a;
  char *argv[] = {"echo", s, 0};

  int fd = OPEN("bp", O_RDWR);
  EXPECT(read(fd, p, 16), -1);
  EXPECT(read(fd, p, 1), -1);
  EXPECT(write(fd, p, 16), -1);
  EXPECT(write(fd, p, 1), -1);
  EXPECT(fstat(fd, (struct stat *)p), -1);
  EXPECT(close(fd), 0);
  EXPECT(stat_of("bp").size, 16); // the failed writes wrote nothing

  int fds[2];
  EXPECT(pipe(fds), 0);
  EXPECT(write(fds[1], "abc", 3), 3);
  EXPECT(read(fds[0], p, 3), -1);
  EXPECT(write(fds[1], p, 3), -1);
  EXPECT(read(fds[0], buf, 10), 3); // the failed read took nothing
  EXPECT(close(fds[0]), 0);
  EXPECT(close(fds[1]), 0);
  EXPECT(pipe((int *)p), -1);
  EXPECT(wait((int *)p), -1);

  EXPECT(open(s, O_RDONLY), -1);
  EXPECT(open(s, O_CREATE | O_RDWR), -1);
  EXPECT(mknod(s, CONSOLE, 0), -1);
  EXPECT(unlink(s), -1);
  EXPECT(link(s, "bp2"), -1);
  EXPECT(link("bp", s), -1);
  EXPECT(mkdir(s), -1);
  EXPECT(chdir(s), -1);
  EXPECT(exec(s, argv), -1);
  EXPECT(exec(ECHO, (char **)p), -1);
  EXPECT(exec(ECHO, argv), -1); // argv[1] is the bad pointer
  EXPECT(open("bp2", O_RDONLY), -1);
}

// Pointers into the kernel, into the trampoline and trap-frame pages
// (mapped, but not for user access), past the end of the address space,
// and ones whose range wraps around 2^64.
void t_copyinout(void) {
  uint64 addrs[] = {
      KERNBASE, KERNLOAD, TRAPFRAME, TRAMPOLINE, MAXVA,
      0xffffffff00UL, 0xfffffffffffff000UL, 0xfffffffffffffff8UL,
  };
  put_file("bp", "0123456789abcdef", 16);
  for (int i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
    check_bad_pointer(addrs[i]);
  EXPECT(unlink("bp"), 0);
}

// The first address past the heap, ranges that start in the heap and run
// past its end, and strings and argv arrays with no terminator before it.
void t_endofmem(void) {
  char *end = heap_end();
  put_file("bp", "0123456789abcdef", 16);
  check_bad_pointer((uint64)end);
  check_bad_pointer((uint64)end + PGSIZE);

  int fd = OPEN("bp", O_RDWR);
  EXPECT(read(fd, end - 8, 16), -1);
  EXPECT(write(fd, end - 8, 16), -1);
  EXPECT(close(fd), 0);
  EXPECT(stat_of("bp").size, 16);

  char *s = end - 16; // sixteen 'a's, then the end of memory
  memset(s, 'a', 16);
  char *argv[] = {"echo", 0};
  EXPECT(open(s, O_CREATE | O_RDWR), -1);
  EXPECT(mkdir(s), -1);
  EXPECT(unlink(s), -1);
  EXPECT(chdir(s), -1);
  EXPECT(link("bp", s), -1);
  EXPECT(exec(s, argv), -1);

  char **av = (char **)(end - 2 * sizeof(char *)); // two args, no 0 after
  av[0] = "echo";
  av[1] = "x";
  EXPECT(exec(ECHO, av), -1);
  EXPECT(unlink("bp"), 0);
}

// Negative and oversized lengths.
void t_badlen(void) {
  put_file("bl", "0123456789", 10);
  int fd = OPEN("bl", O_RDWR);
  EXPECT(read(fd, buf, -1), -1);
  EXPECT(write(fd, buf, -1), -1);
  EXPECT(read(fd, buf, -100000), -1);
  EXPECT(write(fd, buf, -0x7fffffff - 1), -1);
  EXPECT(read(fd, sbrk(0) - 1, -1), -1);
  EXPECT(read(fd, buf, 1 << 30), 10); // fine: only 10 bytes are copied
  EXPECT(close(fd), 0);
  EXPECT(stat_of("bl").size, 10);
  EXPECT(unlink("bl"), 0);

  int p[2];
  EXPECT(pipe(p), 0);
  EXPECT(write(p[1], buf, -1), -1);
  EXPECT(read(p[0], buf, -1), -1);
  EXPECT(close(p[0]), 0);
  EXPECT(close(p[1]), 0);
}

// System call numbers that do not exist fail with -1.
static long raw_syscall(long num) {
  register long a0 __asm__("a0") = 0;
  register long a7 __asm__("a7") = num;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return a0;
}

void t_badsyscall(void) {
  EXPECT(raw_syscall(0), -1);
  EXPECT(raw_syscall(-1), -1);
  EXPECT(raw_syscall(1000), -1);
  EXPECT(raw_syscall(0x7fffffff), -1);
}
