/* hls_link.c - signed links to the live video's segments (see hls_link.h). */
#include "media/hls_link.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/base64url.h"
#include "base/query.h"

int64_t hls_link_expires(int64_t now_s)
{
	return now_s / 60 * 60 + 60 + HLS_LINK_MIN_S;
}

int hls_link_sign(const char *secret, const char *uri, int64_t expires,
		  char sig[HLS_LINK_SIG_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	char when[24];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	snprintf(when, sizeof when, "%" PRId64, expires);
	ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) &&
	     EVP_DigestUpdate(ctx, when, strlen(when)) &&
	     EVP_DigestUpdate(ctx, uri, strlen(uri)) &&
	     EVP_DigestUpdate(ctx, " ", 1) &&
	     EVP_DigestUpdate(ctx, secret, strlen(secret)) &&
	     EVP_DigestFinal_ex(ctx, md, &md_len) && md_len == 16;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	base64url_encode(md, 16, sig); /* 22 characters */
	return 0;
}

enum hls_link_verdict hls_link_check(const char *secret, const char *uri,
				     const char *query, int64_t now_s)
{
	size_t md5_len = 0, when_len = 0;
	const char *md5 = query_value(query, "md5", &md5_len);
	const char *when = query_value(query, "expires", &when_len);
	char want[HLS_LINK_SIG_LEN + 1];
	int64_t expires = 0;

	if (!md5 || !when)
		return HLS_LINK_NONE;
	if (md5_len != HLS_LINK_SIG_LEN || when_len == 0 || when_len > 12)
		return HLS_LINK_BAD;
	for (size_t i = 0; i < when_len; i++) {
		if (when[i] < '0' || when[i] > '9')
			return HLS_LINK_BAD;
		expires = expires * 10 + (when[i] - '0');
	}
	if (hls_link_sign(secret, uri, expires, want) ||
	    CRYPTO_memcmp(want, md5, HLS_LINK_SIG_LEN))
		return HLS_LINK_BAD;
	return expires < now_s ? HLS_LINK_EXPIRED : HLS_LINK_OK;
}

bool hls_link_secret_valid(const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;

	if (n == 0)
		return true;
	if (n < 16 || n > 256)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = secret[i];

		if (c <= ' ' || c > '~' || strchr("\"'\\$;{}#", c))
			return false;
	}
	return true;
}

int hls_playlist_linked(const char *text, size_t len, const char *base,
			int64_t fair, const char *secret, int64_t now_s,
			struct strbuf *out)
{
	int64_t expires = hls_link_expires(now_s);
	char when[24];

	snprintf(when, sizeof when, "%" PRId64, expires);
	for (size_t i = 0; i < len;) {
		const char *line = text + i;
		size_t n = 0;

		while (i + n < len && line[n] != '\n')
			n++;
		i += n + 1;
		if (n && line[n - 1] == '\r')
			n--;
		if (n && n < 256 && line[0] != '#' && !memchr(line, '/', n) &&
		    !memchr(line, '?', n) && !memchr(line, ':', n)) {
			char uri[320], sig[HLS_LINK_SIG_LEN + 1];

			snprintf(uri, sizeof uri, "/live/%" PRId64 "/%.*s",
				 fair, (int)n, line);
			if (hls_link_sign(secret, uri, expires, sig))
				return -1;
			if (base && base[0]) {
				strbuf_addstr(out, base);
				strbuf_addstr(out, uri);
			} else {
				strbuf_add(out, line, n);
			}
			strbuf_addstr(out, "?md5=");
			strbuf_addstr(out, sig);
			strbuf_addstr(out, "&expires=");
			strbuf_addstr(out, when);
		} else {
			strbuf_add(out, line, n);
		}
		strbuf_add(out, "\n", 1);
	}
	return 0;
}
