/* SPDX-License-Identifier: MIT */
/*
 * The reporter registry: OV_REPORT(name, format constant).  Each entry is
 * implemented by ov_report__write_<name>() in <name>.c; the format name is
 * the entry's name.  Order follows ov_report_format.
 */
OV_REPORT(text, OV_REPORT_TEXT)
OV_REPORT(json, OV_REPORT_JSON)
OV_REPORT(ndjson, OV_REPORT_NDJSON)
OV_REPORT(csv, OV_REPORT_CSV)
OV_REPORT(sarif, OV_REPORT_SARIF)
OV_REPORT(junit, OV_REPORT_JUNIT)
OV_REPORT(ocsf, OV_REPORT_OCSF)
OV_REPORT(html, OV_REPORT_HTML)
