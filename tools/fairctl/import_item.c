/* import_item.c - products.csv rows into import_item (see import_item.h).
 *
 * Each column is checked against the same rules the database enforces
 * (sql/003_catalog_orders.sql), so that a bad row is reported with its line
 * and column instead of failing the whole transaction with one constraint
 * name. */
#include "fairctl/import_item.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/text_check.h"

static const char *const column_names[COL_COUNT] = {
	[COL_STYLE] = "style",
	[COL_NAME] = "name",
	[COL_NAME_EN] = "name_en",
	[COL_CATEGORY] = "category",
	[COL_DESCRIPTION] = "description",
	[COL_DESCRIPTION_EN] = "description_en",
	[COL_BASE_PRICE] = "base_price",
	[COL_PRICE] = "price",
	[COL_TIER_PRICES] = "tier_prices",
	[COL_SIZES] = "sizes",
	[COL_COLORS] = "colors",
	[COL_ALLOCATION] = "allocation",
	[COL_MOQ] = "moq",
	[COL_LIMIT] = "limit",
	[COL_PACK] = "pack",
	[COL_MUST_ORDER] = "must_order",
	[COL_CATEGORY_EN] = "category_en",
	[COL_COLORS_EN] = "colors_en",
};

static const bool column_required[COL_COUNT] = {
	[COL_STYLE] = true,      [COL_NAME] = true,  [COL_CATEGORY] = true,
	[COL_BASE_PRICE] = true, [COL_SIZES] = true, [COL_COLORS] = true,
	[COL_ALLOCATION] = true,
};

const char *import_column_name(enum import_column col)
{
	return col < COL_COUNT ? column_names[col] : "?";
}

void import_problem(struct import_problems *p, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		/* the message repeats cells of the file: an escape sequence in
		 * one must not reach the operator's terminal as one */
		char *line = malloc(4 * (size_t)n + 1);

		if (line)
			log_escape(msg, line, 4 * (size_t)n + 1);
		free(msg);
		msg = line;
		n = line ? n : -1;
	}
	{
		char **grown = array_room(p->msgs, &p->cap, p->count,
					  sizeof *grown, 16);

		if (!grown) {
			if (n >= 0)
				free(msg);
			p->count++; /* still counted as a failure */
			return;
		}
		p->msgs = grown;
	}
	p->msgs[p->count++] = n >= 0 ? msg : NULL;
}

void import_problems_free(struct import_problems *p)
{
	for (size_t i = 0; i < p->count && i < p->cap; i++)
		free(p->msgs[i]);
	free(p->msgs);
	memset(p, 0, sizeof *p);
}

