/* test_import.c - the products.csv reader and row validation of the fair
 * import: RFC 4180 quoting, line numbers of records that span lines, a
 * problem per bad column with its line, and the English names of colours
 * and categories, one per name across the file's rows.
 *
 * Links the real import_csv.c and import_item.c (fair_core). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fairctl/import_csv.h"
#include "fairctl/import_item.h"

static const char header[] =
	"style,name,name_en,category,description,base_price,price,"
	"tier_prices,sizes,colors,allocation,moq,limit,pack,must_order\n";

static void test_csv_quoting(void **state)
{
	static const char text[] = "\xef\xbb\xbf"
				   "a,\"b, with comma\",c\r\n"
				   "\"multi\nline\",\"quote \"\"inside\"\"\",\n"
				   "\n"
				   "last,,\"\"";
	struct import_csv r;
	struct import_csv_record rec = {0};
	char err[128];

	(void)state;
	import_csv_init(&r, text, sizeof text - 1);
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), 1);
	assert_int_equal(rec.line, 1);
	assert_int_equal(rec.count, 3);
	assert_string_equal(rec.fields[0], "a");
	assert_string_equal(rec.fields[1], "b, with comma");
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), 1);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.count, 3);
	assert_string_equal(rec.fields[0], "multi\nline");
	assert_string_equal(rec.fields[1], "quote \"inside\"");
	assert_string_equal(rec.fields[2], "");
	/* the blank line 4 is skipped; "last" starts on line 5 */
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), 1);
	assert_int_equal(rec.line, 5);
	assert_int_equal(rec.count, 3);
	assert_string_equal(rec.fields[2], "");
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), 0);
	import_csv_record_free(&rec);
}

static void test_csv_errors_resync(void **state)
{
	static const char text[] = "ok,1\n"
				   "bad\"quote,2\n"
				   "\"closed\"junk,3\n"
				   "fine,4\n"
				   "\"never closed,5\n"
				   "lost,6\n";
	struct import_csv r;
	struct import_csv_record rec = {0};
	char err[128];

	(void)state;
	import_csv_init(&r, text, sizeof text - 1);
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), 1);
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), -1);
	assert_int_equal(rec.line, 2);
	assert_non_null(strstr(err, "quote inside an unquoted field"));
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), -1);
	assert_int_equal(rec.line, 3);
	assert_non_null(strstr(err, "after the closing quote"));
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), 1);
	assert_int_equal(rec.line, 4);
	assert_string_equal(rec.fields[0], "fine");
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), -1);
	assert_int_equal(rec.line, 5);
	assert_non_null(strstr(err, "never closed"));
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), 0);
	import_csv_record_free(&rec);
}

/* Parses hdr + one row; returns the rc of import_item_parse. */
static int parse_row_of(const char *hdr, const char *row,
			struct import_item *it, struct import_problems *pr)
{
	char text[4096];
	struct import_csv r;
	struct import_csv_record hrec = {0}, rec = {0};
	struct import_header h;
	char err[128];
	int rc;

	snprintf(text, sizeof text, "%s%s\n", hdr, row);
	import_csv_init(&r, text, strlen(text));
	assert_int_equal(import_csv_next(&r, &hrec, err, sizeof err), 1);
	assert_int_equal(import_header_parse(&hrec, "products.csv", &h, pr), 0);
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), 1);
	rc = import_item_parse(&h, &rec, "products.csv", it, pr);
	import_csv_record_free(&hrec);
	import_csv_record_free(&rec);
	return rc;
}

static int parse_row(const char *row, struct import_item *it,
		     struct import_problems *pr)
{
	return parse_row_of(header, row, it, pr);
}

