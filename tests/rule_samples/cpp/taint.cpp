// The C taint rules (c-command-injection, c-path-traversal, c-hardcoded-credential, c-reachable-assertion)
// in C++ code: input from the environment, a socket or the command line, copied through C string calls.
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <mysql/mysql.h>

namespace tools {

class Backup
{
public:
    int run();
    int runFixed();
};

int Backup::run()
{
    char command[512] = "tar czf /tmp/backup.tgz ";
    const char *dir = getenv("BACKUP_DIR");
    if (dir == nullptr)
        return -1;
    strncat(command, dir, sizeof command - strlen(command) - 1);
    // ruleid: c-command-injection
    return system(command);
}

int mirror()
{
    const char *target = std::getenv("MIRROR_TARGET");
    if (target == nullptr)
        return -1;
    std::string command = std::string("rsync -a /srv/ ") + target;
    // ruleid: c-command-injection, cpp-shell-command
    return std::system(command.c_str());
}

int lookup()
{
    std::string user;
    if (!std::getline(std::cin, user))
        return -1;
    const std::string command = "finger " + user;
    // ruleid: c-command-injection, cpp-shell-command
    return std::system(command.c_str());
}

std::FILE *openStatus()
{
    int pid = 0;
    std::cin >> pid;
    const std::string path = "/proc/" + std::to_string(pid) + "/status";
    // ok: c-path-traversal
    return std::fopen(path.c_str(), "r");
}

std::FILE *openLog()
{
    std::string name;
    std::cin >> name;
    const std::string path = "/var/log/app/" + name;
    // ruleid: c-path-traversal
    return std::fopen(path.c_str(), "r");
}

std::FILE *openNamed(std::istream &in)
{
    char name[64];
    in.getline(name, sizeof name);
    // ruleid: c-path-traversal
    return std::fopen(name, "r");
}

int Backup::runFixed()
{
    // ok: c-command-injection, cpp-shell-command
    return system("tar czf /tmp/backup.tgz /var/lib/app");
}

FILE *openUpload(int sock)
{
    char name[128];
    char path[256];
    ssize_t n = recv(sock, name, sizeof name - 1, 0);
    if (n <= 0)
        return nullptr;
    name[n] = '\0';
    snprintf(path, sizeof path, "/srv/uploads/%s", name);
    // ruleid: c-path-traversal
    return fopen(path, "rb");
}

FILE *openRecord(int sock)
{
    char name[32];
    char path[256];
    ssize_t n = ::recv(sock, name, sizeof name - 1, 0);
    if (n <= 0)
        return nullptr;
    name[n] = '\0';
    unsigned long id = std::stoul(name);
    snprintf(path, sizeof path, "/srv/records/%lu.dat", id);
    // ok: c-path-traversal
    std::fopen(path, "rb");
    std::snprintf(path, sizeof path, "/srv/records/%s.dat", name);
    // ruleid: c-path-traversal
    return std::fopen(path, "rb");
}

FILE *openConfig()
{
    // ok: c-path-traversal
    return fopen("/etc/app/app.conf", "r");
}

class Journal
{
public:
    bool reopen(int sock);

private:
    std::ofstream out_;
};

bool Journal::reopen(int sock)
{
    char name[64];
    ssize_t n = ::recv(sock, name, sizeof name - 1, 0);
    if (n <= 0)
        return false;
    name[n] = '\0';
    // ruleid: c-path-traversal
    out_.open(name, std::ios::app);
    return out_.is_open();
}

std::string readSettings(std::istream &request)
{
    std::string name;
    std::getline(request, name);
    // ruleid: c-path-traversal
    std::ifstream in("/etc/app/" + name);
    // ok: c-path-traversal
    std::ifstream defaults("/etc/app/defaults.conf");
    std::string line;
    std::getline(in ? in : defaults, line);
    return line;
}

MYSQL *connect(MYSQL *db, const std::string &password)
{
    // ruleid: c-hardcoded-credential
    mysql_real_connect(db, "localhost", "app", "s3cret", "app", 0, nullptr, 0);
    // ok: c-hardcoded-credential
    return mysql_real_connect(db, "localhost", "app", password.c_str(), "app", 0, nullptr, 0);
}

int levelFrom(std::istream &request)
{
    int level = 0;
    request >> level;
    // ruleid: c-reachable-assertion
    assert(level >= 0 && level <= 9);
    return level;
}

int levelFromFile()
{
    std::ifstream settings("/etc/app/level");
    int level = 0;
    settings >> level;
    // ruleid: c-reachable-assertion
    assert(level <= 9);
    return level;
}

int levelFromText(const std::string &text)
{
    std::istringstream words(text);
    int level = 0;
    words >> level;
    // ruleid: c-reachable-assertion
    assert(level <= 9);
    return level;
}

unsigned highBits(unsigned value, unsigned shift)
{
    unsigned high = value >> shift;
    // ok: c-reachable-assertion
    assert(shift < 32 && high >> 4 == 0);
    return high;
}

}  // namespace tools

int main(int argc, char *argv[])
{
    // ok: c-reachable-assertion
    assert(argc >= 0);
    int level = atoi(argv[1]);
    /* the command line is written by whoever runs the program: failing it stops only their run */
    // ok: c-reachable-assertion
    assert(level >= 0 && level <= 9);
    tools::Backup backup;
    return level > 0 ? backup.run() : backup.runFixed();
}
