/* test_event_ring.c - a fair's ring of recent events: who sees which event (the
 * same rule as event_visible in sql/functions/live/events.sql), where a joining
 * member's cursor starts, falling behind when the ring overtakes it, and the
 * audiences that share a kept join snapshot.
 *
 * Links the real event_ring.c and frame.c (fair_core). Under the
 * sanitizers, a wrong reference count shows up as a leak or a use after
 * free. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/event_ring.h"
#include "net/frame.h"

static const struct ring_viewer staff = {true, "", 0};
static const struct ring_viewer dealer_a7 = {false, "A", 7}; /* tier A */
static const struct ring_viewer dealer_a8 = {false, "A", 8};
static const struct ring_viewer dealer_b9 = {false, "B", 9};   /* tier B */
static const struct ring_viewer dealer_none = {false, "", 10}; /* no tier */

static struct ring_entry entry(const char *tier, int64_t dealer_id,
			       bool staff_only)
{
	struct ring_entry e = {0};

	e.seq = 1;
	snprintf(e.tier, sizeof e.tier, "%s", tier);
	e.dealer_id = dealer_id;
	e.staff_only = staff_only;
	return e;
}

/* A spotlight, an item, a public answer: everyone. */
static void test_an_event_for_all_reaches_everyone(void **state)
{
	struct ring_entry e = entry("", 0, false);

	(void)state;
	assert_true(ring_visible(&e, &staff));
	assert_true(ring_visible(&e, &dealer_a7));
	assert_true(ring_visible(&e, &dealer_b9));
	assert_true(ring_visible(&e, &dealer_none));
}

/* A price change or a new item is emitted once per tier: each tier's copy
 * reaches that tier's dealers only, and never the staff, who get their own
 * copy. */
static void test_a_tier_copy_reaches_its_tier_only(void **state)
{
	struct ring_entry a = entry("A", 0, false);

	(void)state;
	assert_true(ring_visible(&a, &dealer_a7));
	assert_true(ring_visible(&a, &dealer_a8));
	assert_false(ring_visible(&a, &dealer_b9));
	assert_false(ring_visible(&a, &dealer_none));
	assert_false(ring_visible(&a, &staff));
}

/* The staff's copy of a price change or a new item (with every tier's
 * prices), a claimed question: staff only. */
static void test_a_staff_only_event_reaches_the_staff_only(void **state)
{
	struct ring_entry e = entry("", 0, true);

	(void)state;
	assert_true(ring_visible(&e, &staff));
	assert_false(ring_visible(&e, &dealer_a7));
	assert_false(ring_visible(&e, &dealer_b9));
	assert_false(ring_visible(&e, &dealer_none));
}

/* A question not yet answered in public, a private answer, the chat.hidden
 * of a question only its dealer saw: that dealer and the staff. */
static void test_a_dealer_event_reaches_that_dealer_and_the_staff(void **state)
{
	struct ring_entry e = entry("", 7, false);

	(void)state;
	assert_true(ring_visible(&e, &dealer_a7));
	assert_false(ring_visible(&e, &dealer_a8)); /* same tier, not it */
	assert_false(ring_visible(&e, &dealer_b9));
	assert_true(ring_visible(&e, &staff));
}

/* Addresses combine: a tier's copy for one dealer needs both. */
static void test_tier_and_dealer_both_must_match(void **state)
{
	struct ring_entry a7 = entry("A", 7, false);
	struct ring_entry b7 = entry("B", 7, false);

	(void)state;
	assert_true(ring_visible(&a7, &dealer_a7));
	assert_false(ring_visible(&a7, &dealer_a8));
	assert_false(ring_visible(&b7, &dealer_a7));
	assert_false(ring_visible(&a7, &staff));
}

static struct frame *text_frame(int64_t seq)
{
	char text[32];
	int n = snprintf(text, sizeof text, "{\"seq\":%lld}", (long long)seq);

	return frame_from_text(text, (size_t)n);
}

static void append(struct event_ring *ring, int64_t seq, const char *tier,
		   int64_t dealer_id, bool staff_only)
{
	ring_append(ring, seq, tier, dealer_id, staff_only, text_frame(seq));
}

/* The seqs ring_next gives v from c, until none is left. */
static size_t read_all(const struct event_ring *ring, struct ring_cursor *c,
		       const struct ring_viewer *v, int64_t *seqs, size_t max)
{
	const struct ring_entry *e;
	size_t n = 0;

	while ((e = ring_next(ring, c, v))) {
		assert_true(n < max);
		assert_int_equal(
			strtoll((char *)frame_text(e->frame) + 7, NULL, 10),
			e->seq);
		seqs[n++] = e->seq;
	}
	return n;
}

/* One ring of mixed events: each reader gets exactly its own, in seq
 * order, and nothing its snapshot covered. */
