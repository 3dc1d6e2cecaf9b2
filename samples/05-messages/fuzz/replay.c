/* SPDX-License-Identifier: MIT */
/*
 * frame-replay: frame-fuzz's target with a plain main(), for compilers
 * without libFuzzer (gcc): runs every file given, or every file in every
 * directory given, through the target once.  It finds nothing new; it
 * proves that the corpus, crash inputs included, still passes.
 *
 * usage: frame-replay FILE|DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char input[1 << 20];

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    size_t n = fread(input, 1, sizeof input, f);
    fclose(f);
    LLVMFuzzerTestOneInput(input, n);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0, status = 0;

    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            char path[4096];
            while (d != NULL && (e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.')
                    continue;
                snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
                status |= replay_file(path);
                files++;
            }
            if (d != NULL)
                closedir(d);
        } else {
            status |= replay_file(argv[i]);
            files++;
        }
    }
    printf("replayed %d inputs\n", files);
    return status;
}
