/* chart.h - charts drawn on the server with libgd (units by product, amount
 * per minute, by region, sell-through), as PNG, for reports and for sharing
 * in chat apps. Chinese labels are drawn with a CJK font through FreeType.
 *
 * chart_render is CPU work: call it on the worker pool. chart_ticks is the
 * pure part (axis scales), unit-tested. */
#ifndef FAIR_CHART_H
#define FAIR_CHART_H

#include <stddef.h>

#include "base/lang.h"

#define CHART_MIN_WIDTH 240
#define CHART_MAX_WIDTH 2400
#define CHART_MIN_HEIGHT 160
#define CHART_MAX_HEIGHT 2400
#define CHART_MAX_POINTS 2000

enum chart_kind { CHART_BARS, CHART_LINE };

struct chart {
	enum chart_kind kind;
	const char *title;
	const char *unit;          /* shown after values: "件", "¥", "%" */
	size_t n;                  /* points */
	const char *const *labels; /* n labels (bars: one per bar) */
	const double *values;      /* n values >= 0 */
	int width, height;
	const char *font; /* a TrueType/OpenType file with CJK glyphs */
	enum lang lang;   /* the words it draws itself ("no data yet") */
};

/* libgd's font cache, shared by the worker threads: set up before they
 * draw, torn down at exit. */
void chart_setup(void);
void chart_teardown(void);

/* An axis from 0 to at least max in count steps of step, step being 1, 2 or
 * 5 times a power of ten, with about target steps. */
void chart_ticks(double max, int target, double *step, int *count);

/* A dealer's order summary as a card to forward in chat apps. */
struct share_card {
	const char *fair, *season, *dealer, *currency;
	long long orders, units, amount; /* amount in minor units */
	size_t n;                        /* its biggest styles */
	const char *const *styles;
	const double *units_by_style;
	int width, height;
	const char *font;
	enum lang lang; /* its words: Simplified Chinese (0) by default */
};

/* Draws the card as a PNG of exactly width x height (as chart_render), its
 * words in c->lang. */
void *chart_share_card(const struct share_card *c, int *size, char *why,
		       size_t why_size);

/* Draws the chart as a PNG of exactly width x height. Returns the bytes
 * (free with chart_free), *size set; NULL with why filled on failure. */
void *chart_render(const struct chart *c, int *size, char *why,
		   size_t why_size);
void chart_free(void *png);

#endif
