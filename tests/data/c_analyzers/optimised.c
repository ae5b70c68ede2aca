#include <stdlib.h>
#include <string.h>
#include <stdio.h>

char last_of_ten(void)
{
    char name[10];
    memset(name, 'a', sizeof name);
    // ruleid: -Warray-bounds, arrayIndexOutOfBounds, clang-analyzer-security.ArrayBound
    return name[10];
}

char last_of_ten_ok(void)
{
    char name[10];
    memset(name, 'a', sizeof name);
    // ok: -Warray-bounds
    return name[9];
}

void copy_too_much(void)
{
    char small[8];
    char large[32];
    memset(large, 'x', sizeof large);
    // ruleid: -Warray-bounds, bufferAccessOutOfBounds
    memcpy(small, large, sizeof large);
    puts(small);
}

void copy_enough(void)
{
    char small[8];
    char large[32];
    memset(large, 'x', sizeof large);
    // ok: -Warray-bounds
    memcpy(small, large, sizeof small - 1);
    small[7] = '\0';
    puts(small);
}

void append_all(char *destination, const char *source)
{
    // ruleid: -Wstringop-overflow=
    strncat(destination, source, strlen(source));
}

void append_what_fits(char *destination, size_t size, const char *source)
{
    // ok: -Wstringop-overflow=
    strncat(destination, source, size - strlen(destination) - 1);
}

void write_before_start(const char *source)
{
    char buffer[100];
    // ruleid: -Warray-bounds
    char *data = buffer - 8;
    // ruleid: -Wstringop-overflow=
    memcpy(data, source, 100);
    puts(buffer);
}

void write_after_start(const char *source)
{
    char buffer[100];
    // ok: -Warray-bounds
    char *data = buffer + 8;
    // ok: -Wstringop-overflow=
    memcpy(data, source, 92);
    puts(buffer);
}

void read_before_start(char *out)
{
    char buffer[100];
    memset(buffer, 'a', sizeof buffer);
    // ruleid: -Warray-bounds
    char *data = buffer - 8;
    // ruleid: -Wstringop-overread
    memcpy(out, data, 99);
}

void read_after_start(char *out)
{
    char buffer[100];
    memset(buffer, 'a', sizeof buffer);
    // ok: -Warray-bounds
    char *data = buffer + 8;
    // ok: -Wstringop-overread
    memcpy(out, data, 92);
}

int freed_then_read(void)
{
    int *value = malloc(sizeof *value);
    if (value == NULL)
        return 0;
    *value = 1;
    free(value);
    // ruleid: -Wuse-after-free, -Wanalyzer-use-after-free, clang-analyzer-unix.Malloc, deallocret
    return *value;
}

int read_then_freed(void)
{
    int *value = malloc(sizeof *value);
    if (value == NULL)
        return 0;
    *value = 1;
    // ok: -Wuse-after-free
    int result = *value;
    free(value);
    return result;
}

void free_of_stack(void)
{
    char local[16] = "on the stack";
    char *pointer = local;
    puts(pointer);
    // ruleid: -Wfree-nonheap-object, -Wanalyzer-free-of-non-heap, clang-analyzer-unix.Malloc, autovarInvalidDeallocation
    free(pointer);
}

void free_of_heap(void)
{
    char *pointer = malloc(16);
    if (pointer == NULL)
        return;
    strcpy(pointer, "x");
    puts(pointer);
    // ok: -Wfree-nonheap-object
    free(pointer);
}

void closes_with_free(const char *name)
{
    FILE *file = fopen(name, "r");
    // ruleid: -Wmismatched-dealloc, -Wanalyzer-mismatching-deallocation, mismatchAllocDealloc
    free(file);
    // ruleid: -Wanalyzer-file-leak, clang-analyzer-unix.Stream
}

void closes_with_fclose(const char *name)
{
    FILE *file = fopen(name, "r");
    if (file == NULL)
        return;
    // ok: -Wmismatched-dealloc
    fclose(file);
}

// ruleid: -Winfinite-recursion
void countdown_forever(unsigned n)
{
    printf("%u\n", n);
    countdown_forever(n - 1);
}

// ok: -Winfinite-recursion
void countdown(unsigned n)
{
    if (n == 0)
        return;
    printf("%u\n", n);
    countdown(n - 1);
}
const char *pick_label(int wide)
{
    const char *label = "narrow";
    if (wide) {
        char buffer[16];
        snprintf(buffer, sizeof buffer, "wide-%d", wide);
        label = buffer;
    }
    // ruleid: -Wdangling-pointer=, invalidLifetime
    return strdup(label);
}

const char *pick_label_kept(int wide)
{
    const char *label = "narrow";
    char buffer[16];
    if (wide) {
        snprintf(buffer, sizeof buffer, "wide-%d", wide);
        label = buffer;
    }
    // ok: -Wdangling-pointer=
    return strdup(label);
}

void name_file(char *out, int number)
{
    char name[8];
    // ruleid: -Wformat-overflow=, bufferAccessOutOfBounds
    sprintf(name, "file-%d.txt", 123456);
    strcpy(out, name);
    char roomy[32];
    // ok: -Wformat-overflow=
    sprintf(roomy, "file-%d.txt", number);
    strcpy(out, roomy);
}

void clear_key(char *key)
{
    // ruleid: -Wsizeof-pointer-memaccess, pointerSize
    memset(key, 0, sizeof(key));
}

void clear_key_sized(char *key, size_t length)
{
    // ok: -Wsizeof-pointer-memaccess
    memset(key, 0, length);
}

static int *find_slot(int *slots, int count, int wanted)
{
    for (int i = 0; i < count; i++)
        if (slots[i] == wanted)
            return &slots[i];
    return NULL;
}

void bump(int *slots, int count, int wanted)
{
    int *slot = find_slot(slots, count, wanted);
    // ruleid: -Wnull-dereference, -Wanalyzer-null-dereference
    *slot += 1;
}

void bump_found(int *slots, int count, int wanted)
{
    int *slot = find_slot(slots, count, wanted);
    if (slot == NULL)
        return;
    // ok: -Wnull-dereference
    *slot += 1;
}
