/* chart.c - charts with libgd (see chart.h). */
#include "media/chart.h"

#include <gd.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/money.h"

void chart_setup(void)
{
	gdFontCacheSetup();
}

void chart_teardown(void)
{
	gdFontCacheShutdown();
}

void chart_ticks(double max, int target, double *step, int *count)
{
	double raw, magnitude, unit;

	if (target < 1)
		target = 1;
	if (!(max > 0)) {
		*step = 1;
		*count = 1;
		return;
	}
	raw = max / target;
	magnitude = pow(10, floor(log10(raw)));
	unit = raw / magnitude;
	*step = (unit <= 1   ? 1
		 : unit <= 2 ? 2
		 : unit <= 5 ? 5
			     : 10) *
		magnitude;
	*count = (int)ceil(max / *step - 1e-9);
	if (*count < 1)
		*count = 1;
}

struct canvas {
	gdImagePtr im;
	const char *font;
	int ink, grid, axis, muted, bar[6];
	const char *error;
};

/* Text width and height in pixels at size pt (0 when the font fails). */
static int text_size(struct canvas *cv, const char *s, double pt, int *h)
{
	int brect[8];
	char *err = gdImageStringFT(NULL, brect, 0, cv->font, pt, 0, 0, 0, s);

	if (err) {
		cv->error = err;
		*h = 0;
		return 0;
	}
	*h = brect[1] - brect[7];
	return brect[2] - brect[0];
}

/* Draws s with its left end at x and its baseline at y. */
static void text(struct canvas *cv, int x, int y, const char *s, double pt,
		 int color)
{
	int brect[8];
	char *err =
		gdImageStringFT(cv->im, brect, color, cv->font, pt, 0, x, y, s);

	if (err)
		cv->error = err;
}

/* s cut to fit width pixels, with an ellipsis, into buf. */
static const char *fit(struct canvas *cv, const char *s, double pt, int width,
		       char *buf, size_t size)
{
	size_t len = strlen(s);
	int h;

	if (text_size(cv, s, pt, &h) <= width)
		return s;
	while (len > 0) {
		do /* back to the start of a UTF-8 character */
			len--;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80);
		snprintf(buf, size, "%.*s…", (int)len, s);
		if (text_size(cv, buf, pt, &h) <= width)
			return buf;
	}
	return "…";
}

/* 1234567 as "1,234,567"; small fractions with one decimal. */
static void format_value(char *buf, size_t size, double v, const char *unit)
{
	char whole[MONEY_TEXT_MAX];

	if (v < 100 && v != floor(v)) {
		snprintf(buf, size, "%.1f%s", v, unit);
		return;
	}
	grouped_int(whole, (int64_t)llround(v));
	snprintf(buf, size, "%s%s", whole, unit);
}

/* The PNG of a drawn canvas, which it frees; NULL with why set when a text
 * could not be drawn (the font) or the encoding failed. */
static void *canvas_finish(struct canvas *cv, int *size, char *why,
			   size_t why_size)
{
	void *png = NULL;

	if (cv->error)
		snprintf(why, why_size, "font %s: %s", cv->font, cv->error);
	else
		png = gdImagePngPtrEx(cv->im, size, 6);
	gdImageDestroy(cv->im);
	if (!png && !cv->error)
		snprintf(why, why_size, "PNG encoding failed");
	return png;
}

