/* test_config.c - the configuration table: defaults, JSON, environment,
 * error messages and the printed sample.
 *
 * Links the real config.c (fair_core). The environment is cleared of FAIR_*
 * variables first: ctest may run under scripts that export some. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/config.h"

extern char **environ;

/* Removes every FAIR_* variable from the environment. */
static void clear_fair_env(void)
{
	for (;;) {
		char name[256];
		int found = 0;

		for (char **e = environ; e && *e; e++) {
			const char *eq = strchr(*e, '=');
			size_t n = eq ? (size_t)(eq - *e) : strlen(*e);

			if (!strncmp(*e, "FAIR_", 5) && n < sizeof name) {
				memcpy(name, *e, n);
				name[n] = '\0';
				found = 1;
				break;
			}
		}
		if (!found)
			return;
		unsetenv(name); /* environ changes: scan again */
	}
}

static int setup_env(void **state)
{
	(void)state;
	clear_fair_env();
	return 0;
}

static int apply(struct config *c, const char *text, char *err, size_t size)
{
	err[0] = '\0';
	return config_apply_json(c, "conf/test.json", text, strlen(text), err,
				 size);
}

/* Applies text to a default config and expects a refusal whose message
 * contains every fragment given (NULL-terminated). */
static void expect_refused(const char *text, ...)
{
	struct config c;
	char err[512];
	va_list ap;
	const char *fragment;

	config_defaults(&c);
	if (!apply(&c, text, err, sizeof err))
		fail_msg("accepted %s", text);
	va_start(ap, text);
	while ((fragment = va_arg(ap, const char *)))
		if (!strstr(err, fragment)) {
			print_error("message \"%s\" lacks \"%s\" (input %s)\n",
				    err, fragment, text);
			va_end(ap);
			config_free(&c);
			fail();
		}
	va_end(ap);
	config_free(&c);
}

/* Prints c into a new string (free it). */
static char *print_to_string(const struct config *c)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	config_print(c, f);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void assert_same_config(const struct config *a, const struct config *b)
{
	char *pa, *pb;

	assert_string_equal(a->listen_address, b->listen_address);
	assert_int_equal(a->port, b->port);
	assert_string_equal(a->database_url, b->database_url);
	assert_int_equal(a->db_pool_size, b->db_pool_size);
	assert_int_equal(a->db_query_timeout_ms, b->db_query_timeout_ms);
	assert_int_equal(a->db_reconnect_max_ms, b->db_reconnect_max_ms);
	assert_int_equal(a->db_queue_max, b->db_queue_max);
	assert_int_equal(a->db_queue_wait_ms, b->db_queue_wait_ms);
	assert_string_equal(a->web_root, b->web_root);
	assert_string_equal(a->media_root, b->media_root);
	assert_string_equal(a->allowed_origins, b->allowed_origins);
	assert_string_equal(a->tls_cert, b->tls_cert);
	assert_string_equal(a->tls_key, b->tls_key);
	assert_string_equal(a->log_level, b->log_level);
	assert_int_equal(a->access_log, b->access_log);
	assert_int_equal(a->workers, b->workers);
	assert_int_equal(a->worker_queue, b->worker_queue);
	assert_int_equal(a->ws_max_inflight, b->ws_max_inflight);
	assert_int_equal(a->ws_send_queue_kib, b->ws_send_queue_kib);
	assert_int_equal(a->ws_idle_timeout_s, b->ws_idle_timeout_s);
	assert_int_equal(a->allow_unsafe_durability,
			 b->allow_unsafe_durability);
	assert_int_equal(a->migrate_on_start, b->migrate_on_start);
	/* and whatever keys are added later */
	pa = print_to_string(a);
	pb = print_to_string(b);
	assert_string_equal(pa, pb);
	free(pa);
	free(pb);
}