long import_utf8_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		unsigned c = *p;
		int extra;
		unsigned cp;

		if (c < 0x80) {
			p++;
			n++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			extra = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			extra = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			extra = 3;
			cp = c & 0x07;
		} else {
			return -1;
		}
		for (int i = 1; i <= extra; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((extra == 2 && cp < 0x800) ||
		    (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		p += extra + 1;
		n++;
	}
	return n;
}

/* Trims spaces and tabs at both ends into a new string. */
static char *trimmed(const char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
		       s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	return strndup(s, len);
}

/* The context of one row's checks. */
struct row {
	const struct import_header *h;
	const struct import_csv_record *rec;
	const char *file;
	struct import_problems *pr;
	int bad; /* problems found in this row */
};

static void row_problem(struct row *r, enum import_column col, const char *fmt,
			...) __attribute__((format(printf, 3, 4)));

static void row_problem(struct row *r, enum import_column col, const char *fmt,
			...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	import_problem(r->pr, "%s:%d: %s: %s", r->file, r->rec->line,
		       column_names[col], why);
	r->bad++;
}

/* The trimmed value of a column, "" when the column is absent. */
static char *value_of(struct row *r, enum import_column col)
{
	int i = r->h->index[col];

	return trimmed(i >= 0 ? r->rec->fields[i] : "");
}

/* A text column: UTF-8, min..max characters, no control characters
 * unless multiline. Returns the owned value, or NULL after a problem. */
static char *text_column(struct row *r, enum import_column col, long min,
			 long max, bool multiline)
{
	char *v = value_of(r, col);
	uint32_t c;
	long n;

	if (!v) {
		row_problem(r, col, "out of memory");
		return NULL;
	}
	n = import_utf8_length(v);
	if (n < 0) {
		row_problem(r, col, "not valid UTF-8 (save the file as UTF-8)");
	} else if (n < min) {
		row_problem(r, col, "required");
	} else if (n > max) {
		row_problem(r, col, "%ld characters; at most %ld", n, max);
	} else if ((c = text_forbidden_char(v, strlen(v), multiline)) != 0) {
		row_problem(r, col,
			    c < 0x20 ? "contains a control character (a line "
				       "break or tab?)"
				     : "contains a control or invisible "
				       "character (U+%04X)",
			    (unsigned)c);
	} else {
		return v;
	}
	free(v);
	return NULL;
}

/* A whole number from min to max, digits only. Returns 0 or -1. */
static int parse_number(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!*s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int64_t money_column(struct row *r, enum import_column col, int64_t dflt)
{
	char *v = value_of(r, col);
	int64_t amount = -1;

	if (!v)
		return -1;
	if (!*v && dflt >= 0) {
		amount = dflt;
	} else if (!*v) {
		row_problem(r, col, "required");
	} else if (parse_number(v, 0, IMPORT_MAX_PRICE, &amount)) {
		row_problem(r, col,
			    "\"%s\" is not an amount in minor units (fen): a "
			    "whole number such as 129900 for 1299.00",
			    v);
		amount = -1;
	}
	free(v);
	return amount;
}

static int int_column(struct row *r, enum import_column col, int64_t min,
		      int64_t max, int dflt)
{
	char *v = value_of(r, col);
	int64_t n = dflt;

	if (!v)
		return -1;
	if (*v && parse_number(v, min, max, &n)) {
		row_problem(r, col,
			    "\"%s\" is not a whole number from %lld to "
			    "%lld",
			    v, (long long)min, (long long)max);
		n = -1;
	}
	free(v);
	return (int)n;
}

/* Splits s at '|' in place into parts (trimmed); returns the count, or -1
 * when there are more than max. Empty parts are kept (and refused by the
 * callers). */
static int split_bar(char *s, char **parts, int max)
{
	int n = 0;

	for (char *p = s;;) {
		char *bar = strchr(p, '|'), *e;

		if (n == max)
			return -1;
		if (bar)
			*bar = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		parts[n++] = p;
		if (!bar)
			return n;
		p = bar + 1;
	}
}

/* sizes or colors: a |-separated list of distinct names. */
static void list_column(struct row *r, enum import_column col, int max_len,
			char *names, size_t stride, int max_count, int *count)
{
	char *v = value_of(r, col), *parts[IMPORT_MAX_COLORS + 1];
	int n;

	*count = 0;
	if (!v)
		return;
	if (!*v) {
		row_problem(r, col, "required");
		free(v);
		return;
	}
	n = split_bar(v, parts, max_count);
	if (n < 0) {
		row_problem(r, col, "more than %d entries", max_count);
		free(v);
		return;
	}
	for (int i = 0; i < n; i++) {
		long len = import_utf8_length(parts[i]);

		if (len < 0) {
			row_problem(r, col, "not valid UTF-8");
			break;
		}
		if (len < 1 || len > max_len) {
			row_problem(r, col,
				    "entry %d is \"%s\": each must be 1 to %d "
				    "characters",
				    i + 1, parts[i], max_len);
			break;
		}
		if (strpbrk(parts[i], ":=\"\\")) {
			row_problem(r, col,
				    "\"%s\": names may not contain : = \" or "
				    "\\",
				    parts[i]);
			break;
		}
		if (import_has_control(parts[i])) {
			row_problem(r, col,
				    "entry %d contains a control or invisible "
				    "character",
				    i + 1);
			break;
		}
		for (int j = 0; j < i; j++)
			if (!strcmp(parts[j], parts[i])) {
				row_problem(r, col, "\"%s\" is listed twice",
					    parts[i]);
				len = -1;
				break;
			}
		if (len < 0)
			break;
		snprintf(names + (size_t)i * stride, stride, "%s", parts[i]);
		*count = i + 1;
	}
	if (*count != n)
		*count = 0;
	free(v);
}

bool import_has_control(const char *s)
{
	return text_forbidden_char(s, strlen(s), false) != 0;
}

/* Why s is not an English name for the glossary, or NULL when it is one: 1
 * to IMPORT_TERM_MAX characters without control characters
 * (import_has_control). why receives a length problem. */
static const char *term_problem(const char *s, char *why, size_t size)
{
	long n = import_utf8_length(s);

	if (n < 0)
		return "not valid UTF-8";
	if (n == 0)
		return "empty";
	if (n > IMPORT_TERM_MAX) {
		snprintf(why, size, "%ld characters; at most %d", n,
			 IMPORT_TERM_MAX);
		return why;
	}
	if (import_has_control(s))
		return "contains a control character (a line break or "
		       "tab?)";
	return NULL;
}

/* category_en: the category's English name, "" when none is given. Returns
 * the owned value, or NULL after a problem. */
static char *category_en_column(struct row *r)
{
	char *v = value_of(r, COL_CATEGORY_EN);
	const char *bad;
	char why[64];

	if (!v) {
		row_problem(r, COL_CATEGORY_EN, "out of memory");
		return NULL;
	}
	if (*v && (bad = term_problem(v, why, sizeof why)) != NULL) {
		row_problem(r, COL_CATEGORY_EN, "%s", bad);
		free(v);
		return NULL;
	}
	return v;
}

/* colors_en: one English name per colour, in the order of colors; nothing
 * when empty or when colors had a problem (reported already). */
static void colors_en_column(struct row *r, struct import_item *it)
{
	char *v = value_of(r, COL_COLORS_EN), *parts[IMPORT_MAX_COLORS];
	int n = 1;

	if (!v) {
		row_problem(r, COL_COLORS_EN, "out of memory");
		return;
	}
	if (!*v || !it->ncolors)
		goto out;
	for (const char *p = v; *p; p++)
		n += *p == '|';
	if (n != it->ncolors) {
		row_problem(r, COL_COLORS_EN,
			    "%d name%s for %d colour%s (one English name per "
			    "colour, in the order of colors)",
			    n, n == 1 ? "" : "s", it->ncolors,
			    it->ncolors == 1 ? "" : "s");
		goto out;
	}
	split_bar(v, parts, IMPORT_MAX_COLORS);
	for (int i = 0; i < n; i++) {
		char why[64];
		const char *bad = term_problem(parts[i], why, sizeof why);

		if (bad && !*parts[i])
			row_problem(r, COL_COLORS_EN,
				    "name %d (for %s) is empty (one English "
				    "name per colour, in the order of colors)",
				    i + 1, it->colors[i]);
		else if (bad)
			row_problem(r, COL_COLORS_EN, "name %d (for %s): %s",
				    i + 1, it->colors[i], bad);
		if (bad) {
			memset(it->colors_en, 0, sizeof it->colors_en);
			goto out;
		}
		snprintf(it->colors_en[i], sizeof it->colors_en[i], "%s",
			 parts[i]);
	}
out:
	free(v);
}

static int find_name(const char *names, size_t stride, int count,
		     const char *name)
{
	for (int i = 0; i < count; i++)
		if (!strcmp(names + (size_t)i * stride, name))
			return i;
	return -1;
}

#define SIZE_STRIDE sizeof(((struct import_item *)0)->sizes[0])
#define COLOR_STRIDE sizeof(((struct import_item *)0)->colors[0])

static void allocation_column(struct row *r, struct import_item *it)
{
	char *v = value_of(r, COL_ALLOCATION);
	char *parts[IMPORT_MAX_SIZES * IMPORT_MAX_COLORS + 1];
	int64_t n;
	int count;

	if (!v)
		return;
	if (!*v) {
		row_problem(r, COL_ALLOCATION, "required");
		goto out;
	}
	if (!strchr(v, '=')) {
		if (parse_number(v, 0, IMPORT_MAX_ALLOCATION, &n)) {
			row_problem(
				r, COL_ALLOCATION,
				"\"%s\" is neither a number of units "
				"(0 to %d) nor a list like S:黑色=20|M:黑色=40",
				v, IMPORT_MAX_ALLOCATION);
			goto out;
		}
		for (int s = 0; s < it->nsizes; s++)
			for (int c = 0; c < it->ncolors; c++)
				it->allocation[s][c] = (int)n;
		goto out;
	}
	if (!it->nsizes || !it->ncolors)
		goto out; /* sizes or colors already reported */
	count = split_bar(v, parts, IMPORT_MAX_SIZES * IMPORT_MAX_COLORS);
	if (count < 0) {
		row_problem(r, COL_ALLOCATION, "more entries than variants");
		goto out;
	}
	for (int i = 0; i < count; i++) {
		char *eq = strrchr(parts[i], '='),
		     *colon = strchr(parts[i], ':');
		int s, c;

		if (!eq || !colon || colon > eq) {
			row_problem(r, COL_ALLOCATION,
				    "\"%s\": expected SIZE:COLOR=UNITS",
				    parts[i]);
			goto out;
		}
		*eq = *colon = '\0';
		s = find_name(it->sizes[0], SIZE_STRIDE, it->nsizes, parts[i]);
		c = find_name(it->colors[0], COLOR_STRIDE, it->ncolors,
			      colon + 1);
		if (s < 0 || c < 0) {
			row_problem(r, COL_ALLOCATION,
				    "%s:%s is not one of the sizes and colours "
				    "of this row",
				    parts[i], colon + 1);
			goto out;
		}
		if (parse_number(eq + 1, 0, IMPORT_MAX_ALLOCATION, &n)) {
			row_problem(r, COL_ALLOCATION,
				    "%s:%s=\"%s\" is not a number of units "
				    "from 0 to %d",
				    parts[i], colon + 1, eq + 1,
				    IMPORT_MAX_ALLOCATION);
			goto out;
		}
		if (it->allocation[s][c] != 0) {
			row_problem(r, COL_ALLOCATION, "%s:%s is listed twice",
				    parts[i], colon + 1);
			goto out;
		}
		/* -1 marks "listed" while parsing; 0 units is a real value */
		it->allocation[s][c] = n ? (int)n : -1;
	}
	for (int s = 0; s < it->nsizes; s++)
		for (int c = 0; c < it->ncolors; c++)
			if (it->allocation[s][c] < 0)
				it->allocation[s][c] = 0;
out:
	free(v);
}

static void pack_column(struct row *r, struct import_item *it)
{
	char *v = value_of(r, COL_PACK), *parts[IMPORT_MAX_SIZES + 1];
	int count, total = 0;

	if (!v || !*v || !it->nsizes)
		goto out;
	count = split_bar(v, parts, IMPORT_MAX_SIZES);
	if (count < 0) {
		row_problem(r, COL_PACK, "more entries than sizes");
		goto out;
	}
	for (int i = 0; i < count; i++) {
		char *colon = strrchr(parts[i], ':');
		int64_t n;
		int s;

		if (!colon) {
			row_problem(r, COL_PACK,
				    "\"%s\": expected SIZE:UNITS, as in "
				    "S:1|M:2|L:2|XL:1",
				    parts[i]);
			goto fail;
		}
		*colon = '\0';
		s = find_name(it->sizes[0], SIZE_STRIDE, it->nsizes, parts[i]);
		if (s < 0) {
			row_problem(r, COL_PACK, "%s is not one of the sizes",
				    parts[i]);
			goto fail;
		}
		if (parse_number(colon + 1, 1, 1000, &n)) {
			row_problem(r, COL_PACK,
				    "%s:\"%s\": units must be 1 to 1000",
				    parts[i], colon + 1);
			goto fail;
		}
		if (it->pack[s]) {
			row_problem(r, COL_PACK, "%s is listed twice",
				    parts[i]);
			goto fail;
		}
		it->pack[s] = (int)n;
		total += (int)n;
	}
	if (total > 10000)
		row_problem(r, COL_PACK, "a pack of more than 10000 units");
	goto out;
fail:
	memset(it->pack, 0, sizeof it->pack);
out:
	free(v);
}

static void tier_column(struct row *r, struct import_item *it)
{
	char *v = value_of(r, COL_TIER_PRICES), *parts[IMPORT_MAX_TIERS + 1];
	int count;

	if (!v || !*v)
		goto out;
	count = split_bar(v, parts, IMPORT_MAX_TIERS);
	if (count < 0) {
		row_problem(r, COL_TIER_PRICES, "more than %d tiers",
			    IMPORT_MAX_TIERS);
		goto out;
	}
	for (int i = 0; i < count; i++) {
		char *p = parts[i];
		int64_t price;

		if (!(p[0] >= 'A' && p[0] <= 'Z') ||
		    (p[1] != ':' && p[1] != '=') ||
		    parse_number(p + 2, 0, IMPORT_MAX_PRICE, &price)) {
			row_problem(r, COL_TIER_PRICES,
				    "\"%s\": expected TIER:PRICE in minor "
				    "units, as in A:119900|B:124900",
				    p);
			it->ntiers = 0;
			goto out;
		}
		for (int j = 0; j < it->ntiers; j++)
			if (it->tier_prices[j].tier == p[0]) {
				row_problem(r, COL_TIER_PRICES,
					    "tier %c is listed twice", p[0]);
				it->ntiers = 0;
				goto out;
			}
		it->tier_prices[it->ntiers].tier = p[0];
		it->tier_prices[it->ntiers].price = price;
		it->ntiers++;
	}
out:
	free(v);
}

static bool must_order_column(struct row *r)
{
	static const char *const yes[] = {"true", "yes", "y", "1", "是"};
	static const char *const no[] = {"false", "no", "n", "0", "否", ""};
	char *v = value_of(r, COL_MUST_ORDER);
	bool result = false, known = false;

	if (!v)
		return false;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!strcasecmp(v, yes[i]))
			result = known = true;
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (!strcasecmp(v, no[i]))
			known = true;
	if (!known)
		row_problem(r, COL_MUST_ORDER,
			    "\"%s\" is not true or false (yes/no, 1/0, 是/否)",
			    v);
	free(v);
	return result;
}

static void style_column(struct row *r, struct import_item *it)
{
	char *v = value_of(r, COL_STYLE);
	size_t len;
	bool ok;

	if (!v)
		return;
	len = strlen(v);
	ok = len >= 1 && len <= 40 && isalnum((unsigned char)v[0]);
	for (size_t i = 0; ok && i < len; i++)
		ok = isalnum((unsigned char)v[i]) || v[i] == '_' ||
		     v[i] == '.' || v[i] == '-';
	if (!*v)
		row_problem(r, COL_STYLE, "required");
	else if (!ok)
		row_problem(r, COL_STYLE,
			    "\"%s\": 1 to 40 letters, digits, '_', '.' or "
			    "'-', starting with a letter or digit",
			    v);
	else
		memcpy(it->style, v, len + 1);
	free(v);
}

int import_header_parse(const struct import_csv_record *rec, const char *file,
			struct import_header *h, struct import_problems *pr)
{
	int bad = 0;

	for (int c = 0; c < COL_COUNT; c++)
		h->index[c] = -1;
	h->fields = rec->count;
	for (size_t i = 0; i < rec->count; i++) {
		char *name = trimmed(rec->fields[i]);
		int found = -1;

		if (!name)
			return -1;
		for (int c = 0; c < COL_COUNT; c++)
			if (!strcasecmp(name, column_names[c]))
				found = c;
		if (found < 0) {
			import_problem(pr,
				       "%s:%d: unknown column \"%s\" (known: "
				       "style, name, name_en, category, "
				       "category_en, description, "
				       "description_en, base_price, price, "
				       "tier_prices, sizes, colors, colors_en, "
				       "allocation, moq, limit, pack, "
				       "must_order)",
				       file, rec->line, name);
			bad++;
		} else if (h->index[found] >= 0) {
			import_problem(pr, "%s:%d: column \"%s\" appears twice",
				       file, rec->line, name);
			bad++;
		} else {
			h->index[found] = (int)i;
		}
		free(name);
	}
	for (int c = 0; c < COL_COUNT; c++)
		if (column_required[c] && h->index[c] < 0) {
			import_problem(pr,
				       "%s:%d: the required column \"%s\" is "
				       "missing from the header",
				       file, rec->line, column_names[c]);
			bad++;
		}
	return bad ? -1 : 0;
}

int import_item_parse(const struct import_header *h,
		      const struct import_csv_record *rec, const char *file,
		      struct import_item *it, struct import_problems *pr)
{
	struct row r = {h, rec, file, pr, 0};

	memset(it, 0, sizeof *it);
	it->line = rec->line;
	if (rec->count != h->fields) {
		import_problem(pr,
			       "%s:%d: %zu fields, but the header has %zu (a "
			       "comma in an unquoted field?)",
			       file, rec->line, rec->count, h->fields);
		return -1;
	}
	style_column(&r, it);
	it->name = text_column(&r, COL_NAME, 1, 200, false);
	it->name_en = text_column(&r, COL_NAME_EN, 0, 200, false);
	it->category = text_column(&r, COL_CATEGORY, 1, 64, false);
	it->category_en = category_en_column(&r);
	it->description = text_column(&r, COL_DESCRIPTION, 0, 4000, true);
	it->description_en = text_column(&r, COL_DESCRIPTION_EN, 0, 4000, true);
	it->base_price = money_column(&r, COL_BASE_PRICE, -1);
	it->price = money_column(&r, COL_PRICE,
				 it->base_price >= 0 ? it->base_price : 0);
	tier_column(&r, it);
	list_column(&r, COL_SIZES, 16, it->sizes[0], SIZE_STRIDE,
		    IMPORT_MAX_SIZES, &it->nsizes);
	list_column(&r, COL_COLORS, 32, it->colors[0], COLOR_STRIDE,
		    IMPORT_MAX_COLORS, &it->ncolors);
	colors_en_column(&r, it);
	allocation_column(&r, it);
	it->moq = int_column(&r, COL_MOQ, 1, 100000, 1);
	it->dealer_limit = int_column(&r, COL_LIMIT, 1, 1000000, 0);
	pack_column(&r, it);
	it->must_order = must_order_column(&r);
	if (r.bad) {
		import_item_free(it);
		return -1;
	}
	import_item_slugs(it);
	return 0;
}

static bool slug_taken(const struct import_item *it, int upto, const char *slug)
{
	if (!strcmp(slug, "main")) /* the product picture's name */
		return true;
	for (int j = 0; j < upto; j++)
		if (!strcmp(it->color_slug[j], slug))
			return true;
	return false;
}

void import_item_slugs(struct import_item *it)
{
	for (int c = 0; c < it->ncolors; c++) {
		char base[MEDIA_SLUG_MAX];
		int k = 1;

		media_color_slug(it->colors[c], base, sizeof base);
		snprintf(it->color_slug[c], MEDIA_SLUG_MAX, "%s", base);
		while (slug_taken(it, c, it->color_slug[c]))
			snprintf(it->color_slug[c], MEDIA_SLUG_MAX, "%.30s-%d",
				 base, ++k % 100);
	}
}

int import_item_pack_json(const struct import_item *it, char *out, size_t size)
{
	size_t n = 0;
	int w;

	out[0] = '\0';
	for (int s = 0; s < it->nsizes; s++) {
		if (!it->pack[s])
			continue;
		/* sizes hold no '"' or '\' (list_column refuses them) */
		w = snprintf(out + n, size - n, "%s\"%s\":%d", n ? "," : "{",
			     it->sizes[s], it->pack[s]);
		if (w < 0 || (size_t)w >= size - n)
			return -1;
		n += (size_t)w;
	}
	if (n) {
		if (n + 2 > size)
			return -1;
		out[n++] = '}';
		out[n] = '\0';
	}
	return 0;
}

void import_item_free(struct import_item *it)
{
	free(it->name);
	free(it->name_en);
	free(it->category);
	free(it->category_en);
	free(it->description);
	free(it->description_en);
	it->name = it->name_en = it->category = it->category_en = NULL;
	it->description = it->description_en = NULL;
}

/* One English name into names ({name: English}) unless it is empty; a name
 * given another English name on an earlier line is a problem. */
static int term_add(struct import_terms *t, json_t **names, const char *kind,
		    enum import_column col, const char *name, const char *en,
		    int line, const char *file, struct import_problems *pr)
{
	char key[300];
	json_t *have;

	if (!en || !*en)
		return 0;
	if (!*names)
		*names = json_object();
	if (!t->lines)
		t->lines = json_object();
	if (!*names || !t->lines)
		goto oom;
	snprintf(key, sizeof key, "%s:%s", kind, name);
	have = json_object_get(*names, name);
	if (have) {
		if (!strcmp(json_string_value(have), en))
			return 0;
		import_problem(
			pr,
			"%s:%d: %s: %s is \"%s\" here but \"%s\" on "
			"line %d (one English name per %s)",
			file, line, column_names[col], name, en,
			json_string_value(have),
			(int)json_integer_value(json_object_get(t->lines, key)),
			kind);
		return -1;
	}
	if (json_object_set_new(*names, name, json_string(en)) ||
	    json_object_set_new(t->lines, key, json_integer(line)))
		goto oom;
	return 0;
oom:
	import_problem(pr, "%s:%d: %s: out of memory", file, line,
		       column_names[col]);
	return -1;
}

int import_terms_add(struct import_terms *t, const struct import_item *it,
		     const char *file, struct import_problems *pr)
{
	int bad = term_add(t, &t->categories, "category", COL_CATEGORY_EN,
			   it->category, it->category_en, it->line, file, pr);

	for (int c = 0; c < it->ncolors; c++)
		bad |= term_add(t, &t->colors, "colour", COL_COLORS_EN,
				it->colors[c], it->colors_en[c], it->line, file,
				pr);
	return bad ? -1 : 0;
}

void import_terms_free(struct import_terms *t)
{
	json_decref(t->colors);
	json_decref(t->categories);
	json_decref(t->lines);
	memset(t, 0, sizeof *t);
}
