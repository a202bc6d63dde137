// cowhello under another name (see cowhello.c): tests/gradescope_check.py
// grades a submission whose kernel misbehaves for a process named cowhang.
#include "cowhello.c"
