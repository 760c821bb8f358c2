/* demo_draw.c - the demo's product cards (see demo_draw.h).
 *
 * A garment is drawn on a transparent layer of its own, in flat colours:
 * the fabric in one exact colour, details (folds, seams, buttons, prints)
 * in others. One pass over the layer then gives the fabric its pattern
 * (only pixels of the exact fabric colour), lights everything from the
 * upper left and darkens the pixels near the silhouette's edge into an
 * outline; a second pass casts its shadow on the card, and the layer is
 * composited onto the card. All coordinates are in the 1200 x 1500 card. */
#include "fairctl/demo_draw.h"

#include <ctype.h>
#include <gd.h>
#include <gdfontg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define W DEMO_CARD_WIDTH
#define H DEMO_CARD_HEIGHT
#define CX (W / 2)

#define FONT_REGULAR "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define FONT_BOLD "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"

struct rgb {
	int r, g, b;
};

static int clamp255(int v)
{
	return v < 0 ? 0 : v > 255 ? 255 : v;
}

static int solid(struct rgb c)
{
	return gdTrueColorAlpha(clamp255(c.r), clamp255(c.g), clamp255(c.b), 0);
}

static struct rgb mix(struct rgb a, struct rgb b, double t)
{
	/* values stay within 0..255: rounding by + 0.5 is exact enough */
	struct rgb m = {(int)(a.r + (b.r - a.r) * t + 0.5),
			(int)(a.g + (b.g - a.g) * t + 0.5),
			(int)(a.b + (b.b - a.b) * t + 0.5)};
	return m;
}

static struct rgb scale(struct rgb a, double f)
{
	struct rgb m = {clamp255((int)(a.r * f + 0.5)),
			clamp255((int)(a.g * f + 0.5)),
			clamp255((int)(a.b * f + 0.5))};
	return m;
}

static int luma(struct rgb c)
{
	return (299 * c.r + 587 * c.g + 114 * c.b) / 1000;
}

static const struct rgb white = {255, 255, 255}, black = {0, 0, 0};
static const struct rgb ink = {44, 44, 48}, navy = {34, 46, 82};
static const struct rgb cream = {246, 240, 226}, gold = {206, 162, 78};

/* ------------------------------------------------------------------ */
/* The pen: a garment layer and the colours of one garment. */

struct pen {
	gdImagePtr g;
	const struct demo_product *p;
	unsigned flags;
	struct rgb base; /* the fabric's colour */
	int fabric;      /* the exact pixel value of fabric */
	int fold;        /* fabric in shadow: lapels, bands, cuffs, insides */
	int seam;        /* stitching and seams */
	int line;        /* stronger detail lines */
	int stitch;      /* contrast stitching (denim) */
	int button;
	int metal;
	int contrast; /* prints, stripes, dots */
	int clear;    /* transparent: cut-outs */
};

static void pen_init(struct pen *pn, gdImagePtr g, const struct demo_product *p,
		     const struct demo_color *c)
{
	struct rgb base = {c->r, c->g, c->b};
	int dark = luma(base) < 70;

	pn->g = g;
	pn->p = p;
	pn->flags = p->flags;
	pn->base = base;
	pn->fabric = solid(base);
	pn->fold = solid(dark ? mix(base, white, 0.10) : scale(base, 0.84));
	pn->seam = solid(dark ? mix(base, white, 0.22) : scale(base, 0.66));
	pn->line = solid(dark ? mix(base, white, 0.32) : scale(base, 0.52));
	pn->stitch = solid(gold);
	pn->button = solid(luma(base) > 150 ? mix(base, ink, 0.55)
					    : mix(base, cream, 0.65));
	pn->metal = solid((struct rgb){176, 170, 160});
	pn->contrast = solid(luma(base) > 140 ? navy : cream);
	pn->clear = gdTrueColorAlpha(0, 0, 0, gdAlphaTransparent);
	if (pn->fold == pn->fabric) /* a colour too dark to shade */
		pn->fold = solid(mix(base, white, 0.12));
}

static void poly(struct pen *pn, const int *xy, int n, int color)
{
	gdPoint pts[64];

	for (int i = 0; i < n && i < 64; i++) {
		pts[i].x = xy[2 * i];
		pts[i].y = xy[2 * i + 1];
	}
	gdImageFilledPolygon(pn->g, pts, n < 64 ? n : 64, color);
}

/* The same polygon mirrored around the centre line. */
static void poly_mirror(struct pen *pn, const int *xy, int n, int color)
{
	int m[128];

	for (int i = 0; i < n && i < 64; i++) {
		m[2 * i] = W - xy[2 * i];
		m[2 * i + 1] = xy[2 * i + 1];
	}
	poly(pn, m, n, color);
}

static void poly_both(struct pen *pn, const int *xy, int n, int color)
{
	poly(pn, xy, n, color);
	poly_mirror(pn, xy, n, color);
}

static void line(struct pen *pn, int x0, int y0, int x1, int y1, int color,
		 int thick)
{
	gdImageSetThickness(pn->g, thick);
	gdImageLine(pn->g, x0, y0, x1, y1, color);
	gdImageSetThickness(pn->g, 1);
}

static void line_both(struct pen *pn, int x0, int y0, int x1, int y1, int color,
		      int thick)
{
	line(pn, x0, y0, x1, y1, color, thick);
	line(pn, W - x0, y0, W - x1, y1, color, thick);
}

/* A quadratic curve from (x0,y0) to (x1,y1) pulled towards (cx,cy). */
static void curve(struct pen *pn, int x0, int y0, int cx, int cy, int x1,
		  int y1, int color, int thick)
{
	int px = x0, py = y0;

	gdImageSetThickness(pn->g, thick);
	for (int i = 1; i <= 24; i++) {
		double t = i / 24.0, u = 1 - t;
		int x = (int)lround(u * u * x0 + 2 * u * t * cx + t * t * x1);
		int y = (int)lround(u * u * y0 + 2 * u * t * cy + t * t * y1);

		gdImageLine(pn->g, px, py, x, y, color);
		px = x;
		py = y;
	}
	gdImageSetThickness(pn->g, 1);
}

/* A dashed straight seam. */
static void dashes(struct pen *pn, int x0, int y0, int x1, int y1, int color,
		   int thick)
{
	double len = hypot(x1 - x0, y1 - y0);
	int n = (int)(len / 18);

	for (int i = 0; i < n; i += 1) {
		double a = (double)i / n, b = (i + 0.55) / n;

		line(pn, (int)(x0 + (x1 - x0) * a), (int)(y0 + (y1 - y0) * a),
		     (int)(x0 + (x1 - x0) * b), (int)(y0 + (y1 - y0) * b),
		     color, thick);
	}
}