static void test_defaults(void **state)
{
	struct config c;

	(void)state;
	memset(&c, 0x5a, sizeof c); /* defaults must not read the old fields */
	config_defaults(&c);
	assert_string_equal(c.listen_address, "127.0.0.1");
	assert_int_equal(c.port, 8080);
	assert_string_equal(c.database_url, "");
	assert_int_equal(c.db_pool_size, 2);
	assert_int_equal(c.db_query_timeout_ms, 5000);
	assert_int_equal(c.db_reconnect_max_ms, 5000);
	assert_int_equal(c.db_queue_max, 1024);
	assert_int_equal(c.db_queue_wait_ms, 2000);
	assert_string_equal(c.web_root, "");
	assert_string_equal(c.media_root, "");
	assert_string_equal(c.allowed_origins, "");
	assert_string_equal(c.tls_cert, "");
	assert_string_equal(c.tls_key, "");
	assert_string_equal(c.log_level, "info");
	assert_true(c.access_log);
	assert_int_equal(c.workers, 2);
	assert_int_equal(c.worker_queue, 1024);
	assert_int_equal(c.ws_max_inflight, 32);
	assert_int_equal(c.ws_send_queue_kib, 1024);
	assert_int_equal(c.ws_idle_timeout_s, 30);
	assert_false(c.allow_unsafe_durability);
	assert_true(c.migrate_on_start);
	config_free(&c);
	assert_null(c.listen_address);
	config_free(&c); /* a second free is harmless */
}

static void test_json_applies(void **state)
{
	struct config c, d;
	char err[256];

	(void)state;
	config_defaults(&c);
	config_defaults(&d);
	assert_int_equal(
		apply(&c,
		      "{\"port\": 9000, \"log_level\": \"debug\", "
		      "\"access_log\": false, \"database_url\": "
		      "\"postgresql://fair@localhost/fair\", "
		      "\"workers\": 64, \"listen_address\": "
		      "\"0.0.0.0\", \"allow_unsafe_durability\": true, "
		      "\"tls_cert\": \"/etc/ssl/外套.pem\"}",
		      err, sizeof err),
		0);
	assert_int_equal(c.port, 9000);
	assert_string_equal(c.log_level, "debug");
	assert_false(c.access_log);
	assert_string_equal(c.database_url, "postgresql://fair@localhost/fair");
	assert_int_equal(c.workers, 64);
	assert_string_equal(c.listen_address, "0.0.0.0");
	assert_true(c.allow_unsafe_durability);
	assert_string_equal(c.tls_cert, "/etc/ssl/外套.pem");
	/* untouched keys keep their defaults */
	assert_int_equal(c.db_pool_size, d.db_pool_size);
	assert_string_equal(c.web_root, d.web_root);
	assert_true(c.migrate_on_start);

	/* a later source overrides an earlier one; an empty object is fine */
	assert_int_equal(apply(&c, "{\"port\": 0}", err, sizeof err), 0);
	assert_int_equal(c.port, 0);
	assert_int_equal(apply(&c, "{}", err, sizeof err), 0);
	assert_int_equal(c.port, 0);
	/* bounds are inclusive */
	assert_int_equal(apply(&c,
			       "{\"port\": 65535, \"workers\": 1, "
			       "\"listen_address\": \"255.255.255.255\"}",
			       err, sizeof err),
			 0);
	assert_int_equal(c.port, 65535);
	assert_int_equal(c.workers, 1);
	config_free(&c);
	config_free(&d);
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_refused("{\"prot\": 8080}", "conf/test.json", "\"prot\"",
		       "unknown key", NULL);
	/* keys are case-sensitive */
	expect_refused("{\"Port\": 8080}", "conf/test.json", "\"Port\"", NULL);
	/* one slash is not a comment */
	expect_refused("{\"/ port\": 1}", "\"/ port\"", NULL);
	/* nesting is not a key path */
	expect_refused("{\"db\": {\"pool_size\": 1}}", "\"db\"", NULL);
}

