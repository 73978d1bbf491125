/* test_targetlist.c - the hosts of the command line and of --targets files: comments, blank
 * lines, repeats, a line's own interval=, bad lines named by FILE:LINE, the cap, a file that is
 * not there. */
#include "check.h"
#include "cli/targetlist.h"

#include <stdlib.h>
#include <string.h>

static void parses_a_file(void)
{
    struct targetlist l = {0};
    char err[200];
    int r = targetlist_parse("# watched paths\n\n  dns.example  # resolver\n192.0.2.7\n"
                             "2001:db8::1\n\tdns.example\n[2001:db8::2]\nlast.example",
                             "list", 100, &l, err, sizeof(err));

    CHECK(r == 0);
    CHECK(l.n == 5);
    CHECK(l.n == 5 && strcmp(l.host[0], "dns.example") == 0);
    CHECK(l.n == 5 && strcmp(l.host[1], "192.0.2.7") == 0);
    CHECK(l.n == 5 && strcmp(l.host[2], "2001:db8::1") == 0);
    CHECK(l.n == 5 && strcmp(l.host[4], "last.example") == 0); /* no newline at the end */
    CHECK(targetlist_has(&l, "[2001:db8::2]") && !targetlist_has(&l, "resolver"));
    targetlist_free(&l);
    CHECK(l.n == 0 && l.host == NULL);
}

static void intervals(void)
{
    struct targetlist l = {0};
    char err[200];
    int r = targetlist_parse("fast.example interval=0.5\nslow.example\tinterval=60 # rarely\n"
                             "plain.example\n",
                             "list", 100, &l, err, sizeof(err));

    CHECK(r == 0 && l.n == 3);
    CHECK(l.n == 3 && strcmp(l.host[0], "fast.example") == 0 && l.interval_s[0] == 0.5);
    CHECK(l.n == 3 && strcmp(l.host[1], "slow.example") == 0 && l.interval_s[1] == 60);
    CHECK(l.n == 3 && l.interval_s[2] == 0); /* the run's -i */
    targetlist_free(&l);
}

static void bad_lines(void)
{
    struct targetlist l = {0};
    char err[200];

    CHECK(targetlist_parse("a.example\n\nrm -rf /\n", "hosts.txt", 100, &l, err, sizeof(err)) < 0);
    CHECK(strstr(err, "hosts.txt:3: '-rf /': the only option is interval=SECONDS") != NULL);
    targetlist_free(&l);
    CHECK(targetlist_parse("a.example\n\nrm;-rf\n", "hosts.txt", 100, &l, err, sizeof(err)) < 0);
    CHECK(strstr(err, "hosts.txt:3: not a host name or address") != NULL);
    targetlist_free(&l);
    CHECK(targetlist_parse("a.example interval=0.001\n", "f", 100, &l, err, sizeof(err)) < 0);
    CHECK(strstr(err, "f:1: 'interval=0.001': interval= takes seconds from 0.01 to 3600") != NULL);
    targetlist_free(&l);
    CHECK(targetlist_parse("a.example interval=ten\n", "f", 100, &l, err, sizeof(err)) < 0);
    CHECK(strstr(err, "f:1:") != NULL);
    targetlist_free(&l);
    CHECK(targetlist_parse("a.example\n\x1b[31mred\n", "f", 100, &l, err, sizeof(err)) < 0);
    CHECK(strstr(err, "f:2:") != NULL);
    targetlist_free(&l);
    CHECK(targetlist_parse("a\nb\nc\n", "f", 2, &l, err, sizeof(err)) < 0);
    CHECK(strstr(err, "more than 2 targets") != NULL);
    targetlist_free(&l);
}

static void command_line_and_file(void)
{
    char one[] = "one.example", two[] = "two.example", again[] = "one.example";
    char *given[] = {one, two, again};
    struct targetlist l;
    char err[200];

    CHECK(targetlist_read(given, 3, NULL, 100, &l, err, sizeof(err)) == 0);
    CHECK(l.n == 2);
    targetlist_free(&l);
    CHECK(targetlist_read(given, 1, "/nonexistent/targets", 100, &l, err, sizeof(err)) < 0);
    CHECK(strstr(err, "--targets /nonexistent/targets: No such file") != NULL);
    CHECK(l.n == 0);
    CHECK(targetlist_read(given, 0, "/dev/null", 100, &l, err, sizeof(err)) < 0);
    CHECK(strstr(err, "no host in it") != NULL);
}

int main(void)
{
    parses_a_file();
    intervals();
    bad_lines();
    command_line_and_file();
    return check_finish();
}
