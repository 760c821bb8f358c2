/* ctl_main.c - fairctl: the command line, its help, and dispatch.
 *
 *   fairctl [--database URL] [--config FILE] [--media-root DIR] COMMAND ...
 *
 * The global options may appear anywhere before a "--". The database comes
 * from --database, else FAIR_DATABASE_URL, else database_url of --config,
 * else libpq's defaults; the media root from --media-root, else
 * FAIR_MEDIA_ROOT, else media_root of --config, else media/ of the source
 * tree (as the server does). Exit codes: 0 done, 1 failed (the reason is on
 * stderr), 2 bad command line. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/config.h"
#include "base/log.h"
#include "fairctl/ctl.h"

#ifndef FAIR_SOURCE_DIR
#define FAIR_SOURCE_DIR "."
#endif
#ifndef FAIR_VERSION
#define FAIR_VERSION "0.1.0"
#endif

static const char overview[] =
	"fairctl - the admin command of the fair server\n"
	"\n"
	"usage: fairctl [--database URL] [--config FILE] [--media-root DIR] "
	"COMMAND [ARGS]\n"
	"       fairctl COMMAND --help     (help on one command)\n"
	"\n"
	"Every command that uses the database first applies the sql/ "
	"migrations,\n"
	"as the server does at start-up.\n"
	"\n"
	"Global options (anywhere on the line, before a \"--\"):\n"
	"  --database URL    PostgreSQL connection string or postgresql:// "
	"URL\n"
	"                    (default: FAIR_DATABASE_URL, else database_url "
	"of\n"
	"                    --config, else libpq's PG* defaults)\n"
	"  --config FILE     the server's JSON configuration file (for\n"
	"                    database_url and media_root)\n"
	"  --media-root DIR  where product images are written (default:\n"
	"                    FAIR_MEDIA_ROOT, else media_root of --config, "
	"else\n"
	"                    media/ of the source tree)\n"
	"  --help, --version\n"
	"\n"
	"Exit codes: 0 done, 1 failed (the reason is printed), 2 bad command "
	"line.\n";

struct command {
	const char *name; /* "user create" */
	int (*fn)(const struct ctl_context *ctx, int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{"user create", ctl_user_create,
	 "fairctl user create --login LOGIN --name NAME\n"
	 "        --role dealer|rep|manager|admin [--dealer CODE]\n"
	 "        [--regions R1,R2] (--password PASSWORD | --temporary)\n"
	 "  Creates a user. A dealer user needs --dealer (the code of its "
	 "dealer);\n"
	 "  --regions limits a rep to the dealers of those regions (default: "
	 "all).\n"
	 "  --temporary makes a random password, prints it, and makes the "
	 "user\n"
	 "  change it at the first login. LOGIN: lower-case letters, digits "
	 "and\n"
	 "  _ . @ -, up to 64; a password needs at least 8 characters and "
	 "may\n"
	 "  not contain the login.\n"
	 "    fairctl user create --login shop88 --name '杭州西湖店' --role "
	 "dealer \\\n"
	 "        --dealer D088 --temporary\n"},
	{"user reset-password", ctl_user_reset_password,
	 "fairctl user reset-password LOGIN\n"
	 "  Gives the user a new temporary password (printed), to be changed "
	 "at\n"
	 "  the next login, and ends the user's sessions on every server "
	 "process.\n"},
	{"user disable", ctl_user_disable,
	 "fairctl user disable LOGIN\n"
	 "  Stops the user from logging in and ends its sessions: its open\n"
	 "  connections close on every server process.\n"},
	{"user enable", ctl_user_enable,
	 "fairctl user enable LOGIN\n"
	 "  Lets a disabled user log in again.\n"},
	{"dealer create", ctl_dealer_create,
	 "fairctl dealer create --code CODE --name NAME --region REGION "
	 "--tier A|B|C\n"
	 "        [--credit MINOR_UNITS] [--key-dealer]\n"
	 "        [--address 'RECIPIENT|PHONE|ADDRESS']...\n"
	 "  Creates a dealer (a customer company). --credit is its credit "
	 "limit in\n"
	 "  minor units (fen: 1000000000 is ¥10,000,000; default 0). The "
	 "first\n"
	 "  --address is the default ship-to address.\n"
	 "    fairctl dealer create --code D501 --name '蘇州觀前街店' "
	 "--region 華東 \\\n"
	 "        --tier B --credit 50000000 --address "
	 "'周店長|13800000000|蘇州市觀前街1號'\n"},
	{"warehouse", ctl_warehouse,
	 "fairctl warehouse [REGION WAREHOUSE]\n"
	 "  Routes the orders of dealers of REGION to WAREHOUSE (replacing "
	 "the\n"
	 "  region's warehouse); without arguments, lists the routing. The\n"
	 "  automatic review after the fair holds orders of a region without "
	 "one.\n"
	 "    fairctl warehouse 華東 上海倉\n"},
	{"stream", ctl_stream,
	 "fairctl stream FAIR [--rotate]\n"
	 "fairctl stream FAIR --playback-url URL\n"
	 "  Prints the RTMP URL (FAIR_RTMP_URL, default\n"
	 "  rtmp://127.0.0.1:1935/live) and the fair's stream key to paste "
	 "into OBS\n"
	 "  (Settings > Stream: Service Custom, Server, Stream Key). The key "
	 "is made\n"
	 "  the first time and shown only then (only its hash is kept); "
	 "--rotate\n"
	 "  makes a new one and cuts the old (a stream still using it stops "
	 "within\n"
	 "  seconds). --playback-url gives the fair a brand's own live "
	 "service\n"
	 "  instead (HLS or HTTP-FLV; \"\" clears it).\n"
	 "    fairctl stream 1\n"},
	{"webhook add", ctl_webhook_add,
	 "fairctl webhook add URL --events E1,E2 [--fair ID] [--secret S]\n"
	 "  Calls URL (http or https) with a signed JSON POST on each event:\n"
	 "  order.accepted, order.amended, order.cancelled, order.shipped,\n"
	 "  order.repriced (a discount the policies restamped), fair.closed\n"
	 "  (the totals at its close); of every fair, or of "
	 "--fair\n"
	 "  only. Prints its id and secret (16 to 200 characters; random\n"
	 "  unless --secret): the receiver checks X-Fair-Signature with it\n"
	 "  (PROTOCOL.md, Webhooks).\n"
	 "    fairctl webhook add https://erp.example.com/hook --events "
	 "order.accepted,order.cancelled\n"},
	{"webhook list", ctl_webhook_list,
	 "fairctl webhook list\n"
	 "  Lists the subscriptions with their calls pending, sent and "
	 "failed.\n"},
	{"webhook remove", ctl_webhook_remove,
	 "fairctl webhook remove ID\n"
	 "  Stops a subscription; its calls not yet sent are dropped.\n"},
	{"erp-export", ctl_erp_export,
	 "fairctl erp-export FAIR --layout u8|gjp [--output FILE]\n"
	 "  Writes the fair's standing orders (neither cancelled nor "
	 "rejected), a\n"
	 "  row per line, as CSV in the import layout of 用友U8+ (u8: "
	 "销售订单)\n"
	 "  or 管家婆 (gjp: 销售订单); the columns are in PROTOCOL.md, ERP "
	 "export.\n"
	 "    fairctl erp-export 1 --layout u8 --output orders-u8.csv\n"},
	{"mint-sessions", ctl_mint_sessions,
	 "fairctl mint-sessions [--hours H] LOGIN...\n"
	 "fairctl mint-sessions [--hours H] --prefix PREFIX --count N\n"
	 "  Creates sessions for load tests without logging in and prints "
	 "one line\n"
	 "  per login: LOGIN<TAB>COOKIE, COOKIE being the value of the\n"
	 "  fair_session cookie. --prefix dealer --count 3 means dealer001,\n"
	 "  dealer002, dealer003. Sessions last H hours (default 24, at most "
	 "720).\n"
	 "  All or nothing: an unknown or disabled login mints none.\n"},
	{"import", ctl_import,
	 "fairctl import DIR\n"
	 "  Imports a fair from DIR/fair.json, DIR/products.csv and "
	 "DIR/images/,\n"
	 "  all in one transaction: when anything is wrong every problem is "
	 "listed\n"
	 "  (as products.csv:LINE: COLUMN: reason) and nothing is imported.\n"
	 "  fair.json: {\"name\", \"season\", \"currency\" (CNY), "
	 "\"timezone\"\n"
	 "    (Asia/Shanghai), \"starts_at\", \"ends_at\" (RFC 3339)}\n"
	 "  products.csv: UTF-8, a header row, then one product per row "
	 "(RFC 4180\n"
	 "    quoting: fields with commas, quotes or line breaks in double "
	 "quotes).\n"
	 "    Columns, in any order (* required):\n"
	 "      style*        style code: letters, digits, _ . -, up to 40\n"
	 "      name*         Chinese name; name_en: English name\n"
	 "      category*     e.g. 外套; description, description_en\n"
	 "      base_price*   list price in minor units (fen): 129900 = "
	 "1299.00\n"
	 "      price         fair price in minor units (default base_price)\n"
	 "      tier_prices   per dealer tier: A:119900|B:124900\n"
	 "      sizes*        S|M|L|XL        colors*  黑色|藏青\n"
	 "      allocation*   units for the fair per variant: one number "
	 "for each\n"
	 "                    size and colour, or S:黑色=20|M:黑色=40 (others "
	 "0)\n"
	 "      moq           minimum order quantity (default 1)\n"
	 "      limit         units per dealer (default none)\n"
	 "      pack          sold in packs of this ratio: S:1|M:2|L:2|XL:1\n"
	 "      must_order    true/false (yes/no, 1/0, 是/否)\n"
	 "  images/: STYLE.jpg|png|webp for the product, STYLE-COLOUR.* for "
	 "one\n"
	 "    colour (the colour as in the CSV, or its English slug: "
	 "FW27-1001-black).\n"
	 "    JPEG, PNG or WebP, up to 10 MiB, 16 to 8000 pixels a side, 40 "
	 "megapixels;\n"
	 "    each is checked, then decoded in a separate process with "
	 "memory and\n"
	 "    time limits and stored as three JPEG sizes under the media "
	 "root.\n"
	 "  A style that already exists is updated (names, prices, images), "
	 "so a\n"
	 "  product can be offered again at a later fair.\n"},
	{"demo", ctl_demo,
	 "fairctl demo [--if-empty]\n"
	 "  Loads the demo: one brand, a live fair (started an hour ago, "
	 "three\n"
	 "  days to go) and a scheduled one, 48 products with images, 500 "
	 "dealers,\n"
	 "  and the users dealer001 ... dealer500, rep1 ... rep5, manager1,\n"
	 "  manager2 and admin, all with the password \"demo\". Only into an "
	 "empty\n"
	 "  database: with --if-empty a database that has data is left as it "
	 "is\n"
	 "  (exit 0), without it that is an error. Change the demo passwords\n"
	 "  before exposing a server: fairctl user reset-password LOGIN.\n"},
	{"media-convert", ctl_media_convert,
	 "fairctl media-convert --out PREFIX < IMAGE\n"
	 "  Used by the image pipeline, in a child process with memory and "
	 "CPU\n"
	 "  limits: checks the image on stdin (JPEG, PNG or WebP), decodes "
	 "it and\n"
	 "  writes PREFIX-thumb.jpg (160 x 200), PREFIX-card.jpg (480 x 600) "
	 "and\n"
	 "  PREFIX-full.jpg (1200 x 1500).\n"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void vreport(const struct ctl_context *ctx, const char *fmt, va_list ap)
{
	char msg[4096];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (ctx && ctx->command)
		fprintf(stderr, "fairctl: %s: %s\n", ctx->command, msg);
	else
		fprintf(stderr, "fairctl: %s\n", msg);
}

int ctl_fail(const struct ctl_context *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctx, fmt, ap);
	va_end(ap);
	return CTL_FAILED;
}

int ctl_usage(const struct ctl_context *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctx, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Run \"fairctl %s%s--help\" for usage.\n",
		ctx && ctx->command ? ctx->command : "",
		ctx && ctx->command ? " " : "");
	return CTL_USAGE;
}

