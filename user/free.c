// free: the machine's memory figures, in frames (4 KiB pages) and KiB.
//
//   $ free
//   frames: total 32012, free 31290, shared 14
//   ...
#include "kernel/types.h"
#include "user/user.h"

int main(int argc, char *argv[]) {
  struct memstat ms;
  if (memstat(&ms) < 0) {
    fprintf(2, "free: memstat failed\n");
    exit(1);
  }
  printf("frames: total %ld, free %ld, used %ld, shared %ld\n", ms.total_frames,
         ms.free_frames, ms.total_frames - ms.free_frames, ms.shared_frames);
  printf("memory: total %ld KiB, free %ld KiB\n", ms.total_frames * 4, ms.free_frames * 4);
  // The page cache's frames are used, not free; those no process maps are
  // evicted when memory runs short, so they are available.
  printf("page cache: %ld frames (%ld idle), available %ld\n", ms.cache_frames, ms.cache_idle,
         memstat_avail(&ms));
  printf("file faults: %ld, anonymous mapping faults: %ld\n", ms.file_faults, ms.anon_faults);
  printf("page-table pages: %ld\n", ms.pt_pages);
  printf("cow faults: %ld (copies %ld, reuses %ld)\n", ms.cow_faults, ms.cow_copies,
         ms.cow_reuses);
  printf("lazy faults: %ld\n", ms.lazy_faults);
  printf("shared page tables: %ld (copies %ld, reuses %ld)\n", ms.spt_tables, ms.spt_copies,
         ms.spt_reuses);
  exit(0);
}
