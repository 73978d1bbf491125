/*
 * zfile.c - zstd files as stdio streams (see zfile.h).
 */
#include "zfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define ZFILE_LEVEL 6 /* a recording is written for hours, read rarely: a fair ratio, cheap */

struct zcookie {
    FILE *raw;
    ZSTD_CCtx *c;
    unsigned char obuf[1 << 16];
};

/* Compresses in (all of it) with `how`, handing the output to the file. */
static int put(struct zcookie *z, ZSTD_inBuffer *in, ZSTD_EndDirective how)
{
    size_t left;

    do {
        ZSTD_outBuffer o = {z->obuf, sizeof(z->obuf), 0};
        left = ZSTD_compressStream2(z->c, &o, in, how);
        if (ZSTD_isError(left) || fwrite(z->obuf, 1, o.pos, z->raw) != o.pos) {
            errno = ZSTD_isError(left) ? EIO : errno;
            return -1;
        }
    } while (left > 0 || in->pos < in->size);
    return fflush(z->raw) == 0 ? 0 : -1;
}

static ssize_t z_write(void *cookie, const char *buf, size_t n)
{
    ZSTD_inBuffer in = {buf, n, 0};
    return put(cookie, &in, ZSTD_e_flush) == 0 ? (ssize_t)n : -1;
}

static int z_close(void *cookie)
{
    struct zcookie *z = cookie;
    ZSTD_inBuffer none = {NULL, 0, 0};
    int r = put(z, &none, ZSTD_e_end);

    if (fclose(z->raw) != 0)
        r = -1;
    ZSTD_freeCCtx(z->c);
    free(z);
    return r;
}

bool zfile_wants_zstd(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, ".zst") == 0;
}

FILE *zfile_create(const char *path, bool compress)
{
    cookie_io_functions_t io = {.write = z_write, .close = z_close};
    struct zcookie *z;
    FILE *raw = fopen(path, "w"), *f;

    if (!raw || !compress)
        return raw;
    if (!(z = calloc(1, sizeof(*z))) || !(z->c = ZSTD_createCCtx())) {
        free(z);
        fclose(raw);
        errno = ENOMEM;
        return NULL;
    }
    z->raw = raw;
    ZSTD_CCtx_setParameter(z->c, ZSTD_c_compressionLevel, ZFILE_LEVEL);
    /* A small window and tables: a recorder that runs for days keeps a fixed, small footprint
     * (the level's defaults grow resident memory by megabytes as they fill), and lines a few
     * hundred bytes long find their likes within 64 KiB as well. */
    ZSTD_CCtx_setParameter(z->c, ZSTD_c_windowLog, 16);
    ZSTD_CCtx_setParameter(z->c, ZSTD_c_hashLog, 15);
    ZSTD_CCtx_setParameter(z->c, ZSTD_c_chainLog, 15);
    if (!(f = fopencookie(z, "w", io)))
        z_close(z);
    return f;
}
