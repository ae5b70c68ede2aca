#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>

#define NAME_MAX_LEN 32

struct user {
    char name[NAME_MAX_LEN];
    int id;
};

/* ---------------- gets ---------------- */

void read_command(void)
{
    char line[128];
    // ruleid: c-gets
    gets(line);
    printf("command: %s\n", line);
}

int ask_name(char *out)
{
    // ruleid: c-gets
    if (gets(out) == NULL)
        return -1;
    return 0;
}

void read_command_safe(void)
{
    char line[128];
    // ok: c-gets
    if (fgets(line, sizeof(line), stdin) == NULL)
        return;
    line[strcspn(line, "\n")] = '\0';
}

int read_record(FILE *fp, char *buf, size_t len)
{
    // ok: c-gets
    return getline(&buf, &len, fp) > 0;
}

/* ---------------- strcpy / strcat ---------------- */

void set_user_name(struct user *u, const char *name)
{
    // ruleid: c-strcpy-unbounded
    strcpy(u->name, name);
}

void build_greeting(const char *first, const char *last)
{
    char msg[64];
    // ok: c-strcpy-unbounded
    strcpy(msg, "Hello, ");
    // ruleid: c-strcpy-unbounded
    strcat(msg, first);
    strcat(msg, " ");
    // ruleid: c-strcpy-unbounded
    strcat(msg, last);
    puts(msg);
}

void append_tag(char *line, const char *tag, size_t size)
{
    // ruleid: c-strcpy-unbounded
    strncat(line, tag, strlen(tag));
    // ok: c-strcpy-unbounded
    strncat(line, tag, size - strlen(line) - 1);
}

#define GREETING "Hello, "

void greet_constant(char *out)
{
    // ok: c-strcpy-unbounded
    strcpy(out, GREETING);
}

char *duplicate(const char *src)
{
    char *copy = malloc(strlen(src) + 1);
    if (copy == NULL)
        return NULL;
    // ok: c-strcpy-unbounded
    strcpy(copy, src);
    return copy;
}

struct log_file {
    char *path;
};

/* sized from the source's length kept first, with room for a suffix (zlib's gzlog) */
int set_log_path(struct log_file *log, const char *path)
{
    size_t n = strlen(path);
    log->path = malloc(n + 9);
    if (log->path == NULL)
        return -1;
    // ok: c-strcpy-unbounded
    strcpy(log->path, path);
    return 0;
}

int set_log_path_from_another(struct log_file *log, const char *path, const char *name)
{
    size_t n = strlen(name);
    log->path = malloc(n + 9);
    if (log->path == NULL)
        return -1;
    // ruleid: c-strcpy-unbounded
    strcpy(log->path, path);
    return 0;
}

int set_user_name_checked(struct user *u, const char *name)
{
    if (strlen(name) >= sizeof(u->name))
        return -1;
    // ok: c-strcpy-unbounded
    strcpy(u->name, name);
    return 0;
}

/* ---------------- sprintf / vsprintf ---------------- */

void log_login(const char *user, const char *host)
{
    char entry[100];
    // ruleid: c-sprintf-unbounded
    sprintf(entry, "login user=%s host=%s", user, host);
    puts(entry);
}

void log_message(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    // ruleid: c-sprintf-unbounded
    vsprintf(out, fmt, ap);
    va_end(ap);
}

void format_id(int id, const char *tag)
{
    char buf[32];
    // ok: c-sprintf-unbounded
    sprintf(buf, "id=%d", id);
    // ok: c-sprintf-unbounded
    sprintf(buf, "tag=%.16s", tag);
    // ok: c-sprintf-unbounded
    snprintf(buf, sizeof(buf), "tag=%s", tag);
    puts(buf);
}

char *join_path(const char *dir, const char *file)
{
    char *path = malloc(strlen(dir) + strlen(file) + 2);
    if (!path)
        return NULL;
    // ok: c-sprintf-unbounded
    sprintf(path, "%s/%s", dir, file);
    return path;
}

/* ---------------- scanf family ---------------- */