static void test_wrong_type(void **state)
{
	(void)state;
	expect_refused("{\"port\": \"8080\"}", "conf/test.json", "\"port\"",
		       "expected an integer from 0 to 65535", NULL);
	expect_refused("{\"port\": 8080.0}", "\"port\"", "an integer", NULL);
	expect_refused("{\"port\": 8e3}", "\"port\"", "an integer", NULL);
	expect_refused("{\"port\": null}", "\"port\"", "an integer", NULL);
	expect_refused("{\"port\": true}", "\"port\"", "an integer", NULL);
	expect_refused("{\"access_log\": 1}", "\"access_log\"",
		       "expected true or false", NULL);
	expect_refused("{\"access_log\": \"true\"}", "true or false", NULL);
	expect_refused("{\"listen_address\": 127}", "\"listen_address\"",
		       "expected a string of 7 to 15 bytes", NULL);
	expect_refused("{\"database_url\": [\"a\"]}", "\"database_url\"",
		       "a string", NULL);
	expect_refused("{\"web_root\": {}}", "\"web_root\"", NULL);
}

static void test_out_of_bounds(void **state)
{
	(void)state;
	expect_refused("{\"port\": 65536}", "conf/test.json", "\"port\"",
		       "an integer from 0 to 65535", NULL);
	expect_refused("{\"port\": -1}", "from 0 to 65535", NULL);
	/* beyond int: must not wrap into range */
	expect_refused("{\"port\": 4294975688}", "from 0 to 65535", NULL);
	expect_refused("{\"port\": -9223372036854775808}", "from 0", NULL);
	expect_refused("{\"workers\": 0}", "\"workers\"",
		       "an integer from 1 to 64", NULL);
	expect_refused("{\"workers\": 65}", "from 1 to 64", NULL);
	expect_refused("{\"db_pool_size\": 33}", "\"db_pool_size\"",
		       "from 1 to 32", NULL);
	expect_refused("{\"ws_idle_timeout_s\": 4}", "from 5 to 3600", NULL);
	expect_refused("{\"listen_address\": \"1.2.3\"}",
		       "a string of 7 to 15 bytes", NULL);
	expect_refused("{\"listen_address\": \"1234.1234.1234.1\"}",
		       "a string of 7 to 15 bytes", NULL);
	/* log_level takes one of five words only */
	expect_refused("{\"log_level\": \"verbose\"}", "\"log_level\"", NULL);
	expect_refused("{\"log_level\": \"trace\"}", "\"log_level\"", NULL);
	expect_refused("{\"log_level\": \"INFO\"}", "\"log_level\"", NULL);

	/* a refused value leaves the field as it was */
	{
		struct config c;
		char err[256];

		config_defaults(&c);
		assert_int_equal(
			apply(&c, "{\"port\": 70000}", err, sizeof err), -1);
		assert_int_equal(c.port, 8080);
		assert_int_equal(apply(&c, "{\"log_level\": \"trace\"}", err,
				       sizeof err),
				 -1);
		assert_string_equal(c.log_level, "info");
		config_free(&c);
	}
}

static void test_log_levels(void **state)
{
	static const char *const levels[] = {"error", "warn", "notice", "info",
					     "debug"};
	struct config c;
	char text[64], err[256];

	(void)state;
	config_defaults(&c);
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		snprintf(text, sizeof text, "{\"log_level\": \"%s\"}",
			 levels[i]);
		assert_int_equal(apply(&c, text, err, sizeof err), 0);
		assert_string_equal(c.log_level, levels[i]);
	}
	config_free(&c);
}

static void test_comment_keys(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_int_equal(apply(&c,
			       "{\"// port\": \"a comment about the port\", "
			       "\"//\": 5, \"//x\": {\"nested\": [true]}, "
			       "\"// unknown_key\": null, \"port\": 1234}",
			       err, sizeof err),
			 0);
	assert_int_equal(c.port, 1234);
	config_free(&c);
}

static void test_invalid_json(void **state)
{
	(void)state;
	expect_refused("{\"port\": }", "conf/test.json", "line 1", NULL);
	expect_refused("{\n\"port\": 1,\n\"workers\": 2,\n}", "conf/test.json",
		       "line 4", NULL);
	expect_refused("", "conf/test.json", NULL);
	expect_refused("[{\"port\": 1}]", "conf/test.json",
		       "expected a JSON object", NULL);
	expect_refused("{\"port\": 1, \"port\": 2}", "conf/test.json",
		       "duplicate", NULL);
	expect_refused("{\"port\": 1} trailing", "conf/test.json", NULL);
	expect_refused("{\"web_root\": \"a\\u0000b\"}", "conf/test.json", NULL);
}

