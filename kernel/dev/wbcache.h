// A simulated volatile write cache for crash tests (kernel/dev/wbcache.c),
// used by the block driver when booted with diskcache=wb. Every call is
// made with the disk lock held.
#ifndef CALF_WBCACHE_H
#define CALF_WBCACHE_H

#include "kernel/types.h"

int wbcache_init(void); // read the boot argument; 1 if the model is on
int wbcache_on(void);
int wbcache_full(void);
void wbcache_put(uint blockno, const void *data); // a write, kept in the cache
int wbcache_get(uint blockno, void *data);        // 1 if the cache served a read
// A flush: hand every cached write to write_home, oldest first.
void wbcache_drain(void (*write_home)(uint blockno, void *data));
// Power fails: only the newest cached write reaches write_home.
void wbcache_crash(void (*write_home)(uint blockno, void *data));

#endif