static void test_item_good(void **state)
{
	struct import_problems pr = {0};
	struct import_item *it = calloc(1, sizeof *it);
	char pack[256];

	(void)state;
	assert_int_equal(
		parse_row("FW27-1001,雙排扣風衣外套,Trench,外套,"
			  "\"防潑水，附腰帶\","
			  "129900,109900,A:99900|B:104900,S|M|L,黑色|藏青|黑,"
			  "S:黑色=5|L:藏青=7,2,10,S:1|M:2|L:1,是",
			  it, &pr),
		0);
	assert_int_equal(pr.count, 0);
	assert_string_equal(it->style, "FW27-1001");
	assert_string_equal(it->description, "防潑水，附腰帶");
	assert_int_equal(it->base_price, 129900);
	assert_int_equal(it->price, 109900);
	assert_int_equal(it->ntiers, 2);
	assert_int_equal(it->tier_prices[1].tier, 'B');
	assert_int_equal(it->nsizes, 3);
	assert_int_equal(it->ncolors, 3);
	assert_int_equal(it->allocation[0][0], 5);
	assert_int_equal(it->allocation[2][1], 7);
	assert_int_equal(it->allocation[1][0], 0);
	assert_int_equal(it->moq, 2);
	assert_int_equal(it->dealer_limit, 10);
	assert_true(it->must_order);
	/* 黑色 and 黑 both mean black: the slugs stay apart */
	assert_string_equal(it->color_slug[0], "black");
	assert_string_equal(it->color_slug[1], "navy");
	assert_string_equal(it->color_slug[2], "black-2");
	assert_int_equal(import_item_pack_json(it, pack, sizeof pack), 0);
	assert_string_equal(pack, "{\"S\":1,\"M\":2,\"L\":1}");
	import_item_free(it);
	free(it);
	import_problems_free(&pr);
}

/* A cell repeated in a message cannot reach the operator's terminal as an
 * escape sequence or start another line. */
static void test_problem_escapes_control_characters(void **state)
{
	struct import_problems pr = {0};

	(void)state;
	import_problem(&pr, "products.csv:%d: name: %s", 2,
		       "\x1b[2J\x1b]0;owned\x07外套\nproducts.csv:3: fine");
	assert_int_equal(pr.count, 1);
	assert_string_equal(
		pr.msgs[0],
		"products.csv:2: name: \\x1b[2J\\x1b]0;owned\\x07外套"
		"\\nproducts.csv:3: fine");
	import_problems_free(&pr);
}

static void test_item_every_problem_reported(void **state)
{
	struct import_problems pr = {0};
	struct import_item *it = calloc(1, sizeof *it);
	static const char *const expected[] = {
		"products.csv:2: style:",
		"products.csv:2: name: required",
		"products.csv:2: base_price:",
		"products.csv:2: tier_prices:",
		"products.csv:2: sizes: \"S\" is listed twice",
		"products.csv:2: moq:",
		"products.csv:2: must_order:",
	};

	(void)state;
	assert_int_equal(parse_row("-bad,,x,外套,,12.5,,A:1|A:2,S|S,黑色,1,0,,,"
				   "maybe",
				   it, &pr),
			 -1);
	assert_int_equal(pr.count, sizeof expected / sizeof expected[0]);
	for (size_t i = 0; i < pr.count; i++)
		if (strncmp(pr.msgs[i], expected[i], strlen(expected[i])))
			fail_msg("problem %zu is \"%s\", expected \"%s...\"", i,
				 pr.msgs[i], expected[i]);
	free(it);
	import_problems_free(&pr);
}

static void test_item_allocation_refers_to_variants(void **state)
{
	struct import_problems pr = {0};
	struct import_item *it = calloc(1, sizeof *it);

	(void)state;
	assert_int_equal(
		parse_row("A1,名,,褲,,100,,,28|30,黑色,28:白色=5,,,,", it, &pr),
		-1);
	assert_int_equal(pr.count, 1);
	assert_non_null(strstr(pr.msgs[0], "allocation: 28:白色 is not one"));
	import_problems_free(&pr);
	assert_int_equal(
		parse_row("A1,名,,褲,,100,,,28|30,黑色,,,,XL:1,", it, &pr), -1);
	assert_int_equal(pr.count, 2); /* allocation required, XL not a size */
	assert_non_null(strstr(pr.msgs[0], "allocation: required"));
	assert_non_null(strstr(pr.msgs[1], "pack: XL is not one of the sizes"));
	free(it);
	import_problems_free(&pr);
}

