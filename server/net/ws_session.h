/* ws_session.h - the fair.v1 WebSocket protocol: one session per socket.
 *
 * Reads requests (reassembling fragments, at most 64 KiB), checks and
 * dispatches them through the op table, and writes replies and pushes from
 * a bounded per-session queue, one lws_write per WRITEABLE callback. A
 * session that has too many requests in progress stops being read until its
 * replies drain; one whose queue outgrows its bound is closed. */
#ifndef FAIR_WS_SESSION_H
#define FAIR_WS_SESSION_H

#include <jansson.h>
#include <libwebsockets.h>

struct frame;
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/frame.h"

#define WS_PROTOCOL_NAME "fair.v1"

int ws_session_lws_callback(struct lws *wsi, enum lws_callback_reasons reason,
			    void *user, void *in, size_t len);

/* Size of lws's per-session allocation for this protocol. */
size_t ws_session_size(void);

/* Queues the reply to a request of session_id and ends that request.
 * reply is stolen. Dropped when the session has gone. */
void ws_session_reply(uint64_t session_id, json_t *reply);

/* The same for a reply already serialised: takes f's reference. */
void ws_session_reply_frame(uint64_t session_id, struct frame *f);

/* Queues a shared frame (a reference is taken) to a session. Returns 0, or
 * -1 when the session has gone or was closed for being too slow. */
int ws_session_push(uint64_t session_id, struct frame *f);

/* ws_session_push as an audience_fn (net/audience.h), arg the frame: pushes
 * one frame to every session a lookup finds. */
void ws_session_push_each(uint64_t session_id, void *frame);

struct ws_stats {
	uint64_t opened;          /* sessions since start */
	uint64_t requests;        /* messages dispatched to an op */
	uint64_t closed_bad;      /* closed for too many bad messages */
	uint64_t closed_slow;     /* closed for not reading */
	uint64_t closed_idle;     /* closed for not answering pings */
	uint64_t closed_too_many; /* over ws_max_per_user or _per_address */
	uint64_t frames_sent;
	uint64_t writes; /* socket writes: several frames may share one */
	uint64_t bytes_sent;
	uint64_t paused; /* times reading was paused (push back) */
};

/* Counters since start (for /metrics). */
void ws_session_stats(struct ws_stats *out);

/* Open sessions in this process. */
size_t ws_session_count(void);

/* Closes every session with the given close code (1001 at shutdown). */
void ws_sessions_close_all(int code, const char *reason);

/* Who a session is, as net/ needs it: the ids and role (the per-user cap,
 * the op caller, the audience), the session token's hash (revocations find
 * its sessions by it) and the hello's user object. Made by whoever
 * authenticates (auth/, from its user) and read only during
 * ws_session_authenticated. */
struct ws_identity {
	int64_t user_id;
	int64_t dealer_id; /* 0 unless a dealer's user */
	unsigned role;     /* one ROLE_* bit */
	unsigned char session_hash[32];
	const char *login;      /* for the log */
	const char *hello_user; /* the hello's user object, JSON text */
	/* What the identity belongs to (auth's struct auth_user), never
	 * NULL: the session holds it while open (ws_session_hooks.owner_hold,
	 * owner_release) and gives it out (ws_session_owner). */
	void *owner;
};

/* The answer of ws_session_hooks.authenticate for a session: who it is, or
 * NULL and the close code to end it with (4401 session ended, 4403
 * password change required, 1013 try again later), before any hello. A
 * session let in is in the audience (net/audience.h) until it closes. */
void ws_session_authenticated(uint64_t session_id,
			      const struct ws_identity *who, int close_code);

/* Closes a session with code and reason from outside its callbacks (its
 * queue is dropped; lws closes it at its next WRITEABLE). Returns 0, or -1
 * when it has gone. Who to close is found through net/audience.h. */
int ws_session_close(uint64_t session_id, int code, const char *reason);

struct room_member;

/* What a session's room membership gives it to write next (see
 * room_member_next in live/fair_room.h). */
enum room_next { ROOM_NOTHING, ROOM_FRAME, ROOM_FELL_BEHIND };

/* What a session needs of the folders above net: who it is (auth/), the
 * fair list its hello carries, and the room it joined (live/). net includes
 * none of them: the root wires them (main.c defines ws_session_hooks). */
struct ws_session_hooks {
	/* A Cookie header's first valid session cookie: 0 and its hash, or
	 * -1 (auth_cookie_check). */
	int (*cookie_check)(const char *cookie_header, unsigned char hash[32]);
	/* Finds who the session of hash is and calls ws_session_authenticated
	 * exactly once, possibly before returning (auth_resolve). */
	void (*authenticate)(uint64_t session_id, const unsigned char hash[32]);
	/* Takes and gives back a reference to an identity's owner
	 * (auth_user_ref, auth_user_unref). */
	void (*owner_hold)(void *owner);
	void (*owner_release)(void *owner);
	/* The hello's fair list as JSON text, *len set (fairs_hello_text). */
	const char *(*hello_fairs)(size_t *len);
	/* The member's next push, whether it may have one, and its end
	 * (room_member_next, room_member_pending, room_member_free). */
	enum room_next (*member_next)(struct room_member *m,
				      struct frame **out);
	bool (*member_pending)(const struct room_member *m);
	void (*member_free)(struct room_member *m);
};

extern const struct ws_session_hooks ws_session_hooks;

/* Pushes are waiting: the session is written when the loop has turned. */
void ws_session_wake(uint64_t session_id);

/* Writes the sessions given something to send since the last call; the
 * main loop calls it after each turn. Returns true when some are left for
 * the next turn (the loop should not wait for events then). */
bool ws_sessions_write_woken(void);

/* The owner of a session's identity (struct ws_identity: auth's user), or
 * NULL when it has gone or is not let in yet. auth_session_user gives it
 * its type. */
void *ws_session_owner(uint64_t session_id);

/* The room membership of a session (live/room.c owns members). set returns
 * the previous one, which the caller frees; a session frees its member when
 * it closes (ws_session_hooks.member_free). */
struct room_member *ws_session_member(uint64_t session_id);
struct room_member *ws_session_set_member(uint64_t session_id,
					  struct room_member *m);

/* Frees the session index after the lws context is gone. */
void ws_sessions_free(void);

#endif
