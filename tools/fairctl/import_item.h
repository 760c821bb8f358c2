/* import_item.h - one product offered at a fair, as the importer and the
 * demo describe it, its validation from a products.csv row, and the English
 * names of colours and categories a whole file gives (import_terms).
 *
 * products.csv has a header row naming its columns, in any order:
 *
 *   style          required  style code, ^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$
 *   name           required  Chinese name, 1-200 characters
 *   name_en                  English name, up to 200 characters
 *   category       required  e.g. 外套, 1-64 characters
 *   category_en              the category's English name for the brand's
 *                            glossary (term_names), up to 64 characters
 *                            (empty: none given)
 *   description              up to 4000 characters (line breaks allowed)
 *   description_en           up to 4000 characters
 *   base_price     required  list price in minor units (fen): 129900
 *   price                    fair price in minor units (empty: base_price)
 *   tier_prices              dealer-tier prices: A:119900|B:124900
 *   sizes          required  S|M|L|XL (1-16 characters each)
 *   colors         required  黑色|藏青 (1-32 characters each)
 *   colors_en                their English names for the glossary, in the
 *                            same order: Black|Navy (one per colour, 1-64
 *                            characters each; empty: none given)
 *   allocation     required  units per variant: one number for every size
 *                            and colour, or S:黑色=20|M:黑色=40|...
 *                            (a variant not listed gets 0)
 *   moq                      minimum order quantity (empty: 1)
 *   limit                    units per dealer (empty: no limit)
 *   pack                     sold in packs of this size ratio: S:1|M:2|L:1
 *   must_order               true/false, yes/no, 1/0, 是/否 (empty: false)
 *
 * English names have no control characters (C0, DEL, C1) nor line or
 * paragraph separators. Two rows may not give one colour or category two
 * English names (import_terms_add).
 *
 * Problems are collected as "products.csv:LINE: COLUMN: reason" so that a
 * whole file can be reported at once. Pure code. */
#ifndef FAIR_IMPORT_ITEM_H
#define FAIR_IMPORT_ITEM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/money.h"
#include "fairctl/import_csv.h"
#include "media/media_key.h"

#define IMPORT_MAX_SIZES 20
#define IMPORT_MAX_COLORS 20
#define IMPORT_MAX_TIERS 26
#define IMPORT_MAX_PRICE MONEY_UNIT_PRICE_MAX /* money.h */
#define IMPORT_MAX_ALLOCATION 1000000         /* units per variant */
#define IMPORT_TERM_MAX 64 /* characters of an English name (term_names) */

struct import_item {
	int line; /* CSV line of the row; 0 when not from a file */
	char style[41];
	char *name; /* owned, like the other strings */
	char *name_en;
	char *category;
	char *category_en; /* "" when none given */
	char *description;
	char *description_en;
	int64_t base_price; /* minor units */
	int64_t price;      /* the fair price, minor units */
	int moq;            /* >= 1 */
	int dealer_limit;   /* units per dealer; 0: no limit */
	bool must_order;
	int nsizes;
	int ncolors;
	char sizes[IMPORT_MAX_SIZES][65];    /* UTF-8, up to 16 characters */
	char colors[IMPORT_MAX_COLORS][129]; /* UTF-8, up to 32 characters */
	/* each colour's English name, up to 64 characters; all "" when none
	 * were given */
	char colors_en[IMPORT_MAX_COLORS][4 * IMPORT_TERM_MAX + 1];
	int allocation[IMPORT_MAX_SIZES][IMPORT_MAX_COLORS];
	int pack[IMPORT_MAX_SIZES]; /* units per size in one pack; all 0: none */
	int ntiers;
	struct {
		char tier;     /* 'A'..'Z' */
		int64_t price; /* minor units */
	} tier_prices[IMPORT_MAX_TIERS];
	/* Filled in once images are stored: media keys, "" when none. */
	char image[MEDIA_KEY_MAX];                          /* the product's */
	char color_image[IMPORT_MAX_COLORS][MEDIA_KEY_MAX]; /* each colour's */
	char color_slug[IMPORT_MAX_COLORS]
		       [MEDIA_SLUG_MAX]; /* unique per item */
	/* Filled in once its clip is stored (clips/STYLE.mp4): "" when none */
	char clip[MEDIA_KEY_MAX];
	int64_t clip_ms;             /* the source's duration */
	int clip_width, clip_height; /* the MP4's picture */
};

