/*
 * share.c - the share PDUs (share.h): [MS-RDPBCGR] 2.2.8.1.1.1.1 (share
 * control header), 2.2.8.1.1.1.2 (share data header), 2.2.1.13.1 (Demand
 * Active), 2.2.1.13.2 (Confirm Active), 2.2.7 (capability sets),
 * 2.2.1.14 - 2.2.1.22 (finalization), 2.2.3.1 (Deactivate All), 2.2.5.1
 * (Set Error Info), 2.2.5.2 (Status Info), 2.2.10.1 (Save Session Info),
 * 2.2.12.1 (Monitor Layout), 2.2.13 (Server Redirection). All fields
 * little-endian.
 *
 *   share control header   share data header (data PDUs)
 *   +--------+------+-----+-------+---+---+-------+---+---+-------+-----
 *   | total  | type | src | share | p | s | uncmp | t2| ct| cmpln | payload
 *   | LE16   | LE16 | LE16| LE32  | 1 | 1 | LE16  | 1 | 1 | LE16  |
 *   +--------+------+-----+-------+---+---+-------+---+---+-------+-----
 *
 * Parsers work on a copy of their cursor and commit it only on success.
 */
#include <string.h>

#include "ntlm.h" /* rdd_utf16le_to_utf8 */
#include "share.h"

#define CTRL_HDR_LEN 6
#define CTRL_HDR_SHORT_LEN 4 /* no pduSource: XP's Deactivate All */
#define FLOW_PDU_MARKER 0x8000
#define DATA_HDR_LEN 12
#define CAPSET_HDR_LEN 4

#define STREAM_LOW 1
#define SERVER_CHANNEL_ID 0x03EA /* originatorId of a Confirm Active */

/* ---- share control and data headers ---------------------------------- */

int
rdd_share_parse_ctrl(struct rdd_cur *in, struct rdd_share_ctrl *out)
{
	struct rdd_cur c = *in, pdu;
	uint16_t total, type, source = 0;

	if (rdd_cur_u16le(&c, &total) != 0 || total == FLOW_PDU_MARKER ||
	    total < CTRL_HDR_SHORT_LEN)
		return -1;
	c = *in;
	if (rdd_cur_sub(&c, total, &pdu) != 0)
		return -1;
	(void)rdd_cur_skip(&pdu, 2); /* totalLength, read above */
	if (rdd_cur_u16le(&pdu, &type) != 0)
		return -1;
	if (total > CTRL_HDR_SHORT_LEN && rdd_cur_u16le(&pdu, &source) != 0)
		return -1;
	out->total_length = total;
	out->pdu_type_raw = type;
	out->pdu_type = (uint8_t)(type & 0x0F);
	out->has_source = total > CTRL_HDR_SHORT_LEN;
	out->pdu_source = source;
	out->body = pdu;
	*in = c;
	return 0;
}

int
rdd_share_parse_data(struct rdd_cur *body, struct rdd_share_data *out)
{
	struct rdd_cur c = *body;
	uint8_t pad;

	/* pad1 and streamId are not checked: a Windows server was seen
	 * sending garbage in both (test_share.c, win_server_sync). */
	if (rdd_cur_u32le(&c, &out->share_id) != 0 ||
	    rdd_cur_u8(&c, &pad) != 0 || rdd_cur_u8(&c, &out->stream_id) != 0 ||
	    rdd_cur_u16le(&c, &out->uncompressed_length) != 0 ||
	    rdd_cur_u8(&c, &out->pdu_type2) != 0 ||
	    rdd_cur_u8(&c, &out->compressed_type) != 0 ||
	    rdd_cur_u16le(&c, &out->compressed_length) != 0)
		return -1;
	/* A compressed payload (compressedType & 0x20) is handed over as is:
	 * rdpdoctor never offers compression, so the caller reports it. */
	out->payload = c;
	(void)rdd_cur_skip(&c, rdd_cur_left(&c));
	*body = c;
	return 0;
}

/* ---- Demand Active ----------------------------------------------------- */

/* Printable ASCII of SRC up to its first NUL, others as '?'. */
static void
copy_descriptor(char *dst, size_t cap, struct rdd_cur src)
{
	size_t n = 0;
	uint8_t ch;

	while (n + 1 < cap && rdd_cur_u8(&src, &ch) == 0 && ch != 0)
		dst[n++] = (ch >= 0x20 && ch < 0x7F) ? (char)ch : '?';
	dst[n] = '\0';
}

/* TS_GENERAL_CAPABILITYSET body: osMajorType .. suppressOutputSupport. */
static int
decode_general(struct rdd_cur c, struct rdd_caps_general *g)
{
	uint8_t refresh, suppress;

	if (rdd_cur_u16le(&c, &g->os_major) != 0 ||
	    rdd_cur_u16le(&c, &g->os_minor) != 0 ||
	    rdd_cur_u16le(&c, &g->protocol_version) != 0 ||
	    rdd_cur_skip(&c, 4) != 0 || /* pad2octetsA, compressionTypes */
	    rdd_cur_u16le(&c, &g->extra_flags) != 0 ||
	    rdd_cur_skip(&c, 6) != 0 || /* update, unshare, compr. level */
	    rdd_cur_u8(&c, &refresh) != 0 || rdd_cur_u8(&c, &suppress) != 0)
		return -1;
	g->refresh_rect = refresh != 0;
	g->suppress_output = suppress != 0;
	g->present = true;
	return 0;
}

