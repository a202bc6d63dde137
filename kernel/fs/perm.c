// File permissions: the Unix owner/group/other check, the exec hook that
// applies setuid and setgid bits, and the rules of chmod and chown (their
// system calls, and umask's, are in kernel/fs/sysperm.c).
//
// An inode has an owner (uid), a group (gid) and a mode: three rwx triples,
// for the owner, for members of the group, and for everyone else, plus the
// S_ISUID and S_ISGID bits. The caller's effective ids pick exactly one
// triple: the owner's if its euid owns the file, else the group's if its
// egid or a supplementary group matches, else the other one. Only that
// triple counts, so an owner can lock itself out of a file that its group
// may still read. Root (euid 0) passes every read and write check; it may
// execute a file only if some x bit is set, and search any directory.
//
// Invariant: every check reads the caller's own creds (current_cred), so
// it needs no lock and no RCU; the inode's owner and mode change only
// under the inode's lock, which callers of the checks hold.
#include "kernel/fs/perm.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/proc/cred.h"
#include "kernel/sched/sched.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"

int inode_permission(struct inode *ip, int may) {
  const struct cred *c = current_cred();
  if (c->euid == 0) {
    if (!(may & MAY_EXEC) || ip->type == T_DIR || (ip->mode & 0111))
      return 0;
    return -1; // not even root runs a file that nobody may run
  }
  int triple;
  if (c->euid == ip->uid)
    triple = ip->mode >> 6;
  else if (cred_in_group(c, ip->gid))
    triple = ip->mode >> 3;
  else
    triple = ip->mode;
  return (triple & may) == may ? 0 : -1;
}

// Readable and writable as file_open (kernel/fs/sysfile.c) decides them;
// truncating is writing.
int open_permission(struct inode *ip, int omode) {
  int may = 0;
  if (!(omode & O_WRONLY))
    may |= MAY_READ;
  if (omode & (O_WRONLY | O_RDWR | O_TRUNC))
    may |= MAY_WRITE;
  return inode_permission(ip, may);
}

void inode_init_owner(struct inode *ip) {
  const struct cred *c = current_cred();
  ip->uid = c->euid;
  ip->gid = c->egid;
  ip->mode = (ip->type == T_DIR ? 0777 : 0666) & ~myproc()->umask;
}

// POSIX: every exec sets the saved ids to the effective ones, and a setuid
// (setgid) file first makes its owner (group) the effective id.
int exec_prepare_creds(struct inode *ip, struct cred **newp) {
  *newp = 0;
  if (ip->type != T_FILE || inode_permission(ip, MAY_EXEC) < 0)
    return -1;
  const struct cred *c = current_cred();
  int euid = (ip->mode & S_ISUID) ? ip->uid : c->euid;
  int egid = (ip->mode & S_ISGID) ? ip->gid : c->egid;
  if (euid == c->euid && euid == c->suid && egid == c->egid && egid == c->sgid)
    return 0; // the common case: nothing changes, nothing to allocate
  struct cred *new = prepare_creds();
  if (new == 0)
    return -1;
  new->euid = new->suid = euid;
  new->egid = new->sgid = egid;
  *newp = new;
  return 0;
}

// ---- chmod, chown ---------------------------------------------------------

// chmod: the owner or root. A non-root owner outside the file's group
// cannot make it setgid (that would hand out a group it does not have).
int inode_chmod(struct inode *ip, int mode) {
  const struct cred *c = current_cred();
  if (mode & ~(S_ISUID | S_ISGID | 0777))
    return -1;
  if (c->euid != 0 && c->euid != ip->uid)
    return -1;
  if (c->euid != 0 && !cred_in_group(c, ip->gid))
    mode &= ~S_ISGID;
  ip->mode = mode;
  return 0;
}

// chown: root only; -1 leaves that id as it is. As in Linux, a new owner
// or group clears the setuid and setgid bits: they were granted for the
// old one.
int inode_chown(struct inode *ip, int uid, int gid) {
  if (current_cred()->euid != 0 || uid < -1 || gid < -1)
    return -1;
  if (uid != -1)
    ip->uid = uid;
  if (gid != -1)
    ip->gid = gid;
  if (ip->type != T_DIR)
    ip->mode &= ~(S_ISUID | S_ISGID);
  return 0;
}
