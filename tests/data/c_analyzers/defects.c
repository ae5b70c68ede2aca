#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *gets(char *s); /* gone from C11 headers, still in old code */

struct item {
    int id;
    char *name;
};

int freed_then_read(int n)
{
    int *values = malloc(4 * sizeof(int));
    if (values == NULL)
        return -1;
    values[0] = n;
    free(values);
    // ruleid: deallocret, clang-analyzer-unix.Malloc, -Wanalyzer-use-after-free, -Wuse-after-free
    return values[0];
}

int freed_once(int n)
{
    int *values = malloc(4 * sizeof(int));
    if (values == NULL)
        return -1;
    values[0] = n;
    // ok: deallocret, clang-analyzer-unix.Malloc, -Wanalyzer-use-after-free
    n = values[0];
    free(values);
    return n;
}

void released_twice(char *text, int fail)
{
    char *copy = strdup(text);
    if (copy == NULL)
        return;
    if (fail)
        free(copy);
    // ruleid: doubleFree, -Wanalyzer-double-free
    free(copy);
}

void released_on_each_path(char *text, int fail)
{
    char *copy = strdup(text);
    if (copy == NULL)
        return;
    if (fail) {
        free(copy);
        return;
    }
    puts(copy);
    // ok: doubleFree, clang-analyzer-unix.Malloc, -Wanalyzer-double-free
    free(copy);
}

int null_on_one_path(int flag)
{
    int *target = NULL;
    int local = 1;
    if (flag > 2)
        target = &local;
    // ruleid: nullPointer, clang-analyzer-core.NullDereference, -Wanalyzer-null-dereference, -Wnull-dereference
    return *target;
}

int null_checked(int flag)
{
    int *target = NULL;
    int local = 1;
    if (flag > 2)
        target = &local;
    // ok: nullPointer, clang-analyzer-core.NullDereference, -Wanalyzer-null-dereference
    return target != NULL ? *target : 0;
}

int average(int total, int count)
{
    if (count == 0) {
        // ruleid: zerodivcond, clang-analyzer-core.DivideZero
        return total / count;
    }
    // ok: zerodivcond, clang-analyzer-core.DivideZero
    return total / count;
}

int last_of(void)
{
    int slots[8];
    memset(slots, 0, sizeof(slots));
    // ruleid: arrayIndexOutOfBounds, clang-analyzer-security.ArrayBound
    slots[8] = 1;
    // ok: arrayIndexOutOfBounds, clang-analyzer-security.ArrayBound
    return slots[7];
}

int unset(int flag)
{
    int result;
    if (flag)
        result = 1;
    // ruleid: uninitvar, -Wanalyzer-use-of-uninitialized-value, clang-analyzer-core.uninitialized.UndefReturn
    return result;
}

void leak_name(const char *name)
{
    struct item *entry = malloc(sizeof(*entry));
    if (entry == NULL)
        return;
    entry->id = 1;
    entry->name = NULL;
    // ruleid: -Wanalyzer-malloc-leak, clang-analyzer-unix.Malloc
    printf("%s %d\n", name, entry->id);
    // ruleid: memleak
}

void no_leak(const char *name)
{
    struct item *entry = malloc(sizeof(*entry));
    if (entry == NULL)
        return;
    entry->id = 1;
    printf("%s %d\n", name, entry->id);
    // ok: memleak, clang-analyzer-unix.Malloc, -Wanalyzer-malloc-leak
    free(entry);
}

void echo_line(const char *line)
{
    // ruleid: -Wformat-security
    printf(line);
    // ok: -Wformat-security
    printf("%s", line);
}

void read_name(void)
{
    char name[32];
    // ruleid: getsCalled, clang-analyzer-security.insecureAPI.gets
    gets(name);
    // ok: getsCalled, clang-analyzer-security.insecureAPI.gets
    fgets(name, sizeof(name), stdin);
    puts(name);
}

int *escape_local(void)
{
    int value = 3;
    int *where = &value;
    // ruleid: returnDanglingLifetime, clang-analyzer-core.StackAddressEscape
    return where;
}

void free_stack(void)
{
    char buffer[16];
    strcpy(buffer, "x");
    // ruleid: autovarInvalidDeallocation, clang-analyzer-unix.Malloc, -Wanalyzer-free-of-non-heap, -Wfree-nonheap-object
    free(buffer);
}

void log_to(const char *path)
{
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return;
    // ruleid: -Wanalyzer-file-leak, -Wanalyzer-malloc-leak
    fputs("start\n", out);
    // ruleid: resourceLeak, clang-analyzer-unix.Stream
}
