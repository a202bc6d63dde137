// exec: replace the calling process's memory with a program from the file system.
#ifndef CALF_EXEC_H
#define CALF_EXEC_H

// Returns argc (the new a0) on success, -1 with the old image intact on failure.
int exec(char *path, char **argv);

#endif
