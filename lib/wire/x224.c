/* lib/wire/x224.c: being written. */
typedef int rdd_placeholder_x224;
