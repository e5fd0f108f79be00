/*
 * rdpeudp.c - the RDP-UDP SYN and SYN+ACK datagrams (rdpeudp.h).
 */
#include <string.h>

#include "wire/cursor.h"
#include "wire/rdpeudp.h"

int
rdd_rdpeudp_parse_syn(const uint8_t *p, size_t len, struct rdd_rdpeudp_syn *out)
{
	struct rdd_cur c;
	struct rdd_rdpeudp_syn s;

	if (p == NULL || out == NULL)
		return -1;
	memset(&s, 0, sizeof(s));
	rdd_cur_init(&c, p, len);
	/* RDPUDP_FEC_HEADER */
	if (rdd_cur_u32be(&c, &s.sn_source_ack) != 0 ||
	    rdd_cur_u16be(&c, &s.window) != 0 ||
	    rdd_cur_u16be(&c, &s.flags) != 0)
		return -1;
	if ((s.flags & RDD_RDPEUDP_SYN) == 0)
		return -1;
	/* RDPUDP_SYNDATA_PAYLOAD */
	if (rdd_cur_u32be(&c, &s.isn) != 0 ||
	    rdd_cur_u16be(&c, &s.up_mtu) != 0 ||
	    rdd_cur_u16be(&c, &s.down_mtu) != 0)
		return -1;
	if (s.flags & RDD_RDPEUDP_CORRELATION_ID) {
		s.has_correlation_id = true;
		if (rdd_cur_copy(&c, s.correlation_id,
		                 sizeof(s.correlation_id)) != 0 ||
		    rdd_cur_skip(&c, 16) != 0) /* uReserved */
			return -1;
	}
	if (s.flags & RDD_RDPEUDP_SYNEX) {
		s.has_synex = true;
		if (rdd_cur_u16be(&c, &s.synex_flags) != 0 ||
		    rdd_cur_u16be(&c, &s.version) != 0)
			return -1;
		if (s.version == RDD_RDPEUDP_VERSION_3 &&
		    (s.flags & RDD_RDPEUDP_ACK) == 0) {
			s.has_cookie_hash = true;
			if (rdd_cur_copy(&c, s.cookie_hash,
			                 sizeof(s.cookie_hash)) != 0)
				return -1;
		}
	}
	*out = s;
	return 0;
}

size_t
rdd_rdpeudp_build_syn(const struct rdd_rdpeudp_syn *s, uint8_t *out, size_t cap)
{
	struct rdd_buf b;

	if (s == NULL || out == NULL || cap < RDD_RDPEUDP_SYN_LEN)
		return 0;
	rdd_buf_init(&b, out, RDD_RDPEUDP_SYN_LEN);
	rdd_buf_u32be(&b, s->sn_source_ack);
	rdd_buf_u16be(&b, s->window);
	rdd_buf_u16be(&b, s->flags);
	rdd_buf_u32be(&b, s->isn);
	rdd_buf_u16be(&b, s->up_mtu);
	rdd_buf_u16be(&b, s->down_mtu);
	if (s->flags & RDD_RDPEUDP_CORRELATION_ID) {
		rdd_buf_bytes(&b, s->correlation_id, sizeof(s->correlation_id));
		rdd_buf_zeros(&b, 16);
	}
	if (s->flags & RDD_RDPEUDP_SYNEX) {
		rdd_buf_u16be(&b, s->synex_flags);
		rdd_buf_u16be(&b, s->version);
		if (s->version == RDD_RDPEUDP_VERSION_3 &&
		    (s->flags & RDD_RDPEUDP_ACK) == 0)
			rdd_buf_bytes(&b, s->cookie_hash,
			              sizeof(s->cookie_hash));
	}
	if (b.err || b.len > RDD_RDPEUDP_SYN_LEN)
		return 0;
	rdd_buf_zeros(&b, RDD_RDPEUDP_SYN_LEN - b.len);
	return b.err ? 0 : b.len;
}

void
rdd_rdpeudp_client_syn(struct rdd_rdpeudp_syn *s, uint32_t isn,
                       const uint8_t correlation_id[16], uint16_t version)
{
	memset(s, 0, sizeof(*s));
	s->sn_source_ack = 0xFFFFFFFFu;
	s->window = 64;
	s->flags =
	    RDD_RDPEUDP_SYN | RDD_RDPEUDP_CORRELATION_ID | RDD_RDPEUDP_SYNEX;
	s->isn = isn;
	s->up_mtu = RDD_RDPEUDP_MTU;
	s->down_mtu = RDD_RDPEUDP_MTU;
	s->has_correlation_id = true;
	if (correlation_id != NULL)
		memcpy(s->correlation_id, correlation_id, 16);
	s->has_synex = true;
	s->synex_flags = RDD_RDPEUDP_VERSION_INFO_VALID;
	s->version = version;
	s->has_cookie_hash = version == RDD_RDPEUDP_VERSION_3;
}

/* The rank of a version: 1 < 2 < 3 (0x0101); the client's 0x0003 seen in
 * a capture counts as 2 (above 2, below RDPEUDP2). */
static int
rank(uint16_t v)
{
	if (v == RDD_RDPEUDP_VERSION_3)
		return 3;
	if (v >= RDD_RDPEUDP_VERSION_2 && v < 0x0100)
		return 2;
	return 1;
}

int
rdd_rdpeudp_server_synack(const struct rdd_rdpeudp_syn *syn,
                          uint32_t server_isn, uint16_t max_version,
                          struct rdd_rdpeudp_syn *out)
{
	uint16_t mtu;
	int r;

	if (syn == NULL || out == NULL || (syn->flags & RDD_RDPEUDP_SYN) == 0 ||
	    (syn->flags & RDD_RDPEUDP_ACK) != 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->sn_source_ack = syn->isn;
	out->window = 64;
	out->flags = RDD_RDPEUDP_SYN | RDD_RDPEUDP_ACK;
	out->isn = server_isn;
	mtu = syn->up_mtu < syn->down_mtu ? syn->up_mtu : syn->down_mtu;
	if (mtu > RDD_RDPEUDP_MTU || mtu < RDD_RDPEUDP_MTU_MIN)
		mtu = RDD_RDPEUDP_MTU;
	out->up_mtu = mtu;
	out->down_mtu = mtu;
	if (syn->has_synex &&
	    (syn->synex_flags & RDD_RDPEUDP_VERSION_INFO_VALID)) {
		r = rank(syn->version) < rank(max_version) ? rank(syn->version)
		                                           : rank(max_version);
		out->flags |= RDD_RDPEUDP_SYNEX;
		out->has_synex = true;
		out->synex_flags = RDD_RDPEUDP_VERSION_INFO_VALID;
		out->version = r == 3   ? RDD_RDPEUDP_VERSION_3
		               : r == 2 ? RDD_RDPEUDP_VERSION_2
		                        : RDD_RDPEUDP_VERSION_1;
	}
	return 0;
}

const char *
rdd_rdpeudp_version_name(uint16_t version)
{
	switch (version) {
	case RDD_RDPEUDP_VERSION_1:
		return "1";
	case RDD_RDPEUDP_VERSION_2:
		return "2";
	case RDD_RDPEUDP_VERSION_3:
		return "3 (RDPEUDP2)";
	default:
		return NULL;
	}
}
