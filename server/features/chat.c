/* chat.c - the parameters of chat.ask, chat.claim, chat.answer, chat.hide,
 * chat.faq, chat.history and faq (see chat.h). */
#include "features/chat.h"

const struct param_spec chat_ask_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"text", PARAM_STRING, true, 1, CHAT_TEXT_MAX},
	{"product", PARAM_ID, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec chat_message_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"id", PARAM_ID, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec chat_answer_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"reply_to", PARAM_ID, true, 0, 0},
	{"text", PARAM_STRING, true, 1, CHAT_TEXT_MAX},
	{"private", PARAM_BOOL, false, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec chat_faq_mark_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"id", PARAM_ID, true, 0, 0},
	{"faq", PARAM_BOOL, true, 0, 0},
	{NULL, 0, false, 0, 0},
};

const struct param_spec chat_history_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"before", PARAM_ID, false, 0, 0},
	{"limit", PARAM_INT, false, 1, 100},
	{NULL, 0, false, 0, 0},
};

const struct param_spec chat_faq_params[] = {
	{"fair", PARAM_ID, true, 0, 0},
	{"product", PARAM_ID, false, 0, 0},
	{NULL, 0, false, 0, 0},
};
