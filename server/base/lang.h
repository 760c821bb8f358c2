/* lang.h - the reader's language of a page the server draws (the printable
 * confirmation, the share card): Simplified Chinese by default, Traditional
 * Chinese and English on request, as the pages' language switch (web/src/
 * i18n.ts) names them. Pure code: unit-tested. */
#ifndef FAIR_LANG_H
#define FAIR_LANG_H

enum lang {
	LANG_HANS, /* zh-Hans, the default */
	LANG_HANT, /* zh-Hant */
	LANG_EN,   /* en */
};

/* The language a URL's arguments ask for ("lang=en", "x=1&lang=zh-Hant",
 * decoded and joined by '&' as http_call.query has them): zh-Hans when
 * query is NULL, has no lang or names another. */
enum lang lang_from_query(const char *query);

/* Its tag for <html lang>: "zh-Hans", "zh-Hant" or "en". */
const char *lang_tag(enum lang lang);

#endif
