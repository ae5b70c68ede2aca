/* Calls through function-name alias macros (`#define OPEN open`), as portable code makes them, and string
   constants as macros (`#define SHELL_FLAG "-c"`): Semgrep reads the file without a preprocessor, so the engine
   expands such one-name and one-string macros first, as the preprocessor would. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef _WIN32
#define OPEN _open
#define STAT _stat
#define SHELL _popen
#else
#define OPEN open
#define STAT stat
#define SHELL popen
#endif
#define RUN_SHELL SHELL
#define GETENV getenv
#define SHELL_PATH "/bin/sh" /* the POSIX shell */
#define SHELL_FLAG "-c"
#define HOOK_VARIABLE "POST_HOOK"
#define FIXED_HOOK "/usr/lib/app/post-hook"

FILE *run_hook(void)
{
    const char *hook = GETENV("POST_HOOK");
    if (hook == NULL)
        return NULL;
    // ruleid: c-command-injection
    return RUN_SHELL(hook, "r");
}

FILE *run_fixed_hook(void)
{
    // ok: c-command-injection
    return RUN_SHELL("/usr/lib/app/post-hook", "r");
}

int open_regular(const char *path)
{
    struct stat st;
    if (STAT(path, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    // ruleid: c-toctou-path
    return OPEN(path, O_RDONLY);
}

int open_then_check(const char *path)
{
    struct stat st;
    // ok: c-toctou-path
    int fd = OPEN(path, O_RDONLY | O_NOFOLLOW);
    if (fd >= 0 && fstat(fd, &st) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

void exec_hook(void)
{
    const char *hook = GETENV(HOOK_VARIABLE);
    if (hook == NULL)
        return;
    // ruleid: c-command-injection
    execl(SHELL_PATH, "sh", SHELL_FLAG, hook, NULL);
}

void exec_fixed_hook(void)
{
    // ok: c-command-injection
    execl(SHELL_PATH, "sh", SHELL_FLAG, FIXED_HOOK, NULL);
}
