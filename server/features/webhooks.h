/* webhooks.h - the admin's webhook subscriptions: the parameters of
 * webhook.subscribe, webhook.unsubscribe and webhook.list (table entries,
 * server/op_table.c; sql/functions/messages/webhooks.sql). The calls are
 * queued by the events' own transactions and sent by the outbox sender
 * (outbox.h). */
#ifndef FAIR_WEBHOOKS_H
#define FAIR_WEBHOOKS_H

#include "rpc/dispatch.h"

extern const struct param_spec webhook_subscribe_params[];
extern const struct param_spec webhook_unsubscribe_params[];
extern const struct param_spec webhook_list_params[];

#endif
