/*
 * license.c - see license.h.
 */
#include "wire/license.h"
