/* ws_session.c - the fair.v1 protocol callback (see ws_session.h). */
#include "net/ws_session.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/idmap.h"
#include "base/lock_set.h"
#include "base/log.h"
#include "base/loop_timer.h"
#include "base/strbuf.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "net/audience.h"
#include "net/client_addr.h"
#include "rpc/dispatch.h"
#include "rpc/proto.h"
#include "server.h"

#define RATE_LIMIT_PER_SECOND 200 /* requests; then rate_limited */
#define BAD_LIMIT 20              /* bad messages a minute; one more closes */
#define BAD_WINDOW_MS 60000
#define QUEUE_FIRST 4       /* frames a new session's ring holds */
#define CLOSE_TOO_MANY 4429 /* over ws_max_per_user or _per_address */

struct ws_session {
	uint64_t id;
	struct lws *wsi;
	struct op_caller caller;
	void *owner;                /* its identity's (ws_identity): NULL
				     * until the session is let in */
	struct room_member *member; /* the fair joined, or NULL */

	struct frame **queue; /* ring of frames to send, grown on demand */
	unsigned q_head, q_len, q_cap;
	unsigned in_flight; /* requests not answered yet */
	size_t q_bytes;
	struct frame *held;   /* taken but not written: it goes first */
	int64_t paused_at_ms; /* since when reading is paused */

	char *rx_buf; /* fragments of the message being read */
	size_t rx_len, rx_cap;

	int64_t rate_window_ms; /* start of the current second */
	unsigned rate_count;
	unsigned bad_next;
	/* The times of the last bad messages, in tenths of a second since
	 * bad_epoch_ms (0: none): 80 bytes a connection instead of 160. */
	uint32_t bad_at[BAD_LIMIT];

	int64_t last_rx_ms;       /* when the client last sent anything */
	const char *close_reason; /* static text for the close frame */
	int close_code;           /* nonzero: close at the next WRITEABLE */
	bool close_now;           /* without sending what is queued */
	bool ping_due;            /* write a ping at the next WRITEABLE */
	bool pinged;              /* and it has not answered since */
	bool rx_paused;
	bool rx_in_message, rx_oversize, rx_binary;
	bool woken;           /* listed in `woken` */
	bool user_counted;    /* counted in sockets_of_user */
	uint64_t address_key; /* counted in sockets_of_address; 0: not */
};

static struct idmap sessions;
/* Sessions given something to send since the loop last turned: written
 * directly once it has (ws_sessions_write_woken). */
static struct {
	uint64_t *ids;
	size_t n, cap;
} woken;
static uint64_t last_session_id;
static struct ws_stats stats;
/* Open sessions by user id and by client address (a hash of its text),
 * counted (base/lock_set.h's counted keys), for the per-user and
 * per-address caps. */
static struct lock_set sockets_of_user, sockets_of_address;

/* FNV-1a: two addresses of the same hash would share a cap, which at 64
 * bits does not happen among the addresses one server sees. */
static uint64_t address_key(const char *address)
{
	uint64_t h = 14695981039346656037ULL;

	for (const unsigned char *p = (const unsigned char *)address; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h ? h : 1;
}

/* Idle connections: a session silent for ws_idle_timeout_s is pinged, one
 * silent for twice that is closed. One sweep a second over every session
 * instead of lws's validity timers: those sit in lws's sorted timer list,
 * whose insertion is linear in its length, and with 19,000 connections
 * arriving they took half of the server's time (perf, BENCHMARKS.md). */
#define IDLE_SWEEP_MS 1000
static struct loop_timer idle_timer;
static bool idle_timer_on;

void ws_session_stats(struct ws_stats *out)
{
	*out = stats;
}

size_t ws_session_size(void)
{
	return sizeof(struct ws_session);
}

size_t ws_session_count(void)
{
	return sessions.count;
}

/* Pauses reading while a session has many requests in progress or replies
 * waiting, resumes it when half have drained: push back, never buffer. */
static void update_flow(struct ws_session *s)
{
	unsigned load = s->in_flight + s->q_len;
	unsigned max = (unsigned)srv.cfg.ws_max_inflight;

	if (!s->rx_paused && load >= max) {
		s->rx_paused = true;
		s->paused_at_ms = timefmt_mono_ms();
		stats.paused++;
		lws_rx_flow_control(s->wsi, 0);
	} else if (s->rx_paused && load <= max / 2) {
		s->rx_paused = false;
		lws_rx_flow_control(s->wsi, 1);
	}
}

/* Lists s to be written when the loop has turned (one write for all that
 * came meanwhile). */
static void wake(struct ws_session *s)
{
	if (s->woken)
		return;
	if (woken.n == woken.cap) {
		woken.cap = woken.cap ? 2 * woken.cap : 1024;
		woken.ids = xrealloc(woken.ids, woken.cap * sizeof *woken.ids);
	}
	woken.ids[woken.n++] = s->id;
	s->woken = true;
}

static void queue_clear(struct ws_session *s)
{
	frame_unref(s->held);
	s->held = NULL;
	while (s->q_len) {
		frame_unref(s->queue[s->q_head]);
		s->q_head = (s->q_head + 1) % s->q_cap;
		s->q_len--;
	}
	s->q_bytes = 0;
}

/* Closes a session from outside its callbacks: at the next WRITEABLE, or
 * from the timeout machinery if the client never lets us write. */
static void close_session(struct ws_session *s, int code, const char *reason)
{
	if (s->close_code && s->close_now)
		return;
	s->close_code = code;
	s->close_reason = reason;
	s->close_now = true;
	queue_clear(s);
	lws_callback_on_writable(s->wsi);
	lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK, 5);
}

