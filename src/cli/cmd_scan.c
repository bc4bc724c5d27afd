/* SPDX-License-Identifier: MIT */
#include "cli.h"

int
cmd_scan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("scan: not built yet");
	return CLI_EXIT_INTERNAL;
}