static void ellipse(struct pen *pn, int cx, int cy, int w, int h, int color)
{
	gdImageFilledEllipse(pn->g, cx, cy, w, h, color);
}

static void button(struct pen *pn, int x, int y, int r)
{
	ellipse(pn, x, y, 2 * r + 4, 2 * r + 4, pn->line);
	ellipse(pn, x, y, 2 * r, 2 * r, pn->button);
	ellipse(pn, x - r / 3, y, 3, 3, pn->line);
	ellipse(pn, x + r / 3, y, 3, 3, pn->line);
}

static void rect(struct pen *pn, int x0, int y0, int x1, int y1, int color)
{
	gdImageFilledRectangle(pn->g, x0, y0, x1, y1, color);
}

/* Cut-outs: transparent pixels replace what is there. */
static void cut_poly(struct pen *pn, const int *xy, int n)
{
	poly(pn, xy, n, pn->clear);
}

static void cut_ellipse(struct pen *pn, int cx, int cy, int w, int h)
{
	ellipse(pn, cx, cy, w, h, pn->clear);
}

/* Vertical rib lines in a rectangle (cuffs, hems, waistbands). */
static void ribs(struct pen *pn, int x0, int y0, int x1, int y1, int color)
{
	rect(pn, x0, y0, x1, y1, pn->fold);
	for (int x = x0 + 5; x < x1; x += 11)
		line(pn, x, y0 + 2, x, y1 - 2, color, 2);
}

/* A polygon along an ellipse arc, angles in degrees (0 = right, 90 =
 * down), plus the centre when pie. */
static void arc_poly(struct pen *pn, int cx, int cy, int rx, int ry, int a0,
		     int a1, int color)
{
	int xy[128], n = 0;

	for (int i = 0; i <= 40; i++) {
		double a = (a0 + (a1 - a0) * i / 40.0) * M_PI / 180;

		xy[2 * n] = cx + (int)lround(rx * cos(a));
		xy[2 * n + 1] = cy + (int)lround(ry * sin(a));
		n++;
	}
	poly(pn, xy, n, color);
}

/* ------------------------------------------------------------------ */
/* Garments. Each draws sleeves, then the body, then details. */

static void sleeves_long(struct pen *pn, int shoulder_x, int shoulder_y,
			 int cuff_y, int spread)
{
	int s[] = {shoulder_x + 4,
		   shoulder_y,
		   shoulder_x - 70 - spread / 2,
		   shoulder_y + 60,
		   shoulder_x - 120 - spread,
		   cuff_y,
		   shoulder_x - 30 - spread,
		   cuff_y + 16,
		   shoulder_x + 20,
		   shoulder_y + 200};

	poly_both(pn, s, 5, pn->fabric);
	/* the cuff */
	{
		int c[] = {shoulder_x - 116 - spread, cuff_y - 60,
			   shoulder_x - 24 - spread,  cuff_y - 46,
			   shoulder_x - 30 - spread,  cuff_y + 16,
			   shoulder_x - 120 - spread, cuff_y};

		poly_both(pn, c, 4, pn->fold);
	}
	line_both(pn, shoulder_x + 2, shoulder_y + 4, shoulder_x + 18,
		  shoulder_y + 196, pn->seam, 3);
}

static void sleeves_short(struct pen *pn, int shoulder_x, int shoulder_y,
			  int drop)
{
	int s[] = {shoulder_x + 4,   shoulder_y,
		   shoulder_x - 120, shoulder_y + 150 + drop,
		   shoulder_x - 50,  shoulder_y + 205 + drop,
		   shoulder_x + 8,   shoulder_y + 150};

	poly_both(pn, s, 4, pn->fabric);
	line_both(pn, shoulder_x - 112, shoulder_y + 160 + drop,
		  shoulder_x - 52, shoulder_y + 190 + drop, pn->seam, 3);
}

/* A ribbed crew neck: the band, the opening, the back of the band seen
 * through it. */
static void neck_crew(struct pen *pn, int y, int w)
{
	ellipse(pn, CX, y + 4, w + 40, 92, pn->fold);
	cut_ellipse(pn, CX, y - 2, w, 66);
	ellipse(pn, CX, y - 20, w - 8, 28, pn->seam);
	cut_ellipse(pn, CX, y - 26, w - 8, 30);
}

static void neck_v(struct pen *pn, int y, int depth)
{
	int band[] = {CX - 78, y - 6, CX + 78, y - 6, CX, y + depth + 22};
	int cut[] = {CX - 58, y - 10, CX + 58, y - 10, CX, y + depth};

	poly(pn, band, 3, pn->fold);
	cut_poly(pn, cut, 3);
}

static void graphic(struct pen *pn, int cx, int cy)
{
	int accent = solid(luma(pn->base) > 140 ? (struct rgb){196, 86, 60}
						: (struct rgb){236, 180, 90});
	int m1[] = {cx - 110, cy + 70, cx - 30, cy - 40, cx + 50, cy + 70};
	int m2[] = {cx - 20, cy + 70, cx + 50, cy - 10, cx + 120, cy + 70};

	ellipse(pn, cx + 40, cy - 40, 90, 90, accent);
	poly(pn, m1, 3, pn->contrast);
	poly(pn, m2, 3, pn->contrast);
	rect(pn, cx - 120, cy + 78, cx + 130, cy + 92, pn->contrast);
}

static void draw_tshirt(struct pen *pn, int polo)
{
	int wide = pn->flags & F_GRAPHIC ? 30 : 0;
	int sx = 430 - wide, sy = 300 + wide / 2;
	int body[] = {525,        262,  sx,     sy, sx + 4, 1010,
		      W - sx - 4, 1010, W - sx, sy, 675,    262};

	if (pn->flags & F_LONG_SLEEVE)
		sleeves_long(pn, sx, sy, 880, 0);
	else
		sleeves_short(pn, sx, sy, wide);
	poly(pn, body, 6, pn->fabric);
	line(pn, sx + 10, 982, W - sx - 10, 982, pn->seam, 3);
	if (polo) {
		int collar[] = {520, 250, 600, 292, 575, 352, 500, 300};
		int placket[] = {585, 292, 615, 292, 615, 420, 585, 420};

		cut_ellipse(pn, CX, 262, 150, 70);
		poly(pn, placket, 4, pn->fold);
		poly_both(pn, collar, 4, pn->fold);
		line_both(pn, 520, 252, 575, 350, pn->seam, 3);
		for (int i = 0; i < 3; i++)
			button(pn, CX, 322 + i * 40, 9);
	} else if (pn->flags & F_VNECK) {
		neck_v(pn, 262, 110);
	} else {
		neck_crew(pn, 262, 150);
	}
	if (pn->flags & F_GRAPHIC)
		graphic(pn, CX, 520);
}

