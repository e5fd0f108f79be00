/*
 * share.c - see share.h.
 */
#include "wire/share.h"
