/*
 * hook.h - --on-event CMD: CMD run (sh -c) whenever an event of a target starts or ends, the
 * event's JSON on its standard input.
 *
 * One runner thread for the whole run. An event's sink only queues a copy (bounded: at most
 * HOOK_QUEUE waiting a target; more are counted as dropped), so probing and the screen never
 * wait on a command. At most one command runs at a time a target, in its own process group,
 * killed (the group) after the timeout. Its standard output is discarded; its standard error
 * and what became of it (an exit status other than 0, a signal, the timeout, a failed start)
 * go to the log, if there is one. Every run is counted.
 *
 * Standard input: {"phase":"start"|"end","target":NAME,"addr":ADDR,"event":{...}} and a
 * newline; the environment adds HOPWATCH_EVENT_PHASE, HOPWATCH_EVENT_KIND and HOPWATCH_TARGET.
 */
#ifndef HOPWATCH_HOOK_H
#define HOPWATCH_HOOK_H

#include "path/events.h"

#include <stdint.h>
#include <stdio.h>

#define HOOK_QUEUE 8
#define HOOK_JSON_MAX 2048

struct hooks;

struct hooks_counts {
    uint64_t started, ok, failed, timed_out, dropped;
};

/* log: where failures and the commands' standard error go (NULL: nowhere). NULL with err set
 * when the thread cannot start. */
struct hooks *hooks_start(const char *cmd, double timeout_s, FILE *log, char *err, size_t err_len);
/* The target's events go to the command from now on. False: out of memory, or no room for
 * another sink on the log. */
bool hooks_attach(struct hooks *h, const char *name, const char *addr, struct event_log *log);
/* The target whose events go to `log` is removed: its events go to the command no more (what
 * is queued still runs). */
void hooks_detach(struct hooks *h, struct event_log *log);
/* Takes no more events; lets what is queued and running finish within one more timeout, then
 * kills what still runs; joins the thread. The counts stay readable until hooks_free. */
void hooks_stop(struct hooks *h);
void hooks_counts(struct hooks *h, struct hooks_counts *out);
void hooks_free(struct hooks *h);

#endif
