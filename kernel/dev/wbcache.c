// A simulated volatile write cache for the crash test: how a real disk
// with a write-back cache may lose and reorder writes when power fails.
//
// With the boot argument diskcache=wb, the block driver does not send a
// write to the device; it keeps the block here, as a disk keeps it in
// its cache, and reports the write done. Only a FLUSH moves the cached
// blocks to the device. When the crash point is reached (crashafter=N),
// the cache behaves as badly as the disk's contract allows: of all the
// writes since the last flush it keeps exactly one, the newest, and
// loses the rest. A write-ahead log that does not flush before its
// commit record, for example, then finds the record on disk without the
// blocks it commits, and the crash test fails.
//
// Invariant: pending[0..n-1] are the writes since the last completed
// flush, oldest first; a block may appear more than once (never merged,
// so a flush in progress can drain a prefix while newer writes arrive).
// Reads see the newest pending copy. The caller holds the disk lock.

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/dev/wbcache.h"
#include "kernel/lib/string.h"
#include "kernel/riscv/fdt.h"

#define NPENDING 128 // more than one log commit writes between flushes

static struct {
  int on;
  int n;
  uint blockno[NPENDING];
  uchar data[NPENDING][BSIZE];
} wb;

int wbcache_init(void) {
  char arg[8];
  wb.on = bootarg("diskcache", arg, sizeof(arg)) && strncmp(arg, "wb", 8) == 0;
  return wb.on;
}

int wbcache_on(void) { return wb.on; }

int wbcache_full(void) { return wb.n == NPENDING; }

void wbcache_put(uint blockno, const void *data) {
  wb.blockno[wb.n] = blockno;
  memmove(wb.data[wb.n], data, BSIZE);
  wb.n++;
}

int wbcache_get(uint blockno, void *data) {
  for (int i = wb.n - 1; i >= 0; i--) {
    if (wb.blockno[i] == blockno) {
      memmove(data, wb.data[i], BSIZE);
      return 1;
    }
  }
  return 0;
}

void wbcache_drain(void (*write_home)(uint blockno, void *data)) {
  int n = wb.n; // writes that arrive while we drain stay for the next flush
  for (int i = 0; i < n; i++)
    write_home(wb.blockno[i], wb.data[i]);
  wb.n -= n;
  for (int i = 0; i < wb.n; i++) {
    wb.blockno[i] = wb.blockno[n + i];
    memmove(wb.data[i], wb.data[n + i], BSIZE);
  }
}

void wbcache_crash(void (*write_home)(uint blockno, void *data)) {
  if (wb.n > 0)
    write_home(wb.blockno[wb.n - 1], wb.data[wb.n - 1]);
  wb.n = 0;
}
