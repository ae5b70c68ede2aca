#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

int ping_host(const char *host)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "ping -c 1 %s", host);
    return system(cmd);
}

void archive_dir(void)
{
    char cmd[512];
    const char *dir = getenv("BACKUP_DIR");
    if (dir == NULL)
        return;
    strcpy(cmd, "tar czf /tmp/backup.tgz ");
    strncat(cmd, dir, sizeof(cmd) - strlen(cmd) - 1);
    // ruleid: c-command-injection
    system(cmd);
}

void lookup_user(int sock)
{
    char name[64];
    char cmd[128];
    FILE *out;
    ssize_t n = recv(sock, name, sizeof(name) - 1, 0);
    if (n <= 0)
        return;
    name[n] = '\0';
    snprintf(cmd, sizeof(cmd), "finger %s", name);
    // ruleid: c-command-injection
    out = popen(cmd, "r");
    if (out != NULL)
        pclose(out);
}

void run_filter(void)
{
    char expr[128];
    if (fgets(expr, sizeof(expr), stdin) == NULL)
        return;
    // ruleid: c-command-injection
    execl("/bin/sh", "sh", "-c", expr, (char *)NULL);
}

void set_priority(void)
{
    char cmd[64];
    char line[32];
    int prio;
    if (fgets(line, sizeof(line), stdin) == NULL)
        return;
    prio = atoi(line);
    snprintf(cmd, sizeof(cmd), "renice %d -p 1", prio);
    // ok: c-command-injection
    system(cmd);
}

void show_date(void)
{
    // ok: c-command-injection
    system("date -u");
}

void list_dir(void)
{
    const char *dir = getenv("HOME");
    pid_t pid = fork();
    if (pid == 0) {
        // ok: c-command-injection
        execl("/bin/ls", "ls", "-l", "--", dir, (char *)NULL);
        _exit(127);
    }
}

int main(int argc, char *argv[])
{
    char cmd[300];
    if (argc < 2)
        return 1;
    snprintf(cmd, sizeof(cmd), "grep -r '%s' /var/log", argv[1]);
    // ruleid: c-command-injection
    system(cmd);
    // ruleid: c-command-injection
    execvp(argv[1], &argv[1]);
    return ping_host("localhost");
}

/* Input appended after a constant prefix: the whole buffer then carries it. */
void list_user_dir(void)
{
    char cmd[256] = "ls -l ";
    size_t used = strlen(cmd);
    if (fgets(cmd + used, (int)(sizeof(cmd) - used), stdin) == NULL)
        return;
    // ruleid: c-command-injection
    system(cmd);
}

void run_received(int sock)
{
    char cmd[256] = "echo ";
    size_t used = strlen(cmd);
    ssize_t got = recv(sock, (char *)(cmd + used), sizeof(cmd) - used - 1, 0);
    if (got <= 0)
        return;
    cmd[used + (size_t)got] = '\0';
    // ruleid: c-command-injection
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
}

void greet_from_env(void)
{
    char cmd[256] = "echo ";
    size_t used = strlen(cmd);
    const char *name = getenv("USER_NAME");
    if (name != NULL)
        strncat(cmd + used, name, sizeof(cmd) - used - 1);
    // ruleid: c-command-injection
    system(cmd);
}

void greet_constant(void)
{
    char cmd[256] = "echo ";
    size_t used = strlen(cmd);
    strncat(cmd + used, "world", sizeof(cmd) - used - 1);
    // ok: c-command-injection
    system(cmd);
}

/* Input read inside nested blocks, the command run after them. */
void run_configured_command(void)
{
    char command[100] = "ls ";
    size_t used = strlen(command);
    while (1) {
        FILE *settings = fopen("/etc/app/command", "r");
        if (settings != NULL) {
            if (fgets(command + used, (int)(sizeof(command) - used), settings) == NULL)
                command[used] = '\0';
            fclose(settings);
        }
        break;
    }
    // ruleid: c-command-injection
    system(command);
}

void run_fixed_command_after_a_read(void)
{
    char answer[16] = "";
    char command[100] = "ls -l";
    while (1) {
        if (fgets(answer, sizeof(answer), stdin) == NULL)
            answer[0] = '\0';
        break;
    }
    // ok: c-command-injection
    system(command);
}
