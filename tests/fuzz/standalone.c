/* standalone.c - replays files through a fuzz harness, without libFuzzer.
 *
 * Usage: fuzz_replay_<name> PATH...  Each PATH is a file or a directory
 * whose regular files (not recursive, in name order) are each fed once to
 * LLVMFuzzerTestOneInput. Arguments beginning with '-' are ignored, so the
 * command line of a libFuzzer run can be reused. Every input is read into a
 * buffer of exactly its size, so the sanitizers see reads past the end.
 * Exits 0 when every input ran (a harness that fails aborts), 1 when a path
 * cannot be read or no input was found at all. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Reads a whole file into a new buffer of exactly its size. */
static int read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;

	if (!f)
		return -1;
	if (fstat(fileno(f), &st) || st.st_size < 0) {
		fclose(f);
		return -1;
	}
	*size = (size_t)st.st_size;
	/* malloc(0) may return NULL: keep a real pointer for empty inputs */
	buf = malloc(*size ? *size : 1);
	if (!buf || fread(buf, 1, *size, f) != *size) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	*data = buf;
	return 0;
}

static int run_file(const char *path)
{
	uint8_t *data;
	size_t size;

	if (read_file(path, &data, &size)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	/* named first, so the last line before a crash names the input */
	printf("%s (%zu bytes)\n", path, size);
	fflush(stdout);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

static int keep_entry(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Runs every regular file of dir; returns how many, or -1. */
static int run_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, keep_entry, alphasort), ran = 0, rc = 0;

	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		if (!stat(path, &st) && S_ISREG(st.st_mode)) {
			if (run_file(path))
				rc = -1;
			else
				ran++;
		}
		free(names[i]);
	}
	free(names);
	return rc ? rc : ran;
}

int main(int argc, char **argv)
{
	int total = 0, failed = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (argv[i][0] == '-')
			continue;
		if (stat(argv[i], &st)) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			failed = 1;
		} else if (S_ISDIR(st.st_mode)) {
			int n = run_dir(argv[i]);

			if (n < 0)
				failed = 1;
			else
				total += n;
		} else if (run_file(argv[i])) {
			failed = 1;
		} else {
			total++;
		}
	}
	printf("%s: replayed %d input(s)\n", argv[0], total);
	if (!total) {
		fprintf(stderr, "%s: no inputs (give files or directories)\n",
			argv[0]);
		return 1;
	}
	return failed;
}
