/* test_client_addr.c - the client's address through trusted proxies only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "net/client_addr.h"

static const char *pick(const char *peer, const char *xff, const char *trusted)
{
	static char out[CLIENT_ADDR_MAX];

	client_addr_pick(peer, xff, trusted, out, sizeof out);
	return out;
}

static void test_an_untrusted_peer_is_the_client(void **state)
{
	(void)state;
	assert_string_equal(pick("203.0.113.9", "1.2.3.4", ""), "203.0.113.9");
	assert_string_equal(pick("203.0.113.9", "1.2.3.4", "127.0.0.1"),
			    "203.0.113.9");
	/* a loopback peer is not a proxy unless configured as one */
	assert_string_equal(pick("127.0.0.1", "1.2.3.4", ""), "127.0.0.1");
	assert_string_equal(pick("127.0.0.1", NULL, "127.0.0.1"), "127.0.0.1");
}

static void test_a_trusted_proxy_names_the_client(void **state)
{
	(void)state;
	assert_string_equal(pick("127.0.0.1", "198.51.100.7", "127.0.0.1"),
			    "198.51.100.7");
	assert_string_equal(
		pick("10.0.0.2", " 2001:db8::1 ", "10.0.0.1, 10.0.0.2"),
		"2001:db8::1");
	/* what the client wrote further left is not believed */
	assert_string_equal(
		pick("127.0.0.1", "6.6.6.6, 198.51.100.7", "127.0.0.1"),
		"198.51.100.7");
	/* two trusted hops: the first untrusted from the right */
	assert_string_equal(
		pick("10.0.0.1", "198.51.100.7, 10.0.0.2", "10.0.0.1,10.0.0.2"),
		"198.51.100.7");
	/* only trusted hops: the leftmost of them */
	assert_string_equal(pick("10.0.0.1", "10.0.0.2", "10.0.0.1,10.0.0.2"),
			    "10.0.0.2");
}

static void test_garbage_stops_at_the_last_good_hop(void **state)
{
	(void)state;
	assert_string_equal(pick("127.0.0.1", "evil\nline", "127.0.0.1"),
			    "127.0.0.1");
	assert_string_equal(pick("127.0.0.1", "", "127.0.0.1"), "127.0.0.1");
	assert_string_equal(pick("127.0.0.1", ",,", "127.0.0.1"), "127.0.0.1");
	assert_string_equal(
		pick("10.0.0.1", "<x>, 10.0.0.2", "10.0.0.1,10.0.0.2"),
		"10.0.0.2");
	assert_string_equal(pick("127.0.0.1",
				 "1111:2222:3333:4444:5555:6666:7777:8888:9999:"
				 "aaaa:bbbb:cccc:dddd",
				 "127.0.0.1"),
			    "127.0.0.1");
}

static void test_trusted_list(void **state)
{
	(void)state;
	assert_true(client_addr_trusted("127.0.0.1, ::1", "::1"));
	assert_false(client_addr_trusted("127.0.0.1, ::1", "127.0.0.2"));
	assert_false(client_addr_trusted("127.0.0.10", "127.0.0.1"));
	assert_false(client_addr_trusted("", ""));
	assert_false(client_addr_trusted(NULL, "127.0.0.1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_untrusted_peer_is_the_client),
		cmocka_unit_test(test_a_trusted_proxy_names_the_client),
		cmocka_unit_test(test_garbage_stops_at_the_last_good_hop),
		cmocka_unit_test(test_trusted_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
