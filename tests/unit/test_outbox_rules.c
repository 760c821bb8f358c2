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
	/* only the recipient's own refusal is for good */
	assert_true(outbox_smtp_permanent(SMTP_STAGE_RCPT, 550));
	assert_true(outbox_smtp_permanent(SMTP_STAGE_RCPT, 553));
	assert_true(outbox_smtp_permanent(SMTP_STAGE_RCPT, 554));
	assert_false(outbox_smtp_permanent(SMTP_STAGE_RCPT, 451)); /* later */
	assert_false(outbox_smtp_permanent(SMTP_STAGE_RCPT, 421));
	assert_false(outbox_smtp_permanent(SMTP_STAGE_RCPT, 530)); /* AUTH */
	/* a misconfigured relay: tried again */
	assert_false(outbox_smtp_permanent(SMTP_STAGE_AUTH, 535));
	assert_false(outbox_smtp_permanent(SMTP_STAGE_MAIL, 530));
	assert_false(outbox_smtp_permanent(SMTP_STAGE_MAIL, 550));
	assert_false(outbox_smtp_permanent(SMTP_STAGE_STARTTLS, 554));
	assert_false(outbox_smtp_permanent(SMTP_STAGE_EHLO, 502));
	assert_false(outbox_smtp_permanent(SMTP_STAGE_CONNECT, 554));
	assert_false(outbox_smtp_permanent(SMTP_STAGE_CONNECT, 0));
	assert_false(outbox_smtp_permanent(SMTP_STAGE_DATA, 552));
	assert_false(outbox_smtp_permanent(SMTP_STAGE_DATA, 0));
	assert_true(outbox_http_delivered(200));
	assert_true(outbox_http_delivered(204));
	assert_false(outbox_http_delivered(301));
	assert_false(outbox_http_delivered(500));
	assert_true(outbox_http_permanent(410));
	assert_false(outbox_http_permanent(500));
	assert_false(outbox_http_permanent(429));
	assert_false(outbox_http_permanent(400));
}

static void test_smtp_stages(void **state)
{
	enum smtp_stage s = SMTP_STAGE_CONNECT;
	const char *lines[] = {"EHLO fair.example\r\n",
			       "STARTTLS\r\n",
			       "AUTH PLAIN\r\n",
			       "AGFsaWNlAHNlY3JldA==\r\n",
			       "MAIL FROM:<a@b.c>\r\n",
			       "RCPT TO:<d@e.f>\r\n",
			       "data\r\n"};
	const enum smtp_stage want[] = {
		SMTP_STAGE_EHLO, SMTP_STAGE_STARTTLS, SMTP_STAGE_AUTH,
		SMTP_STAGE_AUTH, /* a continuation keeps the stage */
		SMTP_STAGE_MAIL, SMTP_STAGE_RCPT,     SMTP_STAGE_DATA};

	(void)state;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		s = outbox_smtp_stage(lines[i], strlen(lines[i]), s);
		assert_int_equal(s, want[i]);
	}
	/* a verb only as a whole word */
	assert_int_equal(outbox_smtp_stage("MAILBOX", 7, SMTP_STAGE_AUTH),
			 SMTP_STAGE_AUTH);
	assert_int_equal(outbox_smtp_stage("HELO x", 6, SMTP_STAGE_CONNECT),
			 SMTP_STAGE_EHLO);
	/* the QUIT after a refused MAIL FROM: the refusal was MAIL FROM's */
	assert_int_equal(outbox_smtp_stage("QUIT\r\n", 6, SMTP_STAGE_MAIL),
			 SMTP_STAGE_MAIL);
	assert_string_equal(outbox_smtp_stage_name(SMTP_STAGE_RCPT), "RCPT TO");
	assert_string_equal(outbox_smtp_stage_name(SMTP_STAGE_MAIL),
			    "MAIL FROM");
	assert_string_equal(outbox_smtp_stage_name(SMTP_STAGE_CONNECT),
			    "connect");
	/* what the operator is told */
	assert_non_null(strstr(outbox_smtp_hint(SMTP_STAGE_AUTH, 535),
			       "smtp_password"));
	assert_non_null(
		strstr(outbox_smtp_hint(SMTP_STAGE_MAIL, 530), "smtp_tls"));
	assert_non_null(
		strstr(outbox_smtp_hint(SMTP_STAGE_MAIL, 550), "smtp_from"));
	assert_non_null(
		strstr(outbox_smtp_hint(SMTP_STAGE_CONNECT, 0), "smtp_url"));
	assert_null(outbox_smtp_hint(SMTP_STAGE_RCPT, 550));
	assert_null(outbox_smtp_hint(SMTP_STAGE_AUTH, 454)); /* later */
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
		cmocka_unit_test(test_smtp_stages),
		cmocka_unit_test(test_backoff_jitter_takes_at_most_half),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_signature),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
