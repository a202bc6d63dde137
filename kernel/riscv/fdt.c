// Reading the flattened device tree (FDT) that OpenSBI hands the kernel.
//
// The blob is a header, a structure block of tokens (BEGIN_NODE name,
// PROP len nameoff value, END_NODE, END) and a strings block holding the
// property names. All numbers are big-endian. We walk the tokens once,
// collect the few properties we care about for each node, and when a node
// ends decide whether it is RAM, a hart, the UART, the PLIC, a virtio
// slot, the test finisher or /chosen. The result lands in `platform`,
// which is read-only after boot.
//
// Invariant: the reader looks at no byte outside the blob. The header
// must fit in the bytes the caller vouches for (fdt_read's avail), and the
// structure and strings blocks inside the header's totalsize; every token,
// node name and property value must then end inside the structure block,
// every property name inside the strings block, and a string-valued
// property (compatible, device_type, bootargs) must end in a NUL inside
// its value. The first thing that breaks a rule ends the walk: what was
// read before it stands and defaults fill the rest, so a truncated or
// hostile blob cannot make the kernel read past it, loop, or overflow the
// node stack. Every token moves the walk on by at least 4 bytes, so it ends.
#include "kernel/riscv/fdt.h"
#include "kernel/memlayout.h"
#include "kernel/lib/string.h"

struct platform platform;

#define FDT_MAGIC 0xd00dfeed
#define FDT_HEADER_SIZE 40 // ten 32-bit fields, through size_dt_struct
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define MAX_DEPTH 8

// What we keep of one node while walking it. The pointers point into the
// blob; the strings among them are NUL-terminated inside it.
struct node {
  const char *name;
  const char *compat; // all compatible strings, NUL-separated
  int compat_len;
  const uint8 *reg; // raw big-endian cells
  int reg_cells;
  int irq;
  const char *device_type;
  const char *bootargs;
};

// The walk's position: the next token at p, the structure block ending
// at end, the strings block at strings, nstrings bytes long.
struct cursor {
  const uint8 *p, *end;
  const char *strings;
  uint32 nstrings;
};

static uint32 be32(const void *p) {
  const uint8 *b = p;
  return ((uint32)b[0] << 24) | ((uint32)b[1] << 16) | ((uint32)b[2] << 8) | b[3];
}

// Two cells, most significant first: QEMU virt uses 2 address and 2 size
// cells under / and /soc.
static uint64 cells64(const uint8 *c) { return ((uint64)be32(c) << 32) | be32(c + 4); }

static int has_compat(struct node *n, const char *want) {
  int wl = strlen(want);
  for (int i = 0; i < n->compat_len;) {
    int l = strlen(n->compat + i);
    if (l == wl && memcmp(n->compat + i, want, wl) == 0)
      return 1;
    i += l + 1;
  }
  return 0;
}

static int is(const char *s, const char *t) { return s && strncmp(s, t, 64) == 0; }

static void add_virtio(uint64 base, int irq) {
  if (platform.nvirtio >= MAX_VIRTIO)
    return;
  // Keep the slots sorted by address, so slot 0 is the lowest (QEMU
  // attaches the first -device to the highest slot, not the lowest).
  int i = platform.nvirtio++;
  while (i > 0 && platform.virtio[i - 1] > base) {
    platform.virtio[i] = platform.virtio[i - 1];
    platform.virtio_irq[i] = platform.virtio_irq[i - 1];
    i--;
  }
  platform.virtio[i] = base;
  platform.virtio_irq[i] = irq;
}

// A node has ended: record it if it is one we use.
static void classify(struct node *n, int depth) {
  if (depth == 1 && is(n->name, "chosen") && n->bootargs)
    safestrcpy(platform.bootargs, n->bootargs, sizeof(platform.bootargs));
  if (is(n->device_type, "cpu") && n->reg_cells >= 1 && platform.nharts < 8)
    platform.hartids[platform.nharts++] = be32(n->reg);
  if (n->reg_cells < 4)
    return;
  uint64 base = cells64(n->reg), size = cells64(n->reg + 8);
  if (is(n->device_type, "memory") && platform.ram_size == 0) {
    platform.ram_base = base;
    platform.ram_size = size;
  } else if (has_compat(n, "ns16550a")) {
    platform.uart = base;
    platform.uart_irq = n->irq;
  } else if (has_compat(n, "riscv,plic0") || has_compat(n, "sifive,plic-1.0.0")) {
    platform.plic = base;
  } else if (has_compat(n, "virtio,mmio")) {
    add_virtio(base, n->irq);
  } else if (has_compat(n, "sifive,test0") || has_compat(n, "sifive,test1")) {
    platform.finisher = base;
  }
}

static void set_defaults(void) {
  if (platform.ram_size == 0) {
    platform.ram_base = KERNBASE;
    platform.ram_size = PHYSTOP - KERNBASE;
  }
  if (platform.nharts == 0)
    platform.hartids[platform.nharts++] = 0;
  if (platform.uart == 0) {
    platform.uart = UART0;
    platform.uart_irq = UART0_IRQ;
  }
  if (platform.plic == 0)
    platform.plic = PLIC;
  if (platform.nvirtio == 0)
    add_virtio(VIRTIO0, VIRTIO0_IRQ);
}

// Move past n bytes rounded up to the 4-byte token alignment; running off
// the block leaves the cursor at its end, where the next take32 fails.
static void skip(struct cursor *c, uint32 n) {
  uint64 step = ((uint64)n + 3) & ~3UL;
  c->p = step < (uint64)(c->end - c->p) ? c->p + step : c->end;
}

