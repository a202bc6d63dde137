// usertests: the memory tests (user/usertests/usertests.h
// says what the program does and how its files divide).
#include "user/usertests/usertests.h"

// ----------------------------------------------------------- memory tests

void t_sbrkbasic(void) {
  align_heap();
  char *a = sbrk(0);
  for (int i = 0; i < 5; i++) {
    EXPECT(sbrk(1), a + i);
    a[i] = i;
  }
  EXPECT(sbrk(0), a + 5);
  EXPECT(sbrk(-5), a + 5);
  EXPECT(sbrk(0), a);

  enum { SIZE = 10 * PGSIZE };
  char *p = sbrk(SIZE);
  EXPECT(p, a);
  EXPECT(sbrk(0), a + SIZE);
  for (int i = 0; i < SIZE; i++)
    p[i] = i % 97;

  // fork copies the heap, and the copies are independent.
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    for (int i = 0; i < SIZE; i++)
      EXPECT(p[i], i % 97);
    memset(p, 0, SIZE);
    exit(0);
  }
  EXPECT(reap(pid), 0);
  for (int i = 0; i < SIZE; i++)
    EXPECT(p[i], i % 97);

  // New heap memory works as a system call buffer.
  unlink("sbf");
  int fd = OPEN("sbf", O_CREATE | O_RDWR);
  EXPECT(write(fd, p, PGSIZE), PGSIZE);
  EXPECT(close(fd), 0);
  EXPECT(unlink("sbf"), 0);
  EXPECT(pipe((int *)(p + SIZE - 8)), 0);
  close(((int *)(p + SIZE - 8))[0]);
  close(((int *)(p + SIZE - 8))[1]);

  EXPECT(sbrk(-SIZE), a + SIZE);
  EXPECT(sbrk(0), a);
}

// Memory given back with a negative sbrk is gone: touching it is fatal.
void t_sbrkfreed(void) {
  align_heap();
  char *a = sbrk(2 * PGSIZE);
  CHECK(a != SBRK_FAIL);
  a[0] = 1;
  a[PGSIZE] = 2;
  EXPECT(sbrk(-2 * PGSIZE), a + 2 * PGSIZE);
  fault_addr = a;
  EXPECT(child_status(read_fault_addr), -1);
  fault_addr = a + PGSIZE;
  EXPECT(child_status(write_fault_addr), -1);
}

// Impossible growth fails and changes nothing. A shrink below address 0
// changes nothing too, but is not an error: it returns the old break, as
// xv6's sbrk does (sbrkbelow0 below).
void t_sbrkhuge(void) {
  align_heap();
  char *old = sbrk(0);
  EXPECT(sbrk(0x7fffffff), SBRK_FAIL);
  EXPECT(sbrk(0), old);
  EXPECT(sbrk(1 << 30), SBRK_FAIL);
  EXPECT(sbrk(0), old);
  EXPECT(sbrk(-0x7fffffff), old); // below address 0
  EXPECT(sbrk(0), old);
  EXPECT(sbrk(-(int)((uint64)old + PGSIZE)), old); // below address 0
  EXPECT(sbrk(0), old);

  char *p = sbrk(PGSIZE); // and the heap still works
  EXPECT(p, old);
  p[PGSIZE - 1] = 1;
  EXPECT(sbrk(-PGSIZE), old + PGSIZE);
}

// sbrk(-(sbrk(0) + 1)) asks to shrink to one byte below address 0. xv6
// returns the old break and keeps every page (its new size, sz + n in
// unsigned arithmetic, wraps to above sz), and xv6's usertests (lazy_copy)
// checks exactly that; calf gives the same answer. Shrinking to exactly 0
// is a real shrink, tested by the child (it can touch nothing afterwards).
static char *below0_heap;

static void shrink_to_zero(void) {
  sbrk(-(int)(uint64)sbrk(0)); // frees the code too: the return from it faults
  exit(0);                     // not reached
}