static void test_env_overrides(void **state)
{
	struct config c;
	char err[256] = "";

	(void)state;
	config_defaults(&c);
	assert_int_equal(
		apply(&c, "{\"port\": 1111, \"workers\": 3}", err, sizeof err),
		0);
	setenv("FAIR_PORT", "9090", 1);
	setenv("FAIR_ACCESS_LOG", "off", 1);
	setenv("FAIR_LOG_LEVEL", "debug", 1);
	setenv("FAIR_DATABASE_URL", "host=/tmp dbname=fair", 1);
	setenv("FAIR_ALLOW_UNSAFE_DURABILITY", "yes", 1);
	setenv("FAIR_WS_SEND_QUEUE_KIB", "16", 1);
	assert_int_equal(config_apply_env(&c, err, sizeof err), 0);
	/* the environment wins over the file, other file values stay */
	assert_int_equal(c.port, 9090);
	assert_int_equal(c.workers, 3);
	assert_false(c.access_log);
	assert_string_equal(c.log_level, "debug");
	assert_string_equal(c.database_url, "host=/tmp dbname=fair");
	assert_true(c.allow_unsafe_durability);
	assert_int_equal(c.ws_send_queue_kib, 16);
	/* an empty string is a value for strings */
	setenv("FAIR_DATABASE_URL", "", 1);
	assert_int_equal(config_apply_env(&c, err, sizeof err), 0);
	assert_string_equal(c.database_url, "");
	config_free(&c);
	clear_fair_env();

	/* without FAIR_* variables nothing changes */
	config_defaults(&c);
	assert_int_equal(config_apply_env(&c, err, sizeof err), 0);
	assert_int_equal(c.port, 8080);
	config_free(&c);
}

static void test_env_bools(void **state)
{
	static const struct {
		const char *text;
		bool value;
	} words[] = {{"true", true}, {"1", true},      {"yes", true},
		     {"on", true},   {"false", false}, {"0", false},
		     {"no", false},  {"off", false}};
	struct config c;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		config_defaults(&c);
		c.migrate_on_start = !words[i].value;
		setenv("FAIR_MIGRATE_ON_START", words[i].text, 1);
		assert_int_equal(config_apply_env(&c, err, sizeof err), 0);
		assert_int_equal(c.migrate_on_start, words[i].value);
		config_free(&c);
	}
	clear_fair_env();
}

/* Sets one variable, expects config_apply_env to refuse it by name. */
static void expect_env_refused(const char *name, const char *value,
			       const char *expected)
{
	struct config c;
	char err[256] = "";

	config_defaults(&c);
	setenv(name, value, 1);
	if (!config_apply_env(&c, err, sizeof err))
		fail_msg("accepted %s=%s", name, value);
	if (!strstr(err, name) || !strstr(err, expected))
		fail_msg("message \"%s\" for %s=%s lacks the name or \"%s\"",
			 err, name, value, expected);
	unsetenv(name);
	config_free(&c);
}

static void test_env_bad_values(void **state)
{
	(void)state;
	expect_env_refused("FAIR_WORKERS", "abc", "an integer from 1 to 64");
	expect_env_refused("FAIR_PORT", "70000", "an integer from 0 to 65535");
	expect_env_refused("FAIR_PORT", "", "an integer");
	expect_env_refused("FAIR_PORT", "80abc", "an integer");
	expect_env_refused("FAIR_PORT", "80.0", "an integer");
	expect_env_refused("FAIR_PORT", "99999999999999999999999", "integer");
	expect_env_refused("FAIR_ACCESS_LOG", "maybe", "true or false");
	expect_env_refused("FAIR_ACCESS_LOG", "", "true or false");
	expect_env_refused("FAIR_ACCESS_LOG", "TRUE", "true or false");
	expect_env_refused("FAIR_LOG_LEVEL", "loud", "FAIR_LOG_LEVEL");
	expect_env_refused("FAIR_LISTEN_ADDRESS", "1.2", "7 to 15 bytes");
}