// The next 32-bit cell, or -1 if the structure block has run out.
static int take32(struct cursor *c, uint32 *v) {
  if (c->end - c->p < 4)
    return -1;
  *v = be32(c->p);
  c->p += 4;
  return 0;
}

// The string at p, at most max bytes long with its NUL; 0 if no NUL ends it.
static const char *string_in(const uint8 *p, uint64 max) {
  for (uint64 i = 0; i < max; i++)
    if (p[i] == 0)
      return (const char *)p;
  return 0;
}

// A BEGIN_NODE's name, or 0 if it does not end inside the block.
static const char *take_name(struct cursor *c) {
  const char *name = string_in(c->p, c->end - c->p);
  if (name)
    skip(c, strlen(name) + 1);
  return name;
}

// A string-valued property: its value must end in a NUL of its own.
static const char *prop_string(const uint8 *val, uint32 len) {
  return len > 0 && val[len - 1] == 0 ? (const char *)val : 0;
}

// A PROP token's body: record the property in n if we use it. -1 if the
// value or its name lies outside its block.
static int take_prop(struct cursor *c, struct node *n) {
  uint32 len, nameoff;
  if (take32(c, &len) < 0 || take32(c, &nameoff) < 0 || len > (uint64)(c->end - c->p) ||
      nameoff >= c->nstrings)
    return -1;
  const char *pname = string_in((const uint8 *)c->strings + nameoff, c->nstrings - nameoff);
  if (pname == 0)
    return -1;
  const uint8 *val = c->p;
  skip(c, len);
  if (is(pname, "compatible") && prop_string(val, len)) {
    n->compat = (const char *)val;
    n->compat_len = len;
  } else if (is(pname, "reg")) {
    n->reg = val;
    n->reg_cells = len / 4;
  } else if (is(pname, "interrupts") && len >= 4) {
    n->irq = be32(val);
  } else if (is(pname, "device_type")) {
    n->device_type = prop_string(val, len);
  } else if (is(pname, "bootargs")) {
    n->bootargs = prop_string(val, len);
  }
  return 0;
}

// Check the header against the avail bytes at h and aim c at the blocks
// it names. -1 if it is not a blob or a block lies outside it.
static int header_check(const uint8 *h, uint64 avail, struct cursor *c) {
  if (h == 0 || avail < FDT_HEADER_SIZE || be32(h) != FDT_MAGIC)
    return -1;
  uint32 total = be32(h + 4), soff = be32(h + 8), toff = be32(h + 12);
  uint32 tsize = be32(h + 32), ssize = be32(h + 36);
  if (total < FDT_HEADER_SIZE || total > avail || soff > total || ssize > total - soff ||
      toff > total || tsize > total - toff)
    return -1;
  c->p = h + soff;
  c->end = c->p + ssize;
  c->strings = (const char *)h + toff;
  c->nstrings = tsize;
  platform.fdt_base = (uint64)h;
  platform.fdt_size = total;
  return 0;
}

// Walk the tokens until END. 0 if the walk reached it, -1 if it stopped
// early: at a broken rule, or at a node deeper than any we need.
static int walk(struct cursor *c) {
  struct node stack[MAX_DEPTH];
  int depth = -1;
  uint32 tok;
  while (take32(c, &tok) == 0) {
    if (tok == FDT_BEGIN_NODE) {
      const char *name = take_name(c);
      if (name == 0 || ++depth >= MAX_DEPTH)
        return -1;
      memset(&stack[depth], 0, sizeof(stack[depth]));
      stack[depth].name = name;
    } else if (tok == FDT_PROP) {
      if (depth < 0 || take_prop(c, &stack[depth]) < 0)
        return -1;
    } else if (tok == FDT_END_NODE) {
      if (depth < 0)
        return -1;
      classify(&stack[depth], depth);
      depth--;
    } else if (tok == FDT_END) {
      return 0;
    } else if (tok != FDT_NOP) {
      return -1;
    }
  }
  return -1; // ran off the structure block
}

int fdt_read(const void *blob, uint64 avail) {
  struct cursor c;
  memset(&platform, 0, sizeof(platform));
  int r = header_check(blob, avail, &c) < 0 ? -1 : walk(&c);
  set_defaults();
  return r;
}

void fdt_parse(uint64 dtb) {
  // OpenSBI says where the blob is but not how long it is: the header's
  // own totalsize is the only bound there is, and fdt_read holds the
  // blocks inside it.
  const uint8 *h = (const uint8 *)dtb;
  fdt_read(h, h && be32(h) == FDT_MAGIC ? be32(h + 4) : 0);
}

// Find "key=value" as a whole word in bootargs.
int bootarg(const char *key, char *buf, int max) {
  if (max <= 0)
    return 0; // no room even for the NUL
  int kl = strlen(key);
  const char *p = platform.bootargs;
  while (*p) {
    while (*p == ' ')
      p++;
    const char *w = p;
    while (*p && *p != ' ')
      p++;
    if (p - w > kl && strncmp(w, key, kl) == 0 && w[kl] == '=') {
      int n = p - (w + kl + 1);
      if (n >= max)
        n = max - 1;
      memmove(buf, w + kl + 1, n);
      buf[n] = 0;
      return 1;
    }
  }
  return 0;
}

uint bootarg_uint(const char *key, uint dflt) {
  char arg[16];
  if (!bootarg(key, arg, sizeof(arg)) || arg[0] < '0' || arg[0] > '9')
    return dflt;
  uint v = 0;
  for (char *c = arg; *c >= '0' && *c <= '9'; c++)
    v = v * 10 + (*c - '0');
  return v;
}
