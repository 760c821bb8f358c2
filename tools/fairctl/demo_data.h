/* demo_data.h - what the demo contains: the brand's products, colours,
 * regions, dealers and staff.
 *
 * Plain tables and deterministic generators (dealer i is always the same
 * shop), so every demo load is identical apart from times and ids. */
#ifndef FAIR_DEMO_DATA_H
#define FAIR_DEMO_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEMO_BRAND "青禾 QINGHE"
#define DEMO_DEALERS 500
#define DEMO_GENEROUS_CREDIT_DEALERS 300
#define DEMO_GENEROUS_CREDIT 1000000000LL /* fen: ¥10,000,000 */
#define DEMO_REGIONS 7

/* The silhouette a product's picture is drawn as. */
enum demo_shape {
	SHAPE_COAT,
	SHAPE_JACKET,
	SHAPE_PUFFER,
	SHAPE_TROUSERS,
	SHAPE_SHORTS,
	SHAPE_DRESS,
	SHAPE_TSHIRT,
	SHAPE_POLO,
	SHAPE_SHIRT,
	SHAPE_SWEATER,
	SHAPE_CARDIGAN,
	SHAPE_VEST,
	SHAPE_SCARF,
	SHAPE_CAP,
	SHAPE_BUCKET_HAT,
	SHAPE_TOTE,
	SHAPE_BELT,
};

/* Details of the drawing (bits). */
enum {
	F_LONG = 1 << 0,    /* longer than usual */
	F_CROPPED = 1 << 1, /* shorter than usual */
	F_BELT = 1 << 2,    /* a belt at the waist */
	F_HOOD = 1 << 3,
	F_DOUBLE = 1 << 4, /* double-breasted */
	F_WIDE = 1 << 5,   /* wide legs */
	F_DENIM = 1 << 6,  /* twill texture, contrast stitching */
	F_STRIPES = 1 << 7,
	F_CHECK = 1 << 8,
	F_FLORAL = 1 << 9,
	F_DOTS = 1 << 10,
	F_SHORT_SLEEVE = 1 << 11,
	F_SLEEVELESS = 1 << 12,
	F_STRAPS = 1 << 13, /* slip dress straps */
	F_VNECK = 1 << 14,
	F_SQUARE_NECK = 1 << 15,
	F_HIGH_NECK = 1 << 16,
	F_CABLE = 1 << 17,
	F_ARGYLE = 1 << 18,
	F_GRAPHIC = 1 << 19, /* a print on the chest */
	F_QUILT = 1 << 20,
	F_HEATHER = 1 << 21, /* speckled yarn */
	F_COLLAR = 1 << 22,  /* shirt collar */
	F_CUFFED = 1 << 23,  /* ribbed ankle cuffs */
	F_LAPELS = 1 << 24,
	F_LONG_SLEEVE = 1 << 25,
	F_FUZZY = 1 << 26, /* mohair */
	F_SATIN = 1 << 27, /* sheen */
};

struct demo_product {
	const char *style;
	enum demo_shape shape;
	unsigned flags;
	const char *category;
	const char *name, *name_en;
	const char *description, *description_en;
	int base_yuan;      /* list price */
	int fair_yuan;      /* fair price */
	const char *sizes;  /* "S|M|L|XL" */
	const char *colors; /* "黑色|藏青" */
	int allocation;     /* units per variant at the live fair */
	const char *pack;   /* "S:1|M:2|L:2|XL:1" or NULL */
	int moq;            /* 0: 1 */
	int limit;          /* units per dealer, 0: none */
	bool must_order;
	bool tiered; /* prices per dealer tier */
	bool autumn; /* also offered at the scheduled fair */
};

extern const struct demo_product demo_products[];
extern const size_t demo_product_count;

struct demo_color {
	const char *name; /* as on the tag: 黑色 */
	const char *en;   /* Black */
	unsigned char r, g, b;
};

/* The colour called name, or a neutral grey entry for unknown names. */
const struct demo_color *demo_color(const char *name);

/* The English name of a category (外套 -> Outerwear), NULL for a category
 * the demo does not have. */
const char *demo_category_en(const char *category);

extern const char *const demo_regions[DEMO_REGIONS];
extern const char *const demo_region_warehouses[DEMO_REGIONS];

struct demo_dealer {
	char code[8];   /* D001 */
	char name[160]; /* a Chinese shop name */
	const char *region;
	char tier;      /* A, B, C by i % 3, so any three in a row differ */
	int64_t credit; /* fen */
	bool key_dealer;
	char recipient[40];
	char phone[16];
	char address[200];
};

/* Dealer number i (1 ... DEMO_DEALERS). */
void demo_dealer(int i, struct demo_dealer *out);

struct demo_staff {
	const char *login, *name, *role;
};

extern const struct demo_staff demo_staff[];
extern const size_t demo_staff_count;

#endif
