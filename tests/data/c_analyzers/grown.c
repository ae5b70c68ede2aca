/* A pointer into an array kept across a call that may realloc the array: the shape of the use after free the
   analyzers found in Pillow 11's ImagingOutlineTransform (docs/benchmarks.md). */
#include <stdlib.h>

struct edge {
    int x0, y0, x1, y1;
};

struct outline {
    struct edge *edges;
    int count;
    int size;
};

static struct edge *reserve(struct outline *outline, int extra)
{
    if (outline->count + extra > outline->size) {
        struct edge *grown = realloc(outline->edges, (size_t)(outline->size + extra + 25) * sizeof(struct edge));
        if (grown == NULL)
            return NULL;
        outline->edges = grown;
        outline->size += extra + 25;
    }
    struct edge *slot = outline->edges + outline->count;
    outline->count += extra;
    return slot;
}

int mirror(struct outline *outline)
{
    struct edge *in = outline->edges;
    int n = outline->count;
    struct edge *out = reserve(outline, n);
    if (out == NULL)
        return -1;
    for (int i = 0; i < n; i++) {
        // ruleid: clang-analyzer-unix.Malloc, -Wanalyzer-use-after-free
        out[i].x0 = -in[i].x0;
    }
    return 0;
}

int mirror_after_reserving(struct outline *outline)
{
    int n = outline->count;
    struct edge *out = reserve(outline, n);
    if (out == NULL)
        return -1;
    struct edge *in = outline->edges;
    for (int i = 0; i < n; i++) {
        // ok: clang-analyzer-unix.Malloc, -Wanalyzer-use-after-free
        out[i].x0 = -in[i].x0;
    }
    return 0;
}
