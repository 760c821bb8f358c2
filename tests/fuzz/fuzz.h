/* fuzz.h - the libFuzzer entry point every harness defines.
 *
 * Each harness (fuzz_*.c) is linked either with libFuzzer (clang,
 * -DFAIR_FUZZ=ON) or with standalone.c, which replays files through it. A
 * harness returns 0 and calls abort() when an invariant breaks. */
#ifndef FAIR_FUZZ_H
#define FAIR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