/* Doubles the ring of s (most sessions never hold more than a frame or
 * two, so it starts at QUEUE_FIRST), up to one frame per request in flight
 * plus pushes; does nothing when it is as large as it may be. */
static void queue_grow(struct ws_session *s)
{
	unsigned most = (unsigned)srv.cfg.ws_max_inflight + 16;
	unsigned cap = s->q_cap ? 2 * s->q_cap : QUEUE_FIRST;
	struct frame **queue;

	if (s->q_cap >= most)
		return;
	if (cap > most)
		cap = most;
	queue = xmalloc(cap * sizeof *queue);
	for (unsigned i = 0; i < s->q_len; i++)
		queue[i] = s->queue[(s->q_head + i) % s->q_cap];
	free(s->queue);
	s->queue = queue;
	s->q_head = 0;
	s->q_cap = cap;
}

/* Queues f (a reference is taken). A session that cannot keep up is closed
 * rather than allowed to grow: its memory stays bounded and nobody else
 * waits for it. Returns 0 or -1 when the session was closed. */
static int enqueue(struct ws_session *s, struct frame *f)
{
	size_t limit = (size_t)srv.cfg.ws_send_queue_kib * 1024;

	if (s->close_code)
		return -1;
	if (s->q_len == s->q_cap)
		queue_grow(s);
	if (s->q_len == s->q_cap || s->q_bytes + f->len > limit) {
		LOG(LOG_WARN, "session %llu is not reading: closing it",
		    (unsigned long long)s->id);
		queue_clear(s);
		stats.closed_slow++;
		s->close_code = LWS_CLOSE_STATUS_POLICY_VIOLATION;
		/* A client that does not read never makes us writable:
		 * close from the timeout machinery instead. */
		lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK,
				LWS_TO_KILL_ASYNC);
		return -1;
	}
	s->queue[(s->q_head + s->q_len) % s->q_cap] = frame_ref(f);
	s->q_len++;
	s->q_bytes += f->len;
	wake(s);
	return 0;
}

static void send_json(struct ws_session *s, json_t *msg)
{
	struct frame *f = frame_from_json(msg);

	json_decref(msg);
	if (!f) {
		LOG(LOG_ERROR, "a message could not be serialised");
		return;
	}
	enqueue(s, f);
	frame_unref(f);
}

/* A request of s is answered: one fewer in flight, which may resume reading. */
static void answered(struct ws_session *s)
{
	if (s->in_flight)
		s->in_flight--;
	update_flow(s);
}

void ws_session_reply(uint64_t session_id, json_t *reply)
{
	struct ws_session *s = idmap_get(&sessions, session_id);

	if (!s) {
		json_decref(reply); /* the session closed meanwhile */
		return;
	}
	send_json(s, reply);
	answered(s);
}

void ws_session_reply_frame(uint64_t session_id, struct frame *f)
{
	struct ws_session *s = idmap_get(&sessions, session_id);

	if (s) {
		enqueue(s, f);
		answered(s);
	}
	frame_unref(f);
}

