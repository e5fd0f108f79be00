/* lib/wire/tlsrec.c: being written. */
typedef int rdd_placeholder_tlsrec;
