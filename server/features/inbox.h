/* inbox.h - the inbox (站內信): its ops' parameters, and the `inbox` push.
 *
 * Messages are made in PostgreSQL by the change that causes them
 * (sql/functions/messages/inbox.sql: message_send and its callers), which
 * notifies `inbox_changed` with the users whose unread count changed. Every
 * process gathers the users it has sessions of, reads their counts in one
 * query at most every INBOX_PUSH_MS, and pushes {"ev":"inbox","unread":N}
 * to each of their sessions. The ops are table entries (server/op_table.c)
 * run by op_sql_handler. Loop thread only. */
#ifndef FAIR_INBOX_H
#define FAIR_INBOX_H

#include "rpc/dispatch.h"

#define INBOX_LIST_DEFAULT "50" /* messages per inbox.list page */

extern const struct param_spec inbox_list_params[];
extern const struct param_spec inbox_read_params[];
extern const struct param_spec inbox_unread_params[];
extern const struct param_spec inbox_prefs_params[];
extern const struct param_spec inbox_prefs_set_params[];
extern const struct param_spec message_promote_params[];

/* Listens to inbox_changed (before the loop runs). */
void inbox_start(void);

/* Frees what is pending (after the loop). */
void inbox_stop(void);

#endif
