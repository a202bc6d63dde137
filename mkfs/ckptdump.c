// ckptdump: print a checkpoint image (kernel/ckpt.h, docs/checkpoint.md)
// and check it the way restore does, on the host.
//
//   mkfs/ckptdump IMAGE            an image in a host file
//   mkfs/ckptdump fs.img /PATH     an image inside a calf disk image, read
//                                  through its inodes (the log is not
//                                  replayed: run it on a disk that was shut
//                                  down cleanly, as poweroff leaves it)
//
// Exit status 0 if the image is well formed, 1 if it is not (each problem
// is printed), 2 if it cannot be read. The checks are restore's
// (kernel/proc/restore.c) minus what only the guest can know: whether the
// files it names exist and may be opened.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/stat.h"
#include "kernel/ckpt.h"
#include "kernel/fcntl.h"
#include "mkfs/diskfmt.h"

#define PGSIZE 4096ULL
#define MMAPMAX ((((1ULL << 38) - 2 * PGSIZE)) & ~((1ULL << 21) - 1)) // kernel/memlayout.h
#define SUPERPAGE (1ULL << 21)
#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)

static uchar *buf; // the image
static size_t len;
static int problems;

static void problem(const char *what, long i) {
  printf("PROBLEM: %s", what);
  if (i >= 0)
    printf(" (entry %ld)", i);
  printf("\n");
  problems++;
}

static int terminated(const char *s, int max) { return memchr(s, 0, max) != 0; }
static int inside(uint64 off, uint64 n, uint64 each) { return off <= len && n <= (len - off) / each; }

// ---- reading a file out of a calf disk image ----

static uchar *disk;
static size_t disklen;
static struct superblock sb;

static uchar *dblock(uint b) {
  if ((size_t)(b + 1) * BSIZE > disklen) {
    fprintf(stderr, "ckptdump: block %u lies past the disk image\n", b);
    exit(2);
  }
  return disk + (size_t)b * BSIZE;
}

static struct dinode inode_at(uint inum) {
  struct dinode d;
  memcpy(&d, dblock(IBLOCK(inum, sb)) + (inum % IPB) * sizeof(d), sizeof(d));
  return d;
}

static uint entry(uint map, uint i) { return map ? get32(dblock(map) + 4 * i) : 0; }

static uint bmap(struct dinode *d, uint bn) {
  if (bn < NDIRECT)
    return d->addrs[bn];
  bn -= NDIRECT;
  if (bn < NINDIRECT)
    return entry(d->addrs[NDIRECT], bn);
  bn -= NINDIRECT;
  return entry(entry(d->addrs[NDIRECT + 1], bn / NINDIRECT), bn % NINDIRECT);
}

static uchar *file_bytes(struct dinode *d) {
  uchar *out = calloc(1, d->size + 1);
  for (uint off = 0; out && off < d->size; off += BSIZE) {
    uint b = bmap(d, off / BSIZE), n = d->size - off < BSIZE ? d->size - off : BSIZE;
    if (b)
      memcpy(out + off, dblock(b), n);
  }
  return out;
}

static uint lookup(uint dir, const char *name) {
  struct dinode d = inode_at(dir);
  uchar *ents = file_bytes(&d);
  uint found = 0;
  for (uint off = 0; ents && off + sizeof(struct dirent) <= d.size && !found; off += sizeof(struct dirent)) {
    char n[DIRSIZ + 1] = {0};
    memcpy(n, ents + off + offsetof(struct dirent, name), DIRSIZ);
    uint inum = dirent_inum(ents + off);
    if (inum && strcmp(n, name) == 0)
      found = inum;
  }
  free(ents);
  return found;
}

