/* replay.c - runs a fuzz target's entry point over every file of its corpus directory, each
 * input whole and every prefix of it, so the normal (gcc, sanitized) test build exercises
 * what libFuzzer found. A target fails by crashing or trapping (its own checks, the
 * sanitizers); an empty or missing corpus fails too. */
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
    size_t runs = 0;

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
        for (size_t i = 0; i <= len; i++, runs++)
            LLVMFuzzerTestOneInput(buf, i);
        n++;
    }
    closedir(d);
    if (n == 0) {
        fprintf(stderr, "replay: no inputs in %s\n", argv[1]);
        return 1;
    }
    printf("replayed %d inputs (%zu runs with their prefixes), no crash\n", n, runs);
    return 0;
}