int ctl_help(const struct ctl_context *ctx)
{
	size_t len = ctx && ctx->command ? strlen(ctx->command) : 0;
	int shown = 0;

	if (!len) {
		fputs(overview, stdout);
		fputs("\nCommands:\n\n", stdout);
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		/* "user" shows every user command, "user create" one */
		if (len && (strncmp(commands[i].name, ctx->command, len) ||
			    (commands[i].name[len] != '\0' &&
			     commands[i].name[len] != ' ')))
			continue;
		fputs(shown++ ? "\n" : "", stdout);
		fputs(commands[i].help, stdout);
	}
	return CTL_OK;
}

/* Takes "--name VALUE" or "--name=VALUE" out of argv (before any "--");
 * returns the value, or NULL when absent. Sets *bad on a missing value. */
static const char *take_option(int *argc, char **argv, const char *name,
			       int *bad)
{
	size_t len = strlen(name);
	const char *value = NULL;

	for (int i = 1; i < *argc; i++) {
		int used = 0;

		if (!strcmp(argv[i], "--"))
			break;
		if (!strncmp(argv[i], name, len) && argv[i][len] == '=') {
			value = argv[i] + len + 1;
			used = 1;
		} else if (!strcmp(argv[i], name)) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "fairctl: %s needs a value\n",
					name);
				*bad = 1;
				return NULL;
			}
			value = argv[i + 1];
			used = 2;
		}
		if (used) {
			memmove(argv + i, argv + i + used,
				(size_t)(*argc - i - used + 1) * sizeof *argv);
			*argc -= used;
			i--;
		}
	}
	return value;
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char self[PATH_MAX], media_default[PATH_MAX + 8];
	struct ctl_context ctx = {0};
	struct config cfg;
	const char *database, *config_file, *media_root;
	char err[512];
	char name[64];
	ssize_t n;
	int bad = 0, rc;

	log_threshold = LOG_WARN;
	database = take_option(&argc, argv, "--database", &bad);
	config_file = take_option(&argc, argv, "--config", &bad);
	media_root = take_option(&argc, argv, "--media-root", &bad);
	if (bad)
		return CTL_USAGE;
	if (argc < 2) {
		fprintf(stderr, "usage: fairctl [--database URL] COMMAND "
				"[ARGS]\n(fairctl --help describes every "
				"command)\n");
		return CTL_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		if (argc >= 3 && !strcmp(argv[1], "help")) {
			snprintf(name, sizeof name, "%s%s%s", argv[2],
				 argc >= 4 ? " " : "",
				 argc >= 4 ? argv[3] : "");
			ctx.command = name;
		}
		ctl_help(&ctx);
		return CTL_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("fairctl %s\n", FAIR_VERSION);
		return CTL_OK;
	}

	/* Which command: one word, or a group and a word ("user create"). */
	for (size_t i = 0; i < N_COMMANDS && !ctx.command; i++) {
		const char *space = strchr(commands[i].name, ' ');
		size_t glen = space ? (size_t)(space - commands[i].name) : 0;
		int words = space ? 2 : 1;

		if (space ? (strlen(argv[1]) == glen &&
			     !strncmp(argv[1], commands[i].name, glen) &&
			     argc >= 3 && !strcmp(argv[2], space + 1))
			  : !strcmp(argv[1], commands[i].name)) {
			ctx.command = commands[i].name;
			argc -= words;
			argv += words;
			if (wants_help(argc, argv))
				return ctl_help(&ctx);

			config_defaults(&cfg);
			if (config_file && config_apply_file(&cfg, config_file,
							     err, sizeof err)) {
				config_free(&cfg);
				return ctl_fail(NULL, "%s", err);
			}
			if (config_apply_env(&cfg, err, sizeof err)) {
				config_free(&cfg);
				return ctl_fail(NULL, "%s", err);
			}
			if (getenv("FAIR_LOG_LEVEL") &&
			    log_level_parse(cfg.log_level) >= 0)
				log_threshold = log_level_parse(cfg.log_level);
			ctx.database_url =
				database ? database : cfg.database_url;
			if (!media_root && cfg.media_root[0])
				media_root = cfg.media_root;
			if (!media_root) {
				snprintf(media_default, sizeof media_default,
					 "%s/media", FAIR_SOURCE_DIR);
				media_root = media_default;
			}
			ctx.media_root = media_root;
			ctx.clip_max_mb = cfg.clip_max_mb;
			ctx.clip_max_s = cfg.clip_max_s;
			ctx.video_origins = cfg.video_origins;
			n = readlink("/proc/self/exe", self, sizeof self - 1);
			if (n > 0)
				self[n] = '\0';
			else
				snprintf(self, sizeof self, "%s", argv[0]);
			ctx.self = self;
			/* getopt_long in the command starts afresh */
			optind = 0;
			rc = commands[i].fn(&ctx, argc, argv);
			config_free(&cfg);
			return rc;
		}
	}
	/* "fairctl user" alone, or "fairctl user frobnicate" */
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strncmp(commands[i].name, argv[1], strlen(argv[1])) &&
		    commands[i].name[strlen(argv[1])] == ' ') {
			ctx.command = argv[1];
			if (argc >= 3 && strcmp(argv[2], "--help") &&
			    strcmp(argv[2], "-h"))
				fprintf(stderr,
					"fairctl: %s: unknown command "
					"\"%s\"\n\n",
					argv[1], argv[2]);
			ctl_help(&ctx);
			return argc >= 3 && (!strcmp(argv[2], "--help") ||
					     !strcmp(argv[2], "-h"))
				       ? CTL_OK
				       : CTL_USAGE;
		}
	fprintf(stderr,
		"fairctl: unknown command \"%s\" (fairctl --help lists "
		"them)\n",
		argv[1]);
	return CTL_USAGE;
}
