/* SPDX-License-Identifier: MIT */
/*
 * Input adapters, in detection order: the first whose detect() accepts a
 * parsed root loads it.  NDJSON is chosen before parsing, by extension or
 * content, and is not in this list.
 */
OV_ADAPTER(manifest)
OV_ADAPTER(arg_table)
OV_ADAPTER(arg_objectarray)
OV_ADAPTER(az_list)
OV_ADAPTER(error_response)
OV_ADAPTER(arm_template)
OV_ADAPTER(arm_parameters)
OV_ADAPTER(terraform_plan)
OV_ADAPTER(graph_collection)
OV_ADAPTER(arm_list)
OV_ADAPTER(graph_object)
OV_ADAPTER(arm_object)