/* TS_BITMAP_CAPABILITYSET body up to drawingFlags. */
static int
decode_bitmap(struct rdd_cur c, struct rdd_caps_bitmap *bm)
{
	uint16_t resize;

	if (rdd_cur_u16le(&c, &bm->bpp) != 0 ||
	    rdd_cur_skip(&c, 6) != 0 || /* receive1/4/8BitPerPixel */
	    rdd_cur_u16le(&c, &bm->width) != 0 ||
	    rdd_cur_u16le(&c, &bm->height) != 0 ||
	    rdd_cur_skip(&c, 2) != 0 || /* pad2octets */
	    rdd_cur_u16le(&c, &resize) != 0 ||
	    rdd_cur_skip(&c, 3) != 0 || /* compression flag, highColorFlags */
	    rdd_cur_u8(&c, &bm->drawing_flags) != 0)
		return -1;
	bm->resize = resize != 0;
	bm->present = true;
	return 0;
}

/* TS_ORDER_CAPABILITYSET body up to the end of orderSupport. */
static int
decode_order(struct rdd_cur c, struct rdd_caps_order *o)
{
	size_t i;

	/* terminalDescriptor 16, pad4octetsA, desktopSaveX/YGranularity,
	 * pad2octetsA, maximumOrderLevel, numberFonts */
	if (rdd_cur_skip(&c, 30) != 0 || rdd_cur_u16le(&c, &o->flags) != 0 ||
	    rdd_cur_copy(&c, o->support, sizeof(o->support)) != 0)
		return -1;
	o->n_supported = 0;
	for (i = 0; i < sizeof(o->support); i++)
		o->n_supported += o->support[i] != 0;
	o->present = true;
	return 0;
}

/* TS_VIRTUALCHANNEL_CAPABILITYSET body: flags, optional VCChunkSize. */
static int
decode_virtual_channel(struct rdd_cur c, struct rdd_caps_virtualchannel *vc)
{
	if (rdd_cur_u32le(&c, &vc->flags) != 0)
		return -1;
	vc->has_chunk_size = rdd_cur_u32le(&c, &vc->chunk_size) == 0;
	if (!vc->has_chunk_size)
		vc->chunk_size = 0;
	vc->present = true;
	return 0;
}

static int
decode_capset(uint16_t type, struct rdd_cur body, struct rdd_demand_active *da)
{
	switch (type) {
	case RDD_CAPSET_GENERAL:
		return decode_general(body, &da->general);
	case RDD_CAPSET_BITMAP:
		return decode_bitmap(body, &da->bitmap);
	case RDD_CAPSET_ORDER:
		return decode_order(body, &da->order);
	case RDD_CAPSET_VIRTUALCHANNEL:
		return decode_virtual_channel(body, &da->virtual_channel);
	default:
		return 0; /* listed only */
	}
}

/*
 * The combined capabilities: numberCapabilities, pad2Octets and that many
 * sets, each inside the combined length. Bytes after the last set are
 * left alone.
 */
static int
parse_capsets(struct rdd_cur comb, struct rdd_demand_active *da)
{
	struct rdd_cur body;
	uint16_t i, type, len;

	if (rdd_cur_u16le(&comb, &da->n_caps) != 0 ||
	    rdd_cur_skip(&comb, 2) != 0)
		return -1;
	for (i = 0; i < da->n_caps; i++) {
		if (rdd_cur_u16le(&comb, &type) != 0 ||
		    rdd_cur_u16le(&comb, &len) != 0 || len < CAPSET_HDR_LEN ||
		    rdd_cur_sub(&comb, len - CAPSET_HDR_LEN, &body) != 0)
			return -1;
		if (da->n_caps_kept < RDD_MAX_CAPSETS) {
			da->caps[da->n_caps_kept].type = type;
			da->caps[da->n_caps_kept].length = len;
			da->n_caps_kept++;
		}
		if (decode_capset(type, body, da) != 0)
			return -1;
	}
	return 0;
}

int
rdd_share_parse_demand_active(const struct rdd_share_ctrl *ctrl,
                              struct rdd_demand_active *out)
{
	struct rdd_cur c = ctrl->body, desc, comb;
	uint16_t len_desc, len_comb;

	if (ctrl->pdu_type != RDD_PDUTYPE_DEMANDACTIVE)
		return -1;
	memset(out, 0, sizeof(*out));
	out->pdu_source = ctrl->pdu_source;
	if (rdd_cur_u32le(&c, &out->share_id) != 0 ||
	    rdd_cur_u16le(&c, &len_desc) != 0 ||
	    rdd_cur_u16le(&c, &len_comb) != 0 ||
	    rdd_cur_sub(&c, len_desc, &desc) != 0 ||
	    rdd_cur_sub(&c, len_comb, &comb) != 0)
		return -1;
	copy_descriptor(out->source_descriptor, sizeof(out->source_descriptor),
	                desc);
	if (parse_capsets(comb, out) != 0)
		return -1;
	/* sessionId: xrdp and Windows send it; part of one is an error. */
	if (rdd_cur_left(&c) > 0) {
		if (rdd_cur_u32le(&c, &out->session_id) != 0)
			return -1;
		out->has_session_id = true;
	}
	return 0;
}

/* ---- Confirm Active ---------------------------------------------------- */

#define N_CONFIRM_CAPSETS 15
#define CONFIRM_CAPS_CAP 512 /* the 15 sets take 406 bytes */

static const char source_descriptor[] = "MSTSC"; /* sent with its NUL */

/* General extraFlags ([MS-RDPBCGR] 2.2.7.1.1). */
#define FASTPATH_OUTPUT_SUPPORTED 0x0001
#define LONG_CREDENTIALS_SUPPORTED 0x0004
#define AUTORECONNECT_SUPPORTED 0x0008
#define ENC_SALTED_CHECKSUM 0x0010
#define NO_BITMAP_COMPRESSION_HDR 0x0400
/* Order orderFlags ([MS-RDPBCGR] 2.2.7.1.3): both MUST be set. */
#define NEGOTIATEORDERSUPPORT 0x0002
#define ZEROBOUNDSDELTASSUPPORT 0x0008
/* Input inputFlags ([MS-RDPBCGR] 2.2.7.1.6). */
#define INPUT_FLAG_SCANCODES 0x0001
#define INPUT_FLAG_MOUSEX 0x0004
#define INPUT_FLAG_UNICODE 0x0010

