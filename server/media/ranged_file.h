/* ranged_file.h - a media file answered whole or in the byte range the
 * client asked for: the replays (replay.c) and the product clips
 * (clip_http.c) are served this way, so a player can seek. */
#ifndef FAIR_RANGED_FILE_H
#define FAIR_RANGED_FILE_H

#include <stdint.h>

/* Answers HTTP request id with the regular file at path (opened without
 * following a link; NULL: there is none): 200 with the whole file, 206
 * with the one range the Range header range asks for (NULL or "": none;
 * read by byte_range_parse) and its Content-Range, 416 with
 * "bytes * /size" for a range past the end. ctype and cache_control
 * (static text) are the file's; a missing or irregular file is answered
 * 404 not_found with missing (a sentence for a person). */
void ranged_file_answer(uint64_t id, const char *path, const char *range,
			const char *ctype, const char *cache_control,
			const char *missing);

#endif
