/*
 * reader.h - the Windows reader of the host state (reader.c), used by
 * rdpdoctor-host.exe (main.c). Win32 only.
 */
#ifndef RDD_HOST_WIN_READER_H
#define RDD_HOST_WIN_READER_H

#include <stddef.h>
#include <wchar.h>

#include "rdpdoctor/host.h"

/* Read this machine's state into ST; READER names the program. */
void rdd_host_win_read(struct rdd_host_state *st, const char *reader);

/* The MachineKeys file name of the CAPI machine key CONTAINER (MD5 name
 * "_" MachineGuid) into OUT (CAP wide characters). Returns 0 or -1. */
int rdd_host_win_key_file_name(const wchar_t *container, wchar_t *out,
                               size_t cap);

#endif
