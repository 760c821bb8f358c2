/* timefmt.c - clocks and RFC 3339 formatting/parsing. */
#include "base/timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t timefmt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t timefmt_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *timefmt_rfc3339(int64_t epoch_ms, char *buf, size_t size)
{
	int64_t ms = epoch_ms % 1000;
	time_t secs = (time_t)(epoch_ms / 1000);
	struct tm tm;

	if (ms < 0) {
		ms += 1000;
		secs--;
	}
	gmtime_r(&secs, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)ms);
	return buf;
}

/* Reads exactly n digits; returns the value or -1. */
static int read_digits(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 ? 28 + leap : days[month - 1];
}

/* Days from 1970-01-01 to the civil date (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int timefmt_parse_rfc3339(const char *text, int64_t *epoch_ms)
{
	const char *p = text;
	int year, mon, day, hour, min, sec, ms = 0, offset_min = 0;

	if ((year = read_digits(&p, 4)) < 0 || *p++ != '-' ||
	    (mon = read_digits(&p, 2)) < 0 || *p++ != '-' ||
	    (day = read_digits(&p, 2)) < 0 || (*p != 'T' && *p != 't'))
		return -1;
	p++;
	if ((hour = read_digits(&p, 2)) < 0 || *p++ != ':' ||
	    (min = read_digits(&p, 2)) < 0 || *p++ != ':' ||
	    (sec = read_digits(&p, 2)) < 0)
		return -1;
	if (*p == '.') {
		int scale = 100, digits = 0;

		p++;
		while (isdigit((unsigned char)*p)) {
			ms += (*p - '0') * scale;
			scale /= 10;
			p++;
			digits++;
		}
		if (!digits || digits > 9)
			return -1;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;

		if ((oh = read_digits(&p, 2)) < 0 || *p++ != ':' ||
		    (om = read_digits(&p, 2)) < 0 || oh > 23 || om > 59)
			return -1;
		offset_min = sign * (oh * 60 + om);
	} else {
		return -1;
	}
	if (*p || mon < 1 || mon > 12 || day < 1 ||
	    day > days_in_month(year, mon) || hour > 23 || min > 59 || sec > 59)
		return -1;
	*epoch_ms = ((days_from_civil(year, mon, day) * 86400 + hour * 3600 +
		      min * 60 + sec - (int64_t)offset_min * 60) *
		     1000) +
		    ms;
	return 0;
}
