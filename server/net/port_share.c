/* port_share.c - who already serves a port (see port_share.h). */
#include "net/port_share.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>

#define PROBE_TIMEOUT_MS 2000
#define ANSWER_MAX 4096

int port_share_instance(const unsigned char session_key[32],
			const struct config *cfg,
			char out[PORT_SHARE_INSTANCE_LEN + 1])
{
	/* The port (0 for the first of several, in tests) and the spelling
	 * of the database's URL may differ between processes of one fair:
	 * the session key already names the database. */
	struct config same = *cfg;
	char no_url[1] = "";
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return -1;
	same.port = 0;
	same.database_url = no_url;
	fputs("fairserver instance\n", f);
	config_print(&same, f);
	if (fclose(f) || !text) {
		free(text);
		return -1;
	}
	if (!HMAC(EVP_sha256(), session_key, 32, (unsigned char *)text, len,
		  mac, &mac_len) ||
	    mac_len < PORT_SHARE_INSTANCE_LEN / 2) {
		free(text);
		return -1;
	}
	free(text);
	for (int i = 0; i < PORT_SHARE_INSTANCE_LEN / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
	return 0;
}

int port_share_parse(const char *answer, char *out)
{
	static const char tag[] = "\"instance\":\"";
	const char *p = strstr(answer, tag);

	if (!p)
		return -1;
	p += sizeof tag - 1;
	for (int i = 0; i < PORT_SHARE_INSTANCE_LEN; i++) {
		bool hex = (p[i] >= '0' && p[i] <= '9') ||
			   (p[i] >= 'a' && p[i] <= 'f');

		if (!hex)
			return -1;
		out[i] = p[i];
	}
	if (p[PORT_SHARE_INSTANCE_LEN] != '"')
		return -1;
	out[PORT_SHARE_INSTANCE_LEN] = '\0';
	return 0;
}

/* A connection to address:port within PROBE_TIMEOUT_MS; -1 with errno set
 * (ECONNREFUSED: nothing listens). */
static int probe_connect(const char *address, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	struct timeval tv = {PROBE_TIMEOUT_MS / 1000,
			     PROBE_TIMEOUT_MS % 1000 * 1000};
	struct pollfd pfd;
	int fd, soerr = 0;
	socklen_t soerr_len = sizeof soerr;

	/* a server on 0.0.0.0 answers on loopback */
	if (inet_pton(AF_INET,
		      strcmp(address, "0.0.0.0") ? address : "127.0.0.1",
		      &sa.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) &&
	    errno != EINPROGRESS)
		goto fail;
	pfd = (struct pollfd){.fd = fd, .events = POLLOUT};
	if (poll(&pfd, 1, PROBE_TIMEOUT_MS) != 1) {
		errno = ETIMEDOUT;
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &soerr_len) || soerr) {
		errno = soerr ? soerr : errno;
		goto fail;
	}
	if (fcntl(fd, F_SETFL, 0) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv))
		goto fail;
	return fd;
fail:
	soerr = errno;
	close(fd);
	errno = soerr;
	return -1;
}

/* Sends the request and reads the answer until the peer closes, over TLS
 * when ssl is set. Returns the bytes read (answer NUL-terminated) or -1. */
static int probe_exchange(int fd, SSL *ssl, char *answer, size_t size)
{
	static const char request[] = "GET /healthz HTTP/1.1\r\n"
				      "Host: localhost\r\n"
				      "Connection: close\r\n\r\n";
	size_t got = 0;

	if (ssl ? SSL_write(ssl, request, sizeof request - 1) <= 0
		: write(fd, request, sizeof request - 1) !=
			    (ssize_t)(sizeof request - 1))
		return -1;
	while (got < size - 1) {
		int n = ssl ? SSL_read(ssl, answer + got, (int)(size - 1 - got))
			    : (int)read(fd, answer + got, size - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	answer[got] = '\0';
	return (int)got;
}

enum port_share_probe port_share_probe(const char *address, int port, bool tls,
				       const char *instance, char *why,
				       size_t why_size)
{
	char answer[ANSWER_MAX], theirs[PORT_SHARE_INSTANCE_LEN + 1];
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	int fd = probe_connect(address, port), got = -1;

	if (fd < 0) {
		if (errno == ECONNREFUSED)
			return PORT_FREE;
		snprintf(why, why_size,
			 "port %d on %s cannot be reached to see who serves "
			 "it: %s",
			 port, address, strerror(errno));
		return PORT_OTHER;
	}
	if (tls) {
		/* our own port: the answer is compared, the peer not trusted */
		ctx = SSL_CTX_new(TLS_client_method());
		ssl = ctx ? SSL_new(ctx) : NULL;
		if (!ssl || !SSL_set_fd(ssl, fd) || SSL_connect(ssl) != 1) {
			SSL_free(ssl);
			SSL_CTX_free(ctx);
			close(fd);
			snprintf(why, why_size,
				 "port %d on %s is served by something that "
				 "does not speak TLS as this server does",
				 port, address);
			return PORT_OTHER;
		}
	}
	got = probe_exchange(fd, ssl, answer, sizeof answer);
	if (ssl)
		SSL_shutdown(ssl);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	if (got < 0 || port_share_parse(answer, theirs)) {
		snprintf(why, why_size,
			 "port %d on %s is served by something that is not a "
			 "fairserver of this version",
			 port, address);
		return PORT_OTHER;
	}
	if (strcmp(theirs, instance)) {
		snprintf(why, why_size,
			 "port %d on %s is served by a fairserver of another "
			 "database or configuration (instance %s, ours %s)",
			 port, address, theirs, instance);
		return PORT_OTHER;
	}
	return PORT_SAME;
}
