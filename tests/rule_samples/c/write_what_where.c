/* Input read over the bytes of an object that holds pointers, then written through one of them
   (c-write-what-where): whoever sends the bytes chooses where the program writes. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct node {
    struct node *next;
    struct node *prev;
};

struct message {
    int type;
    unsigned offset;
    struct node link;
};

void unlink_received(int sock)
{
    struct message msg;
    struct node *before;
    struct node *after;
    if (recv(sock, (char *)&msg, sizeof(msg), 0) <= 0)
        return;
    before = msg.link.prev;
    after = msg.link.next;
    // ruleid: c-write-what-where
    before->next = after;
    // ruleid: c-write-what-where
    after->prev = before;
}

void unlink_read(FILE *in)
{
    struct message msg;
    struct node *before;
    if (fgets((char *)&msg, sizeof(msg), in) == NULL)
        return;
    before = msg.link.prev;
    // ruleid: c-write-what-where
    before->next = NULL;
}

void store_from_descriptor(int fd)
{
    struct message msg;
    if (read(fd, &msg, sizeof(msg)) != (ssize_t)sizeof(msg))
        return;
    struct node *slot = (struct node *)msg.link.next;
    // ruleid: c-write-what-where
    slot->prev = NULL;
}

void unlink_local(void)
{
    struct message msg;
    struct node head = {&head, &head};
    memset(&msg, 0, sizeof(msg));
    msg.link.next = &head;
    msg.link.prev = &head;
    // ok: c-write-what-where
    msg.link.prev->next = msg.link.next;
}

void copy_fields(int sock, struct message *out)
{
    struct message msg;
    if (recv(sock, (char *)&msg, sizeof(msg), 0) <= 0)
        return;
    /* the input is the value written, not the place: a field copied into the caller's object */
    // ok: c-write-what-where
    out->type = msg.type;
    // ok: c-write-what-where
    *out = msg;
}

void read_text(int sock, char *line, size_t size)
{
    char buffer[64];
    char *end;
    ssize_t got = recv(sock, buffer, sizeof(buffer) - 1, 0);
    if (got <= 0)
        return;
    buffer[got] = '\0';
    end = strchr(buffer, '\n');
    /* a pointer into the buffer the input was read into is where it belongs */
    if (end != NULL)
        // ok: c-write-what-where
        *end = '\0';
    strncpy(line, buffer, size);
}

void store_at_offset(int sock, char *base, size_t size)
{
    struct message msg;
    char *place;
    if (recv(sock, (char *)&msg, sizeof(msg), 0) <= 0)
        return;
    if (msg.offset >= size)
        return;
    place = base + msg.offset;
    /* an offset checked against the object it selects */
    // ok: c-write-what-where
    *place = 0;
}
