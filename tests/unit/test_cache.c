/* test_cache.c - the resolver's address table (src/names/cache.c): every address added is found
 * again, through the growth of its array and the rehashing of its index; IPv4 and IPv6 kept
 * apart (an IPv6 address whose first 4 bytes are an IPv4 one's is another address); an address
 * never added is not found; the entries keep what was written into them. */
#include "check.h"
#include "names/cache.h"

#include <string.h>
#include <sys/socket.h>

#define N 5000 /* past several doublings of 256 */

static struct probe_addr v4(int i)
{
    struct probe_addr a = {.family = AF_INET};
    a.bytes[0] = 10, a.bytes[1] = (uint8_t)(i >> 16), a.bytes[2] = (uint8_t)(i >> 8);
    a.bytes[3] = (uint8_t)i;
    return a;
}

static struct probe_addr v6(int i)
{
    struct probe_addr a = v4(i);
    a.family = AF_INET6; /* the same first bytes */
    a.bytes[15] = 1;
    return a;
}

static void finds_what_was_added(void)
{
    struct cache c = {0};
    struct probe_addr a = v4(1);
    int missing = 0, wrong = 0;

    CHECK(cache_find(&c, &a) == NULL); /* empty, no index yet */
    for (int i = 0; i < N; i++) {
        struct probe_addr x = v4(i), y = v6(i);
        struct cache_entry *e = cache_add(&c, &x), *f;
        CHECK(e != NULL);
        if (e)
            e->info.asn = (uint32_t)i + 1;
        f = cache_add(&c, &y);
        CHECK(f != NULL);
        if (f)
            f->info.asn = (uint32_t)(N + i + 1);
    }
    CHECK(c.n == 2 * N && c.cap >= 2 * N && c.icap >= 2 * (uint32_t)c.n);
    for (int i = 0; i < N; i++) {
        struct probe_addr x = v4(i), y = v6(i);
        const struct cache_entry *e = cache_find(&c, &x), *f = cache_find(&c, &y);
        missing += !e || !f;
        wrong += (e && (e->info.asn != (uint32_t)i + 1 || !probe_addr_equal(&e->addr, &x))) ||
                 (f && (f->info.asn != (uint32_t)(N + i + 1) || !probe_addr_equal(&f->addr, &y)));
    }
    CHECK(missing == 0);
    CHECK(wrong == 0);
    a = v4(N + 7);
    CHECK(cache_find(&c, &a) == NULL);
    a = v6(N + 7);
    CHECK(cache_find(&c, &a) == NULL);
    cache_free(&c);
    CHECK(c.n == 0 && c.e == NULL && c.index == NULL);
}

int main(void)
{
    finds_what_was_added();
    return check_finish();
}