static void test_header_problems(void **state)
{
	static const char text[] = "style,name,colour,name,base_price\n";
	struct import_csv r;
	struct import_csv_record rec = {0};
	struct import_problems pr = {0};
	struct import_header h;
	char err[64];

	(void)state;
	import_csv_init(&r, text, sizeof text - 1);
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), 1);
	assert_int_equal(import_header_parse(&rec, "products.csv", &h, &pr),
			 -1);
	/* colour unknown, name twice, category sizes colors allocation missing */
	assert_int_equal(pr.count, 6);
	assert_non_null(strstr(pr.msgs[0], "unknown column \"colour\""));
	assert_non_null(strstr(pr.msgs[1], "\"name\" appears twice"));
	import_csv_record_free(&rec);
	import_problems_free(&pr);
}

static void test_utf8_length(void **state)
{
	(void)state;
	assert_int_equal(import_utf8_length("abc"), 3);
	assert_int_equal(import_utf8_length("外套"), 2);
	assert_int_equal(import_utf8_length("\xf0\x9f\x91\x97"), 1);
	assert_int_equal(import_utf8_length("\xc0\xaf"), -1); /* overlong */
	assert_int_equal(import_utf8_length("\xed\xa0\x80"),
			 -1);                                 /* surrogate */
	assert_int_equal(import_utf8_length("\xe5\xa4"), -1); /* truncated */
	assert_int_equal(import_utf8_length("\xff"), -1);
}

static void test_has_control(void **state)
{
	(void)state;
	assert_false(import_has_control("Camel · 驼色 Black"));
	assert_false(import_has_control(""));
	assert_true(import_has_control("Two\nlines"));
	assert_true(import_has_control("tab\there"));
	assert_true(import_has_control("del\x7f"));
	assert_true(import_has_control("next\xc2\x85line")); /* U+0085, C1 */
	assert_true(import_has_control("a\xe2\x80\xa8"
				       "b"));             /* U+2028 */
	assert_false(import_has_control("\xc2\xa0nbsp")); /* U+00A0 */
	/* an override that makes text read backwards, as the protocol refuses */
	assert_true(import_has_control("ab\xe2\x80\xae"
				       "cd")); /* U+202E */
}

static const char header_en[] = "style,name,category,category_en,base_price,"
				"sizes,colors,colors_en,allocation\n";

/* Parses one row under header_en; expects exactly the problem want (a
 * prefix), or none when want is NULL. */
static void expect_en(const char *row, const char *want)
{
	struct import_problems pr = {0};
	struct import_item *it = calloc(1, sizeof *it);

	assert_non_null(it);
	if (!want) {
		if (parse_row_of(header_en, row, it, &pr))
			fail_msg("\"%s\": %s", row, pr.msgs[0]);
		import_item_free(it);
	} else {
		assert_int_equal(parse_row_of(header_en, row, it, &pr), -1);
		assert_int_equal(pr.count, 1);
		if (strncmp(pr.msgs[0], want, strlen(want)))
			fail_msg("\"%s\": problem \"%s\", expected \"%s...\"",
				 row, pr.msgs[0], want);
	}
	free(it);
	import_problems_free(&pr);
}

