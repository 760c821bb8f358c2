/* mail_render.h - a message as mail: its words in the user's language
 * (templates per kind: Simplified and Traditional Chinese, English), and
 * the whole RFC 5322 text a relay takes (UTF-8 in base64, the subject as
 * RFC 2047 encoded words, Message-ID from the outbox row, List-Unsubscribe).
 * Pure: no sockets, no database (unit-tested, test_mail_render). */
#ifndef FAIR_MAIL_RENDER_H
#define FAIR_MAIL_RENDER_H

#include <jansson.h>
#include <stdint.h>

#include "base/strbuf.h"

/* The words of one message. Templates name params as {name}: a string as
 * it is, a number in decimal, anything else (absent, null) as nothing.
 * Words made here are added first: {status_text}, {when_text},
 * {price_text}, {shipping}, and {unsubscribe} (given). lang is zh-Hans,
 * zh-Hant or en (anything else: zh-Hans). Returns 0, or -1 for a kind
 * without a template (subject and body are then left empty). */
int mail_render(const char *kind, const char *lang, const json_t *params,
		const char *unsubscribe_url, struct strbuf *subject,
		struct strbuf *body);

/* What a mail needs besides its words. */
struct mail_head {
	const char *from;             /* address only: fair@example.com */
	const char *from_name;        /* UTF-8 display name, or "" */
	const char *to;               /* address only */
	const char *unsubscribe_url;  /* the body's link (a page), or NULL */
	const char *unsubscribe_post; /* RFC 8058 one-click URL, or NULL */
	const char *kind;             /* X-Fair-Message */
	int64_t outbox_id;            /* Message-ID <outbox-ID.TIME@domain> */
	int64_t created_ms; /* when it was queued: Message-ID and Date */
};

/* Appends the whole message (headers, a blank line, the body in base64,
 * CRLF line ends) to out. Returns 0, or -1 when an address holds a line
 * break or angle bracket (nothing is appended then). */
int mail_compose(const struct mail_head *h, const char *subject,
		 const char *body, struct strbuf *out);

/* Appends base64 of n bytes (no line breaks). */
void mail_base64(struct strbuf *out, const unsigned char *p, size_t n);

#endif
