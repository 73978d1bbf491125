/*
 * hook.c - --on-event's runner (see hook.h).
 *
 * Threads: the sinks (the prober thread, the UI's resets) queue under `lock`; the runner thread
 * starts, watches and reaps the commands, also under `lock` (posix_spawn does not wait on the
 * child), and sleeps on `wake` between. Each target's queue is a ring of HOOK_QUEUE lines.
 */
#include "hook.h"
#include "text/jsonw.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct job {
    char json[HOOK_JSON_MAX];
    char phase[8], kind[32];
};

struct hook {
    struct hooks *h;
    struct event_log *log;
    char name[256], addr[64];
    struct job queue[HOOK_QUEUE];
    int head, count;
    pid_t pid; /* running, 0 none */
    struct timespec deadline;
    char what[64]; /* "loss-burst start", for the log */
};

struct hooks {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    char *cmd;
    double timeout_s;
    FILE *log;
    bool stopping, draining;
    struct timespec drain_deadline;
    struct hook **t;
    int n, cap;
    struct hooks_counts counts;
};

static void say(struct hooks *h, const struct hook *k, const char *what)
{
    if (!h->log)
        return;
    fprintf(h->log, "hopwatch: --on-event for %s (%s): %s\n", k->name, k->what, what);
    fflush(h->log);
}

static double secs_left(const struct timespec *deadline)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(deadline->tv_sec - now.tv_sec) + (deadline->tv_nsec - now.tv_nsec) / 1e9;
}

static struct timespec after(double secs)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += (time_t)secs;
    t.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

/* ---- the sink: a copy queued ------------------------------------------------------------- */

static void sink(void *ctx, const struct event *ev, bool start)
{
    struct hook *k = ctx;
    struct hooks *h = k->h;
    struct job *j;
    FILE *f;

    pthread_mutex_lock(&h->lock);
    if (h->stopping || k->count == HOOK_QUEUE) {
        h->counts.dropped++;
        pthread_mutex_unlock(&h->lock);
        return;
    }
    j = &k->queue[(k->head + k->count) % HOOK_QUEUE];
    snprintf(j->phase, sizeof(j->phase), "%s", start ? "start" : "end");
    snprintf(j->kind, sizeof(j->kind), "%s", event_kind_name(ev->kind));
    if ((f = fmemopen(j->json, sizeof(j->json) - 1, "w"))) {
        struct jsonw w;
        jsonw_init(&w, f);
        jsonw_object(&w);
        jsonw_kstring(&w, "phase", j->phase);
        jsonw_kstring(&w, "target", k->name);
        jsonw_kstring(&w, "addr", k->addr);
        jsonw_key(&w, "event");
        events_json(&w, ev);
        jsonw_end_object(&w);
        fputc('\n', f);
        fclose(f); /* fmemopen writes the terminating NUL */
        k->count++;
        pthread_cond_signal(&h->wake);
    } else {
        h->counts.dropped++;
    }
    pthread_mutex_unlock(&h->lock);
}

/* ---- the runner ---------------------------------------------------------------------------- */

/* The command's environment: ours and the three variables. NULL when out of memory. */
static char **environment(const struct hook *k, const struct job *j, char vars[3][320])
{
    size_t n = 0;
    char **env;

    while (environ[n])
        n++;
    if (!(env = calloc(n + 4, sizeof(*env))))
        return NULL;
    snprintf(vars[0], 320, "HOPWATCH_EVENT_PHASE=%s", j->phase);
    snprintf(vars[1], 320, "HOPWATCH_EVENT_KIND=%s", j->kind);
    snprintf(vars[2], 320, "HOPWATCH_TARGET=%s", k->name);
    for (size_t i = 0; i < 3; i++)
        env[i] = vars[i];
    memcpy(env + 3, environ, n * sizeof(*env));
    return env;
}

/* Starts `sh -c CMD` in a process group of its own with fd as its standard input. */
static int spawn(struct hooks *h, const struct hook *k, const struct job *j, int fd, pid_t *pid)
{
    static char sh[] = "sh", dash_c[] = "-c";
    char *argv[] = {sh, dash_c, h->cmd, NULL}, vars[3][320];
    char **env = environment(k, j, vars);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, dflt;
    int r;

    if (!env)
        return ENOMEM;
    sigemptyset(&none);
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGPIPE); /* ignored here, as it should be there */
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (!h->log)
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    else
        posix_spawn_file_actions_adddup2(&fa, fileno(h->log), 2);
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dflt);
    r = posix_spawn(pid, "/bin/sh", &fa, &at, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    free(env);
    return r;
}

/* The next queued event of k, its command started with the JSON on a pipe. */
static void start_next(struct hooks *h, struct hook *k)
{
    struct job *j = &k->queue[k->head];
    int p[2], r;
    char why[300];

    k->head = (k->head + 1) % HOOK_QUEUE;
    k->count--;
    snprintf(k->what, sizeof(k->what), "%s %s", j->kind, j->phase);
    if (pipe2(p, O_CLOEXEC) < 0) {
        r = errno;
    } else {
        r = spawn(h, k, j, p[0], &k->pid);
        close(p[0]);
        if (r == 0) { /* short JSON into an empty pipe; the command need not read it */
            ssize_t w = write(p[1], j->json, strlen(j->json));
            (void)w;
        }
        close(p[1]);
    }
    if (r != 0) {
        k->pid = 0;
        h->counts.failed++;
        snprintf(why, sizeof(why), "could not start /bin/sh: %s", strerror(r));
        say(h, k, why);
        return;
    }
    h->counts.started++;
    k->deadline = after(h->timeout_s);
}