static void
capset_header(struct rdd_buf *b, uint16_t type, uint16_t len)
{
	rdd_buf_u16le(b, type);
	rdd_buf_u16le(b, len);
}

static void
write_general(struct rdd_buf *b, const struct rdd_confirm_params *p)
{
	uint16_t extra = FASTPATH_OUTPUT_SUPPORTED |
	                 LONG_CREDENTIALS_SUPPORTED | AUTORECONNECT_SUPPORTED |
	                 NO_BITMAP_COMPRESSION_HDR;

	if (p->salted_mac)
		extra |= ENC_SALTED_CHECKSUM;
	capset_header(b, RDD_CAPSET_GENERAL, 24);
	rdd_buf_u16le(b, 1);      /* osMajorType: OSMAJORTYPE_WINDOWS */
	rdd_buf_u16le(b, 3);      /* osMinorType: OSMINORTYPE_WINDOWS_NT */
	rdd_buf_u16le(b, 0x0200); /* protocolVersion: TS_CAPS_PROTOCOLVERSION */
	rdd_buf_zeros(b, 4);      /* pad2octetsA, generalCompressionTypes */
	rdd_buf_u16le(b, extra);
	/* updateCapabilityFlag, remoteUnshareFlag, generalCompressionLevel,
	 * refreshRectSupport, suppressOutputSupport (server-only) */
	rdd_buf_zeros(b, 8);
}

static void
write_bitmap(struct rdd_buf *b, const struct rdd_confirm_params *p)
{
	capset_header(b, RDD_CAPSET_BITMAP, 28);
	rdd_buf_u16le(b, p->bpp);
	rdd_buf_u16le(b, 1); /* receive1BitPerPixel */
	rdd_buf_u16le(b, 1); /* receive4BitsPerPixel */
	rdd_buf_u16le(b, 1); /* receive8BitsPerPixel */
	rdd_buf_u16le(b, p->width);
	rdd_buf_u16le(b, p->height);
	rdd_buf_u16le(b, 0); /* pad2octets */
	rdd_buf_u16le(b, 1); /* desktopResizeFlag */
	rdd_buf_u16le(b, 1); /* bitmapCompressionFlag: MUST be TRUE */
	rdd_buf_u8(b, 0);    /* highColorFlags */
	rdd_buf_u8(b, 0);    /* drawingFlags */
	rdd_buf_u16le(b, 1); /* multipleRectangleSupport: MUST be TRUE */
	rdd_buf_u16le(b, 0); /* pad2octetsB */
}

static void
write_order(struct rdd_buf *b)
{
	capset_header(b, RDD_CAPSET_ORDER, 88);
	rdd_buf_zeros(b, 16); /* terminalDescriptor */
	rdd_buf_u32le(b, 0);  /* pad4octetsA */
	rdd_buf_u16le(b, 1);  /* desktopSaveXGranularity */
	rdd_buf_u16le(b, 20); /* desktopSaveYGranularity */
	rdd_buf_u16le(b, 0);  /* pad2octetsA */
	rdd_buf_u16le(b, 1);  /* maximumOrderLevel: ORD_LEVEL_1_ORDERS */
	rdd_buf_u16le(b, 0);  /* numberFonts */
	rdd_buf_u16le(b, NEGOTIATEORDERSUPPORT | ZEROBOUNDSDELTASSUPPORT);
	rdd_buf_zeros(b, 32);     /* orderSupport: rdpdoctor draws nothing */
	rdd_buf_u16le(b, 0);      /* textFlags */
	rdd_buf_u16le(b, 0);      /* orderSupportExFlags */
	rdd_buf_u32le(b, 0);      /* pad4octetsB */
	rdd_buf_u32le(b, 230400); /* desktopSaveSize, as mstsc and FreeRDP */
	rdd_buf_zeros(b, 8); /* pad2octetsC/D, textANSICodePage, pad2octetsE */
}

/* Three caches of the sizes mstsc asks for ([MS-RDPBCGR] 4.1.13) but
 * neither persistent keys nor a waiting list. */
static void
write_bitmap_cache_rev2(struct rdd_buf *b)
{
	capset_header(b, RDD_CAPSET_BITMAPCACHE_REV2, 40);
	rdd_buf_u16le(b, 0);      /* cacheFlags */
	rdd_buf_u8(b, 0);         /* pad2 */
	rdd_buf_u8(b, 3);         /* numCellCaches */
	rdd_buf_u32le(b, 120);    /* bitmapCache0CellInfo */
	rdd_buf_u32le(b, 120);    /* bitmapCache1CellInfo */
	rdd_buf_u32le(b, 2555);   /* bitmapCache2CellInfo */
	rdd_buf_zeros(b, 8 + 12); /* cells 3 and 4, pad3 */
}

/* Non-zero cache sizes: Windows answers zero with ERRINFO 0x10E9. */
static void
write_pointer(struct rdd_buf *b)
{
	capset_header(b, RDD_CAPSET_POINTER, 10);
	rdd_buf_u16le(b, 1);  /* colorPointerFlag */
	rdd_buf_u16le(b, 20); /* colorPointerCacheSize */
	rdd_buf_u16le(b, 21); /* pointerCacheSize */
}

