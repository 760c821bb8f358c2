/* fuzz_import_csv.c - the products.csv importer's pure path on arbitrary
 * bytes: import_csv_next, import_header_parse, import_item_parse and what
 * fairctl import does next with a good row (colour slugs, media keys, the
 * pack as JSON), as read_products in tools/fairctl/import_fair.c runs them
 * on a file, without the database.
 *
 * The input is the file itself. Besides "no crash, no leak, no UB", each
 * input checks the contracts of import_csv.h and import_item.h:
 *   - every call moves the reader on; a record has 1..IMPORT_CSV_MAX_FIELDS
 *     fields under IMPORT_CSV_MAX_FIELD bytes, and line numbers only grow
 *     and stay within the file's line breaks; a refusal says why;
 *   - a usable header maps every required column to a distinct field;
 *   - a refused row adds problems naming "products.csv:LINE"; a good row
 *     obeys every rule import_item.h states (style, text lengths in UTF-8,
 *     amounts, sizes and colours distinct and free of : = " \, allocation,
 *     moq, limit, pack, tiers, English names of the category and of none
 *     or every colour), its colour slugs are distinct, never "main", and
 *     make valid media keys, and its pack prints as a JSON object of its
 *     sizes;
 *   - the English names of the good rows (import_terms_add) hold one name
 *     per colour and category, the first row's; a row naming one otherwise
 *     adds a problem for its line;
 *   - import_utf8_length agrees with jansson on what is UTF-8;
 *   - a good row's text, written by the CSV report's writer (base/csv.c,
 *     which guards formula-like cells with an apostrophe) and read back by
 *     the importer's reader, comes back as it was, apostrophe aside. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "base/strbuf.h"
#include "fairctl/import_csv.h"
#include "fairctl/import_item.h"
#include "fuzz.h"
#include "media/media_key.h"

#define FILE_NAME "products.csv"
#define MAX_ITEMS 64 /* fuzz inputs are small; fairctl allows 20000 */

/* import_utf8_length against jansson, which refuses the same overlong
 * forms, surrogates and code points past U+10FFFF. */
static void check_utf8(const char *s)
{
	long n = import_utf8_length(s);
	json_t *j = json_string(s);
	long chars = 0;

	check((n >= 0) == (j != NULL));
	json_decref(j);
	if (n < 0)
		return;
	for (const char *p = s; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	check(n == chars);
}

static void check_text(const char *s, long min, long max, bool multiline)
{
	long n;

	check(s != NULL);
	n = import_utf8_length(s);
	check(n >= min && n <= max);
	for (const char *p = s; *p; p++)
		check(((unsigned char)*p >= 0x20 && *p != 0x7f) ||
		      (multiline && (*p == '\n' || *p == '\t' || *p == '\r')));
}

static void check_names(const char *names, size_t stride, int count,
			long max_chars)
{
	for (int i = 0; i < count; i++) {
		const char *s = names + (size_t)i * stride;
		long n = import_utf8_length(s);

		check(n >= 1 && n <= max_chars && strlen(s) < stride);
		check(!strpbrk(s, ":=\"\\|"));
		for (const char *p = s; *p; p++)
			check((unsigned char)*p >= 0x20);
		for (int j = 0; j < i; j++)
			check(strcmp(names + (size_t)j * stride, s) != 0);
	}
}

/* An English name as term_names takes it: 1 to 64 characters (0 when
 * optional), no C0, DEL, C1, U+2028 or U+2029. */
static void check_term(const char *s, long min)
{
	const unsigned char *p = (const unsigned char *)s;
	long n;

	check(s != NULL);
	n = import_utf8_length(s);
	check(n >= min && n <= IMPORT_TERM_MAX);
	for (; *p; p++) {
		check(*p >= 0x20 && *p != 0x7f);
		check(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f));
		check(!(p[0] == 0xe2 && p[1] == 0x80 &&
			(p[2] == 0xa8 || p[2] == 0xa9)));
	}
}

/* After import_terms_add of a good item (rc): every English name the item
 * gives is the glossary's, unless rc says a problem was added. */
static void check_terms(const struct import_terms *t,
			const struct import_item *it, int rc)
{
	const char *en;
	bool differs = false;

	if (it->category_en[0]) {
		en = json_string_value(
			json_object_get(t->categories, it->category));
		check(en != NULL);
		differs = differs || strcmp(en, it->category_en);
	}
	for (int c = 0; c < it->ncolors; c++) {
		if (!it->colors_en[c][0])
			continue;
		en = json_string_value(
			json_object_get(t->colors, it->colors[c]));
		check(en != NULL);
		differs = differs || strcmp(en, it->colors_en[c]);
	}
	check(differs == (rc != 0));
}