/* A growing list of messages for a person, one problem each. */
struct import_problems {
	char **msgs;
	size_t count;
	size_t cap;
};

/* Appends a formatted message (never fails visibly: on out of memory the
 * message is dropped and the count still grows, so failure is not lost). */
void import_problem(struct import_problems *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Frees every message and zeroes p. */
void import_problems_free(struct import_problems *p);

enum import_column {
	COL_STYLE,
	COL_NAME,
	COL_NAME_EN,
	COL_CATEGORY,
	COL_DESCRIPTION,
	COL_DESCRIPTION_EN,
	COL_BASE_PRICE,
	COL_PRICE,
	COL_TIER_PRICES,
	COL_SIZES,
	COL_COLORS,
	COL_ALLOCATION,
	COL_MOQ,
	COL_LIMIT,
	COL_PACK,
	COL_MUST_ORDER,
	COL_CATEGORY_EN,
	COL_COLORS_EN,
	COL_COUNT
};

/* Where each column is in the file's records: index, or -1 when absent. */
struct import_header {
	int index[COL_COUNT];
	size_t fields; /* fields every record must have */
};

/* The column's name as the header row spells it ("base_price"). */
const char *import_column_name(enum import_column col);

/* Reads the header record (names compared without case, spaces trimmed).
 * Unknown, repeated and missing required columns are problems, reported
 * as "<file>:LINE: ...". Returns 0 when the header is usable, else -1. */
int import_header_parse(const struct import_csv_record *rec, const char *file,
			struct import_header *h, struct import_problems *pr);

/* Validates one record into item (zeroed first, strings allocated). Every
 * problem of the row is added as "<file>:LINE: COLUMN: reason". Returns 0
 * when the row is good, -1 when it had problems (item is then freed). */
int import_item_parse(const struct import_header *h,
		      const struct import_csv_record *rec, const char *file,
		      struct import_item *item, struct import_problems *pr);

/* Fills item->color_slug with each colour's slug (media_color_slug), made
 * unique within the item by suffixes "-2", "-3"... */
void import_item_slugs(struct import_item *item);

/* The pack as a JSON object text ({"S":1,"M":2}) into out, or "" when the
 * item is not sold in packs. Returns 0, or -1 when size is too small. */
int import_item_pack_json(const struct import_item *item, char *out,
			  size_t size);

/* Frees the strings item owns (the struct itself is the caller's). */
void import_item_free(struct import_item *item);

/* The English names the rows of a file give their colours and categories,
 * one per name, for the brand's glossary (term_names_set). Zero it to start
 * ({0}); import_terms_free frees it. */
struct import_terms {
	json_t *colors;     /* {colour: English name}, NULL while none */
	json_t *categories; /* {category: English name}, NULL while none */
	json_t *lines;      /* the line each was first given on */
};

/* Adds the English names a good item gives (from its line). A colour or
 * category that an earlier item named otherwise is a problem, "<file>:LINE:
 * colors_en: 黑色 is "Jet" here but "Black" on line 3", and the first name
 * is kept. Returns 0, or -1 after a problem. */
int import_terms_add(struct import_terms *t, const struct import_item *item,
		     const char *file, struct import_problems *pr);

/* Frees what t holds and zeroes it. */
void import_terms_free(struct import_terms *t);

/* Number of Unicode characters in a UTF-8 string, or -1 when it is not
 * valid UTF-8 (overlong forms and surrogates included). */
long import_utf8_length(const char *s);

/* Whether s (valid UTF-8) holds a character a one-line text may not
 * (text_forbidden_char): a control character (C0, DEL, C1), a line or
 * paragraph separator (which PostgreSQL's [[:cntrl:]] counts in some locales,
 * so the checks of term_names and fairs.name_en refuse them), or an invisible
 * character that disguises text. */
bool import_has_control(const char *s);

#endif
