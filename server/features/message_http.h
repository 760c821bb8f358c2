/* message_http.h - the HTTP side of messages (issue 25): the unsubscribe
 * link of every mail, and the admin's download of the ERP export.
 *
 *   GET  /api/unsubscribe?u=USER&k=KIND&t=TOKEN   a page asking to confirm
 *   POST /api/unsubscribe/one-click?u=USER&k=KIND&t=TOKEN   done: the
 *        page's button, and RFC 8058's one-click POST of mail clients
 *        (List-Unsubscribe, body List-Unsubscribe=One-Click)
 *   GET  /api/erp/FAIR?layout=u8|gjp              the CSV (admin)
 *
 * The link needs no session: the user's mail token (users.mail_token) is
 * its proof. A GET changes nothing, so a mail scanner that follows links
 * does not unsubscribe anyone. Routes in server/routes.c. */
#ifndef FAIR_MESSAGE_HTTP_H
#define FAIR_MESSAGE_HTTP_H

#include "net/http.h"

#define UNSUBSCRIBE_PATH "/api/unsubscribe"
#define UNSUBSCRIBE_POST_PATH "/api/unsubscribe/one-click"
#define ERP_PATH_PREFIX "/api/erp/"

/* GET: the page with its button; POST: done. */
void unsubscribe_http_ask(const struct http_call *call);
void unsubscribe_http(const struct http_call *call);
void erp_http(const struct http_call *call);

#endif
