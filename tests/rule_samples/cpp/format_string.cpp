// c-format-string in C++ code: a message from a std::string used as the format.
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <syslog.h>

class Logger
{
public:
    void info(const std::string &message) const;
    void warn(const std::string &message) const;
    void debug(const char *fmt, int value) const;
};

void Logger::info(const std::string &message) const
{
    // ruleid: c-format-string
    syslog(LOG_INFO, message.c_str());
}

void Logger::warn(const std::string &message) const
{
    // ok: c-format-string
    fprintf(stderr, "warning: %s\n", message.c_str());
}

void Logger::debug(const char *fmt, int value) const
{
    // ruleid: c-format-string
    printf(fmt, value);
    // ruleid: c-format-string
    std::fprintf(stderr, fmt, value);
    // ok: c-format-string
    std::fprintf(stderr, "%s=%d\n", fmt, value);
}

void banner(bool colour)
{
    // ok: c-format-string
    printf(colour ? "\033[1mready\033[0m\n" : "ready\n");
}

void reportSize(std::int64_t size)
{
    // ok: c-format-string
    printf("%" PRId64 "\n", size);
    // ok: c-format-string
    std::fprintf(stderr, "size=%" PRId64, size);
}

// A printf-like function of the program's own: its callers pass the format.
static void trace(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    std::vfprintf(stderr, fmt, args);
    va_end(args);
}

void traceRequest(const std::string &path)
{
    // ruleid: c-format-string
    trace(path.c_str());
    // ok: c-format-string
    trace("request for %s\n", path.c_str());
}
