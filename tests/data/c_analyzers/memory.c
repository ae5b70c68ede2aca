/* Heap memory: leaks, frees of the wrong address or by the wrong routine, reads of memory never written or
   already freed, and allocations used unchecked, each beside the correct form of the same code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *repeat_line(const char *line)
{
    size_t length = strlen(line);
    char *text = malloc(length + 1);
    if (text == NULL)
        return NULL;
    memcpy(text, line, length + 1);
    // ruleid: memleakOnRealloc, bugprone-suspicious-realloc-usage
    text = realloc(text, 2 * length + 1);
    if (text == NULL)
        // ruleid: clang-analyzer-unix.Malloc
        return NULL;
    strcat(text, line);
    return text;
}

char *repeat_line_kept(const char *line)
{
    size_t length = strlen(line);
    char *text = malloc(length + 1);
    char *longer;
    if (text == NULL)
        return NULL;
    memcpy(text, line, length + 1);
    // ok: memleakOnRealloc, bugprone-suspicious-realloc-usage
    longer = realloc(text, 2 * length + 1);
    if (longer == NULL) {
        free(text);
        return NULL;
    }
    strcat(longer, line);
    return longer;
}

void reserve(size_t size)
{
    // ruleid: leakReturnValNotUsed
    malloc(size);
    // ruleid: clang-analyzer-unix.Malloc
}

void reserve_freed(size_t size)
{
    // ok: leakReturnValNotUsed
    void *block = malloc(size);
    free(block);
}

void print_copy(const char *text)
{
    // ruleid: leakNoVarFunctionCall, -Wanalyzer-possible-null-argument
    puts(strdup(text));
    // ruleid: clang-analyzer-unix.Malloc, -Wanalyzer-malloc-leak
}

void print_copy_freed(const char *text)
{
    char *copy = strdup(text);
    if (copy == NULL)
        return;
    // ok: leakNoVarFunctionCall, -Wanalyzer-possible-null-argument
    puts(copy);
    free(copy);
}

void reset(char *name)
{
    char *copy = strdup(name);
    if (copy == NULL)
        return;
    free(copy);
    // ruleid: deallocuse, clang-analyzer-unix.Malloc, -Wanalyzer-use-after-free
    copy[0] = '\0';
}

void reset_first(char *name)
{
    char *copy = strdup(name);
    if (copy == NULL)
        return;
    // ok: deallocuse, clang-analyzer-unix.Malloc, -Wanalyzer-use-after-free
    copy[0] = '\0';
    free(copy);
}

/* The payload follows a 4-byte header: the block must be freed at the header. */
void drop_packet(size_t size)
{
    char *packet;
    packet = malloc(size + 4);
    // ruleid: invalidFree, clang-analyzer-unix.Malloc, -Wfree-nonheap-object
    free(packet + 4);
    // ruleid: memleak, -Wanalyzer-malloc-leak
}

void drop_packet_at_header(size_t size)
{
    char *packet;
    packet = malloc(size + 4);
    // ok: invalidFree, clang-analyzer-unix.Malloc, -Wanalyzer-malloc-leak
    free(packet);
}

int first_byte(size_t size)
{
    char *data = malloc(size + 1);
    int first;
    if (data == NULL)
        return -1;
    // ruleid: uninitdata, clang-analyzer-core.uninitialized.Assign, -Wanalyzer-use-of-uninitialized-value
    first = data[0];
    free(data);
    return first;
}

int first_byte_cleared(size_t size)
{
    char *data = calloc(size + 1, 1);
    int first;
    if (data == NULL)
        return -1;
    // ok: uninitdata, clang-analyzer-core.uninitialized.Assign, -Wanalyzer-use-of-uninitialized-value
    first = data[0];
    free(data);
    return first;
}

int *counters(void)
{
    int *counts = malloc(4 * sizeof(int));
    // ruleid: nullPointerOutOfMemory, -Wanalyzer-possible-null-dereference
    counts[0] = 0;
    return counts;
}

int *counters_checked(void)
{
    int *counts = malloc(4 * sizeof(int));
    if (counts == NULL)
        return NULL;
    // ok: nullPointerOutOfMemory, -Wanalyzer-possible-null-dereference
    counts[0] = 0;
    return counts;
}

long *ids_for(size_t count)
{
    // ruleid: clang-analyzer-unix.MallocSizeof
    long *ids = malloc(count * sizeof(int));
    return ids;
}

long *ids_sized(size_t count)
{
    // ok: clang-analyzer-unix.MallocSizeof
    long *ids = malloc(count * sizeof(*ids));
    return ids;
}

void close_log(const char *path)
{
    FILE *log = fopen(path, "a");
    if (log == NULL)
        return;
    fputs("closing\n", log);
    // ruleid: mismatchAllocDealloc, -Wanalyzer-mismatching-deallocation, -Wanalyzer-file-leak, -Wmismatched-dealloc
    free(log);
    // ruleid: clang-analyzer-unix.Stream
}

void close_log_properly(const char *path)
{
    FILE *log = fopen(path, "a");
    if (log == NULL)
        return;
    fputs("closing\n", log);
    // ok: mismatchAllocDealloc, -Wanalyzer-mismatching-deallocation, -Wanalyzer-file-leak
    fclose(log);
}