static void draw_shirt(struct pen *pn)
{
	int body[] = {530, 250,  430, 290,  434, 990,  480, 1030,
		      560, 1012, 600, 1000, 640, 1012, 720, 1030,
		      766, 990,  770, 290,  670, 250};
	int silk = !(pn->flags & F_COLLAR);

	if (pn->flags & F_SHORT_SLEEVE)
		sleeves_short(pn, 430, 290, 0);
	else
		sleeves_long(pn, 430, 290, 880, 0);
	poly(pn, body, 11, pn->fabric);
	if (silk) {
		neck_v(pn, 255, 120);
		for (int i = 0; i < 5; i++)
			button(pn, CX, 420 + i * 120, 7);
		return;
	}
	/* collar: the band behind, then the two wings */
	{
		int band[] = {530, 244, 670, 244, 660, 280, 540, 280};
		int wing[] = {528, 236, 600, 292, 560, 360, 505, 270};

		poly(pn, band, 4, pn->fold);
		cut_ellipse(pn, CX, 236, 120, 40);
		poly_both(pn, wing, 4, pn->fabric);
		line_both(pn, 528, 238, 560, 358, pn->seam, 3);
		line_both(pn, 560, 358, 600, 292, pn->line, 3);
	}
	line(pn, 600, 292, 600, 1000, pn->line, 3);
	dashes(pn, 588, 300, 588, 990, pn->seam, 2);
	for (int i = 0; i < 6; i++)
		button(pn, 612, 340 + i * 115, 8);
	if (!(pn->flags & F_SHORT_SLEEVE) || (pn->flags & F_DENIM)) {
		rect(pn, 640, 420, 720, 520, pn->fold);
		line(pn, 640, 440, 720, 440, pn->seam, 2);
	}
	if (pn->flags & F_DENIM) {
		rect(pn, 480, 420, 560, 520, pn->fold);
		line(pn, 480, 440, 560, 440, pn->seam, 2);
		line(pn, 440, 380, 760, 380, pn->stitch, 2);
	}
}

static void draw_knit(struct pen *pn, int cardigan, int vest)
{
	int bottom = pn->flags & F_CROPPED ? 800 : 1010;
	int body[] = {530, 262,    425, 300, 432, bottom,
		      768, bottom, 775, 300, 670, 262};

	if (vest) { /* narrow shoulders, deep armholes with a rib band */
		int v[] = {545,     258,    486,     272,    490,     330,
			   498,     400,    476,     462,    438,     500,
			   434,     bottom, W - 434, bottom, W - 438, 500,
			   W - 476, 462,    W - 498, 400,    W - 490, 330,
			   W - 486, 272,    W - 545, 258};

		poly(pn, v, 14, pn->fabric);
		curve(pn, 488, 274, 506, 420, 440, 496, pn->seam, 8);
		curve(pn, W - 488, 274, W - 506, 420, W - 440, 496, pn->seam,
		      8);
	} else if (pn->flags & F_SHORT_SLEEVE) {
		sleeves_short(pn, 425, 300, 0);
		poly(pn, body, 6, pn->fabric);
	} else {
		sleeves_long(pn, 425, 300, 900, 0);
		poly(pn, body, 6, pn->fabric);
	}
	ribs(pn, 432, bottom - 70, 768, bottom, pn->seam);
	if (pn->flags & F_CABLE)
		for (int k = -1; k <= 1; k++) {
			int x = CX + k * 110;

			for (int y = 330; y < bottom - 110; y += 60) {
				curve(pn, x - 22, y, x + 30, y + 30, x - 22,
				      y + 60, pn->seam, 6);
				curve(pn, x + 22, y, x - 30, y + 30, x + 22,
				      y + 60, pn->line, 6);
			}
			line(pn, x - 50, 320, x - 50, bottom - 90, pn->seam, 3);
			line(pn, x + 50, 320, x + 50, bottom - 90, pn->seam, 3);
		}
	if (cardigan || vest) {
		int depth =
			cardigan ? (pn->flags & F_CROPPED ? 260 : 300) : 220;

		neck_v(pn, 262, depth);
		if (cardigan) {
			line(pn, CX - 12, 262 + depth + 20, CX - 12, bottom,
			     pn->seam, 3);
			line(pn, CX + 12, 262 + depth + 20, CX + 12, bottom,
			     pn->seam, 3);
			line(pn, CX, 262 + depth + 20, CX, bottom, pn->line, 2);
			for (int i = 0; i < 5; i++)
				button(pn, CX,
				       262 + depth + 60 +
					       i *
						       (bottom - 262 - depth -
							120) /
						       4,
				       10);
		}
	} else if (pn->flags & F_HIGH_NECK) {
		int collar[] = {530, 160, 670, 160, 678, 290, 522, 290};

		poly(pn, collar, 4, pn->fold);
		for (int y = 180; y < 290; y += 28)
			line(pn, 528, y, 672, y, pn->seam, 3);
	} else {
		neck_crew(pn, 262, 150);
	}
}

static void draw_coat(struct pen *pn)
{
	int hem = pn->flags & F_LONG ? 1090 : 980;
	int body[] = {540, 240, 405, 285, 380, hem,
		      820, hem, 795, 285, 660, 240};

	sleeves_long(pn, 405, 285, 950, 10);
	poly(pn, body, 6, pn->fabric);
	cut_ellipse(pn, CX, 236, 120, 50);
	if (pn->flags & F_LAPELS) {
		int collar[] = {528, 226, 560, 214, 600, 250, 560, 300};
		int lapel[] = {540, 242, 600, 520, 560,
			       470, 478, 330, 520, 270};

		poly_both(pn, collar, 4, pn->fold);
		poly_both(pn, lapel, 5, pn->fold);
		line_both(pn, 540, 244, 600, 520, pn->line, 3);
		line_both(pn, 478, 330, 520, 272, pn->seam, 3);
	}
	if (pn->flags & F_DOUBLE) {
		line(pn, 648, 520, 648, hem, pn->line, 3);
		for (int i = 0; i < 3; i++) {
			button(pn, 548, 580 + i * 120, 13);
			button(pn, 690, 580 + i * 120, 13);
		}
	} else {
		line(pn, 600, 520, 600, hem, pn->line, 3);
		for (int i = 0; i < 3; i++)
			button(pn, 620, 580 + i * 130, 12);
	}
	if (pn->flags & F_BELT) {
		int belt[] = {392, 650, 808, 650, 810, 700, 390, 700};
		int tail[] = {560, 700, 590, 700, 570, 860, 540, 850};

		poly(pn, belt, 4, pn->fold);
		poly(pn, tail, 4, pn->fold);
		rect(pn, 574, 640, 626, 710, pn->metal);
		rect(pn, 586, 652, 614, 698, pn->fold);
		dashes(pn, 396, 658, 804, 658, pn->seam, 2);
		dashes(pn, 396, 692, 804, 692, pn->seam, 2);
	}
	line_both(pn, 440, 820, 520, 800, pn->line, 4);
	if (pn->flags & F_LONG)
		line(pn, 600, hem - 160, 600, hem, pn->seam, 2);
}

