/* SPDX-License-Identifier: MIT */
/*
 * The analyzer registry.  Each line names one analyzer; its module defines
 * `const struct ov_analyzer ov_analyzer_<name>`.  Include this file with
 * OV_ANALYZER defined.
 */
OV_ANALYZER(patch)
OV_ANALYZER(network)
OV_ANALYZER(identity)
OV_ANALYZER(defender)
OV_ANALYZER(policy_enforcement)
OV_ANALYZER(backup)
OV_ANALYZER(accountability)
