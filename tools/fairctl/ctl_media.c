/* ctl_media.c - fairctl media-convert: the child end of media_child.
 *
 * Reads one image on stdin (at most MEDIA_MAX_BYTES), checks it again,
 * decodes it and writes the stored sizes. Runs under the limits the parent
 * set; a reason for refusing goes to stderr, which the parent reports. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fairctl/ctl.h"
#include "media/media_convert.h"

int ctl_media_convert(const struct ctl_context *ctx, int argc, char **argv)
{
	static const struct option options[] = {
		{"out", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	const char *prefix = NULL;
	unsigned char *data;
	size_t len = 0, cap = MEDIA_MAX_BYTES + 1;
	char err[512];
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt != 'o')
			return ctl_usage(ctx, "unknown option");
		prefix = optarg;
	}
	if (!prefix || !*prefix || optind < argc)
		return ctl_usage(ctx, "expected --out PREFIX and the image on "
				      "stdin");
	data = malloc(cap);
	if (!data)
		return ctl_fail(ctx, "out of memory");
	/* One byte more than allowed tells "too big" from "exactly the
	 * limit". */
	for (;;) {
		ssize_t n = read(0, data + len, cap - len);

		if (n < 0) {
			free(data);
			return ctl_fail(ctx, "reading stdin failed");
		}
		if (n == 0 || (len += (size_t)n) == cap)
			break;
	}
	if (len == cap) {
		free(data);
		return ctl_fail(ctx, "the image is larger than %u MiB",
				MEDIA_MAX_BYTES / (1024 * 1024));
	}
	rc = media_convert_bytes(data, len, prefix, err, sizeof err);
	free(data);
	if (rc)
		return ctl_fail(ctx, "%s", err);
	return CTL_OK;
}
