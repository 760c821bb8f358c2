/* test_outbox_rules.c - the outbox's backoff schedule, its verdicts, and the
 * webhook signature against an HMAC-SHA256 computed elsewhere (Python's
 * hmac module). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "features/outbox_rules.h"

static void test_backoff_doubles_to_an_hour(void **state)
{
	(void)state;
	/* without the random part (rnd 0): base, then doubling */
	assert_int_equal(outbox_backoff_ms(1, 30000, 0), 30000);
	assert_int_equal(outbox_backoff_ms(2, 30000, 0), 60000);
	assert_int_equal(outbox_backoff_ms(3, 30000, 0), 120000);
	assert_int_equal(outbox_backoff_ms(7, 30000, 0), 1920000);
	assert_int_equal(outbox_backoff_ms(8, 30000, 0), OUTBOX_BACKOFF_CAP_MS);
	assert_int_equal(outbox_backoff_ms(100, 30000, 0),
			 OUTBOX_BACKOFF_CAP_MS);
	assert_int_equal(outbox_backoff_ms(1, 0, 0), 1); /* never zero */
}

static void test_backoff_jitter_takes_at_most_half(void **state)
{
	(void)state;
	for (uint32_t r = 0; r < 100000; r += 97) {
		int64_t d = outbox_backoff_ms(3, 1000, r * 2654435761u);

		assert_in_range(d, 2000, 4000);
	}
	assert_int_equal(outbox_backoff_ms(3, 1000, 2000), 2000);
	assert_int_equal(outbox_backoff_ms(3, 1000, 2001), 4000);
}

static void test_verdicts(void **state)
{
	(void)state;
	assert_true(outbox_smtp_permanent(550));
	assert_true(outbox_smtp_permanent(554));
	assert_false(outbox_smtp_permanent(451)); /* greylisting: later */
	assert_false(outbox_smtp_permanent(421));
	assert_false(outbox_smtp_permanent(0)); /* no answer at all */
	assert_true(outbox_http_delivered(200));
	assert_true(outbox_http_delivered(204));
	assert_false(outbox_http_delivered(301));
	assert_false(outbox_http_delivered(500));
	assert_true(outbox_http_permanent(410));
	assert_false(outbox_http_permanent(500));
	assert_false(outbox_http_permanent(429));
	assert_false(outbox_http_permanent(400));
}

static void test_signature(void **state)
{
	const char body[] = "{\"id\":7,\"event\":\"order.accepted\"}";
	char sig[WEBHOOK_SIGNATURE_MAX];

	(void)state;
	webhook_signature("whsec-test-secret-0123", 1700000000, body,
			  strlen(body), sig);
	assert_string_equal(sig, "t=1700000000,v1=5591d3fceb2c2a1aaaa63e703482c"
				 "566cfff699d64d86a2643490817f55159af");
	/* another time or body or secret: another signature */
	webhook_signature("whsec-test-secret-0123", 1700000001, body,
			  strlen(body), sig);
	assert_null(strstr(sig, "5591d3fc"));
	webhook_signature("whsec-test-secret-0124", 1700000000, body,
			  strlen(body), sig);
	assert_null(strstr(sig, "5591d3fc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_doubles_to_an_hour),
		cmocka_unit_test(test_backoff_jitter_takes_at_most_half),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_signature),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
