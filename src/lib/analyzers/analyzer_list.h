/* SPDX-License-Identifier: MIT */
/*
 * The analyzer registry.  Each line names one analyzer; its module defines
 * `const struct ov_analyzer ov_analyzer_<name>`.  Include this file with
 * OV_ANALYZER defined.
 */