static void draw_jacket(struct pen *pn)
{
	int hem = pn->flags & F_LAPELS ? 890 : 760;
	int body[] = {535, 248, 415, 290, 408, hem,
		      792, hem, 785, 290, 665, 248};

	sleeves_long(pn, 415, 290, 900, 0);
	poly(pn, body, 6, pn->fabric);
	cut_ellipse(pn, CX, 244, 120, 50);
	if (pn->flags & F_LAPELS) { /* blazer */
		int lapel[] = {540, 250, 600, 560, 565,
			       520, 480, 340, 522, 274};

		poly_both(pn, lapel, 5, pn->fold);
		line_both(pn, 540, 252, 600, 560, pn->line, 3);
		line(pn, 600, 560, 600, hem, pn->line, 3);
		button(pn, 620, 640, 12);
		button(pn, 620, 750, 12);
		{
			int flap[] = {440, 760, 530, 752, 532, 790, 442, 798};

			poly_both(pn, flap, 4, pn->fold);
		}
		line(pn, 660, 470, 740, 462, pn->line, 4);
		return;
	}
	/* pointed collar */
	{
		int wing[] = {528, 240, 600, 300, 545, 370, 480, 268};

		poly_both(pn, wing, 4, pn->fold);
		line_both(pn, 545, 370, 600, 300, pn->line, 3);
	}
	line(pn, 600, 300, 600, hem, pn->line, 3);
	if (pn->flags & F_DENIM) {
		rect(pn, 410, hem - 70, 790, hem, pn->fold);
		line(pn, 410, hem - 70, 790, hem - 70, pn->stitch, 2);
		line_both(pn, 418, 420, 596, 440, pn->stitch, 3);
		for (int i = 0; i < 2; i++) {
			int x0 = i ? 640 : 470;
			int flap[] = {x0,  470,     x0 + 90, 470, x0 + 90,
				      505, x0 + 45, 525,     x0,  505};

			poly(pn, flap, 5, pn->fold);
			dashes(pn, x0 + 6, 478, x0 + 84, 478, pn->stitch, 2);
			button(pn, x0 + 45, 505, 8);
		}
		for (int i = 0; i < 4; i++)
			button(pn, 620, 420 + i * 90, 10);
		line(pn, 480, hem - 70, 480, 560, pn->stitch, 2);
		line(pn, 720, hem - 70, 720, 560, pn->stitch, 2);
	} else { /* coach jacket: snaps and a drawcord */
		for (int i = 0; i < 5; i++) {
			ellipse(pn, 616, 360 + i * 85, 22, 22, pn->metal);
			ellipse(pn, 616, 360 + i * 85, 10, 10, pn->fold);
		}
		line(pn, 415, hem - 30, 785, hem - 30, pn->seam, 3);
		line(pn, 560, hem - 30, 548, hem + 70, pn->line, 5);
		line(pn, 640, hem - 30, 652, hem + 70, pn->line, 5);
		rect(pn, 538, hem + 60, 558, hem + 92, pn->metal);
		rect(pn, 642, hem + 60, 662, hem + 92, pn->metal);
		line(pn, 440, 600, 480, 700, pn->line, 4);
		line(pn, 760, 600, 720, 700, pn->line, 4);
	}
}

static void draw_puffer(struct pen *pn)
{
	int hem = pn->flags & F_LONG ? 1100 : 820;
	int body[] = {540,      250, 420, 290, 396, 420, 392,
		      hem - 20, 410, hem, 790, hem, 808, hem - 20,
		      804,      420, 780, 290, 660, 250};
	int sleeve[] = {424, 292, 330, 350, 270, 900, 380, 930, 440, 520};

	if (pn->flags & F_HOOD) {
		ellipse(pn, CX, 228, 290, 200, pn->fabric);
		ellipse(pn, CX, 250, 200, 140, pn->fold);
	}
	/* the quilting seams come with the fabric pattern (F_QUILT) */
	poly_both(pn, sleeve, 5, pn->fabric);
	{
		int cuff[] = {276, 870, 386, 896, 380, 930, 270, 900};

		poly_both(pn, cuff, 4, pn->fold);
	}
	poly(pn, body, 10, pn->fabric);
	{
		int collar[] = {530, 200, 670, 200, 672, 270, 528, 270};

		if (!(pn->flags & F_HOOD))
			poly(pn, collar, 4, pn->fold);
	}
	line(pn, 600, 250, 600, hem, pn->line, 5);
	dashes(pn, 606, 255, 606, hem, pn->metal, 3);
	rect(pn, 590, 272, 612, 310, pn->metal);
	line_both(pn, 452, 700, 470, 780, pn->line, 4);
}

static void draw_trousers(struct pen *pn, int shorts)
{
	int hem = shorts ? 700 : 1120;
	int wide = pn->flags & F_WIDE,
	    slim = !wide && !(pn->flags & F_DENIM) && !(pn->flags & F_CUFFED);
	int out = wide ? 350 : slim ? 456 : 424;
	int in = wide ? 582 : slim ? 586 : 584;
	int legs[] = {430,
		      262,
		      405,
		      470,
		      shorts ? 392 : out,
		      hem,
		      shorts ? 586 : in,
		      hem,
		      600,
		      540,
		      shorts ? 614 : W - in,
		      hem,
		      shorts ? 808 : W - out,
		      hem,
		      795,
		      470,
		      770,
		      262};

	poly(pn, legs, 9, pn->fabric);
	if (pn->flags & F_CUFFED) {
		ribs(pn, out + 2, hem - 70, in - 4, hem, pn->seam);
		ribs(pn, W - in + 4, hem - 70, W - out - 2, hem, pn->seam);
		rect(pn, 428, 214, 772, 268, pn->fold);
		for (int x = 440; x < 770; x += 12)
			line(pn, x, 220, x, 262, pn->seam, 2);
		line(pn, 584, 262, 570, 380, pn->line, 4);
		line(pn, 616, 262, 630, 380, pn->line, 4);
		return;
	}
	rect(pn, 428, 214, 772, 266, pn->fold);
	for (int i = 0; i < 5; i++) {
		int x = 450 + i * 75;

		rect(pn, x, 208, x + 12, 272, pn->fold);
		line(pn, x, 208, x, 272, pn->seam, 2);
	}
	button(pn, 600, 240, 10);
	curve(pn, 600, 266, 602, 470, 560, 470, pn->line, 3);
	curve(pn, 440, 290, 470, 320, 500, 380, pn->line, 3);
	curve(pn, W - 440, 290, W - 470, 320, W - 500, 380, pn->line, 3);
	if (pn->flags & F_DENIM) {
		line(pn, 428, 268, 772, 268, pn->stitch, 2);
		curve(pn, 596, 270, 596, 460, 556, 460, pn->stitch, 2);
		curve(pn, 448, 300, 480, 330, 506, 384, pn->stitch, 2);
		curve(pn, W - 448, 300, W - 480, 330, W - 506, 384, pn->stitch,
		      2);
		ellipse(pn, 504, 386, 9, 9, pn->metal);
		ellipse(pn, W - 504, 386, 9, 9, pn->metal);
		dashes(pn, 412, 470, shorts ? 398 : out + 6, hem - 6,
		       pn->stitch, 2);
		dashes(pn, W - 412, 470, shorts ? W - 398 : W - out - 6,
		       hem - 6, pn->stitch, 2);
		if (shorts)
			for (int x = 396; x < 804; x += 9)
				if (x < 586 || x > 614)
					line(pn, x, hem - 8, x + 2, hem + 10,
					     pn->seam, 2);
	} else if (!shorts) {
		line(pn, (out + in) / 2, 560, (out + in) / 2, hem - 10,
		     pn->seam, 2);
		line(pn, W - (out + in) / 2, 560, W - (out + in) / 2, hem - 10,
		     pn->seam, 2);
	} else {
		line(pn, 396, hem - 40, 586, hem - 40, pn->seam, 2);
		line(pn, 614, hem - 40, 804, hem - 40, pn->seam, 2);
	}
}

