// UBSan's runtime, for a KSAN=1 kernel: the __ubsan_handle_* functions
// that gcc's -fsanitize=undefined calls where a check fails (a signed
// add that overflows, an index past an array's end, a misaligned or null
// pointer, ...). Empty unless KSAN is defined, and itself compiled
// without the checks (the Makefile), so a report cannot report itself.
//
// Invariant: a report never returns. It prints what went wrong (the
// values, where cheap) and panics with the kind and the source position,
// so a run of the test suite stops at the first undefined behaviour, with
// a backtrace. The kernel is built with -fno-sanitize-recover, so gcc
// calls the "_abort" entry points and does not expect them to return.
//
// What gcc passes (the ABI that gcc shares with LLVM's runtime): a
// pointer to a static record that starts with the source position, and
// for the checks on values, the operands. An operand is passed in a
// register when its type fits in one (all of calf's do); wider types
// are passed by address. A type is described by a kind (0 integer,
// 1 floating point), an info word (for an integer, bit 0 is set if it is
// signed and the rest is log2 of its width in bits) and its name.
#ifdef KSAN
#include "kernel/types.h"
#include "kernel/lib/printk.h"

struct source_location {
  const char *file;
  uint32 line;
  uint32 column;
};

struct type_descriptor {
  uint16 kind;
  uint16 info;
  char name[]; // quoted, as in "'int'"
};

enum { TYPE_INTEGER = 0 };

// The records, one layout per group of checks.
struct at_data { // builtin_unreachable, pointer_overflow
  struct source_location loc;
};
struct typed_data { // overflows, vla bound, invalid value
  struct source_location loc;
  const struct type_descriptor *type;
};
struct shift_data {
  struct source_location loc;
  const struct type_descriptor *lhs_type, *rhs_type;
};
struct bounds_data {
  struct source_location loc;
  const struct type_descriptor *array_type, *index_type;
};
struct mismatch_data {
  struct source_location loc;
  const struct type_descriptor *type;
  uint8 log_alignment; // the alignment the type needs, as a power of two
  uint8 check_kind;    // what was done through the pointer (access_names)
};
struct nonnull_arg_data {
  struct source_location loc, attr_loc;
  int arg_index;
};
struct nonnull_return_data {
  struct source_location attr_loc;
};
struct builtin_data {
  struct source_location loc;
  uint8 kind; // 0: ctz, 1: clz
};

// gcc declares these itself; the prototypes keep this file's definitions honest.
#define NORETURN __attribute__((noreturn))
NORETURN void __ubsan_handle_add_overflow_abort(struct typed_data *d, uint64 a, uint64 b);
NORETURN void __ubsan_handle_sub_overflow_abort(struct typed_data *d, uint64 a, uint64 b);
NORETURN void __ubsan_handle_mul_overflow_abort(struct typed_data *d, uint64 a, uint64 b);
NORETURN void __ubsan_handle_negate_overflow_abort(struct typed_data *d, uint64 a);
NORETURN void __ubsan_handle_divrem_overflow_abort(struct typed_data *d, uint64 a, uint64 b);
NORETURN void __ubsan_handle_shift_out_of_bounds_abort(struct shift_data *d, uint64 a, uint64 b);
NORETURN void __ubsan_handle_out_of_bounds_abort(struct bounds_data *d, uint64 index);
NORETURN void __ubsan_handle_type_mismatch_v1_abort(struct mismatch_data *d, uint64 ptr);
NORETURN void __ubsan_handle_pointer_overflow_abort(struct at_data *d, uint64 base, uint64 res);
NORETURN void __ubsan_handle_load_invalid_value_abort(struct typed_data *d, uint64 v);
NORETURN void __ubsan_handle_vla_bound_not_positive_abort(struct typed_data *d, uint64 bound);
NORETURN void __ubsan_handle_nonnull_arg_abort(struct nonnull_arg_data *d);
NORETURN void __ubsan_handle_nonnull_return_v1_abort(struct nonnull_return_data *d,
                                                     struct source_location *loc);
NORETURN void __ubsan_handle_invalid_builtin_abort(struct builtin_data *d);
NORETURN void __ubsan_handle_builtin_unreachable(struct at_data *d);

static int reporting;

// One report at a time. A second one, from another hart or from inside
// this report, waits: the first ends the machine.
static void begin(void) {
  if (__atomic_exchange_n(&reporting, 1, __ATOMIC_SEQ_CST))
    for (;;)
      ;
}

static NORETURN void end(const char *kind, const struct source_location *loc) {
  panic("ubsan: %s at %s:%d:%d", kind, loc->file, (int)loc->line, (int)loc->column);
}

static int bits_of(const struct type_descriptor *t) { return 1 << (t->info >> 1); }

// An operand as its type reads it: sign-extended from the type's width if signed.
static void print_value(const struct type_descriptor *t, uint64 v) {
  if (t->kind != TYPE_INTEGER || bits_of(t) > 64) {
    printf("(a value of type %s)", t->name);
    return;
  }
  int unused = 64 - bits_of(t);
  if (t->info & 1)
    printf("%ld", ((long)(v << unused)) >> unused);
  else
    printf("%lu", v);
}

