/* media_convert.c - libgd decoding and JPEG encoding of the stored sizes
 * (see media_convert.h). */
#include "media/media_convert.h"

#include <errno.h>
#include <gd.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/media_key.h"
#include "media/media_run.h"

/* libgd reports decoder trouble through a callback: keep the last line. */
static char gd_last_error[256];

static void gd_error_keep(int priority, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void gd_error_keep(int priority, const char *fmt, va_list ap)
{
	size_t len;

	(void)priority;
	vsnprintf(gd_last_error, sizeof gd_last_error, fmt, ap);
	len = strlen(gd_last_error);
	while (len && gd_last_error[len - 1] == '\n')
		gd_last_error[--len] = '\0';
}

static int write_file(const char *path, const void *data, size_t len, char *err,
		      size_t errlen)
{
	char tmp[4200];
	FILE *f;
	int ok;

	if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >=
	    (int)sizeof tmp) {
		snprintf(err, errlen, "path too long: %s", path);
		return -1;
	}
	f = fopen(tmp, "wb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	ok = fwrite(data, 1, len, f) == len;
	ok = !fclose(f) && ok;
	if (!ok || rename(tmp, path)) {
		snprintf(err, errlen, "writing %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The box filter's contributions of source samples [first, first + count)
 * to one destination sample, as fractions of a source sample. */
struct span {
	int first;
	int count;
	float *w;
};

/* For each of m destination samples over n source samples. Returns an
 * array of m spans (weights in one block at spans[0].w), or NULL. */
static struct span *spans_for(int n, int m)
{
	double step = (double)n / m;
	int per = (int)ceil(step) + 2;
	struct span *sp = calloc((size_t)m, sizeof *sp);
	float *w = calloc((size_t)m * (size_t)per, sizeof *w);

	if (!sp || !w) {
		free(sp);
		free(w);
		return NULL;
	}
	for (int d = 0; d < m; d++) {
		double a = d * step, b = (d + 1) * step, sum = 0;
		int s0 = (int)floor(a), s1 = (int)ceil(b);

		if (s1 > n)
			s1 = n;
		if (s1 - s0 > per)
			s1 = s0 + per;
		sp[d].first = s0;
		sp[d].count = s1 - s0;
		sp[d].w = w + (size_t)d * (size_t)per;
		for (int s = s0; s < s1; s++) {
			double lo = s > a ? s : a, hi = s + 1 < b ? s + 1 : b;

			sp[d].w[s - s0] = (float)(hi - lo);
			sum += hi - lo;
		}
		for (int k = 0; k < sp[d].count && sum > 0; k++)
			sp[d].w[k] = (float)(sp[d].w[k] / sum);
	}
	return sp;
}

static void spans_free(struct span *sp)
{
	if (sp)
		free(sp[0].w);
	free(sp);
}

/* Resamples the true-colour src to dw x dh into dst at (ox, oy) with an
 * area-averaging box filter (every source pixel counts, so shrinking a
 * large picture does not alias), flattening alpha onto white. libgd's
 * gdImageCopyResampled does the same at a fraction of the speed. */
static int box_resample(gdImagePtr src, gdImagePtr dst, int ox, int oy, int dw,
			int dh)
{
	int sw = gdImageSX(src), sh = gdImageSY(src);
	struct span *xs = spans_for(sw, dw), *ys = spans_for(sh, dh);
	float *row = calloc((size_t)dw * 3, sizeof *row);
	float *acc = calloc((size_t)dw * 3, sizeof *acc);
	int rc = -1;

	if (!xs || !ys || !row || !acc)
		goto out;
	for (int dy = 0; dy < dh; dy++) {
		memset(acc, 0, (size_t)dw * 3 * sizeof *acc);
		for (int k = 0; k < ys[dy].count; k++) {
			const int *line = src->tpixels[ys[dy].first + k];
			float wy = ys[dy].w[k];

			for (int dx = 0; dx < dw; dx++) {
				float r = 0, g = 0, b = 0;

				for (int j = 0; j < xs[dx].count; j++) {
					int px = line[xs[dx].first + j];
					int a = gdTrueColorGetAlpha(px);
					float wx = xs[dx].w[j];
					float pr = (float)gdTrueColorGetRed(px);
					float pg =
						(float)gdTrueColorGetGreen(px);
					float pb =
						(float)gdTrueColorGetBlue(px);

					if (a) { /* 0 opaque ... 127 clear */
						float o = (127 - a) / 127.0f;

						pr = pr * o + 255 * (1 - o);
						pg = pg * o + 255 * (1 - o);
						pb = pb * o + 255 * (1 - o);
					}
					r += wx * pr;
					g += wx * pg;
					b += wx * pb;
				}
				row[3 * dx] = r;
				row[3 * dx + 1] = g;
				row[3 * dx + 2] = b;
			}
			for (int i = 0; i < dw * 3; i++)
				acc[i] += wy * row[i];
		}
		for (int dx = 0; dx < dw; dx++)
			dst->tpixels[oy + dy][ox + dx] =
				gdTrueColor((int)(acc[3 * dx] + 0.5f),
					    (int)(acc[3 * dx + 1] + 0.5f),
					    (int)(acc[3 * dx + 2] + 0.5f));
	}
	rc = 0;
out:
	spans_free(xs);
	spans_free(ys);
	free(row);
	free(acc);
	return rc;
}

/* src (true colour) fitted into w x h on white, aspect kept. */
static gdImagePtr fitted(gdImagePtr src, int w, int h)
{
	gdImagePtr dst = gdImageCreateTrueColor(w, h);
	int sw = gdImageSX(src), sh = gdImageSY(src), dw, dh;

	if (!dst)
		return NULL;
	gdImageFilledRectangle(dst, 0, 0, w - 1, h - 1,
			       gdTrueColor(255, 255, 255));
	/* scale = min(w / sw, h / sh), in integers */
	if ((long long)w * sh <= (long long)h * sw) {
		dw = w;
		dh = (int)(((long long)sh * w + sw / 2) / sw);
	} else {
		dh = h;
		dw = (int)(((long long)sw * h + sh / 2) / sh);
	}
	if (dw < 1)
		dw = 1;
	if (dh < 1)
		dh = 1;
	if (box_resample(src, dst, (w - dw) / 2, (h - dh) / 2, dw, dh)) {
		gdImageDestroy(dst);
		return NULL;
	}
	return dst;
}

int media_convert_write_sizes(struct gdImageStruct *src, const char *prefix,
			      char *err, size_t errlen)
{
	gdImagePtr bigger = src;
	int rc = 0;

	if (!gdImageTrueColor(src)) {
		snprintf(err, errlen, "internal: a palette image to resize");
		return -1;
	}
	if (media_mkdirs(prefix)) {
		snprintf(err, errlen, "creating the folders of %s: %s", prefix,
			 strerror(errno));
		return -1;
	}
	/* Largest first; each smaller size is made from the one before, which
	 * is both faster and sharper than shrinking a huge original thrice. */
	for (int i = MEDIA_SIZE_COUNT - 1; i >= 0 && !rc; i--) {
		const struct media_size *s = &media_sizes[i];
		/* a picture drawn at exactly this size is used as it is */
		gdImagePtr im = gdImageSX(bigger) == s->width &&
						gdImageSY(bigger) == s->height
					? bigger
					: fitted(bigger, s->width, s->height);
		char path[4200];
		void *jpeg;
		int size = 0;

		if (!im) {
			snprintf(err, errlen,
				 "out of memory for a %d x %d "
				 "image",
				 s->width, s->height);
			rc = -1;
			break;
		}
		/* baseline JPEG: progressive costs a third more time for
		 * files this small */
		jpeg = gdImageJpegPtr(im, &size, MEDIA_JPEG_QUALITY);
		if (!jpeg) {
			snprintf(err, errlen, "JPEG encoding failed");
			rc = -1;
		} else {
			if (snprintf(path, sizeof path, "%s-%s.jpg", prefix,
				     s->name) >= (int)sizeof path) {
				snprintf(err, errlen, "path too long: %s",
					 prefix);
				rc = -1;
			} else {
				rc = write_file(path, jpeg, (size_t)size, err,
						errlen);
			}
			gdFree(jpeg);
		}
		if (bigger != src && bigger != im)
			gdImageDestroy(bigger);
		bigger = im;
	}
	if (bigger != src)
		gdImageDestroy(bigger);
	return rc;
}

int media_convert_bytes(unsigned char *data, size_t len, const char *prefix,
			char *err, size_t errlen)
{
	struct media_info info;
	gdImagePtr im = NULL;
	int rc;

	if (media_check(data, len, &info, err, errlen))
		return -1;
	gd_last_error[0] = '\0';
	gdSetErrorMethod(gd_error_keep);
	switch (info.format) {
	case MEDIA_JPEG:
		im = gdImageCreateFromJpegPtr((int)len, data);
		break;
	case MEDIA_PNG:
		im = gdImageCreateFromPngPtr((int)len, data);
		break;
	case MEDIA_WEBP:
		im = gdImageCreateFromWebpPtr((int)len, data);
		break;
	case MEDIA_UNKNOWN:
		break;
	}
	if (!im) {
		snprintf(err, errlen, "the %s image could not be decoded%s%s",
			 media_format_name(info.format),
			 gd_last_error[0] ? ": " : "", gd_last_error);
		return -1;
	}
	if ((uint32_t)gdImageSX(im) != info.width ||
	    (uint32_t)gdImageSY(im) != info.height) {
		snprintf(err, errlen,
			 "the %s image decodes to %d x %d pixels but its "
			 "header says %u x %u",
			 media_format_name(info.format), gdImageSX(im),
			 gdImageSY(im), info.width, info.height);
		gdImageDestroy(im);
		return -1;
	}
	if (!gdImageTrueColor(im) && !gdImagePaletteToTrueColor(im)) {
		snprintf(err, errlen, "out of memory converting the palette");
		gdImageDestroy(im);
		return -1;
	}
	rc = media_convert_write_sizes(im, prefix, err, errlen);
	gdImageDestroy(im);
	return rc;
}