int ws_session_push(uint64_t session_id, struct frame *f)
{
	struct ws_session *s = idmap_get(&sessions, session_id);

	return s ? enqueue(s, f) : -1;
}

void ws_session_push_each(uint64_t session_id, void *frame)
{
	ws_session_push(session_id, frame);
}

/* Records a bad message; true when this one is over the limit. */
static bool note_bad(struct ws_session *s)
{
	static int64_t bad_epoch_ms;
	int64_t now = timefmt_mono_ms();
	uint32_t tenths, oldest;

	if (!bad_epoch_ms)
		bad_epoch_ms = now;
	tenths = (uint32_t)((now - bad_epoch_ms) / 100) + 1;
	/* bad_at holds the last BAD_LIMIT times; the slot about to be
	 * overwritten is the oldest of them. */
	oldest = s->bad_at[s->bad_next];
	s->bad_at[s->bad_next] = tenths;
	s->bad_next = (s->bad_next + 1) % BAD_LIMIT;
	return oldest && (int64_t)(tenths - oldest) * 100 < BAD_WINDOW_MS;
}

/* Answers an unusable message. Returns -1 when the session must close. */
static int refuse(struct ws_session *s, json_t *rid, enum proto_error code,
		  const char *why)
{
	if (note_bad(s)) {
		unsigned char reason[] = "too many bad messages";

		stats.closed_bad++;
		LOG(LOG_NOTICE, "session %llu closed: %s",
		    (unsigned long long)s->id, (char *)reason);
		lws_close_reason(s->wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION,
				 reason, sizeof reason - 1);
		return -1;
	}
	send_json(s, proto_error_reply(rid, code, why, NULL));
	return 0;
}

static bool over_rate(struct ws_session *s)
{
	int64_t now = timefmt_mono_ms();

	if (now - s->rate_window_ms >= 1000) {
		s->rate_window_ms = now;
		s->rate_count = 0;
	}
	return ++s->rate_count > RATE_LIMIT_PER_SECOND;
}

static int handle_message(struct ws_session *s, const char *text, size_t len)
{
	struct proto_request req;
	struct proto_decode_error err;
	const struct op_def *op;
	enum proto_error code;
	char why[192];
	int rc = 0;

	if (!s->owner) /* reading is paused until then; never serve before */
		return 0;
	if (s->rx_binary)
		return refuse(s, NULL, ERR_BAD_REQUEST,
			      "binary frames are not accepted: send JSON text");
	if (proto_decode(text, len, &req, &err)) {
		rc = refuse(s, err.rid, err.code, err.message);
		goto out;
	}
	if (over_rate(s)) {
		send_json(s, proto_error_reply(
				     req.rid, ERR_RATE_LIMITED,
				     "more than 200 requests a second", NULL));
		goto out;
	}
	op = dispatch_find(server_ops, server_ops_count, req.op);
	if (!op) {
		snprintf(why, sizeof why, "unknown op \"%.60s\"", req.op);
		rc = refuse(s, req.rid, ERR_BAD_REQUEST, why);
		goto out;
	}
	if (dispatch_check(op, s->caller.role, req.root, &code, why,
			   sizeof why)) {
		if (code == ERR_BAD_REQUEST)
			rc = refuse(s, req.rid, code, why);
		else
			send_json(s,
				  proto_error_reply(req.rid, code, why, NULL));
		goto out;
	}
	{
		struct op_call call = {s->caller, req.rid, req.root};

		stats.requests++;
		s->in_flight++;
		op->handler(&call);
	}
out:
	proto_request_free(&req);
	if (rc == 0)
		update_flow(s);
	return rc;
}

static void heard_from(struct ws_session *s)
{
	s->last_rx_ms = timefmt_mono_ms();
	s->pinged = false;
}

static void idle_check(uint64_t id, void *value, void *arg)
{
	struct ws_session *s = value;
	int64_t now = *(const int64_t *)arg;
	int64_t idle_ms = (int64_t)srv.cfg.ws_idle_timeout_s * 1000;

	(void)id;
	if (s->close_code)
		return;
	if (s->rx_paused) {
		/* Not reading (push back, or who it is is not known yet): its
		 * pongs wait in the socket, so silence proves nothing. Paused
		 * this long, though, it is not reading what we send (replies
		 * and database answers time out well before). */
		if (now - s->paused_at_ms >= 2 * idle_ms) {
			stats.closed_idle++;
			close_session(s, 1001, "not reading");
		}
		s->last_rx_ms = now;
		return;
	}
	if (now - s->last_rx_ms >= 2 * idle_ms) {
		stats.closed_idle++;
		close_session(s, 1001, "no answer to pings");
	} else if (now - s->last_rx_ms >= idle_ms && !s->pinged) {
		s->pinged = true;
		s->ping_due = true;
		lws_callback_on_writable(s->wsi);
	}
}

