/*
 * growbuf.c - a byte buffer grown on demand up to a cap (growbuf.h).
 */
#include <stdlib.h>

#include "probe/growbuf.h"

bool
rdd__reserve(uint8_t **buf, size_t *cap, size_t used, size_t n, size_t cap_max)
{
	size_t want, c;
	uint8_t *nb;

	if (n > cap_max || used > cap_max - n)
		return false;
	want = used + n;
	if (want <= *cap)
		return true;
	c = *cap != 0 ? *cap : 1024;
	while (c < want)
		c = c > cap_max / 2 ? cap_max : c * 2;
	nb = realloc(*buf, c);
	if (nb == NULL)
		return false;
	*buf = nb;
	*cap = c;
	return true;
}
