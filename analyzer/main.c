/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * main.c - command line, wiring of the stages, exit statuses.
 */
#include <stdio.h>

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("ctexplain: not wired yet\n", stderr);
	return 4;
}