static void
write_input(struct rdd_buf *b)
{
	capset_header(b, RDD_CAPSET_INPUT, 88);
	rdd_buf_u16le(b, INPUT_FLAG_SCANCODES | INPUT_FLAG_MOUSEX |
	                     INPUT_FLAG_UNICODE);
	rdd_buf_u16le(b, 0);     /* pad2octetsA */
	rdd_buf_u32le(b, 0x409); /* keyboardLayout: en-US, as CS_CORE */
	rdd_buf_u32le(b, 4);     /* keyboardType: IBM enhanced */
	rdd_buf_u32le(b, 0);     /* keyboardSubType */
	rdd_buf_u32le(b, 12);    /* keyboardFunctionKey */
	rdd_buf_zeros(b, 64);    /* imeFileName */
}

static void
write_brush(struct rdd_buf *b)
{
	capset_header(b, RDD_CAPSET_BRUSH, 8);
	rdd_buf_u32le(b, 0); /* brushSupportLevel: BRUSH_DEFAULT */
}

/* mstsc's cache definitions ([MS-RDPBCGR] 4.1.13), no glyph support. */
static void
write_glyph_cache(struct rdd_buf *b)
{
	static const uint16_t cell_size[10] = {4,  4,  8,   8,   16,
	                                       32, 64, 128, 256, 2048};
	size_t i;

	capset_header(b, RDD_CAPSET_GLYPHCACHE, 52);
	for (i = 0; i < 10; i++) {
		rdd_buf_u16le(b, i < 9 ? 254 : 64); /* CacheEntries */
		rdd_buf_u16le(b, cell_size[i]);     /* CacheMaximumCellSize */
	}
	rdd_buf_u16le(b, 256); /* fragCache entries */
	rdd_buf_u16le(b, 256); /* fragCache maximum cell size */
	rdd_buf_u16le(b, 0);   /* glyphSupportLevel: GLYPH_SUPPORT_NONE */
	rdd_buf_u16le(b, 0);   /* pad2octets */
}

static void
write_virtual_channel(struct rdd_buf *b, const struct rdd_confirm_params *p)
{
	capset_header(b, RDD_CAPSET_VIRTUALCHANNEL, 12);
	rdd_buf_u32le(b, 0); /* flags: VCCAPS_NO_COMPR */
	rdd_buf_u32le(b, p->vc_chunk);
}

/* Sets of two 16-bit fields or fewer: sound, share, font, colour cache. */
static void
write_small(struct rdd_buf *b, uint16_t type, uint16_t a, uint16_t c)
{
	capset_header(b, type, 8);
	rdd_buf_u16le(b, a);
	rdd_buf_u16le(b, c);
}

static void
write_control(struct rdd_buf *b)
{
	capset_header(b, RDD_CAPSET_CONTROL, 12);
	rdd_buf_u16le(b, 0); /* controlFlags */
	rdd_buf_u16le(b, 0); /* remoteDetachFlag */
	rdd_buf_u16le(b, 2); /* controlInterest: CONTROLPRIORITY_NEVER */
	rdd_buf_u16le(b, 2); /* detachInterest: CONTROLPRIORITY_NEVER */
}

static void
write_activation(struct rdd_buf *b)
{
	capset_header(b, RDD_CAPSET_ACTIVATION, 12);
	/* helpKeyFlag, helpKeyIndexFlag, helpExtendedKeyFlag,
	 * windowManagerKeyFlag */
	rdd_buf_zeros(b, 8);
}

static void
write_confirm_capsets(struct rdd_buf *b, const struct rdd_confirm_params *p)
{
	write_general(b, p);
	write_bitmap(b, p);
	write_order(b);
	write_bitmap_cache_rev2(b);
	write_pointer(b);
	write_input(b);
	write_brush(b);
	write_glyph_cache(b);
	write_virtual_channel(b, p);
	write_small(b, RDD_CAPSET_SOUND, 0, 0); /* soundFlags: no beeps */
	write_small(b, RDD_CAPSET_SHARE, 0, 0); /* nodeId: 0 from a client */
	write_small(b, RDD_CAPSET_FONT, 1, 0);  /* FONTSUPPORT_FONTLIST */
	write_control(b);
	write_small(b, RDD_CAPSET_COLORCACHE, 6, 0); /* colorTableCacheSize */
	write_activation(b);
}

static int
fail(struct rdd_buf *b, size_t start)
{
	b->len = start;
	b->err = true;
	return -1;
}

int
rdd_share_build_confirm_active(struct rdd_buf *b,
                               const struct rdd_confirm_params *p)
{
	uint8_t caps_st[CONFIRM_CAPS_CAP];
	struct rdd_buf caps;
	size_t start = b->len, comb, total;

	if (b->err)
		return -1;
	rdd_buf_init(&caps, caps_st, sizeof(caps_st));
	write_confirm_capsets(&caps, p);
	if (caps.err)
		return fail(b, start);
	/* lengthCombinedCapabilities counts numberCapabilities and
	 * pad2Octets with the sets (FreeRDP; mstsc's 4.1.13 example). */
	comb = 4 + caps.len;
	total = CTRL_HDR_LEN + 10 + sizeof(source_descriptor) + comb;
	rdd_buf_u16le(b, (uint16_t)total);
	rdd_buf_u16le(b, RDD_PDUTYPE_CONFIRMACTIVE | RDD_PDUTYPE_VERSION);
	rdd_buf_u16le(b, p->user_id);
	rdd_buf_u32le(b, p->share_id);
	rdd_buf_u16le(b, SERVER_CHANNEL_ID); /* originatorId */
	rdd_buf_u16le(b, sizeof(source_descriptor));
	rdd_buf_u16le(b, (uint16_t)comb);
	rdd_buf_bytes(b, source_descriptor, sizeof(source_descriptor));
	rdd_buf_u16le(b, N_CONFIRM_CAPSETS);
	rdd_buf_u16le(b, 0); /* pad2Octets */
	rdd_buf_bytes(b, caps_st, caps.len);
	if (b->err)
		return fail(b, start);
	return 0;
}

