/* lib/report/json.c: being written. */
typedef int rdd_placeholder_json;
