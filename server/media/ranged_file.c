/* ranged_file.c - a file answered whole or in a byte range (see
 * ranged_file.h). */
#include "media/ranged_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/byte_range.h"
#include "net/http.h"
#include "rpc/proto.h"

void ranged_file_answer(uint64_t id, const char *path, const char *range,
			const char *ctype, const char *cache_control,
			const char *missing)
{
	char content_range[80];
	int64_t first = 0, last = 0;
	enum byte_range_kind kind;
	struct stat st;
	int fd = -1;

	if (!path || (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
	    fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		http_fail(id, ERR_NOT_FOUND, missing);
		return;
	}
	kind = byte_range_parse(range, st.st_size, &first, &last);
	if (kind == BYTE_RANGE_UNSATISFIABLE) {
		close(fd);
		snprintf(content_range, sizeof content_range, "bytes */%lld",
			 (long long)st.st_size);
		http_finish_file(id, 416, "text/plain", "no-store",
				 content_range, -1, 0, 0);
	} else if (kind == BYTE_RANGE_PART) {
		snprintf(content_range, sizeof content_range,
			 "bytes %lld-%lld/%lld", (long long)first,
			 (long long)last, (long long)st.st_size);
		http_finish_file(id, 206, ctype, cache_control, content_range,
				 fd, first, last - first + 1);
	} else {
		http_finish_file(id, 200, ctype, cache_control, NULL, fd, 0,
				 st.st_size);
	}
}