static void read_from_disk(const char *img, const char *path) {
  FILE *f = fopen(img, "rb");
  if (f == 0 || fseek(f, 0, SEEK_END) != 0) {
    perror(img);
    exit(2);
  }
  disklen = ftell(f);
  rewind(f);
  disk = malloc(disklen);
  if (disk == 0 || fread(disk, 1, disklen, f) != disklen) {
    perror(img);
    exit(2);
  }
  fclose(f);
  memcpy(&sb, dblock(1), sizeof(sb));
  if (sb.magic != FSMAGIC) {
    fprintf(stderr, "ckptdump: %s is not a calf file system\n", img);
    exit(2);
  }
  uint inum = ROOTINO;
  char copy[CKPT_PATHMAX];
  snprintf(copy, sizeof(copy), "%s", path);
  for (char *part = strtok(copy, "/"); part && inum; part = strtok(0, "/"))
    inum = lookup(inum, part);
  struct dinode d = inum ? inode_at(inum) : (struct dinode){0};
  if (inum == 0 || d.type != T_FILE) {
    fprintf(stderr, "ckptdump: %s: no file %s\n", img, path);
    exit(2);
  }
  buf = file_bytes(&d);
  len = d.size;
}

static void read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == 0 || fseek(f, 0, SEEK_END) != 0) {
    perror(path);
    exit(2);
  }
  len = ftell(f);
  rewind(f);
  buf = malloc(len + 1);
  if (buf == 0 || fread(buf, 1, len, f) != len) {
    perror(path);
    exit(2);
  }
  fclose(f);
}

// ---- printing and checking ----

static int check_header(struct ckpt_header *h) {
  if (len < sizeof(*h)) {
    problem("shorter than a header", -1);
    return -1;
  }
  if (h->magic != CKPT_MAGIC || h->version != CKPT_VERSION || h->hdrsize != sizeof(*h)) {
    problem("bad magic, version or header size", -1);
    return -1;
  }
  if (h->nmaps > CKPT_MAXMAPS || h->nruns > CKPT_MAXRUNS || h->nfiles > CKPT_MAXFILES)
    problem("too many maps, runs or files", -1);
  if (!inside(h->maps_off, h->nmaps, sizeof(struct ckpt_map)) ||
      !inside(h->runs_off, h->nruns, sizeof(struct ckpt_run)) ||
      !inside(h->files_off, h->nfiles, sizeof(struct ckpt_file)))
    problem("a table lies past the end of the image", -1);
  if (h->data_off % PGSIZE || !inside(h->data_off, h->npages, PGSIZE))
    problem("the page area is unaligned or past the end", -1);
  if (h->sz > MMAPMAX || h->regs[0] >= MMAPMAX)
    problem("sz or pc outside user memory", -1);
  if (!terminated(h->name, sizeof(h->name)) || !terminated(h->cwd, sizeof(h->cwd)) || !h->cwd[0])
    problem("name or cwd not a string", -1);
  return problems ? -1 : 0;
}

static void print_header(struct ckpt_header *h) {
  printf("image: version %u, %zu bytes\n", h->version, len);
  printf("program: %s  cwd: %s  sz: 0x%llx  pc: 0x%llx  sp: 0x%llx\n", h->name, h->cwd,
         (unsigned long long)h->sz, (unsigned long long)h->regs[0], (unsigned long long)h->regs[2]);
  printf("maps %u, runs %u, files %u, pages %u (data at %llu)\n", h->nmaps, h->nruns, h->nfiles,
         h->npages, (unsigned long long)h->data_off);
}

static void maps(struct ckpt_header *h, struct ckpt_map *m) {
  uint64 floor = (h->sz + SUPERPAGE - 1) & ~(SUPERPAGE - 1);
  for (uint i = 0; i < h->nmaps; i++, m++) {
    int anon = (m->flags & MAP_ANONYMOUS) != 0, kind = m->flags & (MAP_SHARED | MAP_PRIVATE);
    printf("  map  0x%llx-0x%llx prot %d %s %s off %llu\n", (unsigned long long)m->start,
           (unsigned long long)m->end, m->prot, kind == MAP_SHARED ? "shared" : "private",
           anon ? "anonymous" : (terminated(m->path, CKPT_PATHMAX) ? m->path : "?"),
           (unsigned long long)m->off);
    if (m->start % PGSIZE || m->end % PGSIZE || m->off % PGSIZE || m->start >= m->end ||
        m->end > MMAPMAX || m->start < floor || (m->prot & ~PROT_ALL) ||
        (kind != MAP_SHARED && kind != MAP_PRIVATE) ||
        (m->flags & ~(MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS)) ||
        !terminated(m->path, CKPT_PATHMAX) || anon != (m->path[0] == 0))
      problem("bad map", i);
    for (uint j = 0; j < i; j++)
      if (m[j - i].start < m->end && m->start < m[j - i].end)
        problem("maps overlap", i);
  }
}

