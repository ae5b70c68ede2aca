/* Arithmetic and division on numbers from input (c-arithmetic-overflow-from-input,
   c-arithmetic-underflow-from-input, c-divisor-from-input). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_PAGES 1000

int pages_to_bytes(FILE *in)
{
    int pages = 0;
    if (fscanf(in, "%d", &pages) != 1)
        return -1;
    if (pages > 0) {
        /* bounded from below only: a large count still wraps */
        // ruleid: c-arithmetic-overflow-from-input
        int bytes = pages * 4096;
        return bytes;
    }
    return 0;
}

int pages_to_bytes_checked(FILE *in)
{
    int pages = 0;
    if (fscanf(in, "%d", &pages) != 1)
        return -1;
    if (pages > 0 && pages < MAX_PAGES) {
        // ok: c-arithmetic-overflow-from-input
        int bytes = pages * 4096;
        return bytes;
    }
    return 0;
}

long next_sequence(int sock)
{
    char line[32];
    long seq;
    ssize_t got = recv(sock, line, sizeof(line) - 1, 0);
    if (got <= 0)
        return -1;
    line[got] = '\0';
    seq = strtol(line, NULL, 10);
    // ruleid: c-arithmetic-overflow-from-input
    seq++;
    return seq;
}

long next_sequence_checked(int sock)
{
    char line[32];
    long seq;
    ssize_t got = recv(sock, line, sizeof(line) - 1, 0);
    if (got <= 0)
        return -1;
    line[got] = '\0';
    seq = strtol(line, NULL, 10);
    if (seq >= LONG_MAX)
        return -1;
    // ok: c-arithmetic-overflow-from-input
    seq++;
    return seq;
}

char *record_end(char *records, FILE *in)
{
    int index = 0;
    if (fscanf(in, "%d", &index) != 1)
        return NULL;
    /* a pointer offset, not a number kept: the bounds rules' business */
    // ok: c-arithmetic-overflow-from-input
    char *end = records + index;
    return end;
}

long total_size(FILE *in)
{
    long total = 0;
    long chunk = 0;
    while (fscanf(in, "%ld", &chunk) == 1) {
        // ruleid: c-arithmetic-overflow-from-input
        total += chunk;
    }
    return total;
}

size_t printable_count(int sock)
{
    char line[64];
    char *p;
    size_t printable = 0;
    ssize_t got = recv(sock, line, sizeof(line) - 1, 0);
    if (got <= 0)
        return 0;
    line[got] = '\0';
    /* a pointer moved along the input, not a number */
    // ok: c-arithmetic-overflow-from-input
    for (p = line; *p != '\0'; p++)
        printable += (*p >= 32);
    return printable;
}

size_t slurp(FILE *in, char *buffer, size_t size)
{
    size_t used = 0;
    size_t count;
    while ((count = fread(buffer + used, 1, size - used, in)) > 0) {
        /* how much was read is bounded by what was asked for: not a number the sender chose */
        // ok: c-arithmetic-overflow-from-input
        used += count;
    }
    return used;
}

int read_line(char *line, int size)
{
    size_t length;
    if (fgets(line, size, stdin) == NULL)
        return -1;
    length = strlen(line);
    if (length && line[length - 1] == '\n')
        // ok: c-arithmetic-underflow-from-input
        line[--length] = '\0';
    return (int)length;
}

int main(int argc, char **argv)
{
    /* a command-line argument comes from whoever runs the program */
    int repeat = argc > 1 ? atoi(argv[1]) : 1;
    // ok: c-arithmetic-overflow-from-input
    int lines = repeat * 2;
    return lines;
}

int last_index(FILE *in)
{
    int count = 0;
    if (fscanf(in, "%d", &count) != 1)
        return -1;
    // ruleid: c-arithmetic-underflow-from-input
    int last = count - 1;
    return last;
}

int last_index_checked(FILE *in)
{
    int count = 0;
    if (fscanf(in, "%d", &count) != 1)
        return -1;
    if (count <= 0)
        return -1;
    // ok: c-arithmetic-underflow-from-input
    int last = count - 1;
    return last;
}

int share(int total, FILE *in)
{
    int parts = 0;
    if (fscanf(in, "%d", &parts) != 1)
        return -1;
    // ruleid: c-divisor-from-input
    return total / parts;
}

int share_checked(int total, FILE *in)
{
    int parts = 0;
    if (fscanf(in, "%d", &parts) != 1)
        return -1;
    if (parts == 0)
        return -1;
    // ok: c-divisor-from-input
    return total / parts;
}

double ratio(double total, FILE *in)
{
    double part = 0.0;
    if (fscanf(in, "%lf", &part) != 1)
        return 0.0;
    if (fabs(part) > 0.000001) {
        // ok: c-divisor-from-input
        return total / part;
    }
    return 0.0;
}

int bucket(unsigned int hash, const char *arg)
{
    unsigned int buckets = (unsigned int)atoi(arg);
    // ok: c-divisor-from-input
    return (int)(hash % 64);
}

int bucket_of_input(unsigned int hash)
{
    const char *env = getenv("BUCKETS");
    unsigned int buckets = env ? (unsigned int)atoi(env) : 64;
    // ruleid: c-divisor-from-input
    return (int)(hash % buckets);
}
