/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * replay.c - run a libFuzzer target over a corpus without libFuzzer, as a
 * TAP test (Suricata's onefile idea).  Arguments are files or directories;
 * with none, the directories in FUZZ_CORPUS (colon-separated, relative to
 * $top_srcdir) are used.  One "ok" line per input: a crash fails the test
 * (abort / sanitizer), so reaching the end is the assertion.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, alloc = 0;

	if (!f)
		return -1;
	for (;;) {
		size_t got;

		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 4096;
			uint8_t *nb = realloc(buf, na);

			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
			alloc = na;
		}
		got = fread(buf + n, 1, alloc - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	/* an exact-size copy, so ASan sees any read past the input */
	{
		uint8_t *exact = malloc(n ? n : 1);

		if (!exact) {
			free(buf);
			return -1;
		}
		if (n)
			memcpy(exact, buf, n);
		free(buf);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
run_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (stat(path, &st) != 0) {
		TEST(0, "%s: cannot stat", path);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		TEST(run_file(path) == 0, "%s", path);
		return;
	}
	d = opendir(path);
	if (!d) {
		TEST(0, "%s: cannot open", path);
		return;
	}
	while ((e = readdir(d))) {
		char **nn;

		if (e->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (!nn)
			break;
		names = nn;
		names[n] = malloc(strlen(path) + strlen(e->d_name) + 2);
		if (!names[n])
			break;
		sprintf(names[n], "%s/%s", path, e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);	/* stable TAP order */
	for (size_t i = 0; i < n; i++) {
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			TEST(run_file(names[i]) == 0, "%s", names[i]);
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			run_path(argv[i]);
	} else {
		const char *top = getenv("top_srcdir");
		const char *dir = FUZZ_CORPUS;

		while (*dir) {
			const char *end = strchr(dir, ':');
			size_t len = end ? (size_t)(end - dir) : strlen(dir);
			char path[4096];

			snprintf(path, sizeof(path), "%s/%.*s", top ? top : ".", (int)len, dir);
			run_path(path);
			dir += len;
			if (*dir == ':')
				dir++;
		}
	}
	return tap_done();
}
