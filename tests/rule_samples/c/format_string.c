#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <libintl.h>

#define _(s) gettext(s)
#define STATUS_FMT "status=%d\n"

void echo_request(int sock, const char *body)
{
    char line[256];
    // ruleid: c-format-string
    printf(body);
    // ruleid: c-format-string
    snprintf(line, sizeof(line), body);
    // ok: c-format-string
    snprintf(line, sizeof(line), "%s", body);
    // ok: c-format-string
    printf("%s\n", line);
}

void audit(const char *user_msg, FILE *log)
{
    // ruleid: c-format-string
    syslog(LOG_WARNING, user_msg);
    // ruleid: c-format-string
    fprintf(log, user_msg);
    // ok: c-format-string
    syslog(LOG_WARNING, "audit: %s", user_msg);
    // ok: c-format-string
    fprintf(log, "%s\n", user_msg);
}

void report(int code, int verbose)
{
    const char *fmt = verbose ? "status code %d (verbose)\n" : "status %d\n";
    // ok: c-format-string
    printf(fmt, code);
    // ok: c-format-string
    printf(STATUS_FMT, code);
    // ok: c-format-string
    printf(_("Exit status: %d\n"), code);
}

void report_size(int64_t size, FILE *log)
{
    // ok: c-format-string
    printf("%" PRId64 "\n", size);
    // ok: c-format-string
    fprintf(log, "size=%" PRId64, size);
}

static void log_line(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    // ok: c-format-string
    vfprintf(stderr, fmt, args);
    va_end(args);
}

static void log_at(int level, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    if (level > 0)
        vsyslog(level, fmt, args);
    va_end(args);
}

static void log_text(const char *text)
{
    fputs(text, stderr);
}

void log_request(const char *path)
{
    // ruleid: c-format-string
    log_line(path);
    // ok: c-format-string
    log_line("request for %s\n", path);
    // ruleid: c-format-string
    log_at(LOG_NOTICE, path);
    // ok: c-format-string
    log_at(LOG_NOTICE, "request for %s", path);
    // ok: c-format-string
    log_text(path);
}

int main(int argc, char **argv)
{
    char name[64];
    if (fgets(name, sizeof(name), stdin) == NULL)
        return 1;
    name[strcspn(name, "\n")] = '\0';
    // ruleid: c-format-string
    fprintf(stderr, argv[1]);
    // ruleid: c-format-string
    printf(name);
    return 0;
}