static void idle_sweep(struct loop_timer *t)
{
	int64_t now = timefmt_mono_ms();

	(void)t;
	idmap_foreach(&sessions, idle_check, &now);
	if (srv.stopping) {
		idle_timer_on = false;
		return;
	}
	loop_timer_schedule(&idle_timer, idle_sweep,
			    IDLE_SWEEP_MS * LWS_US_PER_MS);
}

/* Collects one message from its fragments. lws hands a message over in
 * pieces of at most the rx buffer size; anything past 64 KiB is read and
 * dropped, then answered too_large, and the connection stays usable. */
static int on_receive(struct ws_session *s, const char *in, size_t len)
{
	bool final = lws_is_final_fragment(s->wsi);
	int rc;

	heard_from(s);
	if (!s->rx_in_message) {
		s->rx_in_message = true;
		s->rx_oversize = false;
		s->rx_binary = lws_frame_is_binary(s->wsi);
		s->rx_len = 0;
		if (final) { /* the usual case: one piece, no copy */
			s->rx_in_message = false;
			if (len > PROTO_MAX_MESSAGE)
				return refuse(s, NULL, ERR_TOO_LARGE,
					      "message larger than 64 KiB");
			return handle_message(s, in, len);
		}
	}
	if (!s->rx_oversize) {
		if (s->rx_len + len > PROTO_MAX_MESSAGE) {
			s->rx_oversize = true;
			free(s->rx_buf);
			s->rx_buf = NULL;
			s->rx_cap = s->rx_len = 0;
		} else {
			if (s->rx_len + len > s->rx_cap) {
				size_t cap = s->rx_cap ? s->rx_cap * 2 : 8192;

				while (cap < s->rx_len + len)
					cap *= 2;
				s->rx_buf = xrealloc(s->rx_buf, cap);
				s->rx_cap = cap;
			}
			memcpy(s->rx_buf + s->rx_len, in, len);
			s->rx_len += len;
		}
	}
	if (!final)
		return 0;
	s->rx_in_message = false;
	if (s->rx_oversize)
		rc = refuse(s, NULL, ERR_TOO_LARGE,
			    "message larger than 64 KiB");
	else
		rc = handle_message(s, s->rx_buf, s->rx_len);
	/* Keep no big buffer around between messages. */
	free(s->rx_buf);
	s->rx_buf = NULL;
	s->rx_cap = s->rx_len = 0;
	return rc;
}

/* Put together from text kept serialised (the user's object, the fair
 * list): a storm of new sockets each sends one, and serialising it anew was
 * an eighth of the server's time then. */
static void send_hello(struct ws_session *s, const char *hello_user)
{
	char now[32];
	size_t fairs_len;
	const char *fairs = ws_session_hooks.hello_fairs(&fairs_len);
	struct strbuf b;
	struct frame *f;

	strbuf_init(&b);
	strbuf_addstr(&b, "{\"ev\":\"hello\",\"user\":");
	strbuf_addstr(&b, hello_user);
	strbuf_addstr(&b, ",\"server_time\":\"");
	strbuf_addstr(&b, timefmt_rfc3339(timefmt_now_ms(), now, sizeof now));
	strbuf_addstr(&b, "\",\"fairs\":");
	strbuf_add(&b, fairs ? fairs : "[]", fairs ? fairs_len : 2);
	strbuf_addstr(&b, "}");
	f = frame_from_text(b.data, b.len);
	strbuf_free(&b);
	enqueue(s, f);
	frame_unref(f);
}

