/* fuzz.h - the libFuzzer entry point every harness defines.
 *
 * Each harness (fuzz_*.c) is linked either with libFuzzer (clang,
 * -DFAIR_FUZZ=ON) or with standalone.c, which replays files through it. A
 * harness returns 0 and calls abort() when an invariant breaks. */
#ifndef FAIR_FUZZ_H
#define FAIR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts, naming the broken invariant and the harness's line, when ok is
 * false. */
#define check(ok) fuzz_check_at((ok), #ok, __FILE__, __LINE__)

static inline void fuzz_check_at(int ok, const char *what, const char *file,
				 int line)
{
	if (!ok) {
		fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line,
			what);
		abort();
	}
}

#endif
