/* Files, descriptors, privileges and signals: handles used unchecked, after they are closed or closed twice,
   leaked, privileges dropped in the wrong order or unchecked, a chroot jail left open, unsafe calls in a signal
   handler and predictable temporary files, each beside the correct form of the same code. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

int first_char(const char *path)
{
    FILE *in = fopen(path, "r");
    // ruleid: nullPointerOutOfResources, clang-analyzer-unix.Stream
    int c = fgetc(in);
    fclose(in);
    return c;
}

int first_char_checked(const char *path)
{
    FILE *in = fopen(path, "r");
    if (in == NULL)
        return EOF;
    // ok: nullPointerOutOfResources, clang-analyzer-unix.Stream
    int c = fgetc(in);
    fclose(in);
    return c;
}

void write_then_log(const char *path)
{
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return;
    fclose(out);
    // ruleid: useClosedFile, deallocuse, clang-analyzer-unix.Stream, -Wuse-after-free
    fputs("done\n", out);
}

void log_then_close(const char *path)
{
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return;
    // ok: useClosedFile, deallocuse, clang-analyzer-unix.Stream
    fputs("done\n", out);
    fclose(out);
}

void finish(const char *path, int failed)
{
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return;
    if (failed)
        fclose(out);
    // ruleid: doubleFree, clang-analyzer-unix.Stream, -Wanalyzer-double-fclose, -Wanalyzer-double-free
    fclose(out);
}

void finish_once(const char *path, int failed)
{
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return;
    if (!failed)
        fputs("ok\n", out);
    // ok: doubleFree, clang-analyzer-unix.Stream, -Wanalyzer-double-fclose, -Wanalyzer-double-free
    fclose(out);
}

void release(int fd, int failed)
{
    if (fd < 0)
        return;
    if (failed)
        close(fd);
    // ruleid: doubleFree
    close(fd);
}

void release_once(int fd, int failed)
{
    if (fd < 0)
        return;
    if (!failed)
        fsync(fd);
    // ok: doubleFree
    close(fd);
}

int probe(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    // ruleid: resourceLeak
    return 0;
}

int probe_closed(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    close(fd);
    // ok: resourceLeak
    return 0;
}

void drop_privileges(void)
{
    if (setuid(getuid()) != 0)
        exit(1);
    // ruleid: clang-analyzer-security.SetgidSetuidOrder
    if (setgid(getgid()) != 0)
        exit(1);
}

void drop_privileges_in_order(void)
{
    if (setgid(getgid()) != 0)
        exit(1);
    // ok: clang-analyzer-security.SetgidSetuidOrder
    if (setuid(getuid()) != 0)
        exit(1);
}

void become(uid_t user)
{
    // ruleid: clang-analyzer-security.insecureAPI.UncheckedReturn
    setuid(user);
}

void become_checked(uid_t user)
{
    // ok: clang-analyzer-security.insecureAPI.UncheckedReturn
    if (setuid(user) != 0)
        exit(1);
}

void enter_jail(const char *root)
{
    if (chroot(root) != 0)
        exit(1);
    // ruleid: clang-analyzer-unix.Chroot
    execl("/bin/sh", "sh", (char *)NULL);
}

void enter_jail_and_root(const char *root)
{
    if (chroot(root) != 0)
        exit(1);
    if (chdir("/") != 0)
        exit(1);
    // ok: clang-analyzer-unix.Chroot
    execl("/bin/sh", "sh", (char *)NULL);
}

int open_channel(int fds[2])
{
    // ruleid: ignoredReturnValue
    pipe(fds);
    return fds[0];
}

int open_channel_checked(int fds[2])
{
    // ok: ignoredReturnValue
    if (pipe(fds) != 0)
        return -1;
    return fds[0];
}

int advise(int fd)
{
    // ruleid: bugprone-posix-return
    if (posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) < 0)
        return -1;
    return 0;
}

int advise_checked(int fd)
{
    // ok: bugprone-posix-return
    if (posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) != 0)
        return -1;
    return 0;
}

static void on_interrupt(int sig)
{
    // ruleid: bugprone-signal-handler, -Wanalyzer-unsafe-call-within-signal-handler
    printf("stopping on signal %d\n", sig);
}

static void on_terminate(int sig)
{
    (void)sig;
    // ok: bugprone-signal-handler, -Wanalyzer-unsafe-call-within-signal-handler
    stopping = 1;
}

void install_handlers(void)
{
    signal(SIGINT, on_interrupt);
    signal(SIGTERM, on_terminate);
}

FILE *scratch_by_name(void)
{
    char name[L_tmpnam];
    // ruleid: tmpnamCalled
    if (tmpnam(name) == NULL)
        return NULL;
    return fopen(name, "w+");
}

FILE *scratch_file(void)
{
    // ok: tmpnamCalled
    return tmpfile();
}

char *scratch_name(void)
{
    // ruleid: tempnamCalled
    return tempnam("/tmp", "job");
}

char *scratch_dir(void)
{
    static char name[] = "/tmp/jobXXXXXX";
    // ok: tempnamCalled
    return mkdtemp(name);
}

int scratch_open(void)
{
    char name[] = "/tmp/jobXXXXXX";
    // ruleid: mktempCalled, clang-analyzer-security.insecureAPI.mktemp
    if (mktemp(name)[0] == '\0')
        return -1;
    return open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
}

int scratch_open_atomic(void)
{
    char name[] = "/tmp/jobXXXXXX";
    // ok: mktempCalled, clang-analyzer-security.insecureAPI.mktemp
    return mkstemp(name);
}