// A removed directory names nothing, not even "..": a process whose cwd
// was removed, with its parent, must get -1 from "../" (the parent's inode
// is free, maybe reused) and cannot create a file there (it would be an
// inode no directory names). xv6 2025's usertests unlinkcwd found the
// kernel panicking here.
void t_rmcwd(void) {
  CHECK(mkdir("/rma") == 0 && mkdir("/rma/rmb") == 0);
  CHECK(chdir("/rma/rmb") == 0);
  EXPECT(unlink("/rma/rmb"), 0);
  EXPECT(unlink("/rma"), 0);
  EXPECT(open("../", O_RDONLY), -1);
  EXPECT(open("..", O_RDONLY), -1);
  EXPECT(open("../c", O_CREATE | O_RDWR), -1);
  EXPECT(open("c", O_CREATE | O_RDWR), -1);
  EXPECT(mkdir("d"), -1);
  EXPECT(chdir(".."), -1);
  EXPECT(chdir("/"), 0);
}

void t_sbrkbelow0(void) {
  align_heap();
  below0_heap = sbrk(PGSIZE);
  CHECK(below0_heap != SBRK_FAIL);
  below0_heap[0] = 'h';
  char *old = sbrk(0);
  EXPECT(sbrk(-(int)((uint64)old + 1)), old);
  EXPECT(sbrk(0), old);
  EXPECT(below0_heap[0], 'h'); // the page is still there
  EXPECT(sbrklazy(-(int)((uint64)old + 1)), old);
  EXPECT(sbrk(0), old);
  EXPECT(below0_heap[0], 'h');
  EXPECT(child_status(shrink_to_zero), -1);
  EXPECT(sbrk(-PGSIZE), old);
}

// Run the machine out of memory: sbrk and then fork must fail cleanly,
// and everything must come back (the final page count checks that).
static void use_all_memory(void) {
  int pages = grab_all_pages();
  CHECK(pages > 0);
  EXPECT(fork(), -1);
  release_pages(pages);
}

void t_sbrkfail(void) {
  EXPECT(child_status(use_all_memory), 0);
}

// The page below the stack is a guard: touching it is fatal, and the
// kernel will not use it as a buffer either.
static void touch_guard(void) {
  uint64 top = PGROUNDUP(r_sp());
  fault_addr = (char *)(top - USERSTACK * PGSIZE - 1);
  read_fault_addr();
}

void t_stackguard(void) {
  EXPECT(child_status(touch_guard), -1);
  uint64 top = PGROUNDUP(r_sp());
  char *guard = (char *)(top - (USERSTACK + 1) * PGSIZE);
  put_file("sg", "0123456789", 10);
  int fd = OPEN("sg", O_RDWR);
  EXPECT(read(fd, guard, 10), -1);
  EXPECT(write(fd, guard, 10), -1);
  EXPECT(close(fd), 0);
  EXPECT(unlink("sg"), 0);
}

// Code and constants are read-only; heap memory is not executable.
void t_textwrite(void) {
  fault_addr = (char *)(uint64)t_textwrite;
  EXPECT(child_status(read_fault_addr), 0);
  EXPECT(child_status(write_fault_addr), -1);
  fault_addr = (char *)"a string constant";
  EXPECT(child_status(write_fault_addr), -1);

  char *h = sbrk(PGSIZE);
  CHECK(h != SBRK_FAIL);
  h[0] = 0x82; // c.ret
  h[1] = 0x80;
  fault_addr = h;
  EXPECT(child_status(call_fault_addr), -1);
}

// Kernel memory, the trampoline and trap frame, and addresses beyond the
// user address space are all out of reach.
void t_kernmem(void) {
  uint64 addrs[] = {
      KERNBASE,   KERNLOAD,  PHYSTOP - 1,           TRAPFRAME,
      TRAMPOLINE, MAXVA,     MAXVA + 0x10000000UL, 0xffffffffffff0000UL,
  };
  for (int i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
    fault_addr = (char *)addrs[i];
    EXPECT(child_status(read_fault_addr), -1);
    EXPECT(child_status(write_fault_addr), -1);
  }
}
