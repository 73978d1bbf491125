/* stats.c - the classifier's measured accuracy and decisiveness: every scenario at 100, 400
 * and 2000 probes, many seeded runs each, through the real diagnosis (sim.h). Prints, per
 * scenario and probe count, the share of runs in which every verdict and the onset were right
 * (no wrong statement: a verdict may be unknown, or ok when its interval holds a loss too
 * small to see; the onset may be not yet placed, or placed between two hops that hold it) and
 * in brackets the share decided (every verdict the true one and the onset placed); then the
 * median probes to a decision (of the 2000-probe runs: the probes after which the run stayed
 * decided), the sequential bound (sim_bound) and their ratio.
 *
 *   stats [--runs N] [--seed S] [--probes P] [--only TEXT] [--check PCT] [--markdown]
 *         [--verbose] [--undecided]
 *   stats --flips ROUNDS [--runs N] [--only TEXT] [--check PCT]
 * --flips: how steady the live view is: play ROUNDS rounds and count, after the first tenth,
 * the changes of each hop's published verdict; the share of runs in which no hop changed
 * more than once (--check: exit 1 below PCT%).
 * --check: exit 1 unless every family is right in at least PCT% of its runs at each count.
 * --markdown: the table as tests/stats/README.md shows it. --verbose prints the wrong runs,
 * --undecided the right but undecided ones; with SIM_DEBUG=1 in the environment, each such
 * run's tests too, and --flips prints every change it counts. */
#include "sim.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define L(...)                                                                                     \
    {                                                                                              \
        0, __VA_ARGS__                                                                             \
    }

