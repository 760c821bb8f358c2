/* chat.h - structured live Q&A (PROTOCOL.md, Q&A): chat.ask, chat.claim,
 * chat.answer, chat.hide, chat.faq, chat.history and faq.
 *
 * Each op is one SQL function (sql/functions/chat/) that checks the fair and
 * the message, changes the rows, writes the audit log (hide, faq), counts the
 * rate limit in PostgreSQL (5 messages in 10 s per user, shared by every
 * process) and emits the `chat` / `chat.hidden` history events in one
 * transaction; the fair room (live/room_events.c) pushes them once they
 * commit, each to those who may see it (live/event_ring.c). Each op is an
 * entry of the op table (server/op_table.c) naming its function, run by
 * op_sql_handler with the arguments its parameter table (here) has checked.
 * Messages are plain text, stored and answered as sent. */
#ifndef FAIR_CHAT_H
#define FAIR_CHAT_H

#include "rpc/dispatch.h"

/* Characters in a message's text. */
#define CHAT_TEXT_MAX 2000

/* Messages chat.history gives when limit is absent. */
#define CHAT_HISTORY_DEFAULT "50"

/* chat.ask {fair, text, product?} -> {message}: a dealer's question, open,
 * seen by the staff and the asker's dealer. not_found for an unknown fair
 * or a product that is not an item of it, fair_not_live unless the fair is
 * live or paused, rate_limited past 5 messages in 10 s. */
extern const struct param_spec chat_ask_params[];

/* chat.claim {fair, id} -> {message}: the caller is answering this
 * question; the staff see it. conflict when it is answered, hidden or
 * claimed by someone else.
 * chat.hide {fair, id} -> {id}: the message vanishes everywhere; event
 * chat.hidden {id}. Audited. */
extern const struct param_spec chat_message_params[]; /* claim, hide */

/* chat.answer {fair, reply_to, text, private?} -> {message}: the answer;
 * the question becomes answered and both go to everyone, or, private, to
 * the asker's dealer and the staff. */
extern const struct param_spec chat_answer_params[];

/* chat.faq {fair, id, faq} -> {message}: marks a question answered in public as
 * one of the fair's FAQ, or unmarks it; everyone sees it. conflict when it has
 * no public answer. Audited (chat_faq_mark, sql/functions/chat/faq.sql). */
extern const struct param_spec chat_faq_mark_params[];

/* chat.history {fair, before?, limit?} -> {messages}: those the caller may
 * see (chat_visible: the staff, or the caller's dealer), newest first. */
extern const struct param_spec chat_history_params[];

/* faq {fair, product?} -> {items: [{id, product, question, answer, at,
 * faq}]}: a product's public answers, or without one the fair's marked
 * questions. */
extern const struct param_spec chat_faq_params[];

#endif
