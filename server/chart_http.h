/* chart_http.h - GET /api/fairs/<id>/chart.png?metric=&width=&height= for
 * managers and admins: the data read from the kept totals (chart_data in
 * sql/012), the picture drawn on the worker pool (chart.h). */
#ifndef FAIR_CHART_HTTP_H
#define FAIR_CHART_HTTP_H

#include <stdint.h>

#include "http.h"

#define CHART_DEFAULT_WIDTH 800
#define CHART_DEFAULT_HEIGHT 480

void chart_http(const struct http_call *call, int64_t fair);

#endif
