// libFuzzer target for kernel/riscv/fdt.c: the input is a device-tree
// blob of exactly its length. Reading it must touch no byte past it (ASan
// reports that) and leave platform within its bounds whatever the blob
// says; a violation aborts (a finding). bootarg then looks up a few keys
// in whatever bootargs the blob gave. Built by tests/host_check.py with
// -fsanitize=fuzzer,address,undefined; corpus in tests/fuzz/fdt/.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/riscv/fdt.h"

static void check_platform(const uint8_t *data, size_t size, int r) {
  if (platform.nharts < 1 || platform.nharts > 8)
    abort();
  if (platform.nvirtio < 1 || platform.nvirtio > MAX_VIRTIO)
    abort();
  for (int i = 1; i < platform.nvirtio; i++)
    if (platform.virtio[i - 1] > platform.virtio[i])
      abort(); // slots out of address order
  if (memchr(platform.bootargs, 0, sizeof(platform.bootargs)) == 0)
    abort(); // bootargs without its NUL
  if (platform.ram_size == 0 || platform.uart == 0 || platform.plic == 0)
    abort(); // a default not filled in
  if (r == 0 && (platform.fdt_base != (uint64)(uintptr_t)data || platform.fdt_size > size))
    abort(); // read a blob larger than it was given
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int r = fdt_read(data, size);
  if (r != 0 && r != -1)
    abort();
  check_platform(data, size, r);
  char buf[16];
  const char *keys[] = {"fork", "diskcache", "crashafter", ""};
  for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
    if (bootarg(keys[i], buf, sizeof(buf)) && memchr(buf, 0, sizeof(buf)) == 0)
      abort();
  return 0;
}
