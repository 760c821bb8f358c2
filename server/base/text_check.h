/* text_check.h - which characters may stand in text people type: the one
 * rule of the protocol's strings (rpc/dispatch.c) and of an import's text
 * columns (tools/fairctl/import_item.c), so that neither path lets in what
 * the other refuses. */
#ifndef FAIR_TEXT_CHECK_H
#define FAIR_TEXT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The first character of the UTF-8 text s (bytes long, already valid) that
 * may not stand in it, or 0:
 * - C0 controls, DEL and C1 controls (U+0080..U+009F); a multiline text may
 *   hold tab, line feed and carriage return;
 * - the invisible characters that disguise text: zero-width space, word
 *   joiner, byte-order mark, and the bidirectional marks, embeddings,
 *   overrides and isolates that make "exe.txt" read as "txt.exe" (zero-width
 *   joiners stay: emoji and several scripts need them);
 * - in a one-line text, the line and paragraph separators U+2028, U+2029.
 * NUL is answered as U+2400, its picture, so 0 always means none. */
uint32_t text_forbidden_char(const char *s, size_t bytes, bool multiline);

#endif