/* ---- data PDUs --------------------------------------------------------- */

int
rdd_share_build_data(struct rdd_buf *b, uint32_t share_id, uint16_t user_id,
                     uint8_t pdu_type2, const uint8_t *payload, size_t n)
{
	size_t start = b->len;

	if (b->err)
		return -1;
	if (n > UINT16_MAX - CTRL_HDR_LEN - DATA_HDR_LEN ||
	    (n > 0 && payload == NULL))
		return fail(b, start);
	rdd_buf_u16le(b, (uint16_t)(CTRL_HDR_LEN + DATA_HDR_LEN + n));
	rdd_buf_u16le(b, RDD_PDUTYPE_DATA | RDD_PDUTYPE_VERSION);
	rdd_buf_u16le(b, user_id);
	rdd_buf_u32le(b, share_id);
	rdd_buf_u8(b, 0); /* pad1 */
	rdd_buf_u8(b, STREAM_LOW);
	/*
	 * uncompressedLength counted from pduType2 (payload + 4), as mstsc in
	 * [MS-RDPBCGR] 4.1.14 and 4.1.15 (8 for a Synchronize, 12 for a
	 * Control). FreeRDP writes the payload length and a Windows server
	 * the whole PDU's; no receiver checks it beyond xrdp's
	 * compressedLength <= uncompressedLength, which 0 passes.
	 */
	rdd_buf_u16le(b, (uint16_t)(n + 4));
	rdd_buf_u8(b, pdu_type2);
	rdd_buf_u8(b, 0);    /* compressedType: not compressed */
	rdd_buf_u16le(b, 0); /* compressedLength */
	if (n > 0)
		rdd_buf_bytes(b, payload, n);
	if (b->err)
		return fail(b, start);
	return 0;
}

#define SYNCMSGTYPE_SYNC 1

int
rdd_share_build_synchronize(struct rdd_buf *b, uint32_t share_id,
                            uint16_t user_id, uint16_t target_user)
{
	const uint8_t payload[4] = {
	    SYNCMSGTYPE_SYNC,
	    0,
	    (uint8_t)(target_user & 0xFF),
	    (uint8_t)(target_user >> 8),
	};

	return rdd_share_build_data(b, share_id, user_id,
	                            RDD_PDUTYPE2_SYNCHRONIZE, payload,
	                            sizeof(payload));
}

int
rdd_share_build_control(struct rdd_buf *b, uint32_t share_id, uint16_t user_id,
                        uint16_t action)
{
	/* action, grantId 0, controlId 0 */
	const uint8_t payload[8] = {
	    (uint8_t)(action & 0xFF), (uint8_t)(action >> 8), 0, 0, 0, 0, 0, 0,
	};

	return rdd_share_build_data(b, share_id, user_id, RDD_PDUTYPE2_CONTROL,
	                            payload, sizeof(payload));
}

int
rdd_share_build_font_list(struct rdd_buf *b, uint32_t share_id,
                          uint16_t user_id)
{
	/* numberFonts 0, totalNumFonts 0, listFlags FONTLIST_FIRST |
	 * FONTLIST_LAST (3), entrySize 0x32 */
	static const uint8_t payload[8] = {0, 0, 0, 0, 0x03, 0, 0x32, 0};

	return rdd_share_build_data(b, share_id, user_id, RDD_PDUTYPE2_FONTLIST,
	                            payload, sizeof(payload));
}

int
rdd_share_build_shutdown_request(struct rdd_buf *b, uint32_t share_id,
                                 uint16_t user_id)
{
	return rdd_share_build_data(b, share_id, user_id,
	                            RDD_PDUTYPE2_SHUTDOWN_REQUEST, NULL, 0);
}

/* ---- payloads of the server's data PDUs -------------------------------- */

int
rdd_share_parse_synchronize(struct rdd_cur *p, uint16_t *target_user)
{
	struct rdd_cur c = *p;
	uint16_t type, target;

	/* messageType is SYNCMSGTYPE_SYNC; a Windows server's targetUser
	 * was seen holding garbage, so neither is checked. */
	if (rdd_cur_u16le(&c, &type) != 0 || rdd_cur_u16le(&c, &target) != 0)
		return -1;
	*target_user = target;
	*p = c;
	return 0;
}

int
rdd_share_parse_control(struct rdd_cur *p, struct rdd_share_control *ctl)
{
	struct rdd_cur c = *p;
	struct rdd_share_control v;

	if (rdd_cur_u16le(&c, &v.action) != 0 ||
	    rdd_cur_u16le(&c, &v.grant_id) != 0 ||
	    rdd_cur_u32le(&c, &v.control_id) != 0)
		return -1;
	*ctl = v;
	*p = c;
	return 0;
}

int
rdd_share_parse_font_map(struct rdd_cur *p, uint16_t *n_entries,
                         uint16_t *map_flags)
{
	struct rdd_cur c = *p;
	uint16_t n, total, flags, entry_size;

	if (rdd_cur_u16le(&c, &n) != 0 || rdd_cur_u16le(&c, &total) != 0 ||
	    rdd_cur_u16le(&c, &flags) != 0 ||
	    rdd_cur_u16le(&c, &entry_size) != 0)
		return -1;
	*n_entries = n;
	*map_flags = flags;
	*p = c;
	return 0;
}

static int
parse_u32(struct rdd_cur *p, uint32_t *v)
{
	struct rdd_cur c = *p;
	uint32_t x;

	if (rdd_cur_u32le(&c, &x) != 0)
		return -1;
	*v = x;
	*p = c;
	return 0;
}

int
rdd_share_parse_error_info(struct rdd_cur *p, uint32_t *error_info)
{
	return parse_u32(p, error_info);
}