static int on_established(struct ws_session *s, struct lws *wsi)
{
	char cookies[4096], address[CLIENT_ADDR_MAX];
	unsigned char hash[32];
	uint64_t key;

	memset(s, 0, sizeof *s);
	s->id = ++last_session_id;
	s->wsi = wsi;
	idmap_put(&sessions, s->id, s);
	stats.opened++;
	heard_from(s);
	if (!idle_timer_on) {
		idle_timer_on = true;
		loop_timer_schedule(&idle_timer, idle_sweep,
				    IDLE_SWEEP_MS * LWS_US_PER_MS);
	}
	/* The upgrade checked the cookie already; the headers are still
	 * here. Read nothing until we know who this is. */
	if (lws_hdr_copy(wsi, cookies, sizeof cookies, WSI_TOKEN_HTTP_COOKIE) <=
		    0 ||
	    ws_session_hooks.cookie_check(cookies, hash))
		return -1;
	s->rx_paused = true;
	s->paused_at_ms = timefmt_mono_ms();
	lws_rx_flow_control(wsi, 0);
	client_addr_of(wsi, srv.cfg.trusted_proxies, address, sizeof address);
	key = address_key(address);
	if (lock_set_count(&sockets_of_address, key) >=
	    (unsigned)srv.cfg.ws_max_per_address) {
		stats.closed_too_many++;
		LOG(LOG_NOTICE,
		    "session %llu from %s closed: over %d sockets "
		    "from one address",
		    (unsigned long long)s->id, address,
		    srv.cfg.ws_max_per_address);
		close_session(s, CLOSE_TOO_MANY,
			      "too many connections from this address");
		return 0;
	}
	s->address_key = key;
	lock_set_add(&sockets_of_address, &key, 1); /* key is never 0 */
	ws_session_hooks.authenticate(s->id, hash);
	return 0;
}

void ws_session_authenticated(uint64_t session_id,
			      const struct ws_identity *who, int close_code)
{
	struct ws_session *s = idmap_get(&sessions, session_id);
	struct audience_who watcher;
	uint64_t user_key;

	if (!s)
		return; /* gone while we asked */
	if (!who) {
		close_session(s, close_code,
			      close_code == 1013   ? "database unavailable"
			      : close_code == 4403 ? "password change required"
						   : "session ended");
		return;
	}
	user_key = (uint64_t)who->user_id;
	if (lock_set_count(&sockets_of_user, user_key) >=
	    (unsigned)srv.cfg.ws_max_per_user) {
		stats.closed_too_many++;
		LOG(LOG_NOTICE,
		    "session %llu of %s closed: over %d sockets of "
		    "one user",
		    (unsigned long long)s->id, who->login,
		    srv.cfg.ws_max_per_user);
		close_session(s, CLOSE_TOO_MANY,
			      "too many connections for this user");
		return;
	}
	s->user_counted = true;
	lock_set_add(&sockets_of_user, &user_key, 1); /* ids are from 1 */
	s->owner = who->owner;
	ws_session_hooks.owner_hold(s->owner);
	watcher.user_id = who->user_id;
	watcher.dealer_id = who->role == ROLE_DEALER ? who->dealer_id : 0;
	watcher.role = who->role;
	memcpy(watcher.session_hash, who->session_hash,
	       sizeof watcher.session_hash);
	audience_add(s->id, &watcher);
	s->caller.session_id = s->id;
	s->caller.user_id = who->user_id;
	s->caller.role = who->role;
	s->caller.dealer_id = who->dealer_id;
	LOG(LOG_DEBUG, "session %llu is %s", (unsigned long long)s->id,
	    who->login);
	send_hello(s, who->hello_user);
	update_flow(s); /* resumes reading */
}

void ws_session_wake(uint64_t session_id)
{
	struct ws_session *s = idmap_get(&sessions, session_id);

	if (s && !s->close_code)
		wake(s);
}

void *ws_session_owner(uint64_t session_id)
{
	struct ws_session *s = idmap_get(&sessions, session_id);

	return s ? s->owner : NULL;
}

struct room_member *ws_session_member(uint64_t session_id)
{
	struct ws_session *s = idmap_get(&sessions, session_id);

	return s ? s->member : NULL;
}

struct room_member *ws_session_set_member(uint64_t session_id,
					  struct room_member *m)
{
	struct ws_session *s = idmap_get(&sessions, session_id);
	struct room_member *old;

	if (!s)
		return m; /* gone: the caller frees the new one */
	old = s->member;
	s->member = m;
	return old;
}

/* The next frame to write: one taken earlier that did not fit a write,
 * then replies (they answer what the client is waiting for), then the
 * room's pushes. Returns NULL when there is none; sets *fell_behind (and
 * returns NULL) when the session fell behind the ring. */
