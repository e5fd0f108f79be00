/*
 * domain.c - see domain.h.
 */
#include "wire/domain.h"