static const struct scenario scenarios[] = {
    {.family = "clean", .name = "clean path, 8 hops", .hops = 8, .interval_s = 1},
    {.family = "clean", .name = "clean path, 3 hops, -i 0.05", .hops = 3, .interval_s = 0.05},
    {.family = "link loss",
     .name = "1% into hop 3",
     .hops = 8,
     .interval_s = 1,
     .link_loss = L(0, 0, 0.01)},
    {.family = "link loss",
     .name = "2% into hop 3",
     .hops = 8,
     .interval_s = 1,
     .link_loss = L(0, 0, 0.02)},
    {.family = "link loss",
     .name = "5% into hop 3",
     .hops = 8,
     .interval_s = 1,
     .link_loss = L(0, 0, 0.05)},
    {.family = "link loss",
     .name = "8% into hop 3",
     .hops = 8,
     .interval_s = 1,
     .link_loss = L(0, 0, 0.08)},
    {.family = "link loss",
     .name = "15% into hop 3",
     .hops = 8,
     .interval_s = 1,
     .link_loss = L(0, 0, 0.15)},
    {.family = "link loss",
     .name = "8% into hop 1",
     .hops = 8,
     .interval_s = 1,
     .link_loss = L(0.08)},
    {.family = "link loss",
     .name = "8% into hop 7 of 8",
     .hops = 8,
     .interval_s = 1,
     .link_loss = L(0, 0, 0, 0, 0, 0, 0.08)},
    {.family = "link loss",
     .name = "5% into hop 3, both ways",
     .hops = 8,
     .interval_s = 1,
     .link_loss = L(0, 0, 0.05),
     .return_loss = true},
    {.family = "rate limit",
     .name = "hop 2 at 1/s (burst 6), -i 1",
     .hops = 8,
     .interval_s = 1,
     .limit_hop = 2,
     .limit_per_s = 1,
     .limit_burst = 6},
    {.family = "rate limit",
     .name = "hop 2 at 1/s (burst 6), -i 0.5",
     .hops = 8,
     .interval_s = 0.5,
     .limit_hop = 2,
     .limit_per_s = 1,
     .limit_burst = 6},
    {.family = "rate limit",
     .name = "hop 2 at 1/s (burst 6), -i 0.2",
     .hops = 8,
     .interval_s = 0.2,
     .limit_hop = 2,
     .limit_per_s = 1,
     .limit_burst = 6},
    {.family = "rate limit",
     .name = "hop 2 at 1/s (burst 6), -i 0.05",
     .hops = 8,
     .interval_s = 0.05,
     .limit_hop = 2,
     .limit_per_s = 1,
     .limit_burst = 6},
    {.family = "rate limit",
     .name = "hop 4 at 10/s (burst 6), -i 0.05",
     .hops = 8,
     .interval_s = 0.05,
     .limit_hop = 4,
     .limit_per_s = 10,
     .limit_burst = 6},
    {.family = "rate limit",
     .name = "hop 4 at 4/s (burst 6), -i 0.2",
     .hops = 8,
     .interval_s = 0.2,
     .limit_hop = 4,
     .limit_per_s = 4,
     .limit_burst = 6},
    {.family = "limit + loss after",
     .name = "hop 2 at 1/s, 8% into hop 5, -i 0.2",
     .hops = 8,
     .interval_s = 0.2,
     .limit_hop = 2,
     .limit_per_s = 1,
     .limit_burst = 6,
     .link_loss = L(0, 0, 0, 0, 0.08)},
    {.family = "limit + loss after",
     .name = "hop 2 at 1/s, 15% into hop 3, -i 0.5",
     .hops = 8,
     .interval_s = 0.5,
     .limit_hop = 2,
     .limit_per_s = 1,
     .limit_burst = 6,
     .link_loss = L(0, 0, 0.15)},
    {.family = "loss + limit after",
     .name = "8% into hop 2, hop 4 at 1/s, -i 0.2",
     .hops = 8,
     .interval_s = 0.2,
     .limit_hop = 4,
     .limit_per_s = 1,
     .limit_burst = 6,
     .link_loss = L(0, 0.08)},
    {.family = "loss + limit after",
     .name = "5% into hop 2, hop 6 at 4/s, -i 0.1",
     .hops = 8,
     .interval_s = 0.1,
     .limit_hop = 6,
     .limit_per_s = 4,
     .limit_burst = 6,
     .link_loss = L(0, 0.05)},
    {.family = "destination",
     .name = "destination loses 5%",
     .hops = 8,
     .interval_s = 1,
     .dest_loss = 0.05},
    {.family = "destination",
     .name = "destination loses 20%",
     .hops = 8,
     .interval_s = 1,
     .dest_loss = 0.20},
    {.family = "bursts",
     .name = "outages from hop 4: 10 of every 100 rounds",
     .hops = 8,
     .interval_s = 1,
     .outage_hop = 4,
     .outage_every = 100,
     .outage_len = 10},
    {.family = "bursts",
     .name = "outages from hop 4: 3 of every 50 rounds",
     .hops = 8,
     .interval_s = 1,
     .outage_hop = 4,
     .outage_every = 50,
     .outage_len = 3},
    {.family = "link loss",
     .name = "3% into hop 3",
     .hops = 8,
     .interval_s = 1,
     .link_loss = L(0, 0, 0.03)},
    {.family = "link loss",
     .name = "3% into hop 7 of 8 (the last router)",
     .hops = 8,
     .interval_s = 1,
     .link_loss = L(0, 0, 0, 0, 0, 0, 0.03)},
    {.family = "loss + limit after",
     .name = "3% into hop 2, hop 4 at 1/s, -i 0.2",
     .hops = 8,
     .interval_s = 0.2,
     .limit_hop = 4,
     .limit_per_s = 1,
     .limit_burst = 6,
     .link_loss = L(0, 0.03)},
    {.family = "two limits, loss between",
     .name = "hops 2 and 6 at 1/s, 5% into hop 4, -i 0.2",
     .hops = 8,
     .interval_s = 0.2,
     .limit_hop = 2,
     .limit_hop2 = 6,
     .limit_per_s = 1,
     .limit_burst = 6,
     .link_loss = L(0, 0, 0, 0.05)},
    {.family = "two limits, loss between",
     .name = "hops 2 and 6 at 1/s, 3% into hop 4, -i 0.5",
     .hops = 8,
     .interval_s = 0.5,
     .limit_hop = 2,
     .limit_hop2 = 6,
     .limit_per_s = 1,
     .limit_burst = 6,
     .link_loss = L(0, 0, 0, 0.03)},
    {.family = "bursts",
     .name = "Gilbert-Elliott into hop 4: 2% in bursts of 4",
     .hops = 8,
     .interval_s = 1,
     .burst_hop = 4,
     .burst_start = 0.02 / 0.98 / 4,
     .burst_rounds = 4},
    {.family = "bursts",
     .name = "Gilbert-Elliott into hop 4: 5% in bursts of 4",
     .hops = 8,
     .interval_s = 1,
     .burst_hop = 4,
     .burst_start = 0.05 / 0.95 / 4,
     .burst_rounds = 4},
    {.family = "bursts",
     .name = "Gilbert-Elliott into hop 4: 3% in bursts of 2",
     .hops = 8,
     .interval_s = 1,
     .burst_hop = 4,
     .burst_start = 0.03 / 0.97 / 2,
     .burst_rounds = 2},
    /* make run's path (tests/lab/lab.py demo), -i 0.1: hop 2 at 1/s; bursts into hop 4 that a
     * packet starts with 0.25% and that last 1.5 s (3 packets a round cross that link). */
    {.family = "demo",
     .name = "make run: hop 2 at 1/s, bursts into hop 4, -i 0.1",
     .hops = 6,
     .interval_s = 0.1,
     .limit_hop = 2,
     .limit_per_s = 1,
     .limit_burst = 6,
     .burst_hop = 4,
     .burst_start = 0.0075,
     .burst_rounds = 15,
     .burst_fixed = true},
    {.family = "two responders",
     .name = "hop 3: one of two ECMP routers at 1/s, -i 0.1",
     .hops = 8,
     .interval_s = 0.1,
     .limit_hop = 3,
     .limit_per_s = 1,
     .limit_burst = 6,
     .limit_one_of_two = true},
};
#define NSCEN (sizeof(scenarios) / sizeof(scenarios[0]))
#define NFAM 16

