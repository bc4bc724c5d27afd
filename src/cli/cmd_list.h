/* SPDX-License-Identifier: MIT */
/*
 * The sub-commands of overvisor, in `overvisor --help` order.  Each names a
 * function cmd_<name> in src/cli/cmd_<name>.c.
 */
CLI_CMD(inspect, "show what each input file holds and where it is broken")
CLI_CMD(scan, "evaluate rules and analyzers on a snapshot and report findings")
