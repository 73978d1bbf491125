/* fuzz_cymru.c - libFuzzer target: Team Cymru TXT answers and DNS answer TTLs. */
#include "names/dnsparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t asn, ttl;
    char cc[8], name[128];

    (void)cymru_parse_origin((const char *)data, size, &asn, cc, sizeof(cc));
    (void)cymru_parse_asname((const char *)data, size, name, sizeof(name));
    (void)dns_min_ttl(data, size, &ttl);
    return 0;
}
