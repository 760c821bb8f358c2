/* stock_merge.h - a stock push for a member still holding an unsent one.
 *
 * A stock frame ({"ev":"stock","fair":F,"v":{variant:remaining,...},"at":T})
 * carries only the variants changed since the previous push. A member whose
 * previous frame is still unsent must get the changes of both, so the two
 * are merged: every variant of both, the newer's value and time winning.
 * During one push most members behind hold the same few frames, so a
 * stock_merges remembers each distinct frame's merge and shares it. Pure
 * code, loop thread only. */
#ifndef FAIR_STOCK_MERGE_H
#define FAIR_STOCK_MERGE_H

#include <stddef.h>

#include "net/frame.h"

#define STOCK_MERGES_KEPT 8

/* The merges of one push of `newer`; zero-initialise, set newer. */
struct stock_merges {
	struct frame *newer;
	size_t n;
	struct {
		struct frame *older, *merged;
	} kept[STOCK_MERGES_KEPT];
};

/* The frame with older's changes and newer's: a new reference (release it
 * with frame_unref), or NULL when out of memory or older is not a stock
 * frame. */
struct frame *stock_merge(struct stock_merges *m, struct frame *older);

/* Drops the references the merges keep. */
void stock_merges_free(struct stock_merges *m);

#endif
