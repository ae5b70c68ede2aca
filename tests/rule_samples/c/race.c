/* c-toctou-path: a file checked by name (access, stat, lstat) and then opened or changed by name. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int append_if_allowed(const char *path, const char *line)
{
    FILE *f;
    if (access(path, W_OK) != 0)
        return -1;
    // ruleid: c-toctou-path
    f = fopen(path, "a");
    if (f == NULL)
        return -1;
    fputs(line, f);
    return fclose(f);
}

int open_regular(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        // ruleid: c-toctou-path
        return open(path, O_RDONLY);
    }
    return -1;
}

struct job {
    char *spool;
};

void protect_spool(struct job *j)
{
    struct stat st;
    if (lstat(j->spool, &st) == 0 && !S_ISLNK(st.st_mode))
        // ruleid: c-toctou-path
        chmod(j->spool, 0600);
}

int create_new(const char *path)
{
    if (access(path, F_OK) == 0)
        return -1;
    /* an exclusive create fails if anything was put there since the check */
    // ok: c-toctou-path
    return open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
}

int open_then_check(const char *path)
{
    struct stat st;
    // ok: c-toctou-path
    int fd = open(path, O_RDONLY | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

int log_state(const char *path, const char *log)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return -1;
    // ok: c-toctou-path
    return open(log, O_WRONLY | O_APPEND);
}

int checked_then_replaced(char *path, const char *copy)
{
    if (access(path, R_OK) != 0)
        return -1;
    path = (char *)copy;
    // ok: c-toctou-path
    return open(path, O_RDONLY);
}
