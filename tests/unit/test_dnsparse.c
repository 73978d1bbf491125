/* test_dnsparse.c - Team Cymru TXT parsing, query names, DNS answer TTLs and the special
 * ranges that get no AS lookup over DNS. */
#include "check.h"
#include "names/dnsparse.h"
#include "testaddr.h"

#include <string.h>

#define TXT(s) s, sizeof(s) - 1

int main(void)
{
    uint32_t asn = 0, ttl = 0;
    char cc[8], name[64], q[128];
    struct probe_addr a;

    CHECK(cymru_parse_origin(TXT("12301 | 81.0.100.0/22 | HU | ripencc | 2001-12-06"), &asn, cc,
                             sizeof(cc)) == 0 &&
          asn == 12301 && strcmp(cc, "HU") == 0);
    CHECK(cymru_parse_origin(TXT("64501 64502 | 198.18.1.0/24 | ZZ | lab | 2026-01-01"), &asn, cc,
                             sizeof(cc)) == 0 &&
          asn == 64501); /* several origins: the first */
    CHECK(cymru_parse_origin(TXT("12301 | 81.0.100.0/22 | HU | ripencc"), &asn, cc, 8) < 0);
    CHECK(cymru_parse_origin(TXT("x | a | b | c | d"), &asn, cc, 8) < 0);
    CHECK(cymru_parse_origin(TXT("99999999999 | a | b | c | d"), &asn, cc, 8) < 0);
    CHECK(cymru_parse_origin(TXT("1 | a | b | c | d | e"), &asn, cc, 8) < 0);
    CHECK(cymru_parse_origin(TXT(""), &asn, cc, 8) < 0);
    CHECK(cymru_parse_asname(TXT("23028 | US | arin | 2002-01-04 | TEAMCYMRU, US"), name,
                             sizeof(name)) == 0 &&
          strcmp(name, "TEAMCYMRU, US") == 0);
    CHECK(cymru_parse_asname(TXT("1 | ZZ | lab | 2026 | EVIL\x1b]0;x\x07"), name, sizeof(name)) ==
              0 &&
          strcmp(name, "EVIL\\e]0;x\\x07") == 0);
    CHECK(cymru_parse_asname(TXT("1 | ZZ | lab | 2026 | "), name, sizeof(name)) < 0);

    a = test_addr("198.18.0.2");
    CHECK(dns_query_name(&a, false, q, sizeof(q)) == 0 &&
          strcmp(q, "2.0.18.198.origin.asn.cymru.com") == 0);
    CHECK(dns_query_name(&a, true, q, sizeof(q)) == 0 && strcmp(q, "2.0.18.198.in-addr.arpa") == 0);
    a = test_addr("2001:db8::1");
    CHECK(
        dns_query_name(&a, false, q, sizeof(q)) == 0 &&
        strcmp(q,
               "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.origin6.asn.cymru."
               "com") == 0);
    CHECK(dns_query_name(&a, true, q, 20) < 0);

    {
        /* A response: header, question a.example TXT IN, one answer (compressed name) TTL 300
         * and one TTL 120. */
        const uint8_t msg[] = {0x12, 0x34, 0x81, 0x80, 0,   1,   0,   2,   0,   0, 0,  0, 1,   'a',
                               7,    'e',  'x',  'a',  'm', 'p', 'l', 'e', 0,   0, 16, 0, 1,   0xc0,
                               12,   0,    16,   0,    1,   0,   0,   1,   44,  0, 2,  1, 'x', 0xc0,
                               12,   0,    16,   0,    1,   0,   0,   0,   120, 0, 2,  1, 'y'};
        CHECK(dns_min_ttl(msg, sizeof(msg), &ttl) == 0 && ttl == 120);
        CHECK(dns_min_ttl(msg, sizeof(msg) - 1, &ttl) < 0); /* truncated rdata */
        for (size_t i = 0; i < sizeof(msg); i++)
            (void)dns_min_ttl(msg, i, &ttl);
        CHECK(dns_min_ttl(msg, 27, &ttl) < 0); /* no answers */
    }

    a = test_addr("10.1.2.3");
    CHECK(dns_addr_is_special(&a));
    a = test_addr("192.168.1.1");
    CHECK(dns_addr_is_special(&a));
    a = test_addr("203.0.113.9");
    CHECK(dns_addr_is_special(&a));
    a = test_addr("fe80::1");
    CHECK(dns_addr_is_special(&a));
    a = test_addr("2001:db8:3::2");
    CHECK(dns_addr_is_special(&a));
    a = test_addr("198.18.0.2"); /* benchmarking space: the lab asks about it over DNS */
    CHECK(!dns_addr_is_special(&a));
    a = test_addr("81.0.100.1");
    CHECK(!dns_addr_is_special(&a));
    a = test_addr("2a00:1450::1");
    CHECK(!dns_addr_is_special(&a));
    return check_finish();
}