static int is_negative(const struct type_descriptor *t, uint64 v) {
  int unused = 64 - bits_of(t);
  return (t->info & 1) && ((long)(v << unused)) >> unused < 0;
}

static NORETURN void overflow(struct typed_data *d, uint64 a, const char *op, uint64 b) {
  begin();
  printf("ubsan: ");
  print_value(d->type, a);
  printf(" %s ", op);
  print_value(d->type, b);
  printf(" cannot be represented in type %s\n", d->type->name);
  end("signed integer overflow", &d->loc);
}

void __ubsan_handle_add_overflow_abort(struct typed_data *d, uint64 a, uint64 b) {
  overflow(d, a, "+", b);
}

void __ubsan_handle_sub_overflow_abort(struct typed_data *d, uint64 a, uint64 b) {
  overflow(d, a, "-", b);
}

void __ubsan_handle_mul_overflow_abort(struct typed_data *d, uint64 a, uint64 b) {
  overflow(d, a, "*", b);
}

void __ubsan_handle_negate_overflow_abort(struct typed_data *d, uint64 a) {
  begin();
  printf("ubsan: negation of ");
  print_value(d->type, a);
  printf(" cannot be represented in type %s\n", d->type->name);
  end("signed integer overflow", &d->loc);
}

void __ubsan_handle_divrem_overflow_abort(struct typed_data *d, uint64 a, uint64 b) {
  begin();
  printf("ubsan: ");
  print_value(d->type, a);
  printf(" / ");
  print_value(d->type, b);
  printf(" in type %s\n", d->type->name);
  end(b == 0 ? "division by zero" : "division overflow", &d->loc);
}

// The record does not say which way the shift went: both operands are printed.
void __ubsan_handle_shift_out_of_bounds_abort(struct shift_data *d, uint64 a, uint64 b) {
  begin();
  printf("ubsan: shift of ");
  print_value(d->lhs_type, a);
  printf(" (type %s) by ", d->lhs_type->name);
  print_value(d->rhs_type, b);
  printf(" places\n");
  const char *why = is_negative(d->rhs_type, b)       ? "negative shift exponent"
                    : b >= (uint64)bits_of(d->lhs_type) ? "shift exponent too large for the type"
                    : is_negative(d->lhs_type, a)       ? "left shift of a negative value"
                                                        : "left shift overflows the type";
  end(why, &d->loc);
}

void __ubsan_handle_out_of_bounds_abort(struct bounds_data *d, uint64 index) {
  begin();
  printf("ubsan: index ");
  print_value(d->index_type, index);
  printf(" out of bounds for type %s\n", d->array_type->name);
  end("array index out of bounds", &d->loc);
}

static const char *const access_names[] = {
    "load of", "store to", "reference binding to", "member access within", "member call on",
};

void __ubsan_handle_type_mismatch_v1_abort(struct mismatch_data *d, uint64 ptr) {
  begin();
  uint64 align = 1UL << d->log_alignment;
  const char *access = d->check_kind < sizeof(access_names) / sizeof(access_names[0])
                           ? access_names[d->check_kind]
                           : "use of";
  printf("ubsan: %s address 0x%lx for type %s (alignment %lu)\n", access, ptr, d->type->name,
         align);
  end(ptr == 0              ? "null pointer"
      : (ptr & (align - 1)) ? "misaligned address"
                            : "address with too little space for the object",
      &d->loc);
}

void __ubsan_handle_pointer_overflow_abort(struct at_data *d, uint64 base, uint64 res) {
  begin();
  printf("ubsan: pointer arithmetic on 0x%lx gave 0x%lx\n", base, res);
  end("pointer overflow", &d->loc);
}

void __ubsan_handle_load_invalid_value_abort(struct typed_data *d, uint64 v) {
  begin();
  printf("ubsan: load of value ");
  print_value(d->type, v);
  printf(", not a valid value for type %s\n", d->type->name);
  end("invalid value", &d->loc);
}

void __ubsan_handle_vla_bound_not_positive_abort(struct typed_data *d, uint64 bound) {
  begin();
  printf("ubsan: variable-length array bound ");
  print_value(d->type, bound);
  printf("\n");
  end("variable-length array bound not positive", &d->loc);
}

void __ubsan_handle_nonnull_arg_abort(struct nonnull_arg_data *d) {
  begin();
  printf("ubsan: null passed as argument %d, declared nonnull at %s:%d\n", d->arg_index,
         d->attr_loc.file, (int)d->attr_loc.line);
  end("null argument", &d->loc);
}

void __ubsan_handle_nonnull_return_v1_abort(struct nonnull_return_data *d,
                                            struct source_location *loc) {
  begin();
  printf("ubsan: null returned from a function declared returns_nonnull at %s:%d\n",
         d->attr_loc.file, (int)d->attr_loc.line);
  end("null return", loc);
}

void __ubsan_handle_invalid_builtin_abort(struct builtin_data *d) {
  begin();
  printf("ubsan: zero passed to __builtin_%s\n", d->kind == 0 ? "ctz" : "clz");
  end("invalid builtin argument", &d->loc);
}

void __ubsan_handle_builtin_unreachable(struct at_data *d) {
  begin();
  end("reached __builtin_unreachable()", &d->loc);
}
#endif
