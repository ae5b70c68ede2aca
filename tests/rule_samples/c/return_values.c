/* Results of calls that must be checked (c-unchecked-input, c-incorrect-check, c-error-ignored). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int read_age(void)
{
    int age;
    // ruleid: c-unchecked-input
    scanf("%d", &age);
    return age;
}

int read_age_or_default(void)
{
    int age = 18;
    // ok: c-unchecked-input
    scanf("%d", &age);
    return age;
}

int read_block(FILE *fp, char *block, size_t size)
{
    int complete;
    // ok: c-unchecked-input
    complete = fread(block, 1, size, fp) == size;
    return complete;
}

int read_age_checked(void)
{
    int age;
    // ok: c-unchecked-input
    if (scanf("%d", &age) != 1)
        return -1;
    return age;
}

void echo_line(int fd)
{
    char line[128];
    // ruleid: c-unchecked-input
    fgets(line, sizeof(line), stdin);
    // ruleid: c-unchecked-input
    read(fd, line, sizeof(line));
    puts(line);
}

void echo_line_checked(int fd)
{
    char line[128];
    ssize_t got;
    // ok: c-unchecked-input
    if (fgets(line, sizeof(line), stdin) == NULL)
        return;
    // ok: c-unchecked-input
    got = read(fd, line, sizeof(line) - 1);
    if (got <= 0)
        return;
    line[got] = '\0';
    puts(line);
}

int ask(char *line, size_t size)
{
    // ruleid: c-incorrect-check
    if (fgets(line, (int)size, stdin) < 0)
        return -1;
    // ruleid: c-incorrect-check
    if (fputs("ok\n", stdout) == 0)
        return -1;
    // ruleid: c-incorrect-check
    if (scanf("%127s", line) == 0)
        return -1;
    return 0;
}

int ask_checked(char *line, size_t size)
{
    // ok: c-incorrect-check
    if (fgets(line, (int)size, stdin) == NULL)
        return -1;
    // ok: c-incorrect-check
    if (fputs("ok\n", stdout) == EOF)
        return -1;
    // ok: c-incorrect-check
    if (scanf("%127s", line) != 1)
        return -1;
    return 0;
}

void log_to(const char *path)
{
    FILE *out = fopen(path, "a");
    // ruleid: c-error-ignored
    if (out == NULL)
    {
    }
    fputs("started\n", out);
    fclose(out);
}

int log_to_checked(const char *path)
{
    FILE *out = fopen(path, "a");
    // ok: c-error-ignored
    if (out == NULL)
    {
        perror(path);
        return -1;
    }
    fputs("started\n", out);
    return fclose(out);
}
