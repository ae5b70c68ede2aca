/* A search path set from external input (c-search-path-from-input). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int use_tools_dir(void)
{
    const char *tools = getenv("TOOLS_DIR");
    if (tools == NULL)
        return -1;
    // ruleid: c-search-path-from-input
    return setenv("PATH", tools, 1);
}

int use_fixed_path(void)
{
    // ok: c-search-path-from-input
    return setenv("PATH", "/usr/bin:/bin", 1);
}

int use_plugin_dir(int sock)
{
    static char entry[512] = "LD_LIBRARY_PATH=";
    size_t used = strlen(entry);
    ssize_t got = recv(sock, entry + used, sizeof(entry) - used - 1, 0);
    if (got <= 0)
        return -1;
    entry[used + (size_t)got] = '\0';
    // ruleid: c-search-path-from-input
    return putenv(entry);
}

int set_language(void)
{
    static char entry[64] = "LANG=";
    if (fgets(entry + 5, sizeof(entry) - 5, stdin) == NULL)
        return -1;
    // ok: c-search-path-from-input
    return putenv(entry);
}

int set_fixed_path(void)
{
    static char entry[512];
    strcpy(entry, "PATH=/usr/bin:/bin");
    // ok: c-search-path-from-input
    return putenv(entry);
}

int main(int argc, char **argv)
{
    static char entry[1024];
    if (argc < 2)
        return 2;
    snprintf(entry, sizeof(entry), "PATH=/usr/bin:/bin:%s", argv[1]);
    // ruleid: c-search-path-from-input
    return putenv(entry);
}
