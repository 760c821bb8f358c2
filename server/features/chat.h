/* chat.h - structured live Q&A (PROTOCOL.md, Q&A): chat.ask, chat.claim,
 * chat.answer, chat.hide, chat.faq, chat.history and faq.
 *
 * Each op is one SQL function (sql/functions/chat/) that checks the fair and
 * the message, changes the rows, writes the audit log (hide, faq), counts the
 * rate limit in PostgreSQL (5 messages in 10 s per user, shared by every
 * process) and emits the `chat` / `chat.hidden` history events in one
 * transaction; the fair room (live/room_events.c) pushes them once they
 * commit, each to those who may see it (live/event_ring.c). These handlers
 * only pass the arguments the parameter tables have checked. Messages are
 * plain text, stored and answered as sent. */
#ifndef FAIR_CHAT_H
#define FAIR_CHAT_H

#include "rpc/dispatch.h"

/* Characters in a message's text. */
#define CHAT_TEXT_MAX 2000

/* chat.ask {fair, text, product?} -> {message}: a dealer's question, open,
 * seen by the staff and the asker's dealer. not_found for an unknown fair
 * or a product that is not an item of it, fair_not_live unless the fair is
 * live or paused, rate_limited past 5 messages in 10 s. */
void chat_op_ask(struct op_call *call);

/* chat.claim {fair, id} -> {message}: the caller is answering this
 * question; the staff see it. conflict when it is answered, hidden or
 * claimed by someone else. */
void chat_op_claim(struct op_call *call);

/* chat.answer {fair, reply_to, text, private?} -> {message}: the answer;
 * the question becomes answered and both go to everyone, or, private, to
 * the asker's dealer and the staff. */
void chat_op_answer(struct op_call *call);

/* chat.hide {fair, id} -> {id}: the message vanishes everywhere; event
 * chat.hidden {id}. Audited. */
void chat_op_hide(struct op_call *call);

/* chat.faq {fair, id, faq} -> {message}: marks a question answered in public as
 * one of the fair's FAQ, or unmarks it; everyone sees it. conflict when it has
 * no public answer. Audited (chat_faq_mark, sql/functions/chat/faq.sql). */
void chat_op_faq_mark(struct op_call *call);

/* chat.history {fair, before?, limit?} -> {messages}: newest first. */
void chat_op_history(struct op_call *call);

/* faq {fair, product?} -> {items: [{id, product, question, answer, at,
 * faq}]}: a product's public answers, or without one the fair's marked
 * questions. */
void chat_op_faq(struct op_call *call);

extern const struct param_spec chat_ask_params[];
extern const struct param_spec chat_message_params[]; /* claim, hide */
extern const struct param_spec chat_answer_params[];
extern const struct param_spec chat_history_params[];
extern const struct param_spec chat_faq_params[];
extern const struct param_spec chat_faq_mark_params[];

#endif
