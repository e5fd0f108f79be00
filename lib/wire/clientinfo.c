/*
 * clientinfo.c - see clientinfo.h.
 */
#include "wire/clientinfo.h"