static void test_each_member_reads_its_events_in_order(void **state)
{
	struct event_ring *ring = calloc(1, sizeof *ring);
	struct ring_cursor c;
	int64_t got[16];
	size_t n;

	(void)state;
	assert_non_null(ring);
	append(ring, 1, "", 0, false);  /* spotlight */
	append(ring, 2, "A", 0, false); /* price, tier A */
	append(ring, 3, "B", 0, false); /* price, tier B */
	append(ring, 4, "", 0, true);   /* price, the staff's copy */
	append(ring, 5, "", 7, false);  /* chat for dealer 7 */
	append(ring, 6, "", 0, false);  /* public answer */

	ring_cursor_start(ring, &c, 0);
	n = read_all(ring, &c, &dealer_a7, got, 16);
	assert_int_equal(n, 4);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 2);
	assert_int_equal(got[2], 5);
	assert_int_equal(got[3], 6);
	assert_false(ring_pending(ring, &c));

	ring_cursor_start(ring, &c, 0);
	n = read_all(ring, &c, &dealer_b9, got, 16);
	assert_int_equal(n, 3);
	assert_int_equal(got[1], 3);

	ring_cursor_start(ring, &c, 0);
	n = read_all(ring, &c, &staff, got, 16);
	assert_int_equal(n, 4);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 4);
	assert_int_equal(got[2], 5);
	assert_int_equal(got[3], 6);

	/* a snapshot at seq 4 covered the first four */
	ring_cursor_start(ring, &c, 4);
	assert_false(ring_fell_behind(ring, &c));
	assert_true(ring_pending(ring, &c));
	n = read_all(ring, &c, &dealer_a7, got, 16);
	assert_int_equal(n, 2);
	assert_int_equal(got[0], 5);
	assert_int_equal(got[1], 6);

	/* a snapshot newer than the ring: only what comes after it */
	ring_cursor_start(ring, &c, 9);
	assert_false(ring_pending(ring, &c));
	assert_null(ring_next(ring, &c, &staff));
	append(ring, 10, "", 0, false);
	assert_true(ring_pending(ring, &c));
	n = read_all(ring, &c, &staff, got, 16);
	assert_int_equal(n, 1);
	assert_int_equal(got[0], 10);
	ring_clear(ring);
	free(ring);
}

/* A reader whose cursor is at an entry it may not see still looks pending
 * (the session asks again and finds nothing): ring_pending promises only
 * that ring_next may have something. */
static void test_pending_counts_entries_for_others(void **state)
{
	struct event_ring *ring = calloc(1, sizeof *ring);
	struct ring_cursor c;

	(void)state;
	assert_non_null(ring);
	ring_cursor_start(ring, &c, 0);
	append(ring, 1, "B", 0, false);
	assert_true(ring_pending(ring, &c));
	assert_null(ring_next(ring, &c, &dealer_a7));
	assert_false(ring_pending(ring, &c));
	ring_clear(ring);
	free(ring);
}

/* The ring keeps RING_SIZE events: a cursor the oldest leave behind fell
 * behind, and so does a member whose snapshot is older than the ring. */
static void test_overtaken_cursors_fall_behind(void **state)
{
	struct event_ring *ring = calloc(1, sizeof *ring);
	struct ring_cursor slow, late, fresh;
	int64_t got[4];

	(void)state;
	assert_non_null(ring);
	ring_cursor_start(ring, &slow, 0);
	for (int64_t seq = 1; seq <= RING_SIZE; seq++)
		append(ring, seq, "", 0, false);
	assert_int_equal(ring->floor_seq, 0);
	assert_false(ring_fell_behind(ring, &slow));

	append(ring, RING_SIZE + 1, "", 0, false); /* the first goes */
	assert_int_equal(ring->floor_seq, 1);
	assert_int_equal(ring->end - ring->first, RING_SIZE);
	assert_true(ring_fell_behind(ring, &slow));
	assert_true(ring_pending(ring, &slow));

	/* a snapshot at seq 0 missed event 1, which is gone */
	ring_cursor_start(ring, &late, 0);
	assert_true(ring_fell_behind(ring, &late));
	/* one at seq 1 misses nothing */
	ring_cursor_start(ring, &fresh, 1);
	assert_false(ring_fell_behind(ring, &fresh));
	assert_int_equal(fresh.tail, ring->first);

	/* one near the end starts near the end */
	ring_cursor_start(ring, &fresh, RING_SIZE - 1);
	assert_int_equal(read_all(ring, &fresh, &dealer_a7, got, 4), 2);
	assert_int_equal(got[0], RING_SIZE);
	assert_int_equal(got[1], RING_SIZE + 1);
	ring_clear(ring);
	free(ring);
}

/* A new room reads the RING_SIZE events before the first join's snapshot,
 * so joins a little behind it are served from the ring. */
static void test_a_new_ring_starts_one_ring_behind(void **state)
{
	(void)state;
	assert_int_equal(ring_floor_for(0), 0);
	assert_int_equal(ring_floor_for(RING_SIZE), 0);
	assert_int_equal(ring_floor_for(RING_SIZE + 5), 5);
}

/* The staff share one kept snapshot, the dealers of each tier A to Z one;
 * any other dealer has its snapshot read for it alone. */
static void test_audiences(void **state)
{
	(void)state;
	assert_int_equal(ring_audience(true, NULL), 0);
	assert_int_equal(ring_audience(true, "C"), 0);
	assert_int_equal(ring_audience(false, "A"), 1);
	assert_int_equal(ring_audience(false, "Z"), 26);
	assert_true(ring_audience(false, "Z") < RING_AUDIENCES);
	assert_int_equal(ring_audience(false, NULL), -1);
	assert_int_equal(ring_audience(false, ""), -1);
	assert_int_equal(ring_audience(false, "a"), -1);
	assert_int_equal(ring_audience(false, "AB"), -1);
	assert_int_equal(ring_audience(false, "1"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_event_for_all_reaches_everyone),
		cmocka_unit_test(test_a_tier_copy_reaches_its_tier_only),
		cmocka_unit_test(
			test_a_staff_only_event_reaches_the_staff_only),
		cmocka_unit_test(
			test_a_dealer_event_reaches_that_dealer_and_the_staff),
		cmocka_unit_test(test_tier_and_dealer_both_must_match),
		cmocka_unit_test(test_each_member_reads_its_events_in_order),
		cmocka_unit_test(test_pending_counts_entries_for_others),
		cmocka_unit_test(test_overtaken_cursors_fall_behind),
		cmocka_unit_test(test_a_new_ring_starts_one_ring_behind),
		cmocka_unit_test(test_audiences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
