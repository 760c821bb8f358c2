/* ctl.h - fairctl, the admin command: what its subcommands share.
 *
 * fairctl is a plain blocking command-line program (no event loop): each
 * subcommand gets the context below, parses its own options and returns an
 * exit code: CTL_OK, CTL_FAILED (with a message already printed to stderr)
 * or CTL_USAGE (bad command line). Subcommands that touch the database call
 * ctl_db_open, which applies the sql/ migrations first. */
#ifndef FAIR_CTL_H
#define FAIR_CTL_H

enum { CTL_OK = 0, CTL_FAILED = 1, CTL_USAGE = 2 };

struct ctl_context {
	const char *database_url; /* --database, FAIR_DATABASE_URL, config */
	const char *media_root;   /* where product images are written */
	const char *self;         /* this executable, for media-convert */
	const char *command;      /* "user create", for messages */
	long clip_max_mb;         /* clip_max_mb, clip_max_s of the config */
	long clip_max_s;
	const char *video_origins; /* video_origins of the config */
};

/* Prints "fairctl: <command>: <message>" to stderr; returns CTL_FAILED. */
int ctl_fail(const struct ctl_context *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints the message and a pointer to --help; returns CTL_USAGE. */
int ctl_usage(const struct ctl_context *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints the help of the command named by ctx->command (or of everything)
 * to stdout; returns CTL_OK. */
int ctl_help(const struct ctl_context *ctx);

/* The subcommands (argv[0] is the subcommand's last word). */
int ctl_user_create(const struct ctl_context *ctx, int argc, char **argv);
int ctl_user_reset_password(const struct ctl_context *ctx, int argc,
			    char **argv);
int ctl_user_disable(const struct ctl_context *ctx, int argc, char **argv);
int ctl_user_enable(const struct ctl_context *ctx, int argc, char **argv);
int ctl_dealer_create(const struct ctl_context *ctx, int argc, char **argv);
int ctl_stream(const struct ctl_context *ctx, int argc, char **argv);
int ctl_warehouse(const struct ctl_context *ctx, int argc, char **argv);
int ctl_mint_sessions(const struct ctl_context *ctx, int argc, char **argv);
int ctl_import(const struct ctl_context *ctx, int argc, char **argv);
int ctl_demo(const struct ctl_context *ctx, int argc, char **argv);
int ctl_media_convert(const struct ctl_context *ctx, int argc, char **argv);
int ctl_webhook_add(const struct ctl_context *ctx, int argc, char **argv);
int ctl_webhook_list(const struct ctl_context *ctx, int argc, char **argv);
int ctl_webhook_remove(const struct ctl_context *ctx, int argc, char **argv);
int ctl_erp_export(const struct ctl_context *ctx, int argc, char **argv);

#endif