static void draw_dress(struct pen *pn)
{
	int hem = pn->flags & F_LONG ? 1150 : 1080;
	int top = pn->flags & F_STRAPS ? 330 : 262;
	int flare = pn->flags & F_SATIN ? 110 : 150;
	int skirt[] = {492,      520,      340 + (150 - flare),
		       hem - 20, 430,      hem,
		       520,      hem + 10, 600,
		       hem + 12, 680,      hem + 10,
		       770,      hem,      860 - (150 - flare),
		       hem - 20, 708,      520};
	int bodice[] = {530, top, 470, top + 22, 486, 530,
			714, 530, 730, top + 22, 670, top};

	if (pn->flags & F_LONG_SLEEVE) { /* held away from the skirt */
		int s[] = {472, 286, 410, 320, 300, 760, 372, 784, 488, 470};
		int cuff[] = {306, 716, 380, 744, 372, 784, 300, 760};

		poly_both(pn, s, 5, pn->fabric);
		poly_both(pn, cuff, 4, pn->fold);
		if (pn->flags & F_SQUARE_NECK) { /* puff sleeves */
			ellipse(pn, 458, 322, 96, 74, pn->fabric);
			ellipse(pn, W - 458, 322, 96, 74, pn->fabric);
		}
	} else if (pn->flags & F_SHORT_SLEEVE) {
		int s[] = {474, 286, 380, 420, 446, 462, 486, 390};

		poly_both(pn, s, 4, pn->fabric);
	}
	poly(pn, skirt, 9, pn->fabric);
	if (pn->flags & F_STRAPS) {
		int cup[] = {486, 330, 600, 372, 714, 330, 714, 530, 486, 530};

		poly(pn, cup, 5, pn->fabric);
		line_both(pn, 510, 338, 530, 196, pn->line, 5);
	} else {
		poly(pn, bodice, 6, pn->fabric);
		if (pn->flags & F_VNECK) {
			neck_v(pn, 262, 120);
		} else if (pn->flags & F_SQUARE_NECK) {
			int cut[] = {536, 250, 664, 250, 664, 340, 536, 340};

			rect(pn, 526, 250, 674, 350, pn->fold);
			cut_poly(pn, cut, 4);
		} else if (pn->flags & F_HIGH_NECK) {
			rect(pn, 540, 200, 660, 280, pn->fold);
			line(pn, 540, 240, 660, 240, pn->seam, 3);
		} else if (pn->flags & F_COLLAR) {
			int wing[] = {528, 250, 600, 300, 560, 350, 505, 272};

			cut_ellipse(pn, CX, 250, 120, 44);
			poly_both(pn, wing, 4, pn->fold);
			line(pn, 600, 300, 600, 520, pn->line, 3);
			for (int i = 0; i < 3; i++)
				button(pn, 614, 350 + i * 60, 7);
		} else {
			cut_ellipse(pn, CX, 262, 140, 80);
		}
	}
	line(pn, 490, 525, 710, 525, pn->seam, 3);
	if (pn->flags & F_BELT) {
		int bow[] = {600, 530, 540, 500, 540, 570};

		rect(pn, 488, 505, 712, 550, pn->fold);
		poly(pn, bow, 3, pn->fold);
		poly_mirror(pn, bow, 3, pn->fold);
		line(pn, 592, 540, 570, 660, pn->fold, 10);
		line(pn, 608, 540, 634, 650, pn->fold, 10);
	}
	for (int k = -2; k <= 2; k++)
		if (k)
			curve(pn, CX + k * 40, 560, CX + k * 70, 800,
			      CX + k * (flare + 50) * 2 / 3, hem - 10, pn->seam,
			      2);
}

static void draw_scarf(struct pen *pn)
{
	int narrow = pn->flags & F_LONG ? 30 : 0;
	int left[] = {470 + narrow, 300,  600,          270,
		      612,          1090, 492 + narrow, 1110};
	int right[] = {610,          290,  740 - narrow, 310,
		       722 - narrow, 1000, 616,          980};

	ellipse(pn, CX, 250, 400 - narrow, 180, pn->fabric);
	ellipse(pn, CX, 250, 250 - narrow, 90, pn->clear);
	poly(pn, right, 4, pn->fabric);
	poly(pn, left, 4, pn->fabric);
	ellipse(pn, 590, 300, 160, 120, pn->fold);
	curve(pn, 520, 290, 590, 250, 660, 300, pn->seam, 4);
	line(pn, 600, 300, 610, 1080, pn->seam, 2);
	for (int x = 496 + narrow; x < 612; x += 11)
		line(pn, x, 1104 - (x - 492 - narrow) / 6, x + 2,
		     1150 - (x - 492 - narrow) / 6, pn->fabric, 4);
	for (int x = 620; x < 722 - narrow; x += 11)
		line(pn, x, 982 + (x - 616) / 5, x - 2, 1030 + (x - 616) / 5,
		     pn->fabric, 4);
}

