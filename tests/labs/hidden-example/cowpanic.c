// cowhello under another name (see cowhello.c): tests/gradescope_check.py
// grades a submission whose kernel misbehaves for a process named cowpanic.
#include "cowhello.c"
