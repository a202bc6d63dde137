// usertests: the checking and the helpers every test uses (user/usertests/usertests.h
// says what the program does and how its files divide).
#include "user/usertests/usertests.h"

// ------------------------------------------------------------ checking

char buf[8192]; // scratch space, shared by the tests

// --------------------------------------------------------------- helpers

// Wait for child pid (which must be the next to finish) and return its
// exit status.
int reap(int pid) {
  int status = 12345;
  EXPECT(wait(&status), pid);
  return status;
}

// Wait for n children, in any order; each must have exited with 0.
void reap_all_ok(int n) {
  for (int i = 0; i < n; i++) {
    int status = 12345;
    CHECK(wait(&status) > 0);
    EXPECT(status, 0);
  }
}

int run_child(void (*fn)(void)) {
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    fn();
    exit(0);
  }
  return pid;
}

// Run fn in a child; return its exit status (-1 if the kernel killed it).
int child_status(void (*fn)(void)) {
  return reap(run_child(fn));
}

int xopen(const char *name, int mode, int line) {
  int fd = open(name, mode);
  if (fd < 0) {
    printf("%s: line %d: cannot open %s\n", test_name, line, name);
    exit(1);
  }
  return fd;
}

void put_file(const char *name, const void *data, int n) {
  int fd = OPEN(name, O_CREATE | O_WRONLY | O_TRUNC);
  EXPECT(write(fd, data, n), n);
  EXPECT(close(fd), 0);
}

// Read all of file name into out (at most max bytes): the byte count, or
// -1 if it cannot be opened.
int get_file(const char *name, char *out, int max) {
  int fd = open(name, O_RDONLY);
  if (fd < 0)
    return -1;
  int n = 0, r;
  while (n < max && (r = read(fd, out + n, max - n)) > 0)
    n += r;
  close(fd);
  return n;
}

struct stat stat_of(const char *name) {
  struct stat st;
  memset(&st, 0, sizeof(st));
  if (stat(name, &st) < 0) {
    printf("%s: cannot stat %s\n", test_name, name);
    exit(1);
  }
  return st;
}

// prefix followed by i as two digits, in out.
char *numname(char *out, const char *prefix, int i) {
  int n = strlen(prefix);
  memmove(out, prefix, n);
  out[n] = '0' + i / 10 % 10;
  out[n + 1] = '0' + i % 10;
  out[n + 2] = 0;
  return out;
}

// Pad the heap to a page boundary, so that the address sbrk(0) returns
// is the first unmapped byte.
void align_heap(void) {
  uint64 end = (uint64)sbrk(0);
  if (end % PGSIZE)
    CHECK(sbrk(PGSIZE - end % PGSIZE) != SBRK_FAIL);
}

// Grow the heap by a page and return the end of memory: the page below
// the returned address is ours, the page at it is not mapped.
char *heap_end(void) {
  align_heap();
  CHECK(sbrk(PGSIZE) != SBRK_FAIL);
  return sbrk(0);
}

// Faulting on purpose: each function touches fault_addr once. Run in a
// child, the kernel must kill it (exit status -1).
volatile char *fault_addr;

void read_fault_addr(void) {
  (void)*fault_addr;
}

void write_fault_addr(void) {
  *fault_addr = 1;
}

void call_fault_addr(void) {
  ((void (*)(void))fault_addr)();
}

// Take every page the kernel will give, in big steps first and then
// smaller ones down to single pages: the count is exact, and costs far
// fewer system calls than asking a page at a time. Returns the count.
int grab_all_pages(void) {
  int n = 0;
  for (int step = 64; step > 0; step /= 2)
    while (sbrk(step * PGSIZE) != SBRK_FAIL)
      n += step;
  return n;
}

// Give back what grab_all_pages took. A process must do this before it
// exits: its parent may need a frame (to copy a copy-on-write page) just
// to collect the exit status, and nothing else will free one for it.
void release_pages(int n) {
  while (n > 0) {
    int k = n < 1024 ? n : 1024;
    CHECK(sbrk(-k * PGSIZE) != SBRK_FAIL);
    n -= k;
  }
}

// A starting gate: children block in gate_wait() until the parent's
// gate_release(), so that what they do next happens as nearly at once as
// the harts allow.
static int gate[2];

void gate_open(void) {
  EXPECT(pipe(gate), 0);
}

void gate_wait(void) {
  char c;
  close(gate[1]);
  EXPECT(read(gate[0], &c, 1), 1);
  close(gate[0]);
}

void gate_release(int n) {
  close(gate[0]);
  for (int i = 0; i < n; i++)
    EXPECT(write(gate[1], "g", 1), 1);
  close(gate[1]);
}