static void draw_cap(struct pen *pn)
{
	int brim[] = {330, 690, 860, 690, 960, 730, 990,
		      780, 900, 810, 600, 800, 380, 760};

	arc_poly(pn, CX, 700, 280, 330, 180, 360, pn->fabric);
	poly(pn, brim, 7, pn->fold);
	curve(pn, 380, 760, 640, 720, 990, 780, pn->seam, 3);
	curve(pn, CX, 372, 500, 450, 430, 690, pn->seam, 3);
	curve(pn, CX, 372, 700, 450, 770, 690, pn->seam, 3);
	line(pn, CX, 372, CX, 690, pn->seam, 3);
	ellipse(pn, CX, 372, 34, 22, pn->fold);
	for (int i = 0; i < 2; i++) {
		ellipse(pn, 470 + i * 260, 480, 16, 16, pn->line);
		ellipse(pn, 470 + i * 260, 480, 8, 8, pn->fold);
	}
	graphic(pn, 655, 560);
}

static void draw_bucket_hat(struct pen *pn)
{
	int crown[] = {470, 430, 730, 430, 770, 660, 430, 660};
	int brim[] = {430, 640, 770, 640, 900, 740, 960,
		      800, 600, 840, 240, 800, 300, 740};

	poly(pn, brim, 7, pn->fabric);
	poly(pn, crown, 4, pn->fabric);
	ellipse(pn, CX, 430, 260, 90, pn->fold);
	rect(pn, 434, 600, 766, 650, pn->fold);
	for (int k = 1; k <= 3; k++)
		curve(pn, 300 + k * 12, 750 + k * 10, 600, 790 + k * 16,
		      900 - k * 12, 750 + k * 10, pn->seam, 2);
	line(pn, 600, 430, 600, 600, pn->seam, 2);
}

static void draw_tote(struct pen *pn)
{
	int body[] = {380, 520, 820, 520, 850, 1100, 350, 1100};

	for (int k = 0; k < 2; k++) {
		int dx = k ? 30 : 0;

		curve(pn, 470 + dx, 530, 470 + dx, 230, 600 + dx, 230,
		      k ? pn->fold : pn->line, 26);
		curve(pn, 600 + dx, 230, 730 + dx, 230, 730 + dx, 530,
		      k ? pn->fold : pn->line, 26);
	}
	poly(pn, body, 4, pn->fabric);
	rect(pn, 380, 520, 820, 560, pn->fold);
	dashes(pn, 384, 566, 816, 566, pn->seam, 2);
	line(pn, 355, 1060, 845, 1060, pn->seam, 3);
	graphic(pn, CX, 800);
}

static void draw_belt(struct pen *pn)
{
	int tail[] = {640, 800, 880, 760, 900, 800, 660, 850};

	ellipse(pn, CX, 640, 760, 360, pn->fabric);
	ellipse(pn, CX, 630, 650, 260, pn->clear);
	ellipse(pn, CX, 630, 650, 262, pn->clear);
	poly(pn, tail, 4, pn->fabric);
	for (int i = 0; i < 4; i++)
		ellipse(pn, 720 + i * 40, 800 - i * 8, 12, 12, pn->line);
	rect(pn, 520, 760, 650, 860, pn->metal);
	rect(pn, 538, 778, 632, 842, pn->fabric);
	line(pn, 540, 810, 660, 810, pn->metal, 8);
	curve(pn, 300, 700, 600, 850, 900, 700, pn->seam, 2);
}

/* ------------------------------------------------------------------ */
/* The fabric pass. */

static double noise(int x, int y)
{
	unsigned h = (unsigned)x * 73856093u ^ (unsigned)y * 19349663u;

	h ^= h >> 13;
	h *= 0x5bd1e995u;
	h ^= h >> 15;
	return (double)(h & 1023) / 1023.0 - 0.5;
}

static int is_knit(const struct pen *pn)
{
	enum demo_shape s = pn->p->shape;

	return s == SHAPE_SWEATER || s == SHAPE_CARDIGAN || s == SHAPE_VEST ||
	       (s == SHAPE_SCARF && (pn->flags & F_LONG)) ||
	       (s == SHAPE_DRESS && (pn->flags & F_HIGH_NECK));
}

static struct rgb pattern(const struct pen *pn, int x, int y, int bx0, int by0)
{
	struct rgb c = pn->base;
	struct rgb contrast = luma(c) > 140 ? navy : cream;
	unsigned f = pn->flags;

	if (f & F_DENIM) {
		int t = ((x + 2 * y) / 3) % 4;

		c = scale(c, (t < 2 ? 0.93 : 1.04) + noise(x, y) * 0.07);
	}
	if (is_knit(pn))
		c = scale(c, 1 + 0.07 * cos(x * 2 * M_PI / 11));
	if (f & (F_HEATHER | F_FUZZY))
		c = scale(c, 1 + noise(x, y) * (f & F_FUZZY ? 0.22 : 0.16));
	if (f & F_QUILT) { /* puffed between stitched seams */
		int band = ((y - by0) % 86 + 86) % 86;

		c = band < 4 ? scale(c, 0.62)
			     : scale(c, 0.84 + 0.24 * sin(M_PI * band / 86.0));
	}
	if (f & F_SATIN) {
		double d1 = (x - 0.55 * y - 150) / 80.0;
		double d2 = (x - 0.55 * y - 420) / 50.0;

		c = mix(c, white, 0.30 * exp(-d1 * d1) + 0.18 * exp(-d2 * d2));
	}
	if (f & F_STRIPES) {
		if (pn->p->shape == SHAPE_SHIRT) {
			if ((x - bx0) % 26 < 6)
				c = mix(c, contrast, 0.8);
		} else if (((y - by0) / 30) % 2 == 1) {
			c = contrast;
		}
	}
	if (f & F_CHECK) {
		int u = (x - bx0) % 120, v = (y - by0) % 120;
		int ix = u < 40, iy = v < 40;

		if (ix && iy)
			c = scale(c, 0.55);
		else if (ix || iy)
			c = scale(c, 0.78);
		if ((u >= 78 && u < 83) || (v >= 78 && v < 83))
			c = mix(c, luma(pn->base) > 150 ? navy : cream, 0.7);
	}
	if (f & F_DOTS) {
		int row = (y - by0) / 64;
		int dx = ((x - bx0) + (row % 2) * 32) % 64 - 32;
		int dy = (y - by0) % 64 - 32;

		if (dx * dx + dy * dy < 100)
			c = luma(pn->base) > 140 ? ink : cream;
	}
	if (f & F_FLORAL) {
		int row = (y - by0) / 110;
		int cx = ((x - bx0) + (row % 2) * 55) % 110 - 55;
		int cy = (y - by0) % 110 - 55;
		double r = hypot(cx, cy), a = atan2(cy, cx);
		double petal = 24 * (0.55 + 0.45 * fabs(cos(2.5 * a)));

		if (r < 7)
			c = (struct rgb){236, 190, 70};
		else if (r < petal)
			c = mix(c, white, 0.75);
		else if (hypot(cx - 34, cy + 30) < 7)
			c = mix(c, (struct rgb){90, 130, 80}, 0.8);
	}
	if (f & F_ARGYLE) {
		double u = fmod(x - CX + 5500.0, 110) / 110 - 0.5;
		double v = fmod(y - by0 + 7500.0, 150) / 150 - 0.5;
		int cell = ((x - CX + 5500) / 110 + (y - by0 + 7500) / 150) % 2;

		if (fabs(u) * 2 + fabs(v) * 2 < 1)
			c = cell ? scale(c, 0.72) : mix(c, contrast, 0.45);
		if (fabs(fmod(x - CX + 5500.0 - (y - by0) * 110.0 / 150, 110)) <
		    2.5)
			c = mix(c, white, 0.6);
	}
	return c;
}

