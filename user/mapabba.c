// mapabba: read() of file A into a mapping of file B in one process while
// another reads B into a mapping of A, and now and then write()s of A from
// a mapping of B (and the reverse). Had a read or a write held its file's
// inode lock while its copy faulted in the other file's page (which takes
// the other inode lock), both processes would wait for ever: an ABBA
// deadlock. readi copies a page out without its lock, and write()
// faults its source in before taking it (docs/pagecache.md).
// Prints "mapabba: OK" if both finish ROUNDS rounds.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define ROUNDS 1000
#define WRITE_EVERY 10 // a write() is a logged transaction: fewer of them

static void make(char *name) {
  static char page[4096];
  int fd = open(name, O_CREATE | O_RDWR);
  for (int i = 0; i < 4; i++)
    write(fd, page, sizeof(page));
  close(fd);
}

static void reader(char *from, char *into) {
  int src = open(from, O_RDONLY), dst = open(into, O_RDWR);
  for (int r = 0; r < ROUNDS; r++) {
    char *m = mmap(0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, dst, 0);
    if (m == (char *)-1)
      exit(1);
    close(src);
    src = open(from, O_RDONLY);
    read(src, m, 4 * 4096); // copyout faults m's pages in
    if (r % WRITE_EVERY == 0) {
      int w = open(from, O_RDWR);
      munmap(m, 4 * 4096); // a fresh mapping: its pages are not in yet
      m = mmap(0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, dst, 0);
      if (m == (char *)-1 || write(w, m, 4 * 4096) != 4 * 4096) // copyin faults them in
        exit(1);
      close(w);
    }
    munmap(m, 4 * 4096);
  }
  exit(0);
}

int main(int argc, char *argv[]) {
  make("abba_a");
  make("abba_b");
  int p1 = fork();
  if (p1 == 0)
    reader("abba_a", "abba_b");
  int p2 = argc > 1 ? -1 : fork();
  if (p2 == 0)
    reader("abba_b", "abba_a");
  int s1 = -1, s2 = -1;
  wait(&s1);
  if (p2 >= 0)
    wait(&s2);
  else
    s2 = 0;
  unlink("abba_a");
  unlink("abba_b");
  printf("mapabba: %s\n", s1 == 0 && s2 == 0 ? "OK" : "FAILED");
  exit(0);
}