/* The report's CSV writer and the importer's reader agree on s. */
static void check_round_trip(const char *s)
{
	struct strbuf b;
	struct import_csv r;
	struct import_csv_record rec = {0};
	char err[256];
	const char *back;

	if (!s)
		return;
	strbuf_init(&b);
	/* a fixed first field: a record of one empty field is a blank line */
	csv_text(&b, "x", true);
	csv_text(&b, s, false);
	csv_end_row(&b);
	import_csv_init(&r, b.data, b.len);
	check(import_csv_next(&r, &rec, err, sizeof err) == 1);
	check(rec.count == 2 && !strcmp(rec.fields[0], "x"));
	back = rec.fields[1];
	/* nothing a spreadsheet could run: = + - @, a tab, a line break or
	 * a full-width ＝ ＋ － ＠ first */
	check(!strchr("=+-@\t\r\n", back[0]) || !back[0]);
	check(strncmp(back, "\xEF\xBC\x9D", 3) &&
	      strncmp(back, "\xEF\xBC\x8B", 3) &&
	      strncmp(back, "\xEF\xBC\x8D", 3) &&
	      strncmp(back, "\xEF\xBC\xA0", 3));
	if (back[0] == '\'' && strcmp(back, s))
		back++; /* the formula guard */
	check(!strcmp(back, s));
	check(import_csv_next(&r, &rec, err, sizeof err) == 0);
	import_csv_record_free(&rec);
	strbuf_free(&b);
}

static void check_item(const struct import_item *it, int line)
{
	size_t len = strlen(it->style);
	int pack_total = 0;
	char key[MEDIA_KEY_MAX], pack[4096];

	check(it->line == line);
	check(len >= 1 && len <= 40 && isalnum((unsigned char)it->style[0]));
	for (size_t i = 0; i < len; i++)
		check(isalnum((unsigned char)it->style[i]) ||
		      strchr("_.-", it->style[i]));
	check_text(it->name, 1, 200, false);
	check_text(it->name_en, 0, 200, false);
	check_text(it->category, 1, 64, false);
	check_term(it->category_en, 0);
	check_text(it->description, 0, 4000, true);
	check_text(it->description_en, 0, 4000, true);
	check(it->base_price >= 0 && it->base_price <= IMPORT_MAX_PRICE);
	check(it->price >= 0 && it->price <= IMPORT_MAX_PRICE);
	check(it->moq >= 1 && it->moq <= 100000);
	check(it->dealer_limit >= 0 && it->dealer_limit <= 1000000);
	check(it->nsizes >= 1 && it->nsizes <= IMPORT_MAX_SIZES);
	check(it->ncolors >= 1 && it->ncolors <= IMPORT_MAX_COLORS);
	check_names(it->sizes[0], sizeof it->sizes[0], it->nsizes, 16);
	check_names(it->colors[0], sizeof it->colors[0], it->ncolors, 32);
	for (int c = 0; c < IMPORT_MAX_COLORS; c++) {
		/* an English name for every colour or for none */
		if (c < it->ncolors && it->colors_en[0][0])
			check_term(it->colors_en[c], 1);
		else
			check(it->colors_en[c][0] == '\0');
	}
	for (int s = 0; s < IMPORT_MAX_SIZES; s++) {
		for (int c = 0; c < IMPORT_MAX_COLORS; c++)
			check(it->allocation[s][c] >= 0 &&
			      it->allocation[s][c] <= IMPORT_MAX_ALLOCATION &&
			      (s < it->nsizes || !it->allocation[s][c]) &&
			      (c < it->ncolors || !it->allocation[s][c]));
		check(it->pack[s] >= 0 && it->pack[s] <= 1000);
		check(s < it->nsizes || !it->pack[s]);
		pack_total += it->pack[s];
	}
	check(pack_total <= 10000);
	check(it->ntiers >= 0 && it->ntiers <= IMPORT_MAX_TIERS);
	for (int t = 0; t < it->ntiers; t++) {
		check(it->tier_prices[t].tier >= 'A' &&
		      it->tier_prices[t].tier <= 'Z');
		check(it->tier_prices[t].price >= 0 &&
		      it->tier_prices[t].price <= IMPORT_MAX_PRICE);
		for (int u = 0; u < t; u++)
			check(it->tier_prices[u].tier !=
			      it->tier_prices[t].tier);
	}
	/* what import_images.c does with the style and each colour */
	check(media_product_key(it->style, "main", key, sizeof key) == 0);
	for (int c = 0; c < it->ncolors; c++) {
		const char *slug = it->color_slug[c];

		check(slug[0] && strcmp(slug, "main"));
		for (int d = 0; d < c; d++)
			check(strcmp(it->color_slug[d], slug));
		check(media_product_key(it->style, slug, key, sizeof key) == 0);
		check(media_key_valid(key));
	}
	/* what import_store.c stores as the pack */
	check(import_item_pack_json(it, pack, sizeof pack) == 0);
	if (pack_total) {
		json_error_t jerr;
		json_t *j = json_loads(pack, 0, &jerr);

		check(json_is_object(j));
		for (int s = 0; s < it->nsizes; s++) {
			json_t *units = json_object_get(j, it->sizes[s]);

			check(it->pack[s]
				      ? json_integer_value(units) == it->pack[s]
				      : units == NULL);
		}
		json_decref(j);
	} else {
		check(pack[0] == '\0');
	}
	check_round_trip(it->name);
	check_round_trip(it->name_en);
	check_round_trip(it->category);
	check_round_trip(it->description);
	check_round_trip(it->description_en);
}

