/*
 * textesc.c - escaping untrusted text for display (see textesc.h). Pure; fuzzed.
 */
#include "textesc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (2..4), or 0. Rejects overlong forms, surrogates,
 * code points above U+10FFFF and the C1 controls U+0080..U+009F. */
static size_t utf8_len(const unsigned char *p, size_t left)
{
    uint32_t cp;
    size_t n;

    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        n = 2, cp = p[0] & 0x1f;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        n = 3, cp = p[0] & 0x0f;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        n = 4, cp = p[0] & 0x07;
    else
        return 0;
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0)
        return 0;
    return n;
}

size_t text_escape(const char *in, size_t in_len, char *out, size_t out_len)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t o = 0;

    if (!out_len)
        return 0;
    for (size_t i = 0; i < in_len;) {
        char esc[8];
        const char *piece = esc;
        size_t n;

        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
            esc[0] = (char)p[i];
            n = 1;
            i++;
        } else if (p[i] == '\\') {
            piece = "\\\\";
            n = 2;
            i++;
        } else if (p[i] == 0x1b) {
            piece = "\\e";
            n = 2;
            i++;
        } else if (p[i] >= 0x80 && (n = utf8_len(p + i, in_len - i)) > 0) {
            piece = in + i;
            i += n;
        } else {
            snprintf(esc, sizeof(esc), "\\x%02x", p[i]);
            n = 4;
            i++;
        }
        if (o + n >= out_len)
            break;
        memcpy(out + o, piece, n);
        o += n;
    }
    out[o] = '\0';
    return o;
}
