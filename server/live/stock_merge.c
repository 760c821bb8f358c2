/* stock_merge.c - merging an unsent stock frame into the next (see
 * stock_merge.h). */
#include "live/stock_merge.h"

#include <jansson.h>

static struct frame *merge_texts(struct frame *older, struct frame *newer)
{
	json_error_t jerr;
	json_t *old =
		json_loadb((char *)frame_text(older), older->len, 0, &jerr);
	json_t *mine =
		json_loadb((char *)frame_text(newer), newer->len, 0, &jerr);
	json_t *old_v = json_object_get(old, "v");
	struct frame *merged = NULL;

	if (json_is_object(old_v) &&
	    json_is_object(json_object_get(mine, "v")) &&
	    !json_object_update(old_v, json_object_get(mine, "v")) &&
	    !json_object_set(old, "at", json_object_get(mine, "at")))
		merged = frame_from_json(old);
	json_decref(old);
	json_decref(mine);
	return merged;
}

struct frame *stock_merge(struct stock_merges *m, struct frame *older)
{
	struct frame *merged;

	for (size_t i = 0; i < m->n; i++)
		if (m->kept[i].older == older)
			return frame_ref(m->kept[i].merged);
	merged = merge_texts(older, m->newer);
	/* The kept frame is referenced so that its address cannot be
	 * reused by another frame while this push lasts. */
	if (merged && m->n < STOCK_MERGES_KEPT) {
		m->kept[m->n].older = frame_ref(older);
		m->kept[m->n++].merged = frame_ref(merged);
	}
	return merged;
}

void stock_merges_free(struct stock_merges *m)
{
	for (size_t i = 0; i < m->n; i++) {
		frame_unref(m->kept[i].older);
		frame_unref(m->kept[i].merged);
	}
	m->n = 0;
}
