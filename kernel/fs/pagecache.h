// The page cache: regular files' contents in whole frames, one frame per
// (file, page), shared by read(), write(), mmap and exec
// (kernel/fs/pagecache.c, docs/pagecache.md). Directories and the file
// system's own blocks stay in the buffer cache (kernel/fs/bio.c).
#ifndef CALF_PAGECACHE_H
#define CALF_PAGECACHE_H

#include "kernel/types.h"

struct inode;

#define NCPAGE 16384 // pages the cache can hold (64 MiB); idle ones are evicted first

// Boot: register with the frame allocator (eviction, figures, audit).
void pcache_init(void);
// The frame caching page idx of ip (read from disk the first time), with
// one reference for the caller; 0 if no frame is free or the disk fails.
// Caller holds ip->lock (so only one caller fills a page), and idx lies
// below the end of the file. The part of the page past the end is zero.
void *pcache_get(struct inode *ip, uint idx);
// write() changed n bytes at file offset off (all in one page) to src:
// the cached page, if any, changes with them. Caller holds ip->lock.
void pcache_update(struct inode *ip, uint off, const void *src, uint n);
// ip now ends at size: drop its pages past it, and zero the rest of the
// page that holds the end. Caller holds ip->lock.
void pcache_truncate(struct inode *ip, uint size);
// A shared mapping made page idx of ip writable (dirty), or dropped such
// a mapping (clean). A page with writable mappings is never evicted.
void pcache_dirty(struct inode *ip, uint idx);
void pcache_clean(struct inode *ip, uint idx);
// The lowest index at or above from of ip's pages that writable mappings
// may have changed, in *idx: 1, or 0 if there is none.
int pcache_next_dirty(struct inode *ip, uint from, uint *idx);

#endif
