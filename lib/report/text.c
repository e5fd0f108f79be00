/* lib/report/text.c: being written. */
typedef int rdd_placeholder_text;