/* Which pixels of the layer hold the garment: one byte each, so that the
 * edge search below is a few array reads per pixel. */
static unsigned char *opaque_mask(gdImagePtr g)
{
	unsigned char *m = malloc((size_t)W * H);

	if (m)
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++)
				m[y * W + x] =
					gdTrueColorGetAlpha(g->tpixels[y][x]) !=
					gdAlphaTransparent;
	return m;
}

static int opaque_at(const unsigned char *m, int x, int y)
{
	return x >= 0 && y >= 0 && x < W && y < H && m[y * W + x];
}

/* Pattern, light, outline; then the shadow and the garment onto the card. */
static void finish(struct pen *pn, gdImagePtr card)
{
	gdImagePtr g = pn->g;
	unsigned char *m = opaque_mask(g);
	int bx0 = W, by0 = H, bx1 = -1, by1 = -1;
	const int shadow_dx = 18, shadow_dy = 24;

	if (!m)
		return;
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++)
			if (m[y * W + x]) {
				if (x < bx0)
					bx0 = x;
				if (x > bx1)
					bx1 = x;
				if (y < by0)
					by0 = y;
				if (y > by1)
					by1 = y;
			}
	for (int y = by0; y <= by1; y++)
		for (int x = bx0; x <= bx1; x++) {
			int px = g->tpixels[y][x], edge = 0;
			struct rgb c = {gdTrueColorGetRed(px),
					gdTrueColorGetGreen(px),
					gdTrueColorGetBlue(px)};
			double light;

			if (!m[y * W + x])
				continue;
			if (px == pn->fabric)
				c = pattern(pn, x, y, bx0, by0);
			light = 1.10 -
				0.24 * (x - bx0) / (double)(bx1 - bx0 + 1) -
				0.08 * (y - by0) / (double)(by1 - by0 + 1);
			c = scale(c, light);
			for (int d = 1; d <= 4 && !edge; d++)
				if (!opaque_at(m, x - d, y) ||
				    !opaque_at(m, x + d, y) ||
				    !opaque_at(m, x, y - d) ||
				    !opaque_at(m, x, y + d))
					edge = d;
			if (edge)
				c = mix(c, black, edge <= 2 ? 0.5 : 0.25);
			g->tpixels[y][x] = solid(c);
		}
	/* the shadow, offset down and right, soft at 20%; then the garment
	 * itself (its pixels are opaque or clear, so a copy is a blend) */
	for (int y = by0; y <= by1; y++)
		for (int x = bx0; x <= bx1; x++) {
			int sx = x + shadow_dx, sy = y + shadow_dy, px;
			struct rgb c;

			if (!m[y * W + x] || sx >= W || sy >= H)
				continue;
			px = card->tpixels[sy][sx];
			c = (struct rgb){gdTrueColorGetRed(px),
					 gdTrueColorGetGreen(px),
					 gdTrueColorGetBlue(px)};
			card->tpixels[sy][sx] = solid(scale(c, 0.80));
		}
	for (int y = by0; y <= by1; y++)
		for (int x = bx0; x <= bx1; x++)
			if (m[y * W + x])
				card->tpixels[y][x] = g->tpixels[y][x];
	free(m);
}

/* ------------------------------------------------------------------ */
/* The card: background, texts, swatch. */

static int have_fonts = -1;

static int fonts(void)
{
	if (have_fonts < 0)
		have_fonts = access(FONT_REGULAR, R_OK) == 0 &&
			     access(FONT_BOLD, R_OK) == 0;
	return have_fonts;
}

/* Writes text with its baseline at y, starting at x (align 0), centred
 * on x (1) or ending at x (2). Returns the width drawn. */
static int text(gdImagePtr im, const char *s, int bold, double pt, int x, int y,
		int color, int align)
{
	int br[8];
	const char *font = bold ? FONT_BOLD : FONT_REGULAR;
	int w;

	if (!fonts()) {
		/* ASCII only: libgd's own font */
		gdFontPtr f = gdFontGetGiant();
		int n = 0;
		char ascii[128];

		for (const char *p = s; *p && n < 127; p++)
			if ((unsigned char)*p < 0x80)
				ascii[n++] = *p;
		ascii[n] = '\0';
		w = n * f->w;
		gdImageString(im, f,
			      align == 1   ? x - w / 2
			      : align == 2 ? x - w
					   : x,
			      y - f->h, (unsigned char *)ascii, color);
		return w;
	}
	if (gdImageStringFT(NULL, br, color, font, pt, 0, 0, 0, s))
		return 0;
	w = br[2] - br[0];
	gdImageStringFT(im, br, color, font, pt, 0,
			align == 1   ? x - w / 2
			: align == 2 ? x - w
				     : x,
			y, s);
	return w;
}

static void round_rect(gdImagePtr im, int x0, int y0, int x1, int y1, int r,
		       int color)
{
	gdImageFilledRectangle(im, x0 + r, y0, x1 - r, y1, color);
	gdImageFilledRectangle(im, x0, y0 + r, x1, y1 - r, color);
	gdImageFilledEllipse(im, x0 + r, y0 + r, 2 * r, 2 * r, color);
	gdImageFilledEllipse(im, x1 - r, y0 + r, 2 * r, 2 * r, color);
	gdImageFilledEllipse(im, x0 + r, y1 - r, 2 * r, 2 * r, color);
	gdImageFilledEllipse(im, x1 - r, y1 - r, 2 * r, 2 * r, color);
}

static struct rgb accent_of(const char *category)
{
	static const struct {
		const char *category;
		struct rgb c;
	} accents[] = {
		{"外套", {176, 96, 58}},    {"裤", {58, 98, 140}},
		{"连衣裙", {178, 78, 110}}, {"T恤", {46, 132, 112}},
		{"衬衫", {86, 92, 160}},    {"针织衫", {150, 108, 50}},
		{"配件", {108, 108, 116}},
	};