/* What became of k's command: still running, ended (counted, failures said), or killed. */
static void reap(struct hooks *h, struct hook *k, bool kill_now)
{
    int st;
    pid_t r = waitpid(k->pid, &st, WNOHANG);
    char why[80];

    if (r == 0 && !kill_now && secs_left(&k->deadline) > 0)
        return;
    if (r == 0) { /* its time is up: the whole group goes */
        kill(-k->pid, SIGKILL);
        waitpid(k->pid, &st, 0);
        h->counts.timed_out++;
        snprintf(why, sizeof(why), "killed after %.1f s", h->timeout_s);
        say(h, k, why);
    } else if (r < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        h->counts.failed++;
        if (r > 0 && WIFSIGNALED(st))
            snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(st));
        else
            snprintf(why, sizeof(why), "exited %d", r > 0 ? WEXITSTATUS(st) : -1);
        say(h, k, why);
    } else {
        h->counts.ok++;
    }
    k->pid = 0;
}

/* One pass: every target's command watched, the next started where none runs. Returns
 * whether anything runs or waits. */
static bool pass(struct hooks *h)
{
    bool busy = false, late = h->draining && secs_left(&h->drain_deadline) <= 0;

    for (int i = 0; i < h->n; i++) {
        struct hook *k = h->t[i];
        if (k->pid)
            reap(h, k, late);
        if (late && k->count) {
            h->counts.dropped += (uint64_t)k->count;
            k->count = 0;
        }
        if (!k->pid && k->count)
            start_next(h, k);
        busy |= k->pid || k->count;
    }
    return busy;
}

static void *run(void *arg)
{
    struct hooks *h = arg;

    pthread_mutex_lock(&h->lock);
    for (;;) {
        bool busy = pass(h);
        struct timespec t;
        if (h->draining && !busy)
            break;
        if (!busy) { /* nothing runs: asleep until an event or the stop */
            pthread_cond_wait(&h->wake, &h->lock);
            continue;
        }
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += 20 * 1000 * 1000; /* children are watched every 20 ms */
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&h->wake, &h->lock, &t);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* ---- life ------------------------------------------------------------------------------------ */

struct hooks *hooks_start(const char *cmd, double timeout_s, FILE *log, char *err, size_t err_len)
{
    struct hooks *h = calloc(1, sizeof(*h));

    if (!h || !(h->cmd = strdup(cmd))) {
        free(h);
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    h->timeout_s = timeout_s;
    h->log = log;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->wake, NULL);
    if (pthread_create(&h->thread, NULL, run, h) != 0) {
        snprintf(err, err_len, "--on-event: cannot start its thread");
        pthread_mutex_destroy(&h->lock);
        pthread_cond_destroy(&h->wake);
        free(h->cmd);
        free(h);
        return NULL;
    }
    return h;
}

bool hooks_attach(struct hooks *h, const char *name, const char *addr, struct event_log *log)
{
    struct hook *k = calloc(1, sizeof(*k));
    bool ok = k != NULL;

    pthread_mutex_lock(&h->lock);
    if (ok && h->n == h->cap) {
        int cap = h->cap ? 2 * h->cap : 8;
        struct hook **t = realloc(h->t, (size_t)cap * sizeof(*t));
        ok = t != NULL;
        if (ok)
            h->t = t, h->cap = cap;
    }
    if (ok) {
        k->h = h;
        k->log = log;
        snprintf(k->name, sizeof(k->name), "%s", name);
        snprintf(k->addr, sizeof(k->addr), "%s", addr);
        h->t[h->n++] = k;
    }
    pthread_mutex_unlock(&h->lock);
    if (ok && !events_add_sink(log, sink, k)) {
        pthread_mutex_lock(&h->lock);
        h->n--;
        pthread_mutex_unlock(&h->lock);
        ok = false;
    }
    if (!ok)
        free(k);
    return ok;
}

void hooks_stop(struct hooks *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    if (h->stopping) {
        pthread_mutex_unlock(&h->lock);
        return;
    }
    h->stopping = h->draining = true;
    h->drain_deadline = after(h->timeout_s);
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->thread, NULL);
}

void hooks_detach(struct hooks *h, struct event_log *log)
{
    struct hook *k = NULL;

    if (!h || !log)
        return;
    pthread_mutex_lock(&h->lock);
    for (int i = 0; i < h->n && !k; i++)
        if (h->t[i]->log == log)
            k = h->t[i];
    pthread_mutex_unlock(&h->lock);
    if (k)
        events_remove_sink(log, sink, k);
    pthread_mutex_lock(&h->lock);
    if (k)
        k->log = NULL; /* the hook itself stays until hooks_free: the runner may be using it */
    pthread_mutex_unlock(&h->lock);
}

void hooks_counts(struct hooks *h, struct hooks_counts *out)
{
    pthread_mutex_lock(&h->lock);
    *out = h->counts;
    pthread_mutex_unlock(&h->lock);
}

void hooks_free(struct hooks *h)
{
    if (!h)
        return;
    hooks_stop(h);
    for (int i = 0; i < h->n; i++) {
        if (h->t[i]->log)
            events_remove_sink(h->t[i]->log, sink, h->t[i]);
        free(h->t[i]);
    }
    free(h->t);
    free(h->cmd);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->wake);
    free(h);
}
