/* being written */
typedef int rdd_placeholder_cmd_check;
