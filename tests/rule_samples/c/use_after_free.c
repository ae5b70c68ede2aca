#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct session {
    char *user;
    char *token;
    int refs;
};

struct list_node {
    struct list_node *next;
    char *value;
};

/* ---------------- use after free ---------------- */

int close_session(struct session *s)
{
    free(s);
    // ruleid: c-use-after-free
    return s->refs;
}

void log_and_free(char *msg, int verbose)
{
    if (verbose)
        free(msg);
    // ruleid: c-use-after-free
    printf("done: %s\n", msg);
}

void rotate_token(struct session *s, const char *fresh)
{
    free(s->token);
    // ruleid: c-use-after-free
    printf("old token %s replaced\n", s->token);
    s->token = strdup(fresh);
}

void free_list(struct list_node *head)
{
    struct list_node *next;
    while (head != NULL) {
        next = head->next;
        free(head->value);
        free(head);
        // ok: c-use-after-free
        head = next;
    }
}

void reset_session(struct session *s, const char *user)
{
    free(s->user);
    s->user = strdup(user);
    // ok: c-use-after-free
    printf("user is now %s\n", s->user);
}

void destroy_session(struct session *s)
{
    free(s->user);
    free(s->token);
    // ok: c-use-after-free
    memset(s, 0, sizeof(*s));
    free(s);
}

int process(char *buf, int n)
{
    if (n < 0) {
        free(buf);
        return -1;
    }
    // ok: c-use-after-free
    buf[0] = 'x';
    free(buf);
    return 0;
}

int new_buffer(char **out, size_t n);

int refill(char *buf, size_t n)
{
    free(buf);
    if (new_buffer(&buf, n) != 0)
        return -1;
    // ok: c-use-after-free
    buf[0] = 'x';
    // ok: c-double-free
    free(buf);
    return 0;
}

/* ---------------- double free ---------------- */

int load_config(const char *path)
{
    char *data = malloc(4096);
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        free(data);
        goto fail;
    }
    // ruleid: c-unchecked-input
    fread(data, 1, 4096, fp);
    fclose(fp);
    free(data);
    return 0;
fail:
    // ruleid: c-double-free
    free(data);
    return -1;
}

void drop_token(struct session *s)
{
    free(s->token);
    if (s->refs == 0)
        // ruleid: c-double-free
        free(s->token);
}

void drop_token_safe(struct session *s)
{
    free(s->token);
    s->token = NULL;
    // ok: c-double-free
    free(s->token);
}

void replace_buffer(char *buf, size_t n)
{
    free(buf);
    buf = malloc(n);
    if (buf == NULL)
        return;
    memset(buf, 0, n);
    // ok: c-double-free
    free(buf);
}

int cleanup_on_error(char *a, char *b, int err)
{
    if (err) {
        free(a);
        free(b);
        return -1;
    }
    // ok: c-double-free
    free(a);
    free(b);
    return 0;
}

void free_sessions(struct session *sessions, size_t count)
{
    while (count > 0) {
        count -= 1;
        // ok: c-double-free
        free(sessions[count].user);
    }
}

struct session_pool {
    struct session *sessions;
    size_t cached;
};

void shrink_pool(struct session_pool *pool, size_t keep)
{
    while (pool->cached > keep) {
        pool->cached -= 1;
        // ok: c-double-free
        free(pool->sessions[pool->cached].token);
    }
}

static void usage(int status)
{
    fprintf(stderr, "usage: convert [-h] [-o FILE] INPUT\n");
    exit(status);
}

int convert_main(int argc, char **argv)
{
    char *output = strdup("out.txt");
    int option;
    while ((option = getopt(argc, argv, "ho:")) != -1) {
        switch (option) {
        case 'h':
            free(output);
            usage(EXIT_SUCCESS); /* does not return: the next free is on another run */
            break;
        case 'o':
            // ok: c-double-free
            free(output);
            output = strdup(optarg);
            break;
        default:
            // ok: c-double-free
            free(output);
            usage(EXIT_FAILURE);
        }
    }
    // ok: c-double-free
    free(output);
    return 0;
}

/* A retry loop that ends only by a break (psutil's sysctl loops): each pass allocates anew, so after the loop the
   buffer is the last allocation, not the one freed before a continue. */
char *read_whole(int fd, size_t size)
{
    char *buffer;
    while (1) {
        buffer = malloc(size);
        if (buffer == NULL)
            return NULL;
        if (read(fd, buffer, size) == (ssize_t)size) {
            free(buffer);
            size *= 2;
            continue;
        }
        break;
    }
    // ok: c-use-after-free
    buffer[size - 1] = '\0';
    return buffer;
}

/* The same loop freeing what the next pass still reads. */
int drain(int fd)
{
    char *buffer = malloc(16);
    for (;;) {
        // ruleid: c-use-after-free
        if (read(fd, buffer, 16) <= 0)
            break;
        // ruleid: c-use-after-free
        if (buffer[0] == 'q') {
            // ruleid: c-double-free
            free(buffer);
            continue;
        }
    }
    return 0;
}

/* Python.h's Py_RETURN_TRUE returns: the cleanup label is another path. */
typedef struct _object PyObject;
PyObject *is_ready(PyObject *self, PyObject *args)
{
    char *buffer = malloc(64);
    if (buffer == NULL)
        goto error;
    if (fill(buffer, self, args) == 0) {
        free(buffer);
        Py_RETURN_TRUE;
    }
error:
    if (buffer != NULL)
        // ok: c-double-free
        free(buffer);
    Py_RETURN_FALSE;
}

/* A header per platform before one body, an argument per platform (psutil's BSD files): read as the first
   platform's. */
#if defined(__FreeBSD__)
static char *
last_word(char *line, size_t size) {
    char *copy = strndup(line, size);
#else
static char *
last_word(char *line, size_t size) {
    char *copy = strdup(line);
#endif
    if (strchr(copy, ' ') == NULL)
        free(copy);
    // ruleid: c-use-after-free
    return strdup(strrchr(copy,
#if defined(__FreeBSD__)
                          '\t'
#else
                          ' '
#endif
                          ) + 1);
}

/* A CPython extension's type, as psycopg2 writes it: Semgrep gave up on the file at each of these macros. */
typedef struct {
    PyObject_HEAD
    char *name;
} Item;

static PyTypeObject ItemType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    "mod.Item",
};

static void
item_dealloc(Item *self)
{
    char *name = self->name;
    Py_TRASHCAN_BEGIN(self, item_dealloc)
    free(name);
    // ruleid: c-use-after-free
    Dprintf("item_dealloc: %s at %p, refcnt = " FORMAT_CODE_PY_SSIZE_T, name, self, Py_REFCNT(self));
    Py_TRASHCAN_END
}
