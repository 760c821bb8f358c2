/* html.h - building HTML pages on the server (the printable order
 * confirmation). Pure code: unit-tested.
 *
 * Every text that comes from users or the database goes through html_text,
 * which escapes & < > " ' so that nothing stored can become markup. */
#ifndef FAIR_HTML_H
#define FAIR_HTML_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lang.h"
#include "base/strbuf.h"

/* Markup as it is (literals of the caller only). */
void html_raw(struct strbuf *h, const char *markup);

/* Text, escaped. NULL adds nothing. */
void html_text(struct strbuf *h, const char *text);

/* An amount of minor units (fen, cents) as "1,234.50". */
void html_money(struct strbuf *h, int64_t minor);

/* <!doctype html> ... <body><main> with the page's stylesheet (web/
 * print.css), and the closing tags. html_page_start_in names the page's
 * language (lang_tag), html_page_start says zh-Hans (the unsubscribe
 * page, in Simplified first, then Traditional and English). */
void html_page_start(struct strbuf *h, const char *title);
void html_page_start_in(struct strbuf *h, const char *lang_tag,
			const char *title);
void html_page_end(struct strbuf *h);

/* The whole confirmation page of an order as order_print_json returns it
 * (sql/functions/processing/print.sql) in the reader's language: the fair,
 * the dealer, the status in words, the time placed on the fair's clock
 * labelled with its zone, the ship-to address, per product a table of
 * colours by sizes with quantities, unit prices and amounts in the fair's
 * currency (and each colour's share of the discount and what remains to pay
 * when the order has a discount), totals and the discounts. */
void html_order_confirmation(struct strbuf *h, const json_t *order,
			     enum lang lang);

#endif
