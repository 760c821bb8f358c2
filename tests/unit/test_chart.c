/* test_chart.c - chart axes, and a chart drawn for real: a PNG of the
 * requested size, not blank, with Chinese labels drawn as glyphs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gd.h>
#include <string.h>
#include <unistd.h>

#include "media/chart.h"

#define FONT "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

static void test_ticks(void **state)
{
	static const struct {
		double max;
		double step;
		int count;
	} cases[] = {
		{0, 1, 1},           {1, 0.2, 5},    {7, 2, 4},
		{10, 2, 5},          {99, 20, 5},    {100, 20, 5},
		{101, 50, 3},        {1234, 500, 3}, {0.03, 0.01, 3},
		{950000, 200000, 5},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		double step;
		int count;

		chart_ticks(cases[i].max, 5, &step, &count);
		if (step < cases[i].step * 0.999 ||
		    step > cases[i].step * 1.001 || count != cases[i].count)
			fail_msg("max %g: step %g count %d, want %g %d",
				 cases[i].max, step, count, cases[i].step,
				 cases[i].count);
		assert_true(step * count >= cases[i].max);
	}
}

/* Pixels that differ between two charts, and non-white pixels of a. */
static void compare(void *a, int a_size, void *b, int b_size, long *differ,
		    long *inked, int w, int h)
{
	gdImagePtr ia = gdImageCreateFromPngPtr(a_size, a);
	gdImagePtr ib = gdImageCreateFromPngPtr(b_size, b);

	assert_non_null(ia);
	assert_non_null(ib);
	assert_int_equal(gdImageSX(ia), w);
	assert_int_equal(gdImageSY(ia), h);
	*differ = *inked = 0;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int pa = gdImageGetTrueColorPixel(ia, x, y);

			*differ += pa != gdImageGetTrueColorPixel(ib, x, y);
			*inked += (pa & 0xFFFFFF) != 0xFFFFFF;
		}
	gdImageDestroy(ia);
	gdImageDestroy(ib);
}

static void test_render(void **state)
{
	const char *coats[] = {"QH-1 羊毛大衣", "QH-2 直筒褲", "QH-3 連衣裙"};
	const char *other[] = {"QH-1 針織開衫", "QH-2 牛仔短褲", "QH-3 襯衫"};
	const double values[] = {120, 75, 30};
	struct chart c = {CHART_BARS, "春夏訂貨會 · 各款訂量",
			  " 件",      3,
			  coats,      values,
			  640,        360,
			  FONT};
	char why[256] = "";
	int size_a = 0, size_b = 0;
	void *a, *b;
	long differ, inked;

	(void)state;
	/* make deps installs fonts-noto-cjk: without it this is a failure,
	 * not a skip, since the charts would then draw boxes for Chinese */
	if (access(FONT, R_OK))
		fail_msg("%s is missing: run make deps (fonts-noto-cjk)", FONT);
	a = chart_render(&c, &size_a, why, sizeof why);
	assert_non_null(a);
	c.labels = other;
	b = chart_render(&c, &size_b, why, sizeof why);
	assert_non_null(b);
	compare(a, size_a, b, size_b, &differ, &inked, 640, 360);
	/* drawn, not blank */
	assert_true(inked > 640 * 360 / 50);
	/* other names, other pixels: glyphs, not the same missing-glyph boxes */
	assert_true(differ > 200);
	chart_free(a);
	chart_free(b);

	c.kind = CHART_LINE;
	c.width = 240;
	c.height = 160;
	a = chart_render(&c, &size_a, why, sizeof why);
	assert_non_null(a);
	chart_free(a);
	c.width = 100;
	assert_null(chart_render(&c, &size_a, why, sizeof why));
	c.width = 640;
	c.font = "/nonexistent.ttf";
	assert_null(chart_render(&c, &size_a, why, sizeof why));
	assert_non_null(strstr(why, "font"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks),
		cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
