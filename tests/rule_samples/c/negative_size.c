/* A signed size from input checked only from above (c-negative-size-from-input). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int copy_field(int sock, char *out, size_t out_size)
{
    char header[16];
    char payload[256];
    int length = -1;
    ssize_t got = recv(sock, header, sizeof(header) - 1, 0);
    if (got <= 0)
        return -1;
    header[got] = '\0';
    length = atoi(header);
    if (length < (int)out_size) {
        // ruleid: c-negative-size-from-input
        memcpy(out, payload, length);
    }
    return length;
}

int copy_field_checked(int sock, char *out, size_t out_size)
{
    char header[16];
    char payload[256];
    int length = -1;
    ssize_t got = recv(sock, header, sizeof(header) - 1, 0);
    if (got <= 0)
        return -1;
    header[got] = '\0';
    length = atoi(header);
    if (length >= 0 && length < (int)out_size) {
        // ok: c-negative-size-from-input
        memcpy(out, payload, length);
    }
    return length;
}

char *make_buffer(void)
{
    int size = 0;
    if (scanf("%d", &size) != 1)
        return NULL;
    if (size < 0)
        return NULL;
    // ruleid: c-alloc-size-from-input
    return malloc(size);
}

char *make_buffer_unchecked(void)
{
    int size = 0;
    if (scanf("%d", &size) != 1 || size > 4096)
        return NULL;
    // ruleid: c-negative-size-from-input
    return malloc(size);
}

char *make_buffer_unsigned(void)
{
    size_t size = 0;
    if (scanf("%zu", &size) != 1 || size > 4096)
        return NULL;
    // ok: c-negative-size-from-input
    return malloc(size);
}

char *make_buffer_logged(void)
{
    int size = 0;
    if (scanf("%d", &size) != 1 || size > 4096)
        return NULL;
    if (size < 0) {
        puts("negative size");
    }
    // ruleid: c-negative-size-from-input
    return malloc(size);
}
