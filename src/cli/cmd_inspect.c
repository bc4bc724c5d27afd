/* SPDX-License-Identifier: MIT */
#include "cli.h"

int
cmd_inspect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("inspect: not built yet");
	return CLI_EXIT_INTERNAL;
}
