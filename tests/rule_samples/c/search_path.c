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

int add_tools_from_settings(FILE *settings)
{
    static char buffer[512] = "PATH=";
    char *entry = buffer;
    size_t used = strlen(entry);
    while (used < sizeof(buffer) - 1) {
        if (fgets(entry + used, (int)(sizeof(buffer) - used), settings) == NULL) {
            entry[used] = '\0';
            break;
        }
        used = strlen(entry);
    }
    // ruleid: c-search-path-from-input
    return putenv(entry);
}

int set_language_through_pointer(void)
{
    static char buffer[64] = "LANG=";
    char *entry = buffer;
    if (fgets(entry + 5, sizeof(buffer) - 5, stdin) == NULL)
        return -1;
    // ok: c-search-path-from-input
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