static void test_print_parses_back(void **state)
{
	struct config c, d;
	char err[256];
	char *text;
	json_t *doc;
	json_error_t jerr;
	const char *key;
	json_t *value;
	size_t keys = 0;

	(void)state;
	config_defaults(&c);
	assert_int_equal(
		apply(&c,
		      "{\"port\": 4321, \"log_level\": \"warn\", "
		      "\"access_log\": false, \"migrate_on_start\": false, "
		      "\"database_url\": \"host='a b' password=\\\"p\\\\q\\\" "
		      "application_name=外套\", \"allowed_origins\": "
		      "\"https://a.example,https://b.example\", "
		      "\"worker_queue\": 1000000, \"db_queue_max\": 0}",
		      err, sizeof err),
		0);
	text = print_to_string(&c);
	doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		fail_msg("printed config does not parse: %s\n%s", jerr.text,
			 text);
	assert_true(json_is_object(doc));
	assert_int_equal(json_integer_value(json_object_get(doc, "port")),
			 4321);
	assert_string_equal(
		json_string_value(json_object_get(doc, "log_level")), "warn");
	assert_true(json_is_false(json_object_get(doc, "access_log")));
	assert_true(json_is_integer(json_object_get(doc, "db_queue_max")));

	/* every key has a comment naming its bounds and its variable */
	json_object_foreach(doc, key, value)
	{
		char comment[128], env[128];
		const char *described;

		if (!strncmp(key, "//", 2))
			continue;
		keys++;
		snprintf(comment, sizeof comment, "// %s", key);
		described = json_string_value(json_object_get(doc, comment));
		if (!described)
			fail_msg("no comment for %s", key);
		snprintf(env, sizeof env, "environment FAIR_");
		for (const char *p = key; *p; p++) {
			size_t n = strlen(env);

			env[n] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
			env[n + 1] = '\0';
		}
		if (!strstr(described, env))
			fail_msg("comment \"%s\" lacks \"%s\"", described, env);
	}
	assert_true(keys >= 20); /* the table only grows */
	assert_int_equal(json_object_size(doc), 2 * keys);
	json_decref(doc);

	/* the printed text is a valid config file that gives the same config */
	config_defaults(&d);
	if (config_apply_json(&d, "printed", text, strlen(text), err,
			      sizeof err))
		fail_msg("printed config refused: %s", err);
	assert_same_config(&c, &d);
	free(text);

	/* the defaults print and re-apply to themselves too */
	config_free(&c);
	config_defaults(&c);
	text = print_to_string(&c);
	config_free(&d);
	memset(&d, 0, sizeof d);
	config_defaults(&d);
	assert_int_equal(d.port, 8080);
	d.port = 1;
	assert_int_equal(config_apply_json(&d, "printed", text, strlen(text),
					   err, sizeof err),
			 0);
	assert_same_config(&c, &d);
	free(text);
	config_free(&c);
	config_free(&d);
}

static void test_apply_file(void **state)
{
	char path[] = "/tmp/fair-test-config-XXXXXX";
	int fd = mkstemp(path);
	struct config c;
	char err[512];
	static const char body[] =
		"{\n  \"port\": 7070,\n  \"workers\": 4\n}\n";

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, body, sizeof body - 1), sizeof body - 1);
	close(fd);
	config_defaults(&c);
	assert_int_equal(config_apply_file(&c, path, err, sizeof err), 0);
	assert_int_equal(c.port, 7070);
	assert_int_equal(c.workers, 4);

	/* errors name the file */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"nope\": 1}", 11), 11);
	close(fd);
	assert_int_equal(config_apply_file(&c, path, err, sizeof err), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "\"nope\""));
	unlink(path);

	assert_int_equal(config_apply_file(&c, path, err, sizeof err), -1);
	assert_non_null(strstr(err, path));
	config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_json_applies),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_out_of_bounds),
		cmocka_unit_test(test_log_levels),
		cmocka_unit_test(test_comment_keys),
		cmocka_unit_test(test_invalid_json),
		cmocka_unit_test(test_env_overrides),
		cmocka_unit_test(test_env_bools),
		cmocka_unit_test(test_env_bad_values),
		cmocka_unit_test(test_print_parses_back),
		cmocka_unit_test(test_apply_file),
	};

	return cmocka_run_group_tests(tests, setup_env, NULL);
}
