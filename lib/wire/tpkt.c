/* lib/wire/tpkt.c: being written. */
typedef int rdd_placeholder_tpkt;
