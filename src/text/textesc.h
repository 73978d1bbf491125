/*
 * textesc.h - makes text that came from the network (PTR names, TXT records) safe to show:
 * control bytes, escape sequences, C1 controls and invalid UTF-8 become visible escapes.
 */
#ifndef HOPWATCH_TEXTESC_H
#define HOPWATCH_TEXTESC_H

#include <stddef.h>

/* Escapes in[0..in_len) into out (always NUL-terminated, cut at a whole escape when short).
 * Printable ASCII and valid UTF-8 stay as they are; '\\' becomes "\\\\", ESC "\\e", other
 * control bytes, DEL, C1 controls and bytes of invalid UTF-8 "\\xNN". Returns strlen(out). */
size_t text_escape(const char *in, size_t in_len, char *out, size_t out_len);

#endif