static void test_english_names_good(void **state)
{
	struct import_problems pr = {0};
	struct import_item *it = calloc(1, sizeof *it);
	/* 64 characters: the longest name */
	static const char longest[] = "Deep Midnight Navy Blue, with Faint "
				      "Heathered Charcoal Undertone";

	(void)state;
	assert_int_equal(strlen(longest), 64);
	assert_int_equal(parse_row_of(header_en,
				      "A1,外套一, 外套 , Outerwear ,100,S|M,"
				      "黑色|藏青|驼色, Black | Navy|Camel ,5",
				      it, &pr),
			 0);
	assert_string_equal(it->category_en, "Outerwear");
	assert_int_equal(it->ncolors, 3);
	assert_string_equal(it->colors_en[0], "Black");
	assert_string_equal(it->colors_en[1], "Navy");
	assert_string_equal(it->colors_en[2], "Camel");
	assert_string_equal(it->colors_en[3], "");
	import_item_free(it);
	/* none given: empty columns, or no columns at all */
	assert_int_equal(parse_row_of(header_en,
				      "A1,外套一,外套,,100,S,黑色,,5", it, &pr),
			 0);
	assert_string_equal(it->category_en, "");
	assert_string_equal(it->colors_en[0], "");
	import_item_free(it);
	assert_int_equal(parse_row("A1,名,,外套,,100,,,S,黑色,1,,,,", it, &pr),
			 0);
	assert_string_equal(it->category_en, "");
	assert_string_equal(it->colors_en[0], "");
	import_item_free(it);
	assert_int_equal(pr.count, 0);
	free(it);
	import_problems_free(&pr);
	/* other characters than | and controls are fine; 64 is not too long */
	expect_en("A1,名,外套,\"Coats, Jackets & \"\"Parkas\"\"\",100,S|M,"
		  "黑色|白色,Black: Jet = Ink|Off-white \\ Ivory,5",
		  NULL);
	{
		char row[512];

		snprintf(row, sizeof row,
			 "A1,名,外套,\"%s\",100,S,黑色,\"%s\",5", longest,
			 longest);
		expect_en(row, NULL);
	}
}

static void test_english_names_refused(void **state)
{
	(void)state;
	/* one name per colour */
	expect_en("A1,名,外套,,100,S,黑色|藏青,Black|Navy|Red,5",
		  "products.csv:2: colors_en: 3 names for 2 colours (one "
		  "English name per colour, in the order of colors)");
	expect_en("A1,名,外套,,100,S,黑色|藏青,Black,5",
		  "products.csv:2: colors_en: 1 name for 2 colours");
	expect_en("A1,名,外套,,100,S,黑色,Black|,5",
		  "products.csv:2: colors_en: 2 names for 1 colour (");
	/* an empty element */
	expect_en("A1,名,外套,,100,S,黑色|藏青|驼色,Black| |Camel,5",
		  "products.csv:2: colors_en: name 2 (for 藏青) is empty (one "
		  "English name per colour, in the order of colors)");
	/* too long: 65 characters */
	expect_en("A1,名,外套,"
		  "Outerwear Outerwear Outerwear Outerwear Outerwear "
		  "Outerwear Outer,100,S,黑色,,5",
		  "products.csv:2: category_en: 65 characters; at most 64");
	expect_en(
		"A1,名,外套,,100,S,黑色|藏青,Black|"
		"黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑"
		"黑"
		"黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑黑"
		"黑黑,"
		"5",
		"products.csv:2: colors_en: name 2 (for 藏青): 65 characters; "
		"at most 64");
	/* control characters: a tab, a line break, C1 NEL, U+2028 */
	expect_en("A1,名,外套,\"Outer\twear\",100,S,黑色,,5",
		  "products.csv:2: category_en: contains a control character");
	expect_en("A1,名,外套,\"Outer\nwear\",100,S,黑色,,5",
		  "products.csv:2: category_en: contains a control character");
	expect_en("A1,名,外套,,100,S,黑色|藏青,Black|Na\xc2\x85vy,5",
		  "products.csv:2: colors_en: name 2 (for 藏青): contains a "
		  "control character");
	expect_en("A1,名,外套,,100,S,黑色,Bl\xe2\x80\xa8"
		  "ack,5",
		  "products.csv:2: colors_en: name 1 (for 黑色): contains a "
		  "control character");
	expect_en("A1,名,外套,Outer\xff,100,S,黑色,,5",
		  "products.csv:2: category_en: not valid UTF-8");
	/* colors_en is not checked against colours already refused */
	expect_en("A1,名,外套,,100,S,黑色|黑色,Black,5",
		  "products.csv:2: colors: \"黑色\" is listed twice");
}

