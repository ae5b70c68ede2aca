/* An assertion on a value that comes from outside (c-reachable-assertion). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_ITEMS 64

int read_count(void)
{
    char line[32];
    int count = 0;
    if (fgets(line, sizeof(line), stdin) != NULL)
        count = atoi(line);
    // ruleid: c-reachable-assertion
    assert(count <= MAX_ITEMS);
    return count;
}

int receive_count(int sock)
{
    char buf[16] = "";
    int count;
    if (recv(sock, buf, sizeof(buf) - 1, 0) <= 0)
        return -1;
    count = atoi(buf);
    // ruleid: c-reachable-assertion
    assert(count >= 0);
    return count;
}

int read_count_checked(void)
{
    char line[32];
    int count = 0;
    if (fgets(line, sizeof(line), stdin) != NULL)
        count = atoi(line);
    if (count > MAX_ITEMS)
        return -1;
    return count;
}

int fixed_count(void)
{
    int count = MAX_ITEMS / 2;
    // ok: c-reachable-assertion
    assert(count <= MAX_ITEMS);
    return count;
}

unsigned top_bits(const unsigned limbs[4], unsigned shift)
{
    /* a right shift is arithmetic, not a read from a stream */
    // ok: c-reachable-assertion
    assert(limbs[0] >> 26 == 0);
    unsigned high = limbs[1] >> shift;
    // ok: c-reachable-assertion
    assert(shift < 32 && high < 64);
    return high;
}

int read_count_in_a_loop(void)
{
    int count = 0;
    while (1) {
        if (fscanf(stdin, "%d", &count) != 1)
            count = 0;
        break;
    }
    // ruleid: c-reachable-assertion
    assert(count <= MAX_ITEMS);
    return count;
}

int other_value_after_a_read(void)
{
    int count = 0, limit = MAX_ITEMS / 2;
    while (1) {
        if (scanf("%d", &count) != 1)
            count = 0;
        break;
    }
    // ok: c-reachable-assertion
    assert(limit <= MAX_ITEMS);
    return count < limit ? count : limit;
}

int compress_block(unsigned char *block, size_t size); /* a library's call: 0 or an error code */

/* What a library returns about the input it was given is the library's word, and how much a read returned is
   bounded by what it asked for; the size of a buffer is not its content. The text itself, and what conversions
   make of it, are input. */
int pack(FILE *in)
{
    unsigned char block[256];
    size_t size = fread(block, 1, sizeof(block) - 8, in);
    // ok: c-reachable-assertion
    assert(size + 8 <= sizeof(block));
    int status = compress_block(block, size);
    // ok: c-reachable-assertion
    assert(status != -2);
    // ruleid: c-reachable-assertion
    assert(strlen((const char *)block) < 64);
    // ruleid: c-reachable-assertion
    assert(strtol((const char *)block, NULL, 10) > 0);
    return status;
}

int main(int argc, char **argv)
{
    char line[32];
    char *option = argc > 1 ? argv[1] : NULL;
    // ok: c-reachable-assertion
    assert(argv);
    /* the command line is written by whoever runs the program: failing it stops only their run */
    // ok: c-reachable-assertion
    assert(option == NULL || option[0] != '-');
    if (fgets(line, sizeof(line), stdin) == NULL)
        return 1;
    /* no input makes a buffer's address NULL */
    // ok: c-reachable-assertion
    assert(line != NULL);
    // ruleid: c-reachable-assertion
    assert(line[0] != '-');
    return 0;
}
