/* media_key.c - image keys and colour slugs (see media_key.h). */
#include "media/media_key.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

const struct media_size media_sizes[MEDIA_SIZE_COUNT] = {
	{"thumb", 160, 200},
	{"card", 480, 600},
	{"full", 1200, 1500},
};

/* Colour names seen on Chinese garment tags, traditional and simplified. */
static const struct {
	const char *name;
	const char *slug;
} color_words[] = {
	{"黑色", "black"},        {"黑", "black"},
	{"白色", "white"},        {"白", "white"},
	{"本白", "off-white"},    {"米白", "off-white"},
	{"奶白", "cream"},        {"奶油色", "cream"},
	{"米色", "beige"},        {"杏色", "apricot"},
	{"卡其", "khaki"},        {"卡其色", "khaki"},
	{"駝色", "camel"},        {"驼色", "camel"},
	{"燕麥色", "oatmeal"},    {"燕麦色", "oatmeal"},
	{"咖啡", "coffee"},       {"咖啡色", "coffee"},
	{"棕色", "brown"},        {"焦糖色", "caramel"},
	{"灰色", "grey"},         {"灰", "grey"},
	{"淺灰", "light-grey"},   {"浅灰", "light-grey"},
	{"深灰", "charcoal"},     {"炭灰", "charcoal"},
	{"麻灰", "heather-grey"}, {"花灰", "heather-grey"},
	{"藏青", "navy"},         {"藏藍", "navy"},
	{"藏蓝", "navy"},         {"海軍藍", "navy"},
	{"海军蓝", "navy"},       {"藍色", "blue"},
	{"蓝色", "blue"},         {"天藍", "sky-blue"},
	{"天蓝", "sky-blue"},     {"淺藍", "light-blue"},
	{"浅蓝", "light-blue"},   {"牛仔藍", "denim"},
	{"牛仔蓝", "denim"},      {"霧藍", "dusty-blue"},
	{"雾蓝", "dusty-blue"},   {"紅色", "red"},
	{"红色", "red"},          {"酒紅", "burgundy"},
	{"酒红", "burgundy"},     {"磚紅", "brick"},
	{"砖红", "brick"},        {"粉色", "pink"},
	{"粉紅", "pink"},         {"粉红", "pink"},
	{"藕粉", "dusty-pink"},   {"橙色", "orange"},
	{"黃色", "yellow"},       {"黄色", "yellow"},
	{"芥末黃", "mustard"},    {"芥末黄", "mustard"},
	{"綠色", "green"},        {"绿色", "green"},
	{"軍綠", "olive"},        {"军绿", "olive"},
	{"橄欖綠", "olive"},      {"橄榄绿", "olive"},
	{"墨綠", "forest-green"}, {"墨绿", "forest-green"},
	{"薄荷綠", "mint"},       {"薄荷绿", "mint"},
	{"紫色", "purple"},       {"香芋紫", "lavender"},
	{"銀色", "silver"},       {"银色", "silver"},
	{"金色", "gold"},         {"條紋", "stripe"},
	{"条纹", "stripe"},       {"格紋", "check"},
	{"格纹", "check"},        {"碎花", "floral"},
	{"印花", "print"},
};

/* 32-bit FNV-1a: a stable, short name for colours we have no word for. */
static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

int media_color_slug(const char *color, char *out, size_t size)
{
	size_t n = 0, limit = size < MEDIA_SLUG_MAX ? size : MEDIA_SLUG_MAX;
	int ascii = 1;

	if (limit < 11)
		return -1; /* room for "c-" + 8 hex digits */
	for (size_t i = 0; i < sizeof color_words / sizeof color_words[0]; i++)
		if (!strcmp(color, color_words[i].name))
			return snprintf(out, limit, "%s", color_words[i].slug) <
					       (int)limit
				       ? 0
				       : -1;
	for (const char *p = color; *p; p++)
		if ((unsigned char)*p >= 0x80)
			ascii = 0;
	if (ascii) {
		int dash = 0;

		for (const char *p = color; *p && n + 1 < limit; p++) {
			char c = *p;

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
				if (dash && n > 0 && n + 2 < limit)
					out[n++] = '-';
				dash = 0;
				out[n++] = c;
			} else {
				dash = 1;
			}
		}
		out[n] = '\0';
		if (n > 0)
			return 0;
	}
	snprintf(out, limit, "c-%08x", fnv1a(color));
	return 0;
}

int media_product_key(const char *style, const char *slug, char *out,
		      size_t size)
{
	size_t n = 0;

	if (size < 3)
		return -1;
	out[n++] = 'p';
	out[n++] = '/';
	for (const char *p = style; *p; p++) {
		char c = *p;

		if (n + 1 >= size)
			return -1;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (c == '.')
			c = '_';
		out[n++] = c;
	}
	if (n + 1 + strlen(slug) + 1 > size)
		return -1;
	out[n++] = '/';
	strcpy(out + n, slug);
	return media_key_valid(out) ? 0 : -1;
}

bool media_key_valid(const char *key)
{
	size_t len = strlen(key), seg = 0;

	if (len < 1 || len > 120)
		return false;
	for (size_t i = 0; i <= len; i++) {
		char c = key[i];

		if (c == '/' || c == '\0') {
			if (seg == 0)
				return false; /* empty segment */
			seg = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false; /* '.' is excluded, so no ".." either */
		seg++;
	}
	return true;
}
