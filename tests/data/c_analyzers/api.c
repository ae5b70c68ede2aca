/* Library calls given the wrong arguments: format strings that do not match their arguments, values outside
   what a function accepts, buffers that overlap, and untrusted input passed to a command or an allocation,
   each beside the correct call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 4096

void report(const char *name, int count)
{
    // ruleid: wrongPrintfScanfArgNum
    printf("%s: %d of %d\n", name, count);
}

void report_total(const char *name, int count, int total)
{
    // ok: wrongPrintfScanfArgNum
    printf("%s: %d of %d\n", name, count, total);
}

void show_id(const char *id)
{
    // ruleid: invalidPrintfArgType_sint
    printf("id %d\n", id);
}

void show_id_text(const char *id)
{
    // ok: invalidPrintfArgType_sint
    printf("id %s\n", id);
}

int read_count(void)
{
    int count;
    // ruleid: invalidScanfArgType_float
    if (scanf("%f", &count) != 1)
        return 0;
    return count;
}

int read_count_int(void)
{
    int count;
    // ok: invalidScanfArgType_float
    if (scanf("%d", &count) != 1)
        return 0;
    return count;
}

int read_count_hex(void)
{
    int count;
    // ok: invalidScanfArgType_int
    if (scanf("%x", &count) != 1)
        return 0;
    return count;
}

void *reserve_rows(void)
{
    int rows = -1;
    // ruleid: invalidFunctionArg
    return malloc(rows);
}

void *reserve_default_rows(void)
{
    int rows = 16;
    // ok: invalidFunctionArg
    return malloc(rows);
}

size_t separator_length(void)
{
    char separator = ',';
    // ruleid: invalidFunctionArgStr
    return strlen(&separator);
}

size_t separator_length_of_string(void)
{
    const char separator[] = ",";
    // ok: invalidFunctionArgStr
    return strlen(separator);
}

int after_prefix(const char *name, const char *prefix, size_t length)
{
    // ruleid: invalidFunctionArgBool
    return strncmp(name, prefix, length > 0);
}

int after_prefix_compared(const char *name, const char *prefix, size_t length)
{
    // ok: invalidFunctionArgBool
    return strncmp(name, prefix, length) > 0;
}

void exclaim(char *text)
{
    // ruleid: sprintfOverlappingData
    sprintf(text, "%s!", text);
}

void exclaim_into(char *out, size_t size, const char *text)
{
    // ok: sprintfOverlappingData
    snprintf(out, size, "%s!", text);
}

void drop_first(void)
{
    char word[16] = "-verbose";
    // ruleid: overlappingWriteFunction
    memcpy(word, word + 1, 8);
    puts(word);
}

void drop_first_moved(void)
{
    char word[16] = "-verbose";
    // ok: overlappingWriteFunction
    memmove(word, word + 1, 8);
    puts(word);
}

int run_hook(void)
{
    const char *hook = getenv("POST_HOOK");
    if (hook == NULL)
        return 0;
    // ruleid: clang-analyzer-optin.taint.GenericTaint
    return system(hook);
}

int run_default_hook(void)
{
    const char *hook = "/usr/lib/app/post-hook";
    // ok: clang-analyzer-optin.taint.GenericTaint
    return system(hook);
}

char *read_rows(void)
{
    size_t rows;
    if (scanf("%zu", &rows) != 1)
        return NULL;
    // ruleid: clang-analyzer-optin.taint.TaintedAlloc
    return malloc(rows);
}

char *read_rows_bounded(void)
{
    size_t rows;
    if (scanf("%zu", &rows) != 1 || rows > MAX_ROWS)
        return NULL;
    // ok: clang-analyzer-optin.taint.TaintedAlloc
    return malloc(rows);
}

void echo(const char *line)
{
    // ruleid: -Wformat-security
    fprintf(stderr, line);
}

void echo_formatted(const char *line)
{
    // ok: -Wformat-security
    fprintf(stderr, "%s", line);
}