static struct frame *next_frame(struct ws_session *s, bool *fell_behind)
{
	struct frame *f = NULL;

	*fell_behind = false;
	if (s->held) {
		f = s->held;
		s->held = NULL;
		return f;
	}
	if (s->q_len) {
		f = s->queue[s->q_head];
		s->q_head = (s->q_head + 1) % s->q_cap;
		s->q_len--;
		s->q_bytes -= f->len;
		return f;
	}
	if (s->member) {
		switch (ws_session_hooks.member_next(s->member, &f)) {
		case ROOM_FRAME:
			return f;
		case ROOM_FELL_BEHIND:
			*fell_behind = true;
			return NULL;
		case ROOM_NOTHING:
			break;
		}
	}
	return NULL;
}

/* Asks for another WRITEABLE only while something is left: new pushes wake
 * the session themselves, and at 10,000 members an empty WRITEABLE per frame
 * sent doubled the callbacks of a fan-out. */
static void write_more_later(struct ws_session *s)
{
	if (s->held || s->q_len || s->close_code ||
	    (s->member && ws_session_hooks.member_pending(s->member)))
		lws_callback_on_writable(s->wsi);
}

static void count_sent(const struct frame *f)
{
	stats.frames_sent++;
	stats.bytes_sent += f->len;
}

/* Writes f (taking its reference) and the frames waiting after it, as many
 * as fit WRITE_BATCH_MAX, with one send(). A fan-out of several updates a
 * second had cost one send() per update and member, and the kernel's send
 * was most of the server's time (BENCHMARKS.md). The frames carry their
 * headers (frame_wire), so several go end to end as one raw write; lws
 * keeps what the socket does not take and writes it before the next
 * WRITEABLE. A frame after a fell-behind stops the batch; the next
 * WRITEABLE closes. Returns 0, or -1 when the connection failed. */
#define WRITE_BATCH_MAX 16384
static int write_frames(struct ws_session *s, struct frame *f)
{
	static unsigned char batch[LWS_PRE + WRITE_BATCH_MAX];
	size_t len, used = 0;
	unsigned char *wire = frame_wire(f, &len);
	bool fell_behind;

	if (len > WRITE_BATCH_MAX) {
		/* too big to share a write: straight from the frame */
		int n = lws_write(s->wsi, wire, len, LWS_WRITE_RAW);

		count_sent(f);
		frame_unref(f);
		stats.writes++;
		return n < (int)len ? -1 : 0;
	}
	while (f) {
		wire = frame_wire(f, &len);
		if (used + len > WRITE_BATCH_MAX) {
			s->held = f;
			break;
		}
		memcpy(batch + LWS_PRE + used, wire, len);
		used += len;
		count_sent(f);
		frame_unref(f);
		f = next_frame(s, &fell_behind);
	}
	stats.writes++;
	return lws_write(s->wsi, batch + LWS_PRE, used, LWS_WRITE_RAW) <
			       (int)used
		       ? -1
		       : 0;
}

/* Writes f, the frame due (NULL: nothing to write), and those after it.
 * Returns 0, or -1 when the connection failed. */
static int write_due(struct ws_session *s, struct frame *f)
{
	if (!f)
		return 0;
	if (write_frames(s, f))
		return -1;
	write_more_later(s);
	update_flow(s);
	return 0;
}

static int on_writeable(struct ws_session *s)
{
	struct frame *f;
	bool fell_behind;

	if (s->close_code && ((!s->q_len && !s->held) || s->close_now)) {
		const char *why = s->close_reason ? s->close_reason : "";

		lws_close_reason(s->wsi, (enum lws_close_status)s->close_code,
				 (unsigned char *)(uintptr_t)why, strlen(why));
		return -1;
	}
	if (s->ping_due) {
		/* with a payload: lws 4.1 drops an empty pong before the
		 * RECEIVE_PONG callback */
		unsigned char ping[LWS_PRE + 4] = {0};

		s->ping_due = false;
		memcpy(ping + LWS_PRE, "fair", 4);
		if (lws_write(s->wsi, ping + LWS_PRE, 4, LWS_WRITE_PING) < 4)
			return -1;
		write_more_later(s);
		return 0;
	}
	f = next_frame(s, &fell_behind);
	if (fell_behind) {
		unsigned char why[] = "fell behind: join again with since";

		stats.closed_slow++;
		lws_close_reason(s->wsi, 4409, why, sizeof why - 1);
		return -1;
	}
	return write_due(s, f);
}

