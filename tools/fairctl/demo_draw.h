/* demo_draw.h - product pictures for the demo, drawn with libgd.
 *
 * Each picture is a 1200 x 1500 card: a soft background, the garment's
 * silhouette for its shape (coat, jacket, down jacket, trousers, shorts,
 * dress, T-shirt, polo, shirt, sweater, cardigan, vest, scarf, cap, bucket
 * hat, tote, belt) filled with the colour and its fabric (denim twill, knit
 * ribs, stripes, checks, dots, flowers, argyle, quilting, sheen), lit from
 * the upper left with an outline and a shadow, its details (collars,
 * lapels, buttons, seams, pockets, cuffs), and a panel with the style code,
 * the English and Chinese names and a colour swatch. Text uses Noto Sans
 * CJK through FreeType when fonts-noto-cjk is installed, else libgd's
 * built-in font (ASCII only). */
#ifndef FAIR_DEMO_DRAW_H
#define FAIR_DEMO_DRAW_H

#include "fairctl/demo_data.h"

#define DEMO_CARD_WIDTH 1200
#define DEMO_CARD_HEIGHT 1500

struct gdImageStruct;

/* Draws the card of product p in the colour named color. Returns a new
 * true-colour image (the caller gdImageDestroy-s it), or NULL when out of
 * memory. */
struct gdImageStruct *demo_draw_card(const struct demo_product *p,
				     const char *color);

/* Releases libgd's font cache (call once when done drawing). */
void demo_draw_done(void);

#endif