static void test_english_names_across_rows(void **state)
{
	static const char text[] =
		"style,name,category,category_en,base_price,sizes,colors,"
		"colors_en,allocation\n"
		"A1,一,外套,Outerwear,100,S,黑色|藏青,Black|Navy,5\n"
		"A2,二,外套,,100,S,黑色|驼色,,5\n"          /* none given */
		"A3,三,外套,Outerwear,100,S,驼色,Camel,5\n" /* the same */
		"A4,四,外套,Coats,100,S,白色|黑色,White|Jet,5\n"
		"A5,五,裤,Trousers,100,S,黑色,Black,5\n";
	struct import_csv r;
	struct import_csv_record rec = {0};
	struct import_problems pr = {0};
	struct import_terms terms = {0};
	struct import_header h;
	struct import_item *it = calloc(1, sizeof *it);
	int rc[5], n = 0;
	char err[128], *json;

	(void)state;
	import_csv_init(&r, text, sizeof text - 1);
	assert_int_equal(import_csv_next(&r, &rec, err, sizeof err), 1);
	assert_int_equal(import_header_parse(&rec, "products.csv", &h, &pr), 0);
	while (import_csv_next(&r, &rec, err, sizeof err) == 1) {
		assert_int_equal(
			import_item_parse(&h, &rec, "products.csv", it, &pr),
			0);
		rc[n++] = import_terms_add(&terms, it, "products.csv", &pr);
		import_item_free(it);
	}
	assert_int_equal(n, 5);
	assert_int_equal(rc[0], 0);
	assert_int_equal(rc[1], 0);
	assert_int_equal(rc[2], 0);
	assert_int_equal(rc[3], -1);
	assert_int_equal(rc[4], 0);
	/* line 5 names 外套 and 黑色 otherwise: two problems */
	assert_int_equal(pr.count, 2);
	assert_string_equal(pr.msgs[0],
			    "products.csv:5: category_en: 外套 is \"Coats\" "
			    "here but \"Outerwear\" on line 2 (one English "
			    "name per category)");
	assert_string_equal(pr.msgs[1],
			    "products.csv:5: colors_en: 黑色 is \"Jet\" here "
			    "but \"Black\" on line 2 (one English name per "
			    "colour)");
	/* the first names are kept, and line 5's other colour is taken */
	json = json_dumps(terms.colors, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(json, "{\"白色\":\"White\",\"藏青\":\"Navy\","
				  "\"驼色\":\"Camel\",\"黑色\":\"Black\"}");
	free(json);
	json = json_dumps(terms.categories, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(json, "{\"外套\":\"Outerwear\","
				  "\"裤\":\"Trousers\"}");
	free(json);
	import_terms_free(&terms);
	assert_null(terms.colors);
	import_terms_free(&terms); /* twice is harmless */
	import_csv_record_free(&rec);
	import_problems_free(&pr);
	free(it);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_csv_errors_resync),
		cmocka_unit_test(test_item_good),
		cmocka_unit_test(test_item_every_problem_reported),
		cmocka_unit_test(test_problem_escapes_control_characters),
		cmocka_unit_test(test_item_allocation_refers_to_variants),
		cmocka_unit_test(test_header_problems),
		cmocka_unit_test(test_utf8_length),
		cmocka_unit_test(test_has_control),
		cmocka_unit_test(test_english_names_good),
		cmocka_unit_test(test_english_names_refused),
		cmocka_unit_test(test_english_names_across_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
