// c-toctou-path in C++ code: a std::string path checked through c_str() and opened again by name.
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

class Store
{
public:
    explicit Store(std::string dir) : dir_(std::move(dir)) {}
    bool load(const std::string &name, std::string &out) const;
    int loadChecked(const std::string &name) const;

private:
    std::string dir_;
};

bool Store::load(const std::string &name, std::string &out) const
{
    const std::string path = dir_ + "/" + name;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    // ruleid: c-toctou-path
    FILE *file = std::fopen(path.c_str(), "rb");
    if (file == nullptr)
        return false;
    out.resize(static_cast<std::size_t>(st.st_size));
    const bool read = std::fread(&out[0], 1, out.size(), file) == out.size();
    std::fclose(file);
    return read;
}

int Store::loadChecked(const std::string &name) const
{
    const std::string path = dir_ + "/" + name;
    // ok: c-toctou-path
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW);
    struct stat st;
    if (fd >= 0 && (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        ::close(fd);
        return -1;
    }
    return fd;
}