void read_credentials(FILE *fp)
{
    char user[32];
    char pass[32];
    // ruleid: c-scanf-unbounded-string, c-unchecked-input
    scanf("%s", user);
    // ruleid: c-scanf-unbounded-string, c-unchecked-input
    fscanf(fp, "%d %[^\n]", &pass[0], pass);
    // ok: c-scanf-unbounded-string, c-unchecked-input
    if (scanf("%31s", user) != 1)
        return;
    // ok: c-scanf-unbounded-string, c-unchecked-input
    if (fscanf(fp, "%*s %31s", pass) != 1)
        return;
}

void parse_pair(const char *line)
{
    char key[16], value[64];
    int n;
    // ruleid: c-scanf-unbounded-string, c-unchecked-input
    sscanf(line, "%s = %63s", key, value);
    // ok: c-scanf-unbounded-string, c-unchecked-input
    if (sscanf(line, "%d", &n) != 1)
        return;
}

/* ---------------- memcpy with foreign length ---------------- */

int handle_packet(const unsigned char *pkt, size_t pkt_len)
{
    unsigned char payload[256];
    size_t body_len = pkt[0] | (pkt[1] << 8);
    // ruleid: c-memcpy-size-not-destination
    memcpy(payload, pkt + 2, body_len);
    return payload[0];
}

void copy_label(const char *label)
{
    char tmp[16];
    // ruleid: c-memcpy-size-not-destination
    strncpy(tmp, label, strlen(label));
    puts(tmp);
}

int handle_packet_checked(const unsigned char *pkt, size_t len)
{
    unsigned char payload[256];
    if (len > sizeof(payload))
        return -1;
    // ok: c-memcpy-size-not-destination
    memcpy(payload, pkt, len);
    return payload[0];
}

void copy_label_bounded(const char *label)
{
    char tmp[16];
    // ok: c-memcpy-size-not-destination
    strncpy(tmp, label, sizeof(tmp) - 1);
    tmp[sizeof(tmp) - 1] = '\0';
    // ok: c-memcpy-size-not-destination
    memcpy(tmp, "abc", 4);
    puts(tmp);
}

void copy_banner(void)
{
    char banner[] = "service ready";
    size_t banner_len = strlen(banner) + 1;
    char out[64];
    // ok: c-memcpy-size-not-destination
    memcpy(out, banner, banner_len);
    puts(out);
}

void overwrite_label(const char *label)
{
    char tmp[16] = "placeholder";
    // ok: c-memcpy-size-not-destination
    memcpy(tmp, label, strlen(tmp));
    puts(tmp);
}

void copy_record(const char *record, size_t length, int keep_prefix)
{
    char buffer[64];
    char *out;
    if (keep_prefix) {
        out = buffer;
    } else {
        out = buffer - 8;
    }
    if (length < sizeof(buffer)) {
        // ruleid: c-write-before-buffer
        memcpy(out, record, length);
    }
}

void fill_record(const char *record)
{
    char buffer[64];
    char *out = buffer - 2;
    size_t i;
    for (i = 0; i < 60 && record[i] != '\0'; i++) {
        // ruleid: c-write-before-buffer
        out[i] = record[i];
    }
}

void show_tail(size_t count)
{
    char *text = (char *)malloc(100);
    char *from;
    char copy[100];
    size_t i;
    if (text == NULL)
        return;
    memset(text, 'A', 99);
    text[99] = '\0';
    from = text - 4;
    for (i = 0; i < count && i < 50; i++) {
        // ruleid: c-read-before-buffer
        putchar(from[i]);
    }
    // ruleid: c-read-before-buffer
    memcpy(copy, from, 50);
    free(text);
}

void copy_inside(const char *record)
{
    char buffer[64];
    char *out = buffer + 8;
    // ok: c-write-before-buffer
    strncpy(out, record, sizeof(buffer) - 9);
    buffer[63] = '\0';
}

void copy_last_four(char out[4], const char *text, size_t length)
{
    const char *end = text + length;
    if (length >= 4) {
        // ok: c-read-before-buffer
        memcpy(out, end - 4, 4);
    }
}
