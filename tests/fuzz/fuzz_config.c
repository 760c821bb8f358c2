/* fuzz_config.c - config_apply_json on arbitrary bytes (the --config file).
 *
 * Besides "no crash, no leak", each input checks config.h's contract and
 * aborts when it breaks:
 *   - a refusal leaves a NUL-terminated message that names the origin;
 *   - an accepted file gives a config that --print-config prints as JSON
 *     which, applied to the defaults, is accepted and prints the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "fuzz.h"

#define ORIGIN "fuzz/config.json"

static char *print_to_string(const struct config *c)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	check(f != NULL);
	config_print(c, f);
	check(fclose(f) == 0);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c, d;
	char err[512];

	config_defaults(&c);
	memset(err, 'x', sizeof err);
	if (config_apply_json(&c, ORIGIN, (const char *)data, size, err,
			      sizeof err) == 0) {
		char *printed = print_to_string(&c), *again;

		config_defaults(&d);
		check(config_apply_json(&d, "printed", printed, strlen(printed),
					err, sizeof err) == 0);
		again = print_to_string(&d);
		check(strcmp(printed, again) == 0);
		free(printed);
		free(again);
		config_free(&d);
	} else {
		check(memchr(err, '\0', sizeof err) != NULL);
		check(strncmp(err, ORIGIN ": ", strlen(ORIGIN ": ")) == 0);
	}
	config_free(&c);
	return 0;
}
