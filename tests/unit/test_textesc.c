/* test_textesc.c - hostile strings come out as visible escapes; honest text stays as it is. */
#include "check.h"
#include "text/textesc.h"

#include <string.h>

static const char *esc(const char *s, size_t len, size_t cap)
{
    static char out[256];
    text_escape(s, len, out, cap);
    return out;
}

#define ESC(s) esc(s, sizeof(s) - 1, 256)

int main(void)
{
    CHECK(strcmp(ESC("router-1.example.net"), "router-1.example.net") == 0);
    CHECK(strcmp(ESC("\x1b[2J\x1b]0;pwned\x07"), "\\e[2J\\e]0;pwned\\x07") == 0);
    CHECK(strcmp(ESC("a\rb\nc\td\x7f"), "a\\x0db\\x0ac\\x09d\\x7f") == 0);
    CHECK(strcmp(ESC("back\\slash"), "back\\\\slash") == 0);
    CHECK(strcmp(ESC("caf\xc3\xa9.example"), "caf\xc3\xa9.example") == 0); /* é kept */
    CHECK(strcmp(ESC("\xe2\x9c\x93"), "\xe2\x9c\x93") == 0);               /* ✓ kept */
    CHECK(strcmp(ESC("\xc2\x9b"
                     "31m"),
                 "\\xc2\\x9b31m") == 0);                        /* C1 CSI */
    CHECK(strcmp(ESC("\xc0\xaf"), "\\xc0\\xaf") == 0);          /* overlong */
    CHECK(strcmp(ESC("\xed\xa0\x80"), "\\xed\\xa0\\x80") == 0); /* surrogate */
    CHECK(strcmp(ESC("\xe2\x9c"), "\\xe2\\x9c") == 0);          /* truncated */
    CHECK(strcmp(esc("a\0b", 3, 256), "a\\x00b") == 0);
    /* Short output: cut at a whole escape, always terminated. */
    CHECK(strcmp(esc("ab\x1b", 3, 4), "ab") == 0);
    CHECK(strcmp(esc("abcdef", 6, 4), "abc") == 0);
    CHECK(text_escape("x", 1, NULL, 0) == 0);
    return check_finish();
}
