/* A file opened by a name that comes from outside (c-path-traversal). */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

FILE *open_report(void)
{
    char path[256] = "/var/reports/";
    size_t used = strlen(path);
    if (fgets(path + used, (int)(sizeof(path) - used), stdin) == NULL)
        return NULL;
    path[strcspn(path, "\n")] = '\0';
    // ruleid: c-path-traversal
    return fopen(path, "r");
}

int open_upload(int sock)
{
    char name[128];
    ssize_t got = recv(sock, name, sizeof(name) - 1, 0);
    if (got <= 0)
        return -1;
    name[got] = '\0';
    // ruleid: c-path-traversal
    return open(name, O_RDONLY);
}

int open_config(void)
{
    const char *home = getenv("APP_CONFIG");
    if (home == NULL)
        return -1;
    // ruleid: c-path-traversal
    return open(home, O_RDONLY);
}

FILE *open_report_fixed(void)
{
    char path[256] = "/var/reports/";
    strncat(path, "daily.txt", sizeof(path) - strlen(path) - 1);
    // ok: c-path-traversal
    return fopen(path, "r");
}

int open_upload_name_only(int sock)
{
    char name[128];
    char path[256];
    ssize_t got = recv(sock, name, sizeof(name) - 1, 0);
    if (got <= 0)
        return -1;
    name[got] = '\0';
    const char *leaf = basename(name);
    snprintf(path, sizeof(path), "/srv/uploads/%s", leaf);
    // ok: c-path-traversal
    return open(leaf, O_RDONLY);
}

int main(int argc, char **argv)
{
    FILE *in;
    if (argc < 2)
        return 1;
    /* the file named on the command line is the one whoever runs the tool asked for */
    // ok: c-path-traversal
    in = fopen(argv[1], "r");
    if (in == NULL)
        return 1;
    return fclose(in);
}
