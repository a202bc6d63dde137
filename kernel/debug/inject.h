// Fault injection: make chosen allocators and the disk fail on purpose, so
// that the failure paths run (kernel/debug/inject.c, docs/inject.md).
#ifndef CALF_INJECT_H
#define CALF_INJECT_H

#include "kernel/types.h"
#include "kernel/injectstat.h"

// The places that ask. Each belongs to one class (kernel/injectstat.h);
// the table in inject.c says which class, and which sites never fail and why.
enum inject_site {
  INJ_FRAME,          // frame_take: every frame allocation (kernel/mm/frame.c)
  INJ_BREAD_TRY,      // bread_run_try: file data and exec's loading (kernel/fs/bio.c)
  INJ_BREAD,          // bread: everything else (excluded)
  INJ_DISK_READ_TRY,  // a disk read for bread_run_try (kernel/dev/virtio_blk.c)
  INJ_DISK_READ,      // a disk read for bread (excluded)
  INJ_DISK_WRITE,     // a disk write or flush (excluded)
  INJ_CRED,           // prepare_creds (kernel/proc/cred.c)
  INJ_NSITES
};

// Should this call fail? 1 if the caller is in scope and the site's
// class policy says so now. For sites that can fail safely only.
int inject_fail(enum inject_site site);
// Count a call at an excluded site, which never fails (for the figures:
// they show the site is reached and left alone on purpose).
void inject_count(enum inject_site site);

void inject_boot(void);            // the inject= boot argument
int inject_set(const char *spec);  // a new policy; -1 (and no change) if malformed
// The caller's scope (p->inject). A child made by a process in scope, or
// by one whose children are, is in scope.
#define INJECT_SCOPE_OUT 0
#define INJECT_SCOPE_IN 1
#define INJECT_SCOPE_CHILDREN 2 // the caller is out, the children it makes in
void inject_scope(int how);
void inject_stat(struct injectstat *st);

#endif
