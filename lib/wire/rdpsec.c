/*
 * rdpsec.c - see rdpsec.h.
 */
#include "wire/rdpsec.h"
