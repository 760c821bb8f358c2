/* chart_http.h - pictures drawn on the server: GET
 * /api/fairs/<id>/chart.png?metric=&width=&height= for managers and admins, and
 * share.png, a dealer's order summary card. The data is read from the kept
 * totals (chart_data and share_data, sql/functions/dashboard/charts.sql), the
 * picture drawn on the worker pool (chart.h) as a heavy job
 * (worker_submit_heavy: logins go first, and a render waiting past
 * render_wait_max_ms is answered 503).
 *
 * Fairness: one user has at most render_per_user renders waiting or being
 * drawn in this process (from the data query to the answer); more are
 * answered 429 with Retry-After at once, before any query. */
#ifndef FAIR_CHART_HTTP_H
#define FAIR_CHART_HTTP_H

#include <stdint.h>

#include "net/http.h"

#define CHART_DEFAULT_WIDTH 800
#define CHART_DEFAULT_HEIGHT 480
#define SHARE_DEFAULT_WIDTH 600
#define SHARE_DEFAULT_HEIGHT 800

void chart_http(const struct http_call *call, int64_t fair);

/* GET /api/fairs/<id>/share.png[?dealer=&width=&height=]: a dealer's own
 * order summary as a card to forward in chat apps (the staff name the
 * dealer). */
void share_http(const struct http_call *call, int64_t fair);

#endif
