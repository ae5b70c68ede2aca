// The C rules on buffers (c-gets, c-strcpy-unbounded, c-sprintf-unbounded, c-scanf-unbounded-string,
// c-memcpy-size-not-destination) in C++ code: methods, namespaces, references, and the C library called
// as f, std::f or ::f; and stream input into a char array (cpp-stream-into-char-array).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

namespace shell {

class Prompt
{
public:
    std::string readCommand();
    void setTitle(const std::string &title);
    bool readName(std::vector<char> &out);

private:
    char title_[32];
};

std::string Prompt::readCommand()
{
    char line[128];
    // ruleid: c-gets
    gets(line);
    return std::string(line);
}

std::string readCommandSafely()
{
    char line[128];
    // ok: c-gets
    if (fgets(line, sizeof line, stdin) == nullptr)
        return {};
    line[strcspn(line, "\n")] = '\0';
    return line;
}

void Prompt::setTitle(const std::string &title)
{
    // ruleid: c-strcpy-unbounded
    strcpy(title_, title.c_str());
}

const char *greeting(const char *user)
{
    static char text[64];
    // ok: c-strcpy-unbounded
    strcpy(text, "Hello, ");
    // ruleid: c-strcpy-unbounded
    strcat(text, user);
    return text;
}

void addSuffix(char *name, std::size_t size, const char *suffix)
{
    // ruleid: c-strcpy-unbounded
    std::strncat(name, suffix, std::strlen(suffix));
    // ok: c-strcpy-unbounded
    std::strncat(name, suffix, size - std::strlen(name) - 1);
}

char *copyOf(const char *src)
{
    char *copy = static_cast<char *>(malloc(strlen(src) + 1));
    if (copy == nullptr)
        return nullptr;
    // ok: c-strcpy-unbounded
    strcpy(copy, src);
    return copy;
}

void rename(char *out, const std::string &first, const std::string &last)
{
    // ruleid: c-strcpy-unbounded
    std::strcpy(out, first.c_str());
    // ok: c-strcpy-unbounded
    std::strcat(out, " ");
    // ruleid: c-strcpy-unbounded
    ::strcat(out, last.c_str());
}

void label(char *out, const std::string &name, int id)
{
    // ruleid: c-sprintf-unbounded
    sprintf(out, "%s-%d", name.c_str(), id);
}

void labelBounded(char *out, std::size_t size, const std::string &name, int id)
{
    // ok: c-sprintf-unbounded
    snprintf(out, size, "%s-%d", name.c_str(), id);
    // ruleid: c-sprintf-unbounded
    std::sprintf(out, "%s", name.c_str());
}

bool Prompt::readName(std::vector<char> &out)
{
    char word[32];
    // ruleid: c-scanf-unbounded-string
    if (scanf("%s", word) != 1)
        return false;
    out.assign(word, word + strlen(word));
    return true;
}

bool readNameBounded(std::string &out)
{
    char word[32];
    // ok: c-scanf-unbounded-string
    if (scanf("%31s", word) != 1)
        return false;
    // ruleid: c-scanf-unbounded-string
    if (std::scanf("%s", word) != 1)
        return false;
    out = word;
    return true;
}

int unpack(const std::vector<unsigned char> &packet, std::size_t length)
{
    unsigned char header[16];
    // ruleid: c-memcpy-size-not-destination
    memcpy(header, packet.data(), length);
    return header[0];
}

int unpackChecked(const std::vector<unsigned char> &packet, std::size_t length)
{
    unsigned char header[16];
    if (length > sizeof header)
        return -1;
    // ok: c-memcpy-size-not-destination
    memcpy(header, packet.data(), length);
    return header[0];
}

int unpackQualified(const unsigned char *packet, std::size_t length)
{
    unsigned char header[16];
    // ruleid: c-memcpy-size-not-destination
    std::memcpy(header, packet, length);
    // ok: c-memcpy-size-not-destination
    std::memcpy(header, packet, sizeof header);
    return header[0];
}

}  // namespace shell

// Formatted stream input into a char array (cpp-stream-into-char-array).
void readWord()
{
    char word[16];
    // ruleid: cpp-stream-into-char-array
    std::cin >> word;
    std::cout << word << '\n';
}

void readCountAndName(std::istream &in)
{
    int count = 0;
    char name[32] = "";
    // ruleid: cpp-stream-into-char-array
    in >> count >> name;
    std::cout << count << name << '\n';
}

void readWordBounded(std::istream &in)
{
    char word[16];
    // ok: cpp-stream-into-char-array
    in >> std::setw(sizeof word) >> word;
    std::cout << word << '\n';
}

void readWordWithWidth()
{
    char word[16];
    std::cin.width(sizeof word);
    // ok: cpp-stream-into-char-array
    std::cin >> word;
    std::cout << word << '\n';
}

void readWordAfterAnotherWidth(std::istream &in, std::ostream &out)
{
    char word[16];
    out.width(8);  // the width of another stream bounds nothing here
    // ruleid: cpp-stream-into-char-array
    in >> word;
    out << word << '\n';
}

void readIntoString(std::istream &in)
{
    std::string word;
    int bits = 0x40;
    // ok: cpp-stream-into-char-array
    in >> word;
    std::cout << word << (bits >> 2) << '\n';
}

void fillBeforeStart(const wchar_t *source)
{
    wchar_t *buffer = new wchar_t[100];
    wchar_t *data = buffer - 8;
    // ruleid: c-write-before-buffer
    std::wmemcpy(data, source, 100);
    delete[] buffer;
}

void fillFromStart(const wchar_t *source)
{
    wchar_t *buffer = new wchar_t[100];
    wchar_t *data = buffer;
    // ok: c-write-before-buffer
    std::wmemcpy(data, source, 99);
    delete[] buffer;
}

void copyBeforeStart(wchar_t *out)
{
    wchar_t buffer[100] = L"";
    wchar_t *data = buffer - 8;
    // ruleid: c-read-before-buffer
    std::wmemcpy(out, data, 50);
}

void copyFromStart(wchar_t *out)
{
    wchar_t buffer[100] = L"";
    wchar_t *data = buffer;
    // ok: c-read-before-buffer
    std::wmemcpy(out, data, 50);
}
