// Freestanding string and memory routines for the kernel.
#ifndef CALF_KSTRING_H
#define CALF_KSTRING_H

#include "kernel/types.h"

void *memset(void *dst, int c, uint n);
int memcmp(const void *a, const void *b, uint n);
void *memmove(void *dst, const void *src, uint n);
void *memcpy(void *dst, const void *src, uint n);
int strncmp(const char *p, const char *q, uint n);
char *strncpy(char *s, const char *t, int n);
char *safestrcpy(char *s, const char *t, int n); // always NUL-terminates
int strlen(const char *s);

#endif
