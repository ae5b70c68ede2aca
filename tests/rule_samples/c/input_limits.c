/* Sizes and counts taken from input (c-alloc-size-from-input, c-loop-count-from-input). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_ITEMS 1000

char *read_items(FILE *in)
{
    size_t count = 0;
    char *items;
    if (fscanf(in, "%zu", &count) != 1)
        return NULL;
    // ruleid: c-alloc-size-from-input
    items = malloc(count);
    return items;
}

char *read_items_checked(FILE *in)
{
    size_t count = 0;
    if (fscanf(in, "%zu", &count) != 1)
        return NULL;
    if (count == 0 || count > MAX_ITEMS)
        return NULL;
    // ok: c-alloc-size-from-input
    return malloc(count);
}

char *receive_message(int sock)
{
    char header[16];
    unsigned long length = 0;
    char *body = NULL;
    ssize_t got;
    do {
        got = recv(sock, header, sizeof(header) - 1, 0);
        if (got <= 0)
            break;
        header[got] = '\0';
        length = strtoul(header, NULL, 10);
    } while (0);
    if (length > 16) {
        // ruleid: c-alloc-size-from-input
        body = malloc(length);
    }
    return body;
}

char *receive_message_bounded(int sock)
{
    char header[16];
    unsigned long length = 0;
    ssize_t got = recv(sock, header, sizeof(header) - 1, 0);
    if (got <= 0)
        return NULL;
    header[got] = '\0';
    length = strtoul(header, NULL, 10);
    if (length > 16 && length <= 65536) {
        // ok: c-alloc-size-from-input
        return malloc(length);
    }
    return NULL;
}

char *copy_line(FILE *in)
{
    char line[256];
    char *copy;
    if (fgets(line, sizeof(line), in) == NULL)
        return NULL;
    // ok: c-alloc-size-from-input
    copy = malloc(strlen(line) + 1);
    if (copy != NULL)
        strcpy(copy, line);
    return copy;
}

void print_greetings(void)
{
    int count = -1;
    size_t i;
    if (scanf("%d", &count) != 1)
        return;
    // ruleid: c-loop-count-from-input
    for (i = 0; i < (size_t)count; i++) {
        puts("hello");
    }
}

void print_greetings_limited(void)
{
    int count = -1;
    size_t i;
    if (scanf("%d", &count) != 1)
        return;
    if (count > 0 && count <= 20) {
        // ok: c-loop-count-from-input
        for (i = 0; i < (size_t)count; i++) {
            puts("hello");
        }
    }
    // ok: c-loop-count-from-input
    for (i = 0; i < (size_t)count && i < 20; i++) {
        puts("hello again");
    }
}

void print_fixed(void)
{
    int count = 20;
    int i;
    // ok: c-loop-count-from-input
    for (i = 0; i < count; i++) {
        puts("hello");
    }
}

/* The command line's numbers are what the user who runs the program asks for: a block size it sets can exhaust
   only that user's run. */
int main(int argc, char **argv)
{
    size_t size = argc > 1 ? strtoul(argv[1], NULL, 10) : 4096;
    // ok: c-alloc-size-from-input
    char *block = malloc(size + 8);
    size_t i;
    // ok: c-loop-count-from-input
    for (i = 0; i < size; i++)
        block[i] = 0;
    free(block);
    return 0;
}
