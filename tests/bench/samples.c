/* samples.c - latency samples and their summary. */
#include "samples.h"

#include <stdlib.h>

void samples_add(struct samples *s, int64_t us)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		int64_t *v = realloc(s->v, cap * sizeof *v);

		if (!v)
			return; /* a sample lost to memory pressure: counts stay honest elsewhere */
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = us;
	s->sorted = 0;
}

void samples_free(struct samples *s)
{
	free(s->v);
	*s = (struct samples){0};
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int64_t samples_quantile(struct samples *s, double q)
{
	size_t rank;

	if (!s->n)
		return 0;
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof *s->v, cmp_i64);
		s->sorted = 1;
	}
	rank = (size_t)(q * (double)s->n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > s->n)
		rank = s->n;
	return s->v[rank - 1];
}

/* Buckets bounded by 1-2-5 steps from 0.1 ms to 10 s. */
static const double bucket_ms[] = {0.1, 0.2, 0.5, 1,   2,    5,    10,   20,
				   50,  100, 200, 500, 1000, 2000, 5000, 10000};
#define BUCKETS (sizeof bucket_ms / sizeof bucket_ms[0])

json_t *samples_json(struct samples *s)
{
	size_t counts[BUCKETS + 1] = {0};
	json_t *hist = json_array();
	size_t b = 0;

	samples_quantile(s, 0.5); /* sorts */
	for (size_t i = 0; i < s->n; i++) {
		while (b < BUCKETS && (double)s->v[i] > bucket_ms[b] * 1000)
			b++;
		counts[b]++;
	}
	for (size_t i = 0; i <= BUCKETS; i++) {
		if (!counts[i])
			continue;
		json_array_append_new(
			hist, json_pack("[o,I]",
					i < BUCKETS ? json_real(bucket_ms[i])
						    : json_null(),
					(json_int_t)counts[i]));
	}
	return json_pack("{s:I,s:f,s:f,s:f,s:f,s:o}", "count", (json_int_t)s->n,
			 "p50_ms", (double)samples_quantile(s, 0.5) / 1000,
			 "p99_ms", (double)samples_quantile(s, 0.99) / 1000,
			 "p999_ms", (double)samples_quantile(s, 0.999) / 1000,
			 "max_ms", (double)samples_quantile(s, 1.0) / 1000,
			 "histogram", hist);
}