struct tally {
    long runs, right, decided;
    long hop_wrong[SIM_MAX_HOPS + 1];
    int *at; /* per run: probes to a decision, INT_MAX when none */
};

static bool verbose, undecided, markdown;

/* --verbose: what a wrong run said, in one line. */
static void show(const struct scenario *sc, const struct sim_result *r)
{
    static const char letter[] = "UORFD";
    char got[SIM_MAX_HOPS + 1];

    for (int h = 1; h <= sc->hops; h++)
        got[h - 1] = letter[r->got[h]];
    got[sc->hops] = '\0';
    printf("    %s: %s onset %d\n", r->right ? "undecided" : "wrong", got, r->onset);
}

static void run_cell(const struct scenario *sc, int si, int probes, long runs, uint64_t seed,
                     struct tally *t)
{
    int *at = t->at;

    memset(t, 0, sizeof(*t));
    t->at = at;
    for (long i = 0; i < runs; i++) {
        struct sim_result r;
        uint64_t s = seed ^ ((uint64_t)si << 48) ^ ((uint64_t)probes << 32) ^ (uint64_t)i;
        sim_run(sc, probes, s, &r);
        if ((verbose && !r.right) || (undecided && r.right && !r.decided))
            show(sc, &r);
        t->runs++;
        t->right += r.right;
        t->decided += r.decided;
        t->at[i] = r.decided_at ? r.decided_at : INT_MAX;
        for (int h = 1; h <= sc->hops; h++)
            t->hop_wrong[h] += r.hop_wrong[h];
    }
}

static int counts[] = {100, 400, 2000}; /* --probes P other than these replaces the first */

/* The table's cells, filled by worker threads (the machine's cores), printed in order. */
struct cell {
    int si, c;
    struct tally t;
};
static struct cell cells[3 * 64];
static int ncells;
static atomic_int next_cell;
static long cell_runs;
static uint64_t cell_seed;

static void *worker(void *arg)
{
    int i;

    (void)arg;
    while ((i = atomic_fetch_add(&next_cell, 1)) < ncells)
        run_cell(&scenarios[cells[i].si], cells[i].si, counts[cells[i].c], cell_runs, cell_seed,
                 &cells[i].t);
    return NULL;
}

/* --flips: the share of runs in which no hop's verdict changed more than once after the
 * first tenth of the rounds (10 minutes at -i 0.1 is 6000 rounds, the first minute 600). */