int
rdd_share_parse_status_info(struct rdd_cur *p, uint32_t *status)
{
	return parse_u32(p, status);
}

#define MONITOR_DEF_LEN 20 /* left, top, right, bottom, flags */

int
rdd_share_parse_monitor_layout(struct rdd_cur *p, uint32_t *n_monitors)
{
	struct rdd_cur c = *p;
	uint32_t n;

	if (rdd_cur_u32le(&c, &n) != 0 ||
	    n > rdd_cur_left(&c) / MONITOR_DEF_LEN ||
	    rdd_cur_skip(&c, (size_t)n * MONITOR_DEF_LEN) != 0)
		return -1;
	*n_monitors = n;
	*p = c;
	return 0;
}

/* ---- Save Session Info ------------------------------------------------- */

#define LOGON_INFO_LEN 576 /* TS_LOGON_INFO; also v2's fixed part and pad */
#define LOGON_DOMAIN_FIELD 52
#define LOGON_USER_FIELD 512
#define LOGON_V2_PAD 558
#define LOGON_EX_PAD 570

/* UTF-16LE S up to its first NUL unit (all of S without one), as UTF-8
 * into DST. */
static void
utf16z_to_utf8(char *dst, size_t cap, struct rdd_cur s)
{
	struct rdd_cur scan = s, text = s;
	uint16_t u;
	size_t n = 0;

	while (rdd_cur_u16le(&scan, &u) == 0) {
		if (u == 0) {
			(void)rdd_cur_sub(&s, n, &text);
			break;
		}
		n += 2;
	}
	(void)rdd_utf16le_to_utf8(dst, cap, &text);
}

/* A cb (terminator included) of an even number of bytes within FIELD.
 * For TS_LOGON_INFO_VERSION_2 the specification sets no limit; these are
 * FreeRDP's, the sizes of TS_LOGON_INFO's fields. */
static int
check_cb(uint32_t cb, size_t field)
{
	return (cb % 2 == 0 && cb <= field) ? 0 : -1;
}

/* TS_LOGON_INFO: cbDomain, Domain[52], cbUserName, UserName[512],
 * SessionId. */
static int
parse_logon_v1(struct rdd_cur *c, struct rdd_save_session_info *out)
{
	struct rdd_cur domain_field, user_field, domain, user;
	uint32_t cb_domain, cb_user;

	/* cb* count the bytes used of the fixed-size fields. */
	if (rdd_cur_u32le(c, &cb_domain) != 0 ||
	    check_cb(cb_domain, LOGON_DOMAIN_FIELD) != 0 ||
	    rdd_cur_sub(c, LOGON_DOMAIN_FIELD, &domain_field) != 0 ||
	    rdd_cur_u32le(c, &cb_user) != 0 ||
	    check_cb(cb_user, LOGON_USER_FIELD) != 0 ||
	    rdd_cur_sub(c, LOGON_USER_FIELD, &user_field) != 0 ||
	    rdd_cur_u32le(c, &out->session_id) != 0 ||
	    rdd_cur_sub(&domain_field, cb_domain, &domain) != 0 ||
	    rdd_cur_sub(&user_field, cb_user, &user) != 0)
		return -1;
	utf16z_to_utf8(out->domain, sizeof(out->domain), domain);
	utf16z_to_utf8(out->user, sizeof(out->user), user);
	out->has_session_id = true;
	return 0;
}

/* TS_LOGON_INFO_VERSION_2: Version, Size, SessionId, cbDomain,
 * cbUserName, Pad[558], then Domain and UserName. */
static int
parse_logon_v2(struct rdd_cur *c, struct rdd_save_session_info *out)
{
	struct rdd_cur domain, user;
	uint32_t size, cb_domain, cb_user;
	uint16_t version;

	if (rdd_cur_u16le(c, &version) != 0 || rdd_cur_u32le(c, &size) != 0 ||
	    rdd_cur_u32le(c, &out->session_id) != 0 ||
	    rdd_cur_u32le(c, &cb_domain) != 0 ||
	    rdd_cur_u32le(c, &cb_user) != 0 ||
	    check_cb(cb_domain, LOGON_DOMAIN_FIELD) != 0 ||
	    check_cb(cb_user, LOGON_USER_FIELD) != 0 ||
	    rdd_cur_skip(c, LOGON_V2_PAD) != 0 ||
	    rdd_cur_sub(c, cb_domain, &domain) != 0 ||
	    rdd_cur_sub(c, cb_user, &user) != 0)
		return -1;
	utf16z_to_utf8(out->domain, sizeof(out->domain), domain);
	utf16z_to_utf8(out->user, sizeof(out->user), user);
	out->has_session_id = true;
	return 0;
}

/*
 * TS_LOGON_INFO_EXTENDED: Length, FieldsPresent, the fields (each
 * cbFieldData + data, in flag order), Pad[570]. Length is not used to
 * bound the fields: FreeRDP's server writes it wrong and FreeRDP's client
 * ignores it. The auto-reconnect cookie is a secret: skipped unread.
 */
static int
parse_logon_extended(struct rdd_cur *c, struct rdd_save_session_info *out)
{
	struct rdd_cur field;
	uint32_t cb;
	uint16_t length;

	if (rdd_cur_u16le(c, &length) != 0 ||
	    rdd_cur_u32le(c, &out->fields_present) != 0)
		return -1;
	if (out->fields_present & RDD_LOGON_EX_AUTORECONNECTCOOKIE) {
		if (rdd_cur_u32le(c, &cb) != 0 || rdd_cur_skip(c, cb) != 0)
			return -1;
	}
	if (out->fields_present & RDD_LOGON_EX_LOGONERRORS) {
		if (rdd_cur_u32le(c, &cb) != 0 ||
		    rdd_cur_sub(c, cb, &field) != 0 ||
		    rdd_cur_u32le(&field, &out->error_type) != 0 ||
		    rdd_cur_u32le(&field, &out->error_data) != 0)
			return -1;
		out->has_logon_error = true;
	}
	return rdd_cur_skip(c, LOGON_EX_PAD);
}

