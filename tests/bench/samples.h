/* samples.h - latency samples (microseconds) kept whole, summarised at the end. */
#ifndef SAMPLES_H
#define SAMPLES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct samples {
	int64_t *v;
	size_t n, cap;
	int sorted;
};

void samples_add(struct samples *s, int64_t us);
void samples_free(struct samples *s);
/* The value at quantile q (0..1) by nearest rank; 0 when empty. */
int64_t samples_quantile(struct samples *s, double q);
/* {"count","p50_ms","p99_ms","p999_ms","max_ms","histogram":[[upper_ms, count]...]} */
json_t *samples_json(struct samples *s);

#endif