static void draw_bars(struct canvas *cv, const struct chart *c, int left,
		      int top, int right, int bottom, double pt)
{
	double max = 0, step, lpt;
	int ticks, label_w = 0, h, plot_left, slot;

	slot = c->n ? (bottom - top) / (int)c->n : 0;
	if (slot > 56)
		slot = 56; /* a few bars stay bars, from the top */
	/* labels as tall as their bars allow (a point is 4/3 of a pixel) */
	lpt = slot * 0.55 < pt ? slot * 0.55 : pt;
	if (lpt < 5)
		lpt = 5;
	for (size_t i = 0; i < c->n; i++) {
		int w = text_size(cv, c->labels[i], lpt, &h);

		if (c->values[i] > max)
			max = c->values[i];
		if (w > label_w)
			label_w = w;
	}
	if (label_w > (right - left) * 2 / 5)
		label_w = (right - left) * 2 / 5;
	plot_left = left + label_w + 8;
	chart_ticks(max, 5, &step, &ticks);
	/* value axis along the bottom, with grid lines */
	for (int t = 0; t <= ticks; t++) {
		int x = plot_left +
			(int)((right - plot_left) * t / (double)ticks);
		char tick[32];
		int w = 0;

		gdImageLine(cv->im, x, top, x, bottom, t ? cv->grid : cv->axis);
		format_value(tick, sizeof tick, step * t, "");
		w = text_size(cv, tick, pt * 0.85, &h);
		text(cv, x - w / 2, bottom + (int)(pt * 1.6), tick, pt * 0.85,
		     cv->muted);
	}
	gdImageLine(cv->im, plot_left, bottom, right, bottom, cv->axis);
	for (size_t i = 0; i < c->n && slot > 0; i++) {
		int y0 = top + slot * (int)i + slot / 6;
		int y1 = top + slot * (int)(i + 1) - slot / 6;
		int x1 = plot_left + (int)((right - plot_left) * c->values[i] /
					   (step * ticks));
		char buf[256], value[48];
		const char *label =
			fit(cv, c->labels[i], lpt, label_w, buf, sizeof buf);
		int w = text_size(cv, label, lpt, &h);

		if (y1 <= y0)
			y1 = y0 + 1;
		gdImageFilledRectangle(cv->im, plot_left + 1, y0,
				       x1 > plot_left + 1 ? x1 : plot_left + 1,
				       y1, cv->bar[i % 6]);
		text(cv, plot_left - 6 - w, (y0 + y1) / 2 + h / 2 - 1, label,
		     lpt, cv->ink);
		format_value(value, sizeof value, c->values[i], c->unit);
		if (x1 + 4 + text_size(cv, value, lpt * 0.9, &h) < right)
			text(cv, x1 + 4, (y0 + y1) / 2 + h / 2, value,
			     lpt * 0.9, cv->muted);
	}
}

static void draw_line(struct canvas *cv, const struct chart *c, int left,
		      int top, int right, int bottom, double pt)
{
	double max = 0, step;
	int ticks, h, axis_w = 0, plot_left, every, prev_x = 0, prev_y = 0;

	for (size_t i = 0; i < c->n; i++)
		if (c->values[i] > max)
			max = c->values[i];
	chart_ticks(max, 5, &step, &ticks);
	for (int t = 0; t <= ticks; t++) {
		char tick[32];
		int w;

		format_value(tick, sizeof tick, step * t, "");
		w = text_size(cv, tick, pt * 0.85, &h);
		if (w > axis_w)
			axis_w = w;
	}
	plot_left = left + axis_w + 8;
	for (int t = 0; t <= ticks; t++) {
		int y = bottom - (int)((bottom - top) * t / (double)ticks);
		char tick[32];
		int w;

		gdImageLine(cv->im, plot_left, y, right, y,
			    t ? cv->grid : cv->axis);
		format_value(tick, sizeof tick, step * t, "");
		w = text_size(cv, tick, pt * 0.85, &h);
		text(cv, plot_left - 6 - w, y + h / 2, tick, pt * 0.85,
		     cv->muted);
	}
	gdImageLine(cv->im, plot_left, top, plot_left, bottom, cv->axis);
	/* a label every so many points, as many as fit */
	every = 1;
	if (c->n > 1) {
		int w = text_size(cv, c->labels[0], pt * 0.85, &h) + 12;
		int room = (right - plot_left) / (w > 1 ? w : 1);

		every = room > 0 ? (int)((c->n + (size_t)room - 1) /
					 (size_t)room)
				 : (int)c->n;
		if (every < 1)
			every = 1;
	}
	gdImageSetThickness(cv->im, 2);
	for (size_t i = 0; i < c->n; i++) {
		int x = plot_left + (c->n > 1 ? (int)((right - plot_left) * i /
						      (double)(c->n - 1))
					      : (right - plot_left) / 2);
		int y = bottom -
			(int)((bottom - top) * c->values[i] / (step * ticks));

		if (i)
			gdImageLine(cv->im, prev_x, prev_y, x, y, cv->bar[0]);
		if (i % (size_t)every == 0) {
			int w = text_size(cv, c->labels[i], pt * 0.85, &h);

			gdImageLine(cv->im, x, bottom, x, bottom + 4, cv->axis);
			text(cv, x - w / 2, bottom + (int)(pt * 1.6),
			     c->labels[i], pt * 0.85, cv->muted);
		}
		prev_x = x;
		prev_y = y;
	}
	gdImageSetThickness(cv->im, 1);
	if (c->n == 1)
		gdImageFilledEllipse(cv->im, prev_x, prev_y, 6, 6, cv->bar[0]);
}