/* Writes the sessions woken since the loop last turned, at most
 * WOKEN_TURN_MAX of them, straight away instead of through lws's WRITEABLE:
 * that round trip (epoll_ctl to ask, epoll_wait and the socket's poll to
 * hear, epoll_ctl to stop asking) was a quarter of the server's time in a
 * fan-out (perf, BENCHMARKS.md). A write the socket does not take whole is
 * kept by lws, which then asks for WRITEABLE itself, and a session with
 * such a remainder, a ping or a close due goes through WRITEABLE as before.
 * Returns true when sessions are left for the next turn. */
#define WOKEN_TURN_MAX 2048
bool ws_sessions_write_woken(void)
{
	size_t turn = woken.n < WOKEN_TURN_MAX ? woken.n : WOKEN_TURN_MAX;

	if (!turn)
		return false;
	for (size_t i = 0; i < turn; i++) {
		struct ws_session *s = idmap_get(&sessions, woken.ids[i]);
		struct frame *f;
		bool fell_behind;

		if (!s)
			continue; /* closed since */
		s->woken = false;
		if (s->close_code || s->ping_due ||
		    lws_partial_buffered(s->wsi)) {
			lws_callback_on_writable(s->wsi);
			continue;
		}
		f = next_frame(s, &fell_behind);
		if (fell_behind) {
			/* closed with 4409 once the socket takes it */
			lws_callback_on_writable(s->wsi);
		} else if (write_due(s, f)) {
			/* the connection failed: lws closes it */
			lws_set_timeout(s->wsi, PENDING_TIMEOUT_USER_OK,
					LWS_TO_KILL_ASYNC);
		}
	}
	woken.n -= turn;
	memmove(woken.ids, woken.ids + turn, woken.n * sizeof *woken.ids);
	return woken.n > 0;
}

static void on_closed(struct ws_session *s)
{
	if (!s->id)
		return; /* never established */
	idmap_remove(&sessions, s->id);
	audience_remove(s->id);
	if (s->user_counted) {
		uint64_t user_key = (uint64_t)s->caller.user_id;

		lock_set_remove(&sockets_of_user, &user_key, 1);
	}
	if (s->address_key)
		lock_set_remove(&sockets_of_address, &s->address_key, 1);
	ws_session_hooks.member_free(s->member);
	queue_clear(s);
	free(s->queue);
	free(s->rx_buf);
	if (s->owner)
		ws_session_hooks.owner_release(s->owner);
	LOG(LOG_DEBUG, "session %llu closed", (unsigned long long)s->id);
	s->id = 0;
}

int ws_session_lws_callback(struct lws *wsi, enum lws_callback_reasons reason,
			    void *user, void *in, size_t len)
{
	struct ws_session *s = user;

	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		return on_established(s, wsi);
	case LWS_CALLBACK_RECEIVE:
		return on_receive(s, in, len);
	case LWS_CALLBACK_RECEIVE_PONG:
		heard_from(s);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return on_writeable(s);
	case LWS_CALLBACK_CLOSED:
		on_closed(s);
		return 0;
	default:
		return 0;
	}
}

struct close_all {
	int code;
	const char *reason;
};

/* Shutdown: send what is queued, then close. */
static void close_one(uint64_t id, void *value, void *arg)
{
	struct ws_session *s = value;
	const struct close_all *all = arg;

	(void)id;
	if (!s->close_code) {
		s->close_code = all->code;
		s->close_reason = all->reason;
	}
	lws_callback_on_writable(s->wsi);
}

void ws_sessions_close_all(int code, const char *reason)
{
	struct close_all all = {code, reason};

	LOG(LOG_INFO, "closing %zu sessions: %s", sessions.count, reason);
	idmap_foreach(&sessions, close_one, &all);
}

int ws_session_close(uint64_t session_id, int code, const char *reason)
{
	struct ws_session *s = idmap_get(&sessions, session_id);

	if (!s)
		return -1;
	close_session(s, code, reason);
	return 0;
}

void ws_sessions_free(void)
{
	idmap_free(&sessions);
	audience_free();
	lock_set_free(&sockets_of_user);
	lock_set_free(&sockets_of_address);
	free(woken.ids);
	woken.ids = NULL;
	woken.n = woken.cap = 0;
}
