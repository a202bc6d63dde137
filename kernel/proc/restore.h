// Restore: a new process from a checkpoint image (kernel/proc/restore.c,
// docs/checkpoint.md).
#ifndef CALF_RESTORE_H
#define CALF_RESTORE_H

struct file;

// How restore opens the files an image names: open() with the caller's
// credentials, which the system-call layer passes down (kernel/proc/
// sysckpt.c), so that a restored process gets no file its restorer could
// not open. An open file, or 0.
typedef struct file *(*ckpt_open_fn)(char *path, int omode);

// Start a child of the caller from the image open in img, mode
// RESTORE_EAGER or RESTORE_LAZY: its pid, or -1 (a malformed image, a file
// it names that the caller cannot open, no memory).
int restore_image(struct file *img, int mode, ckpt_open_fn open);

#endif
