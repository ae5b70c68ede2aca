/* Pointers and values: null pointers dereferenced or passed on, values read before they are set, and
   addresses of locals that outlive them, each beside the correct form of the same code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct point {
    int x;
    int y;
};

size_t strlcpy(char *dst, const char *src, size_t size); /* BSD; declared by the project's compat header */

int length_then_check(const char *name)
{
    // ruleid: nullPointerRedundantCheck
    int first = name[0];
    if (name == NULL)
        return -1;
    return first;
}

int check_then_length(const char *name)
{
    if (name == NULL)
        return -1;
    // ok: nullPointerRedundantCheck
    return name[0];
}

static void set_flag(int *flag)
{
    // ruleid: ctunullpointer, nullPointer, clang-analyzer-core.NullDereference, -Wanalyzer-null-dereference, -Wnull-dereference
    *flag = 1;
}

static void set_flag_checked(int *flag)
{
    if (flag != NULL)
        // ok: ctunullpointer, nullPointer, clang-analyzer-core.NullDereference, -Wanalyzer-null-dereference
        *flag = 1;
}

void enable(void)
{
    set_flag(NULL);
    set_flag_checked(NULL);
}

void copy_title(char *dst, size_t size)
{
    const char *title = NULL;
    // ruleid: nullPointer, clang-analyzer-core.NonNullParamChecker, -Wanalyzer-null-argument
    memcpy(dst, title, size);
}

void copy_title_default(char *dst, size_t size)
{
    const char *title = "untitled";
    // ok: nullPointer, clang-analyzer-core.NonNullParamChecker, -Wanalyzer-null-argument
    memcpy(dst, title, size < 9 ? size : 9);
}

void copy_label(char *dst, size_t size)
{
    const char *label = NULL;
    // ruleid: clang-analyzer-unix.cstring.NullArg
    strlcpy(dst, label, size);
}

void copy_label_default(char *dst, size_t size)
{
    const char *label = "none";
    // ok: clang-analyzer-unix.cstring.NullArg
    strlcpy(dst, label, size);
}

void notify(void (*callback)(int), int code)
{
    void (*handler)(int) = NULL;
    if (code > 0)
        handler = callback;
    // ruleid: nullPointer, clang-analyzer-core.CallAndMessage
    handler(code);
}

void notify_checked(void (*callback)(int), int code)
{
    void (*handler)(int) = NULL;
    if (code > 0)
        handler = callback;
    if (handler != NULL)
        // ok: nullPointer, clang-analyzer-core.CallAndMessage
        handler(code);
}

int manhattan(int dx)
{
    struct point p;
    p.x = dx;
    // ruleid: uninitvar, clang-analyzer-core.UndefinedBinaryOperatorResult, -Wanalyzer-use-of-uninitialized-value
    return p.x + p.y;
}

int manhattan_set(int dx)
{
    struct point p;
    p.x = dx;
    p.y = 0;
    // ok: uninitvar, clang-analyzer-core.UndefinedBinaryOperatorResult, -Wanalyzer-use-of-uninitialized-value
    return p.x + p.y;
}

int moved_point(int dx)
{
    struct point from;
    from.x = dx;
    // ruleid: uninitStructMember, uninitvar
    struct point to = from;
    return to.x;
}

int moved_point_set(int dx)
{
    struct point from = {dx, 0};
    // ok: uninitStructMember, uninitvar
    struct point to = from;
    return to.x;
}

int bump_all(void)
{
    int counts[4];
    for (int i = 0; i < 4; i++)
        // ruleid: legacyUninitvar, clang-analyzer-core.uninitialized.Assign, -Wanalyzer-use-of-uninitialized-value
        counts[i] += 1;
    return counts[0];
}

int bump_all_cleared(void)
{
    int counts[4] = {0};
    for (int i = 0; i < 4; i++)
        // ok: legacyUninitvar, clang-analyzer-core.uninitialized.Assign, -Wanalyzer-use-of-uninitialized-value
        counts[i] += 1;
    return counts[0];
}

static int read_level(const int *level)
{
    // ruleid: ctuuninitvar, clang-analyzer-core.uninitialized.UndefReturn, -Wanalyzer-use-of-uninitialized-value
    return *level;
}

int current_level(void)
{
    int level;
    // ruleid: uninitvar
    return read_level(&level);
}

int current_level_set(void)
{
    int level = 3;
    // ok: uninitvar
    return read_level(&level);
}

int pick(const int *table)
{
    int index;
    // ruleid: uninitvar, clang-analyzer-core.uninitialized.ArraySubscript, -Wanalyzer-use-of-uninitialized-value
    return table[index];
}

int pick_first(const int *table)
{
    int index = 0;
    // ok: uninitvar, clang-analyzer-core.uninitialized.ArraySubscript, -Wanalyzer-use-of-uninitialized-value
    return table[index];
}

const char *mode_name(int verbose)
{
    int quiet;
    if (verbose)
        quiet = 0;
    // ruleid: uninitvar, clang-analyzer-core.uninitialized.Branch, -Wanalyzer-use-of-uninitialized-value
    if (quiet)
        return "quiet";
    return "verbose";
}