/* Every message added since before names the file and, from a row or the
 * header, its line. */
static void check_problems(const struct import_problems *pr, size_t before)
{
	check(pr->count > before);
	for (size_t i = before; i < pr->count && i < pr->cap; i++)
		check(pr->msgs[i] == NULL ||
		      !strncmp(pr->msgs[i], FILE_NAME ":",
			       strlen(FILE_NAME ":")));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_csv_record rec = {0};
	struct import_problems pr = {0};
	struct import_terms terms = {0};
	struct import_header header;
	struct import_item *items = calloc(MAX_ITEMS, sizeof *items);
	struct import_csv csv;
	size_t n = 0;
	long breaks = 0;
	int r, last_line = 0;
	bool have_header = false;
	char err[256];

	check(items != NULL);
	for (size_t i = 0; i < size; i++)
		breaks += data[i] == '\n' || data[i] == '\r';
	import_csv_init(&csv, (const char *)data, size);
	for (;;) {
		const char *before = csv.p;
		size_t problems = pr.count;

		memset(err, 'x', sizeof err);
		r = import_csv_next(&csv, &rec, err, sizeof err);
		if (r == 0)
			break;
		check(csv.p > before && csv.p <= csv.end);
		check(rec.line >= 1 && rec.line > last_line - 1 &&
		      rec.line <= breaks + 1);
		last_line = rec.line;
		if (r < 0) {
			check(memchr(err, '\0', sizeof err) && err[0]);
			import_problem(&pr, FILE_NAME ":%d: %s", rec.line, err);
			if (!have_header)
				break;
			continue;
		}
		check(r == 1);
		check(rec.count >= 1 && rec.count <= IMPORT_CSV_MAX_FIELDS);
		for (size_t i = 0; i < rec.count; i++) {
			check(rec.fields[i] != NULL);
			check(strlen(rec.fields[i]) < IMPORT_CSV_MAX_FIELD);
			check_utf8(rec.fields[i]);
		}
		if (!have_header) {
			have_header = true;
			if (import_header_parse(&rec, FILE_NAME, &header,
						&pr)) {
				check_problems(&pr, problems);
				break;
			}
			check(pr.count == problems);
			check(header.fields == rec.count);
			for (int c = 0; c < COL_COUNT; c++) {
				check(header.index[c] >= -1 &&
				      header.index[c] < (int)rec.count);
				for (int d = 0; d < c; d++)
					check(header.index[c] < 0 ||
					      header.index[c] !=
						      header.index[d]);
			}
			continue;
		}
		if (n == MAX_ITEMS)
			break;
		if (import_item_parse(&header, &rec, FILE_NAME, &items[n],
				      &pr)) {
			check_problems(&pr, problems);
			check(items[n].name == NULL);
			continue;
		}
		check(pr.count == problems);
		check_item(&items[n], rec.line);
		r = import_terms_add(&terms, &items[n], FILE_NAME, &pr);
		check(r == 0 || r == -1);
		check((r == 0) == (pr.count == problems));
		if (r)
			check_problems(&pr, problems);
		check_terms(&terms, &items[n], r);
		n++;
	}
	import_csv_record_free(&rec);
	for (size_t i = 0; i < n; i++)
		import_item_free(&items[i]);
	free(items);
	import_terms_free(&terms);
	import_problems_free(&pr);
	return 0;
}