static int flips(int rounds, long runs, uint64_t seed, const char *filter, double check)
{
    int failed = 0;

    printf("%-26s %-50s %6s %12s %s\n", "family", "scenario", "rounds", "at most 1", "most");
    for (size_t si = 0; si < NSCEN; si++) {
        const struct scenario *sc = &scenarios[si];
        long steady = 0;
        int most = 0;
        if (filter && !strstr(sc->name, filter))
            continue;
        for (long i = 0; i < runs; i++) {
            int f = sim_flips(sc, rounds, rounds / 10, seed ^ ((uint64_t)si << 48) ^ (uint64_t)i);
            steady += f <= 1;
            most = f > most ? f : most;
        }
        printf("%-26s %-50s %6d %11.2f%% %d\n", sc->family, sc->name, rounds, 100.0 * steady / runs,
               most);
        fflush(stdout);
        failed += check >= 0 && 100.0 * steady / runs < check;
    }
    return failed ? 1 : 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The median probes to a decision of a cell's runs, INT_MAX when half of them did not decide. */
static int median_at(const struct tally *t)
{
    qsort(t->at, (size_t)t->runs, sizeof(int), cmp_int);
    return t->runs ? t->at[(t->runs - 1) / 2] : INT_MAX;
}

/* One scenario's row: right and decided at each count, the median probes to a decision (of the
 * runs of the largest count) and the bound. */
static void print_row(const struct scenario *sc, struct cell **row, int n)
{
    char med[32] = "-", ratio[32] = "-";
    double bound = sim_bound(sc);
    const char *sep = markdown ? " | " : " ";

    printf(markdown ? "| %s | %s" : "%-26s %-50s", sc->family, sc->name);
    for (int c = 0; c < n; c++)
        printf(markdown ? " | %.2f%% (%.2f%%)" : " %7.2f%% %7.2f%%",
               100.0 * row[c]->t.right / row[c]->t.runs,
               100.0 * row[c]->t.decided / row[c]->t.runs);
    if (n) {
        int m = median_at(&row[n - 1]->t);
        if (m != INT_MAX) {
            snprintf(med, sizeof(med), "%d", m);
            snprintf(ratio, sizeof(ratio), "%.2f", m / bound);
        } else {
            snprintf(med, sizeof(med), ">%d", counts[row[n - 1]->c]);
        }
    }
    printf(markdown ? "%s%s%s%.0f%s%s |\n" : "%s%7s%s%7.0f%s%6s\n", sep, med, sep, bound, sep,
           ratio);
    fflush(stdout);
}

static void print_header(void)
{
    if (markdown) {
        printf("| family | scenario |");
        for (int c = 0; c < 3; c++)
            printf(" %d: right (decided) |", counts[c]);
        printf(" median to decide | bound | ratio |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
        return;
    }
    printf("%-26s %-50s", "family", "scenario");
    for (int c = 0; c < 3; c++)
        printf(" %7d: right decided", counts[c]);
    printf(" %7s %7s %6s\n", "median", "bound", "ratio");
}

/* Per family: the share right at each count; with check, how many fall below it. */
static int by_family(double check)
{
    const char *fam[NFAM] = {0};
    long runs[NFAM][3] = {{0}}, right[NFAM][3] = {{0}};
    int nfam = 0, failed = 0;

    for (int ci = 0; ci < ncells; ci++) {
        const struct scenario *sc = &scenarios[cells[ci].si];
        int f = 0;
        while (f < nfam && strcmp(fam[f], sc->family))
            f++;
        if (f == nfam && nfam < NFAM)
            fam[nfam++] = sc->family;
        runs[f][cells[ci].c] += cells[ci].t.runs;
        right[f][cells[ci].c] += cells[ci].t.right;
    }
    printf("\nby family (right, %ld runs a scenario):\n", cell_runs);
    for (int f = 0; f < nfam; f++) {
        printf("  %-26s", fam[f]);
        for (int c = 0; c < 3; c++) {
            double pct;
            if (!runs[f][c])
                continue;
            pct = 100.0 * right[f][c] / runs[f][c];
            printf("  %4d probes %7.2f%%", counts[c], pct);
            failed += check >= 0 && pct < check;
        }
        printf("\n");
    }
    if (check >= 0)
        printf("%d families below %.1f%%\n", failed, check);
    return failed;
}

int main(int argc, char **argv)
{
    long runs = 4000;
    uint64_t seed = 20261129;
    int only = 0;
    double check = -1;
    const char *filter = NULL;
    int flip_rounds = 0;

    for (int i = 1; i < argc; i++) {
        verbose |= !strcmp(argv[i], "--verbose");
        undecided |= !strcmp(argv[i], "--undecided");
        markdown |= !strcmp(argv[i], "--markdown");
    }
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--runs"))
            runs = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed"))
            seed = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--probes"))
            only = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--check"))
            check = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--only"))
            filter = argv[i + 1];
        else if (!strcmp(argv[i], "--flips"))
            flip_rounds = atoi(argv[i + 1]);
    }
    if (runs < 1)
        runs = 1;
    if (flip_rounds)
        return flips(flip_rounds, runs, seed, filter, check);
    if (only && only != counts[1] && only != counts[2])
        counts[0] = only;
    for (size_t si = 0; si < NSCEN; si++) {
        for (int c = 0; c < 3; c++) {
            if ((!only || counts[c] == only) && (!filter || strstr(scenarios[si].name, filter))) {
                cells[ncells] = (struct cell){.si = (int)si, .c = c};
                cells[ncells++].t.at = malloc((size_t)runs * sizeof(int));
            }
        }
    }
    cell_runs = runs;
    cell_seed = seed;
    {
        pthread_t th[2];
        int nth = verbose || undecided ? 1 : 2; /* they print from the workers: one, in order */
        for (int i = 0; i < nth; i++)
            pthread_create(&th[i], NULL, worker, NULL);
        for (int i = 0; i < nth; i++)
            pthread_join(th[i], NULL);
    }
    print_header();
    for (int ci = 0; ci < ncells;) {
        struct cell *row[3];
        int n = 0;
        while (ci + n < ncells && cells[ci + n].si == cells[ci].si && n < 3) {
            row[n] = &cells[ci + n];
            n++;
        }
        print_row(&scenarios[cells[ci].si], row, n);
        ci += n;
    }
    {
        int failed = by_family(check);
        for (int ci = 0; ci < ncells; ci++)
            free(cells[ci].t.at);
        return failed ? 1 : 0;
    }
}