int
rdd_share_parse_save_session_info(struct rdd_cur *p,
                                  struct rdd_save_session_info *out)
{
	struct rdd_cur c = *p;
	int r;

	memset(out, 0, sizeof(*out));
	if (rdd_cur_u32le(&c, &out->info_type) != 0)
		return -1;
	switch (out->info_type) {
	case RDD_INFOTYPE_LOGON:
		r = parse_logon_v1(&c, out);
		break;
	case RDD_INFOTYPE_LOGON_LONG:
		r = parse_logon_v2(&c, out);
		break;
	case RDD_INFOTYPE_LOGON_PLAINNOTIFY:
		r = rdd_cur_skip(&c, LOGON_INFO_LEN);
		break;
	case RDD_INFOTYPE_LOGON_EXTENDED_INFO:
		r = parse_logon_extended(&c, out);
		break;
	default:
		r = -1;
		break;
	}
	if (r != 0)
		return -1;
	*p = c;
	return 0;
}

/* ---- Deactivate All ---------------------------------------------------- */

int
rdd_share_parse_deactivate_all(const struct rdd_share_ctrl *ctrl,
                               bool *has_share_id, uint32_t *share_id)
{
	struct rdd_cur c = ctrl->body;
	uint16_t len_desc;
	uint32_t id;

	if (ctrl->pdu_type != RDD_PDUTYPE_DEACTIVATEALL)
		return -1;
	if (rdd_cur_left(&c) == 0) { /* the short form: header only */
		*has_share_id = false;
		return 0;
	}
	if (rdd_cur_u32le(&c, &id) != 0)
		return -1;
	/* lengthSourceDescriptor and sourceDescriptor, when there */
	if (rdd_cur_left(&c) > 0 && (rdd_cur_u16le(&c, &len_desc) != 0 ||
	                             rdd_cur_skip(&c, len_desc) != 0))
		return -1;
	*has_share_id = true;
	*share_id = id;
	return 0;
}

/* ---- Server Redirection ------------------------------------------------ */

/* RedirFlags ([MS-RDPBCGR] 2.2.13.1). */
#define LB_TARGET_NET_ADDRESS 0x00000001
#define LB_LOAD_BALANCE_INFO 0x00000002
#define LB_USERNAME 0x00000004
#define LB_DOMAIN 0x00000008
#define LB_PASSWORD 0x00000010
#define LB_TARGET_FQDN 0x00000100
#define LB_TARGET_NETBIOS_NAME 0x00000200
#define LB_TARGET_NET_ADDRESSES 0x00000800
#define LB_CLIENT_TSV_URL 0x00001000
#define LB_REDIRECTION_GUID 0x00008000
#define LB_TARGET_CERTIFICATE 0x00010000

#define REDIR_PAD_LEN 8 /* optional: some Windows versions omit it */

/* The length-prefixed fields in the order they follow each other. */
static const uint32_t redir_fields[] = {
    LB_TARGET_NET_ADDRESS,
    LB_LOAD_BALANCE_INFO,
    LB_USERNAME,
    LB_DOMAIN,
    LB_PASSWORD,
    LB_TARGET_FQDN,
    LB_TARGET_NETBIOS_NAME,
    LB_CLIENT_TSV_URL,
    LB_REDIRECTION_GUID,
    LB_TARGET_CERTIFICATE,
    LB_TARGET_NET_ADDRESSES,
};

int
rdd_share_parse_redirection(struct rdd_cur *body, struct rdd_redirection *out)
{
	struct rdd_cur c = *body, field;
	uint16_t flags, length;
	uint32_t cb;
	size_t i;

	memset(out, 0, sizeof(*out));
	/* Flags (SEC_REDIRECTION_PKT) and Length are not relied on, as in
	 * FreeRDP. */
	if (rdd_cur_u16le(&c, &flags) != 0 || rdd_cur_u16le(&c, &length) != 0 ||
	    rdd_cur_u32le(&c, &out->session_id) != 0 ||
	    rdd_cur_u32le(&c, &out->redir_flags) != 0)
		return -1;
	for (i = 0; i < sizeof(redir_fields) / sizeof(redir_fields[0]); i++) {
		if (!(out->redir_flags & redir_fields[i]))
			continue;
		/* The Password cookie is skipped like the others, unread. */
		if (rdd_cur_u32le(&c, &cb) != 0 ||
		    rdd_cur_sub(&c, cb, &field) != 0)
			return -1;
		if (redir_fields[i] == LB_LOAD_BALANCE_INFO)
			out->has_load_balance_info = true;
		/* The first non-empty of TargetNetAddress, TargetFQDN and
		 * TargetNetBiosName (they come in that order). */
		if ((redir_fields[i] == LB_TARGET_NET_ADDRESS ||
		     redir_fields[i] == LB_TARGET_FQDN ||
		     redir_fields[i] == LB_TARGET_NETBIOS_NAME) &&
		    out->target[0] == '\0')
			utf16z_to_utf8(out->target, sizeof(out->target), field);
	}
	if (rdd_cur_left(&c) >= REDIR_PAD_LEN)
		(void)rdd_cur_skip(&c, REDIR_PAD_LEN);
	*body = c;
	return 0;
}

/* ---- names ------------------------------------------------------------- */

