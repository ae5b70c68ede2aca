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
    // ruleid: c-alloc-size-overflow
    return realloc(table, new_len * sizeof(int));
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
