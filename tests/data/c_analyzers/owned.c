/* Memory the caller holds: an allocation stored through a pointer into a struct the function was given, which
   GCC's analyzer can lose track of (a candidate), beside an allocation kept in a local and lost (a defect). */
#include <limits.h>
#include <stdlib.h>

typedef struct image *Image;
struct image {
    int xsize, ysize, linesize;
    char **rows;
    char *block;
    void (*destroy)(Image im);
};

extern void *memory_error(void);

static void destroy_block(Image im)
{
    free(im->block);
}

static Image image_prologue(int xsize, int ysize)
{
    Image im = calloc(1, sizeof *im);
    if (!im) {
        return (Image)memory_error();
    }
    im->xsize = xsize;
    im->ysize = ysize;
    im->linesize = xsize * 4;
    im->rows = calloc(ysize > 0 ? ysize : 1, sizeof *im->rows);
    if (!im->rows) {
        free(im);
        return (Image)memory_error();
    }
    return im;
}

static void image_delete(Image im)
{
    if (im->destroy) {
        im->destroy(im);
    }
    free(im->rows);
    free(im);
}

static Image allocate_block(Image im)
{
    int y, i;
    if (im->linesize && im->ysize > INT_MAX / im->linesize) {
        return (Image)memory_error();
    }
    if (im->ysize * im->linesize <= 0) {
        im->block = (char *)malloc(1);
    } else {
        im->block = (char *)calloc(im->ysize, im->linesize);
    }
    // candidate: -Wanalyzer-malloc-leak
    if (!im->block) {
        return (Image)memory_error();
    }
    for (y = i = 0; y < im->ysize; y++) {
        im->rows[y] = im->block + i;
        i += im->linesize;
    }
    im->destroy = destroy_block;
    return im;
}

Image image_new(int xsize, int ysize)
{
    Image im;
    if (xsize < 0 || ysize < 0) {
        return NULL;
    }
    im = image_prologue(xsize, ysize);
    if (!im) {
        return NULL;
    }
    if (allocate_block(im)) {
        return im;
    }
    image_delete(im);
    return NULL;
}

int row_sum(Image im, int y)
{
    int *copy = malloc(im->linesize * sizeof *copy);
    int sum = 0;
    if (!copy || y >= im->ysize) {
        // ruleid: -Wanalyzer-malloc-leak, clang-analyzer-unix.Malloc
        return -1;
    }
    for (int x = 0; x < im->linesize; x++) {
        copy[x] = im->rows[y][x];
        sum += copy[x];
    }
    free(copy);
    return sum;
}
