// The C rules on results that must be checked (c-unchecked-input, c-incorrect-check, c-error-ignored)
// in C++ code.
#include <cstdio>
#include <cstdlib>
#include <istream>
#include <string>
#include <unistd.h>

class Reader
{
public:
    explicit Reader(int fd) : fd_(fd) {}
    std::string chunk();
    std::string chunkChecked();
    std::string read();

private:
    int fd_;
};

std::string Reader::chunk()
{
    char buffer[256];
    // ruleid: c-unchecked-input
    read(fd_, buffer, sizeof buffer);
    return std::string(buffer);
}

// the class has a read() of its own: the system call is ::read
std::string Reader::read()
{
    char buffer[256];
    // ruleid: c-unchecked-input
    ::read(fd_, buffer, sizeof buffer);
    return std::string(buffer);
}

std::string Reader::chunkChecked()
{
    char buffer[256];
    // ok: c-unchecked-input
    ssize_t got = read(fd_, buffer, sizeof buffer);
    if (got <= 0)
        return {};
    return std::string(buffer, static_cast<std::size_t>(got));
}

int askCount()
{
    int count;
    // ruleid: c-incorrect-check
    if (scanf("%d", &count) == 0)
        return -1;
    return count;
}

int askCountChecked()
{
    int count;
    // ok: c-incorrect-check
    if (scanf("%d", &count) != 1)
        return -1;
    return count;
}

bool say(const std::string &text)
{
    // ruleid: c-incorrect-check
    return std::fputs(text.c_str(), stdout) != 0;
}

std::string firstLine(std::istream &in)
{
    std::string line;
    // ok: c-unchecked-input
    std::getline(in, line);
    return line;
}

void writeLog(const std::string &path, const std::string &line)
{
    FILE *log = fopen(path.c_str(), "a");
    // ruleid: c-error-ignored
    if (log == NULL) {}
    fputs(line.c_str(), log);
    fclose(log);
}

bool writeLogChecked(const std::string &path, const std::string &line)
{
    FILE *log = fopen(path.c_str(), "a");
    // ok: c-error-ignored
    if (log == NULL) {
        return false;
    }
    fputs(line.c_str(), log);
    return fclose(log) == 0;
}

void appendLog(const std::string &path, const std::string &line)
{
    FILE *log = std::fopen(path.c_str(), "a");
    // ruleid: c-error-ignored
    if (log == nullptr) {}
    std::fputs(line.c_str(), log);
    std::fclose(log);
}
