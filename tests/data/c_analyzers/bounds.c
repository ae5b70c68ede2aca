/* Out-of-bounds reads and writes: an index, a length or a size that runs past either end of a buffer, each
   beside the bounded form of the same code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int slots[8];

int slot_after_check(int i)
{
    if (i == 8)
        puts("last slot");
    // ruleid: arrayIndexOutOfBoundsCond, clang-analyzer-security.ArrayBound
    return slots[i];
}

int slot_checked(int i)
{
    if (i < 0 || i >= 8)
        return -1;
    // ok: arrayIndexOutOfBoundsCond, clang-analyzer-security.ArrayBound
    return slots[i];
}

int slot_before(int first)
{
    if (first != 0)
        return 0;
    // ruleid: negativeIndex, clang-analyzer-security.ArrayBound
    return slots[first - 1];
}

int slot_after(int first)
{
    if (first != 0)
        return 0;
    // ok: negativeIndex, clang-analyzer-security.ArrayBound
    return slots[first + 1];
}

void send_header(FILE *out)
{
    char header[8];
    // ruleid: bufferAccessOutOfBounds, -Warray-bounds
    memset(header, 0, 10);
    fwrite(header, 1, sizeof(header), out);
}

void send_header_sized(FILE *out)
{
    char header[8];
    // ok: bufferAccessOutOfBounds, -Warray-bounds
    memset(header, 0, sizeof(header));
    fwrite(header, 1, sizeof(header), out);
}

int next_of(int value)
{
    int *values = &value;
    // ruleid: objectIndex, clang-analyzer-security.ArrayBound, -Warray-bounds
    return values[1];
}

int first_of(int value)
{
    int *values = &value;
    // ok: objectIndex, clang-analyzer-security.ArrayBound
    return values[0];
}

void checksum_block(int block[16]);

void short_block(void)
{
    int block[8] = {0};
    // ruleid: argumentSize, -Wstringop-overflow=
    checksum_block(block);
}

void full_block(void)
{
    int block[16] = {0};
    // ok: argumentSize, -Wstringop-overflow=
    checksum_block(block);
}

void read_word(void)
{
    char word[16];
    // ruleid: invalidscanf
    if (scanf("%s", word) == 1)
        puts(word);
}

void read_word_bounded(void)
{
    char word[16];
    // ok: invalidscanf
    if (scanf("%15s", word) == 1)
        puts(word);
}

void read_code(void)
{
    char code[8];
    // ruleid: invalidScanfFormatWidth
    if (scanf("%8s", code) == 1)
        puts(code);
}

void read_code_bounded(void)
{
    char code[8];
    // ok: invalidScanfFormatWidth
    if (scanf("%7s", code) == 1)
        puts(code);
}

void greet(const char *name)
{
    char line[32] = "hello ";
    // ruleid: clang-analyzer-unix.cstring.BadSizeArg, -Wstringop-overflow=
    strncat(line, name, sizeof(line));
    puts(line);
}

void greet_bounded(const char *name)
{
    char line[32] = "hello ";
    // ok: clang-analyzer-unix.cstring.BadSizeArg, -Wstringop-overflow=
    strncat(line, name, sizeof(line) - strlen(line) - 1);
    puts(line);
}

size_t read_record(FILE *in)
{
    char record[8];
    // ruleid: clang-analyzer-unix.StdCLibraryFunctions, bufferAccessOutOfBounds
    size_t got = fread(record, 1, 16, in);
    fwrite(record, 1, got < sizeof(record) ? got : sizeof(record), stdout);
    return got;
}

size_t read_record_sized(FILE *in)
{
    char record[8];
    // ok: clang-analyzer-unix.StdCLibraryFunctions, bufferAccessOutOfBounds
    size_t got = fread(record, 1, sizeof(record), in);
    fwrite(record, 1, got, stdout);
    return got;
}

void mark_rows(int rows)
{
    if (rows != 0)
        return;
    // ruleid: clang-analyzer-core.VLASize
    char marks[rows - 1];
    // ruleid: arrayIndexOutOfBounds
    marks[0] = '-';
    fwrite(marks, 1, 1, stdout);
}

void mark_rows_plus_one(int rows)
{
    if (rows != 0)
        return;
    // ok: clang-analyzer-core.VLASize
    char marks[rows + 1];
    // ok: arrayIndexOutOfBounds
    marks[0] = '-';
    fwrite(marks, 1, 1, stdout);
}

char *copy_name(const char *name)
{
    size_t length = strlen(name);
    char *copy = malloc(length + 1);
    if (copy == NULL)
        return NULL;
    // ruleid: bugprone-not-null-terminated-result
    memcpy(copy, name, length);
    return copy;
}

char *copy_name_terminated(const char *name)
{
    size_t length = strlen(name);
    char *copy = malloc(length + 1);
    if (copy == NULL)
        return NULL;
    // ok: bugprone-not-null-terminated-result
    memcpy(copy, name, length + 1);
    return copy;
}

size_t seal(const char *text, unsigned char *sealed, size_t size)
{
    unsigned char block[64];
    size_t length = strlen(text);
    size_t i;
    if (length > sizeof(block) || length > size)
        return 0;
    /* bytes to encrypt: used with their length, never read as a string */
    // candidate: bugprone-not-null-terminated-result
    memcpy(block, text, length);
    for (i = 0; i < length; i++)
        sealed[i] = block[i] ^ 0x5a;
    return length;
}

char *duplicate(const char *text)
{
    // ruleid: bugprone-misplaced-operator-in-strlen-in-alloc
    char *copy = malloc(strlen(text + 1));
    if (copy != NULL)
        strcpy(copy, text);
    return copy;
}

char *duplicate_sized(const char *text)
{
    // ok: bugprone-misplaced-operator-in-strlen-in-alloc
    char *copy = malloc(strlen(text) + 1);
    if (copy != NULL)
        strcpy(copy, text);
    return copy;
}

/* A table of rows x channels read row by row, its sizes kept in structs (Pillow's SGI decoder): the index is
   always below rows * channels, a relation clang loses; its report names no index, so it is only a candidate. */
struct image_size {
    int rows;
    int channels;
};

struct row_table {
    int length;
    unsigned *offsets;
    int row;
    int channel;
};

unsigned sum_offsets(struct image_size *image, struct row_table *table, const unsigned char *data)
{
    unsigned total = 0;
    table->length = image->channels * image->rows;
    table->offsets = calloc(table->length, sizeof(unsigned));
    if (!table->offsets)
        return 0;
    for (int i = 0; i < table->length; i++)
        table->offsets[i] = data[i];
    for (table->row = 0; table->row < image->rows; table->row++) {
        for (table->channel = 0; table->channel < image->channels; table->channel++) {
            // candidate: clang-analyzer-security.ArrayBound
            total += table->offsets[table->row + table->channel * image->rows];
        }
    }
    free(table->offsets);
    return total;
}