const char *
rdd_pdutype_name(uint8_t pdu_type)
{
	switch (pdu_type) {
	case RDD_PDUTYPE_DEMANDACTIVE:
		return "DEMANDACTIVE";
	case RDD_PDUTYPE_CONFIRMACTIVE:
		return "CONFIRMACTIVE";
	case RDD_PDUTYPE_DEACTIVATEALL:
		return "DEACTIVATEALL";
	case RDD_PDUTYPE_DATA:
		return "DATA";
	case RDD_PDUTYPE_SERVER_REDIR:
		return "SERVER_REDIR";
	default:
		return NULL;
	}
}

struct code_name {
	uint16_t code;
	const char *name;
};

static const struct code_name pdutype2_names[] = {
    {RDD_PDUTYPE2_UPDATE, "UPDATE"},
    {RDD_PDUTYPE2_CONTROL, "CONTROL"},
    {RDD_PDUTYPE2_POINTER, "POINTER"},
    {RDD_PDUTYPE2_INPUT, "INPUT"},
    {RDD_PDUTYPE2_SYNCHRONIZE, "SYNCHRONIZE"},
    {RDD_PDUTYPE2_REFRESH_RECT, "REFRESH_RECT"},
    {RDD_PDUTYPE2_PLAY_SOUND, "PLAY_SOUND"},
    {RDD_PDUTYPE2_SUPPRESS_OUTPUT, "SUPPRESS_OUTPUT"},
    {RDD_PDUTYPE2_SHUTDOWN_REQUEST, "SHUTDOWN_REQUEST"},
    {RDD_PDUTYPE2_SHUTDOWN_DENIED, "SHUTDOWN_DENIED"},
    {RDD_PDUTYPE2_SAVE_SESSION_INFO, "SAVE_SESSION_INFO"},
    {RDD_PDUTYPE2_FONTLIST, "FONTLIST"},
    {RDD_PDUTYPE2_FONTMAP, "FONTMAP"},
    {RDD_PDUTYPE2_SET_KEYBOARD_INDICATORS, "SET_KEYBOARD_INDICATORS"},
    {RDD_PDUTYPE2_BITMAPCACHE_PERSISTENT_LIST, "BITMAPCACHE_PERSISTENT_LIST"},
    {0x2C, "BITMAPCACHE_ERROR"},
    {0x2D, "SET_KEYBOARD_IME_STATUS"},
    {0x2E, "OFFSCRCACHE_ERROR"},
    {RDD_PDUTYPE2_SET_ERROR_INFO, "SET_ERROR_INFO"},
    {0x30, "DRAWNINEGRID_ERROR"},
    {0x31, "DRAWGDIPLUS_ERROR"},
    {RDD_PDUTYPE2_ARC_STATUS, "ARC_STATUS"},
    {RDD_PDUTYPE2_STATUS_INFO, "STATUS_INFO"},
    {RDD_PDUTYPE2_MONITOR_LAYOUT, "MONITOR_LAYOUT"},
    {0x38, "FRAME_ACKNOWLEDGE"},
};

static const struct code_name capset_names[] = {
    {RDD_CAPSET_GENERAL, "GENERAL"},
    {RDD_CAPSET_BITMAP, "BITMAP"},
    {RDD_CAPSET_ORDER, "ORDER"},
    {RDD_CAPSET_BITMAPCACHE, "BITMAPCACHE"},
    {RDD_CAPSET_CONTROL, "CONTROL"},
    {RDD_CAPSET_BITMAPCACHE_V3_CODECID, "BITMAPCACHE_V3_CODECID"},
    {RDD_CAPSET_ACTIVATION, "ACTIVATION"},
    {RDD_CAPSET_POINTER, "POINTER"},
    {RDD_CAPSET_SHARE, "SHARE"},
    {RDD_CAPSET_COLORCACHE, "COLORCACHE"},
    {RDD_CAPSET_SOUND, "SOUND"},
    {RDD_CAPSET_INPUT, "INPUT"},
    {RDD_CAPSET_FONT, "FONT"},
    {RDD_CAPSET_BRUSH, "BRUSH"},
    {RDD_CAPSET_GLYPHCACHE, "GLYPHCACHE"},
    {RDD_CAPSET_OFFSCREENCACHE, "OFFSCREENCACHE"},
    {RDD_CAPSET_BITMAPCACHE_HOSTSUPPORT, "BITMAPCACHE_HOSTSUPPORT"},
    {RDD_CAPSET_BITMAPCACHE_REV2, "BITMAPCACHE_REV2"},
    {RDD_CAPSET_VIRTUALCHANNEL, "VIRTUALCHANNEL"},
    {RDD_CAPSET_DRAWNINEGRIDCACHE, "DRAWNINEGRIDCACHE"},
    {RDD_CAPSET_DRAWGDIPLUS, "DRAWGDIPLUS"},
    {RDD_CAPSET_RAIL, "RAIL"},
    {RDD_CAPSET_WINDOW, "WINDOW"},
    {RDD_CAPSET_COMPDESK, "COMPDESK"},
    {RDD_CAPSET_MULTIFRAGMENTUPDATE, "MULTIFRAGMENTUPDATE"},
    {RDD_CAPSET_LARGE_POINTER, "LARGE_POINTER"},
    {RDD_CAPSET_SURFACE_COMMANDS, "SURFACE_COMMANDS"},
    {RDD_CAPSET_BITMAP_CODECS, "BITMAP_CODECS"},
    {RDD_CAPSET_FRAME_ACKNOWLEDGE, "FRAME_ACKNOWLEDGE"},
};

static const char *
lookup(const struct code_name *t, size_t n, uint16_t code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

const char *
rdd_pdutype2_name(uint8_t pdu_type2)
{
	return lookup(pdutype2_names,
	              sizeof(pdutype2_names) / sizeof(pdutype2_names[0]),
	              pdu_type2);
}

const char *
rdd_capset_name(uint16_t type)
{
	return lookup(capset_names,
	              sizeof(capset_names) / sizeof(capset_names[0]), type);
}
