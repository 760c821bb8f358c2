/* rawfd.c - readiness of adopted descriptors (see rawfd.h). */
#include "base/rawfd.h"

#include <unistd.h>

#include "base/log.h"

int rawfd_adopt(struct lws_vhost *vh, int fd, struct rawfd *w)
{
	lws_sock_file_fd_type desc;

	desc.filefd = fd;
	w->in_writable = w->write_again = false;
	w->wsi = lws_adopt_descriptor_vhost(vh, LWS_ADOPT_RAW_FILE_DESC, desc,
					    RAWFD_PROTOCOL_NAME, NULL);
	if (!w->wsi) {
		LOG(LOG_ERROR, "lws could not adopt descriptor %d", fd);
		close(fd);
		return -1;
	}
	lws_set_opaque_user_data(w->wsi, w);
	return 0;
}

void rawfd_want_write(struct rawfd *w)
{
	if (!w->wsi)
		return;
	if (w->in_writable)
		w->write_again = true; /* lws would clear it on return */
	else
		lws_callback_on_writable(w->wsi);
}

static void rawfd_rearm(struct loop_timer *t)
{
	struct rawfd *w = lws_container_of(t, struct rawfd, rearm);

	if (w->wsi)
		lws_callback_on_writable(w->wsi);
}

void rawfd_release(struct rawfd *w)
{
	loop_timer_cancel(&w->rearm);
	w->in_writable = w->write_again = false;
	if (!w->wsi)
		return;
	lws_set_opaque_user_data(w->wsi, NULL);
	lws_set_timeout(w->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
	w->wsi = NULL;
}

int rawfd_lws_callback(struct lws *wsi, enum lws_callback_reasons reason,
		       void *user, void *in, size_t len)
{
	struct rawfd *w = lws_get_opaque_user_data(wsi);

	(void)user;
	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE:
		if (!w)
			return -1; /* released: let lws close it */
		return w->on_event(w, RAWFD_READABLE);
	case LWS_CALLBACK_RAW_WRITEABLE_FILE: {
		int rc;

		if (!w)
			return -1;
		w->in_writable = true;
		rc = w->on_event(w, RAWFD_WRITABLE);
		/* the owner may have released it meanwhile */
		if (lws_get_opaque_user_data(wsi) != w)
			return rc;
		w->in_writable = false;
		if (w->write_again && !rc) {
			w->write_again = false;
			loop_timer_schedule(&w->rearm, rawfd_rearm, 0);
		}
		return rc;
	}
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		if (w) {
			lws_set_opaque_user_data(wsi, NULL);
			w->wsi = NULL;
			w->on_event(w, RAWFD_CLOSED);
		}
		return 0;
	default:
		return 0;
	}
}
