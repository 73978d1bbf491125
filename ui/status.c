/*
 * status.c - the status line above the key bar: what the last key did, or why it could not
 * (ui->status, drawn by draw.c). Main thread only.
 */
#include "ui_internal.h"

#include <stdarg.h>
#include <stdio.h>

void status_say(struct ui *u, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->status, sizeof(u->status), fmt, ap);
    va_end(ap);
}

void status_clear(struct ui *u)
{
    u->status[0] = '\0';
}
