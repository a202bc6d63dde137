// Flags for open(). The values match xv6 so lab programs behave the same.
#ifndef CALF_FCNTL_H
#define CALF_FCNTL_H

#define O_RDONLY 0x000
#define O_WRONLY 0x001
#define O_RDWR 0x002
#define O_CREATE 0x200
#define O_TRUNC 0x400

// mmap (docs/pagecache.md). PROT_* and MAP_SHARED/MAP_PRIVATE have the
// values of the MIT mmap lab's kernel/fcntl.h, so its programs build
// unchanged; the rest are Linux's.
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20

// msync's flags: calf writes the pages home before msync returns
// whichever is given.
#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

#endif