	for (size_t i = 0; i < sizeof accents / sizeof accents[0]; i++)
		if (!strcmp(accents[i].category, category))
			return accents[i].c;
	return (struct rgb){120, 120, 120};
}

/* Written pixel by pixel (libgd's drawing calls cost a function call and
 * a blend per pixel), and kept for the next card of the same category:
 * products come category by category. */
static void background(gdImagePtr im, struct rgb accent)
{
	static int *cache;
	static struct rgb cached = {-1, -1, -1};
	struct rgb top = {250, 248, 244}, bottom = {234, 228, 218};
	struct rgb halo = mix(top, accent, 0.05);
	const double r0 = 480, floor_rx = 380, floor_ry = 30;

	if (cache && !memcmp(&cached, &accent, sizeof accent)) {
		for (int y = 0; y < H; y++)
			memcpy(im->tpixels[y], cache + (size_t)y * W,
			       W * sizeof *cache);
		return;
	}
	for (int y = 0; y < H; y++) {
		struct rgb row = mix(top, bottom, (double)y / H);

		for (int x = 0; x < W; x++) {
			double r2 = (double)(x - CX) * (x - CX) +
				    (double)(y - 660) * (y - 660);
			double fx = (x - CX) / floor_rx,
			       fy = (y - 1150) / floor_ry;
			struct rgb c = row;

			/* a soft spotlight behind the garment */
			if (r2 < r0 * r0)
				c = mix(halo, white,
					0.55 * (1 - sqrt(r2) / r0));
			/* the floor it stands on */
			if (fx * fx + fy * fy < 1)
				c = mix(c, ink,
					0.10 * (1 - (fx * fx + fy * fy)));
			im->tpixels[y][x] = solid(c);
		}
	}
	if (!cache)
		cache = malloc((size_t)W * H * sizeof *cache);
	if (cache) {
		for (int y = 0; y < H; y++)
			memcpy(cache + (size_t)y * W, im->tpixels[y],
			       W * sizeof *cache);
		cached = accent;
	}
}

static void panel(gdImagePtr im, const struct demo_product *p,
		  const struct demo_color *c, struct rgb accent)
{
	const char *category_en = demo_category_en(p->category);
	char line1[256];
	struct rgb col = {c->r, c->g, c->b};
	int dark = solid(ink), grey = solid((struct rgb){106, 104, 100});
	int n;

	/* brand and category */
	text(im, "QINGHE 青禾", 1, 30, 70, 96, dark, 0);
	text(im, "2027 COLLECTION", 0, 20, W - 70, 92, solid(accent), 2);
	/* the category's English name in capitals: 外套 · OUTERWEAR */
	n = snprintf(line1, sizeof line1, "%s · ", p->category);
	for (const char *e = category_en ? category_en : "Collection";
	     *e && n >= 0 && (size_t)n + 1 < sizeof line1; e++)
		line1[n++] = (char)toupper((unsigned char)*e);
	line1[n < 0 ? 0 : n] = '\0';
	{
		int br[8], w = 240;

		if (fonts() && !gdImageStringFT(NULL, br, 0, FONT_BOLD, 18, 0,
						0, 0, line1))
			w = br[2] - br[0] + 44;
		round_rect(im, 70, 124, 70 + w, 174, 25, solid(accent));
		text(im, line1, 1, 18, 92, 159, solid(white), 0);
	}

	/* the name panel */
	round_rect(im, 66, 1196, 1146, 1462, 30,
		   solid((struct rgb){214, 208, 198}));
	round_rect(im, 60, 1188, 1140, 1452, 30, solid(white));
	gdImageFilledRectangle(im, 60, 1230, 72, 1410, solid(accent));
	text(im, p->style, 1, 40, 104, 1262, dark, 0);
	text(im, p->name_en, 0, 27, 104, 1318, grey, 0);
	text(im, p->name, 1, 38, 104, 1402, dark, 0);

	/* the colour swatch */
	gdImageFilledEllipse(im, 1040, 1272, 112, 112,
			     solid((struct rgb){200, 196, 190}));
	gdImageFilledEllipse(im, 1040, 1272, 100, 100, solid(col));
	text(im, c->name, 1, 24, 1040, 1370, dark, 1);
	text(im, c->en, 0, 18, 1040, 1408, grey, 1);
}

struct gdImageStruct *demo_draw_card(const struct demo_product *p,
				     const char *color)
{
	const struct demo_color *c = demo_color(color);
	struct rgb accent = accent_of(p->category);
	gdImagePtr card = gdImageCreateTrueColor(W, H), g;
	struct pen pn;

	if (!card)
		return NULL;
	g = gdImageCreateTrueColor(W, H);
	if (!g) {
		gdImageDestroy(card);
		return NULL;
	}
	gdImageAlphaBlending(g, 0);
	gdImageSaveAlpha(g, 1);
	for (int y = 0; y < H; y++) /* all clear, without a call per pixel */
		for (int x = 0; x < W; x++)
			g->tpixels[y][x] =
				gdTrueColorAlpha(0, 0, 0, gdAlphaTransparent);
	background(card, accent);
	pen_init(&pn, g, p, c);
	switch (p->shape) {
	case SHAPE_COAT:
		draw_coat(&pn);
		break;
	case SHAPE_JACKET:
		draw_jacket(&pn);
		break;
	case SHAPE_PUFFER:
		draw_puffer(&pn);
		break;
	case SHAPE_TROUSERS:
		draw_trousers(&pn, 0);
		break;
	case SHAPE_SHORTS:
		draw_trousers(&pn, 1);
		break;
	case SHAPE_DRESS:
		draw_dress(&pn);
		break;
	case SHAPE_TSHIRT:
		draw_tshirt(&pn, 0);
		break;
	case SHAPE_POLO:
		draw_tshirt(&pn, 1);
		break;
	case SHAPE_SHIRT:
		draw_shirt(&pn);
		break;
	case SHAPE_SWEATER:
		draw_knit(&pn, 0, 0);
		break;
	case SHAPE_CARDIGAN:
		draw_knit(&pn, 1, 0);
		break;
	case SHAPE_VEST:
		draw_knit(&pn, 0, 1);
		break;
	case SHAPE_SCARF:
		draw_scarf(&pn);
		break;
	case SHAPE_CAP:
		draw_cap(&pn);
		break;
	case SHAPE_BUCKET_HAT:
		draw_bucket_hat(&pn);
		break;
	case SHAPE_TOTE:
		draw_tote(&pn);
		break;
	case SHAPE_BELT:
		draw_belt(&pn);
		break;
	}
	finish(&pn, card);
	gdImageDestroy(g);
	panel(card, p, c, accent);
	return card;
}

void demo_draw_done(void)
{
	gdFontCacheShutdown();
}