void *chart_render(const struct chart *c, int *size, char *why, size_t why_size)
{
	struct canvas cv = {.font = c->font};
	double pt = c->height / 34.0;
	int h, pad, title_h;

	if (c->width < CHART_MIN_WIDTH || c->width > CHART_MAX_WIDTH ||
	    c->height < CHART_MIN_HEIGHT || c->height > CHART_MAX_HEIGHT ||
	    c->n > CHART_MAX_POINTS) {
		snprintf(why, why_size, "size out of range");
		return NULL;
	}
	if (pt < 7)
		pt = 7;
	if (pt > 16)
		pt = 16;
	cv.im = gdImageCreateTrueColor(c->width, c->height);
	if (!cv.im) {
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	gdImageFilledRectangle(cv.im, 0, 0, c->width - 1, c->height - 1,
			       gdTrueColor(255, 255, 255));
	cv.ink = gdTrueColor(34, 34, 34);
	cv.muted = gdTrueColor(96, 96, 96);
	cv.axis = gdTrueColor(120, 120, 120);
	cv.grid = gdTrueColor(225, 225, 225);
	cv.bar[0] = gdTrueColor(31, 119, 180);
	cv.bar[1] = gdTrueColor(255, 127, 14);
	cv.bar[2] = gdTrueColor(44, 160, 44);
	cv.bar[3] = gdTrueColor(214, 39, 40);
	cv.bar[4] = gdTrueColor(148, 103, 189);
	cv.bar[5] = gdTrueColor(140, 86, 75);
	pad = c->width / 40 + 6;
	text_size(&cv, c->title, pt * 1.4, &title_h);
	text(&cv, pad, pad + title_h, c->title, pt * 1.4, cv.ink);
	if (!c->n) {
		static const char *const none[] = {
			[LANG_HANS] = "暂无数据",
			[LANG_HANT] = "尚無資料",
			[LANG_EN] = "No data yet",
		};
		int w = text_size(&cv, none[c->lang], pt * 1.2, &h);

		text(&cv, (c->width - w) / 2, c->height / 2, none[c->lang],
		     pt * 1.2, cv.muted);
	} else if (c->kind == CHART_BARS) {
		draw_bars(&cv, c, pad, pad + title_h * 2, c->width - pad,
			  c->height - pad - (int)(pt * 2.2), pt);
	} else {
		draw_line(&cv, c, pad, pad + title_h * 2, c->width - pad,
			  c->height - pad - (int)(pt * 2.2), pt);
	}
	return canvas_finish(&cv, size, why, why_size);
}

/* The share card's words in each language. */
struct card_words {
	const char *labels[3]; /* orders, units, amount */
	const char *top, *none, *footer;
};

static const struct card_words card_words[] = {
	[LANG_HANS] = {{"订单", "件数", "金额"},
		       "主力款式",
		       "尚未下单",
		       "网络订货会"},
	[LANG_HANT] = {{"訂單", "件數", "金額"},
		       "主力款式",
		       "尚未下單",
		       "網絡訂貨會"},
	[LANG_EN] = {{"Orders", "Units", "Amount"},
		     "Top styles",
		     "No orders yet",
		     "Online trade fair"},
};

void *chart_share_card(const struct share_card *c, int *size, char *why,
		       size_t why_size)
{
	struct canvas cv = {.font = c->font};
	double pt = c->width / 34.0;
	int band, pad, y, h, w, col;
	char line[256], value[64], cut[256];
	const struct card_words *cw =
		&card_words[c->lang == LANG_EN     ? LANG_EN
			    : c->lang == LANG_HANT ? LANG_HANT
						   : LANG_HANS];
	const char *const *labels = cw->labels;

	if (c->width < CHART_MIN_WIDTH || c->width > CHART_MAX_WIDTH ||
	    c->height < CHART_MIN_HEIGHT || c->height > CHART_MAX_HEIGHT) {
		snprintf(why, why_size, "size out of range");
		return NULL;
	}
	cv.im = gdImageCreateTrueColor(c->width, c->height);
	if (!cv.im) {
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	pad = c->width / 16;
	band = c->height / 4;
	gdImageFilledRectangle(cv.im, 0, 0, c->width - 1, c->height - 1,
			       gdTrueColor(250, 248, 244));
	gdImageFilledRectangle(cv.im, 0, 0, c->width - 1, band,
			       gdTrueColor(31, 78, 121));
	cv.ink = gdTrueColor(34, 34, 34);
	cv.muted = gdTrueColor(110, 110, 110);
	cv.bar[0] = gdTrueColor(31, 119, 180);
	/* the fair and the dealer on the band */
	text_size(&cv, "訂", pt * 1.5, &h);
	text(&cv, pad, band / 3 + h / 2,
	     fit(&cv, c->fair, pt * 1.5, c->width - 2 * pad, cut, sizeof cut),
	     pt * 1.5, gdTrueColor(255, 255, 255));
	snprintf(line, sizeof line, "%s · %s", c->season, c->dealer);
	text(&cv, pad, band * 3 / 4,
	     fit(&cv, line, pt, c->width - 2 * pad, cut, sizeof cut), pt,
	     gdTrueColor(220, 230, 240));
	/* three figures */
	col = (c->width - 2 * pad) / 3;
	y = band + (int)(pt * 3.2);
	for (int i = 0; i < 3; i++) {
		if (i == 0)
			snprintf(value, sizeof value, "%lld", c->orders);
		else if (i == 1)
			snprintf(value, sizeof value, "%lld", c->units);
		else
			money_text(value, c->amount, true);
		text(&cv, pad + col * i, y,
		     fit(&cv, value, pt * 1.4, col - 8, cut, sizeof cut),
		     pt * 1.4, cv.ink);
		text(&cv, pad + col * i, y + (int)(pt * 1.8), labels[i],
		     pt * 0.8, cv.muted);
	}
	snprintf(line, sizeof line, "%s", c->currency);
	w = text_size(&cv, line, pt * 0.8, &h);
	text(&cv, c->width - pad - w, y + (int)(pt * 1.8), line, pt * 0.8,
	     cv.muted);
	/* the biggest styles */
	y += (int)(pt * 4.5);
	text(&cv, pad, y, cw->top, pt, cv.ink);
	for (size_t i = 0; i < c->n && y + pt * 2.2 < c->height - pt * 2; i++) {
		y += (int)(pt * 2.0);
		if (c->lang == LANG_EN)
			snprintf(value, sizeof value, "%.0f units",
				 c->units_by_style[i]);
		else
			snprintf(value, sizeof value, "%.0f 件",
				 c->units_by_style[i]);
		w = text_size(&cv, value, pt * 0.9, &h);
		text(&cv, pad, y,
		     fit(&cv, c->styles[i], pt * 0.9,
			 c->width - 2 * pad - w - 12, cut, sizeof cut),
		     pt * 0.9, cv.ink);
		text(&cv, c->width - pad - w, y, value, pt * 0.9, cv.bar[0]);
		gdImageLine(cv.im, pad, y + (int)(pt * 0.6), c->width - pad,
			    y + (int)(pt * 0.6), gdTrueColor(225, 225, 225));
	}
	if (!c->n)
		text(&cv, pad, y + (int)(pt * 2), cw->none, pt * 0.9, cv.muted);
	text(&cv, pad, c->height - (int)pt, cw->footer, pt * 0.7, cv.muted);
	return canvas_finish(&cv, size, why, why_size);
}

void chart_free(void *png)
{
	gdFree(png);
}
