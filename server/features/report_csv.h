/* report_csv.h - GET /api/fairs/<id>/report.csv: every order line of a
 * fair, for managers and admins, as UTF-8 CSV that Excel opens with the
 * Chinese intact.
 *
 * Each report runs in a thread of its own with its own PostgreSQL
 * connection, reading the rows in single-row mode inside one read-only
 * snapshot, and hands CSV to the loop in chunks, which streams them to the
 * client (http_stream_*). The thread waits while the client is behind, so a
 * report of a million lines holds about two megabytes at most, and neither
 * the loop nor the pooled connections are held up. At most a few reports
 * run at once per process; more get 503. */
#ifndef FAIR_REPORT_CSV_H
#define FAIR_REPORT_CSV_H

#include <stdint.h>

#include "net/http.h"

#define FAIR_FILES_PATH_PREFIX "/api/fairs/"

/* Starts the loop's side (a wake-up pipe). Returns 0 or -1. */
int report_start(void);

/* At shutdown: every report stops (its answer is cut). */
void report_cancel_all(void);

/* After the loop: waits for the threads and frees everything. */
void report_stop(void);

/* GET /api/fairs/<id>/<file>: report.csv here, chart.png and share.png
 * (chart_http.h). */
void report_http(const struct http_call *call);

#endif