const char *mode_name_default(int verbose)
{
    int quiet = 1;
    if (verbose)
        quiet = 0;
    // ok: uninitvar, clang-analyzer-core.uninitialized.Branch, -Wanalyzer-use-of-uninitialized-value
    if (quiet)
        return "quiet";
    return "verbose";
}

void save_key(char *dst)
{
    char key[16];
    // ruleid: uninitvar, clang-analyzer-unix.cstring.UninitializedRead, -Wanalyzer-use-of-uninitialized-value
    memcpy(dst, key, sizeof(key));
}

void save_key_cleared(char *dst)
{
    char key[16] = {0};
    // ok: uninitvar, clang-analyzer-unix.cstring.UninitializedRead, -Wanalyzer-use-of-uninitialized-value
    memcpy(dst, key, sizeof(key));
}

size_t name_length(void)
{
    // ruleid: clang-analyzer-unix.cstring.NotNullTerminated
    return strlen((const char *)&name_length);
}

size_t name_length_of_name(void)
{
    // ok: clang-analyzer-unix.cstring.NotNullTerminated
    return strlen(__func__);
}

/* A library call fills what the stream's next_out points to (zlib's deflate, liblzma's lzma_code): cppcheck does not
   follow the buffer once its address is kept in the stream, so its report after that is only a candidate. */
struct out_stream {
    unsigned char *next_out;
    size_t avail_out;
};
int stream_step(struct out_stream *stream);

size_t drain(struct out_stream *stream, FILE *sink)
{
    unsigned char out[64];
    // candidate: autoVariables
    stream->next_out = out;
    stream->avail_out = sizeof(out);
    stream_step(stream);
    // candidate: uninitvar
    return fwrite(out, 1, sizeof(out) - stream->avail_out, sink);
}

size_t drain_unfilled(struct out_stream *stream, FILE *sink)
{
    unsigned char out[64];
    stream_step(stream);
    // ruleid: uninitvar
    return fwrite(out, 1, sizeof(out) - stream->avail_out, sink);
}

/* The portable way to store a value unaligned or as another type: copy its bytes. gcc 12's analyzer reads `v`
   through a cast of its address there and calls it unset right after `v = ...;` (Pillow's Point.c): a candidate. */
void scale_samples(char *out, const char *in, int count, int scale)
{
    for (int x = 0; x < count; x++) {
        unsigned short v;
        memcpy(&v, in + x * sizeof(v), sizeof(v));
        v = v * scale;
        // candidate: -Wanalyzer-use-of-uninitialized-value
        memcpy(out + x * sizeof(v), &v, sizeof(v));
    }
}

static int *last_seen;

void remember(void)
{
    int seen = 1;
    // candidate: danglingLifetime, clang-analyzer-core.StackAddressEscape, -Wdangling-pointer=
    last_seen = &seen;
}

void remember_static(void)
{
    static int seen = 1;
    // ok: danglingLifetime, clang-analyzer-core.StackAddressEscape
    last_seen = &seen;
}

int recall(void)
{
    remember();
    // ruleid: -Wanalyzer-use-of-pointer-in-stale-stack-frame
    return *last_seen;
}

int recall_static(void)
{
    remember_static();
    // ok: -Wanalyzer-use-of-pointer-in-stale-stack-frame
    return *last_seen;
}

void result_slot(int **out)
{
    int result = 0;
    // candidate: autoVariables, clang-analyzer-core.StackAddressEscape, -Wdangling-pointer=
    *out = &result;
}

void result_slot_heap(int **out)
{
    int *result = malloc(sizeof(*result));
    if (result != NULL)
        *result = 0;
    // ok: autoVariables, clang-analyzer-core.StackAddressEscape
    *out = result;
}

/* putenv keeps the pointer it is given, not a copy: the environment then points into a dead frame */
int set_home(const char *home)
{
    char entry[256];
    snprintf(entry, sizeof(entry), "HOME=%s", home);
    // ruleid: clang-analyzer-security.PutenvStackArray
    return putenv(entry);
}

int set_home_static(const char *home)
{
    static char entry[256];
    snprintf(entry, sizeof(entry), "HOME=%s", home);
    // ok: clang-analyzer-security.PutenvStackArray
    return putenv(entry);
}

int last_total(int a, int b)
{
    int *total;
    {
        int sum = a + b;
        total = &sum;
    }
    // ruleid: invalidLifetime, -Wanalyzer-use-of-uninitialized-value, -Wdangling-pointer=
    return *total;
}

int last_total_kept(int a, int b)
{
    int *total;
    int sum;
    {
        sum = a + b;
        total = &sum;
    }
    // ok: invalidLifetime, -Wanalyzer-use-of-uninitialized-value
    return *total;
}

int *make_counter(void)
{
    int counter = 0;
    // ruleid: returnDanglingLifetime, clang-analyzer-core.StackAddressEscape, -Wreturn-local-addr
    return &counter;
}

int *make_counter_static(void)
{
    static int counter = 0;
    // ok: returnDanglingLifetime, clang-analyzer-core.StackAddressEscape, -Wreturn-local-addr
    return &counter;
}
