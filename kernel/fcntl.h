// Flags for open(). The values match xv6 so lab programs behave the same.
#ifndef CALF_FCNTL_H
#define CALF_FCNTL_H

#define O_RDONLY 0x000
#define O_WRONLY 0x001
#define O_RDWR 0x002
#define O_CREATE 0x200
#define O_TRUNC 0x400

#endif
