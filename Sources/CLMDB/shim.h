#ifndef CLMDB_SHIM_H
#define CLMDB_SHIM_H
#include <lmdb.h>
#ifdef __linux__
/* fstatfs: the binding tells a memory-backed file system (tmpfs) by its type. */
#include <sys/vfs.h>
#endif
#endif