static void runs(struct ckpt_header *h, struct ckpt_run *r, struct ckpt_map *m) {
  uint64 pages = 0, prev_end = 0;
  for (uint i = 0; i < h->nruns; i++, r++) {
    uint64 end = r->start + (uint64)r->npages * PGSIZE;
    printf("  run  0x%llx-0x%llx prot %d (%u pages at %llu)\n", (unsigned long long)r->start,
           (unsigned long long)end, r->prot, r->npages, (unsigned long long)r->data);
    if (r->start % PGSIZE || r->data % PGSIZE || r->npages == 0 || r->start >= MMAPMAX ||
        r->npages > (MMAPMAX - r->start) / PGSIZE || (r->prot & ~PROT_ALL) ||
        r->data < h->data_off || (r->data - h->data_off) / PGSIZE + r->npages > h->npages ||
        (i > 0 && r->start < prev_end))
      problem("bad run", i);
    prev_end = end;
    pages += r->npages;
    if (end <= ((h->sz + PGSIZE - 1) & ~(PGSIZE - 1)))
      continue;
    int held = 0;
    for (uint j = 0; j < h->nmaps; j++)
      held |= m[j].start <= r->start && end <= m[j].end && r->prot && !(r->prot & ~m[j].prot) &&
              !((m[j].flags & MAP_SHARED) && !(m[j].flags & MAP_ANONYMOUS));
    if (!held)
      problem("run neither below sz nor inside a private mapping allowing it", i);
  }
  if (pages > h->npages)
    problem("runs name more pages than the image holds", -1);
}

static void files(struct ckpt_header *h, struct ckpt_file *f) {
  for (uint i = 0; i < h->nfiles; i++, f++) {
    printf("  fd %d: %s %s mode %d off %llu\n", f->fd, f->kind == CKPT_FD_DEVICE ? "device" : "file",
           terminated(f->path, CKPT_PATHMAX) ? f->path : "?", f->omode, (unsigned long long)f->off);
    if (f->fd < 0 || f->fd >= CKPT_MAXFILES || (f->kind != CKPT_FD_INODE && f->kind != CKPT_FD_DEVICE) ||
        (f->omode != O_RDONLY && f->omode != O_WRONLY && f->omode != O_RDWR) ||
        f->off > 0xffffffffULL || !terminated(f->path, CKPT_PATHMAX) || !f->path[0])
      problem("bad file", i);
    for (uint j = 0; j < i; j++)
      if (f[j - i].fd == f->fd)
        problem("fd twice", i);
  }
}

int main(int argc, char *argv[]) {
  if (argc == 2)
    read_file(argv[1]);
  else if (argc == 3)
    read_from_disk(argv[1], argv[2]);
  else {
    fprintf(stderr, "usage: ckptdump IMAGE | ckptdump FS.IMG /PATH\n");
    return 2;
  }
  struct ckpt_header h = {0};
  memcpy(&h, buf, len < sizeof(h) ? len : sizeof(h));
  if (check_header(&h) == 0) {
    print_header(&h);
    maps(&h, (struct ckpt_map *)(buf + h.maps_off));
    runs(&h, (struct ckpt_run *)(buf + h.runs_off), (struct ckpt_map *)(buf + h.maps_off));
    files(&h, (struct ckpt_file *)(buf + h.files_off));
  }
  printf(problems ? "ckptdump: %d problem(s)\n" : "ckptdump: ok\n", problems);
  return problems ? 1 : 0;
}
