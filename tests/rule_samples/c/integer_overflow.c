#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <unistd.h>

struct record {
    uint32_t id;
    char name[32];
};

struct record *alloc_records(size_t count)
{
    // ruleid: c-alloc-size-overflow
    struct record *recs = malloc(count * sizeof(struct record));
    if (recs == NULL)
        return NULL;
    memset(recs, 0, count * sizeof(struct record));
    return recs;
}

int *grow_table(int *table, unsigned int new_len)
{
    /* computed in unsigned int: wraps at 2^32 whatever size_t is */
    // ruleid: c-alloc-size-overflow
    return realloc(table, new_len * 4);
}

unsigned char *alloc_image(int width, int height)
{
    // ruleid: c-alloc-size-overflow
    return malloc(sizeof(unsigned char) * width * height);
}

long *alloc_longs(const char *count_arg)
{
    long count = strtol(count_arg, NULL, 10);
    // ruleid: c-alloc-size-overflow
    return malloc(count * sizeof(long));
}

char *read_blob(int fd)
{
    uint32_t len;
    if (read(fd, &len, sizeof(len)) != sizeof(len))
        return NULL;
    len = ntohl(len);
    // ruleid: c-alloc-size-overflow
    char *blob = malloc(len + 1);
    if (blob == NULL)
        return NULL;
    // ruleid: c-unchecked-input
    read(fd, blob, len);
    blob[len] = '\0';
    return blob;
}

double *parse_matrix(const char *rows_arg, const char *cols_arg)
{
    int rows = atoi(rows_arg);
    int cols = atoi(cols_arg);
    size_t bytes = rows * cols * sizeof(double);
    // ruleid: c-alloc-size-overflow
    return malloc(bytes);
}

/* ---- safe variants ---- */

struct record *alloc_records_checked(size_t count)
{
    if (count == 0 || count > SIZE_MAX / sizeof(struct record))
        return NULL;
    // ok: c-alloc-size-overflow
    return malloc(count * sizeof(struct record));
}

struct record *alloc_records_calloc(size_t count)
{
    // ok: c-alloc-size-overflow
    return calloc(count, sizeof(struct record));
}

char *copy_name(const char *name, size_t len)
{
    // ok: c-alloc-size-overflow
    char *out = malloc(len + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, name, len);
    out[len] = '\0';
    return out;
}

char *read_small_blob(int fd)
{
    uint16_t len;
    if (read(fd, &len, sizeof(len)) != sizeof(len))
        return NULL;
    len = ntohs(len);
    if (len > 4096)
        return NULL;
    // ok: c-alloc-size-overflow
    return malloc(len * 2 + 1);
}

short *alloc_shorts(uint16_t n)
{
    // ok: c-alloc-size-overflow
    return malloc(n * sizeof(short));
}

/* A 32-bit count times a sizeof is computed in the 64-bit size_t of the targets the analyzers compile for:
   at most 2^32 times the size, so it cannot wrap (a negative count makes a huge size that malloc refuses). */
int *grow_table_by_element(int *table, unsigned int new_len)
{
    // ok: c-alloc-size-overflow
    return realloc(table, new_len * sizeof(int));
}

char **alloc_rows(int height)
{
    // ok: c-alloc-size-overflow
    return malloc(height * sizeof(char *));
}

double *alloc_parsed(const char *count_arg)
{
    int count = atoi(count_arg);
    size_t bytes = sizeof(double) * count;
    // ok: c-alloc-size-overflow
    return malloc(bytes);
}
