// c-use-after-free and c-double-free in C++ code: memory of the C allocator held by a class.
#include <cstdlib>
#include <cstring>

class Buffer
{
public:
    explicit Buffer(std::size_t size) : data_(static_cast<char *>(malloc(size))), size_(size) {}
    void reset();
    void resetTwice();
    char first();

private:
    char *data_;
    std::size_t size_;
};

void Buffer::reset()
{
    free(data_);
    data_ = static_cast<char *>(malloc(size_));
    // ok: c-use-after-free
    memset(data_, 0, size_);
}

char Buffer::first()
{
    char *copy = static_cast<char *>(malloc(size_));
    memcpy(copy, data_, size_);
    free(copy);
    // ruleid: c-use-after-free
    return copy[0];
}

int lastByte(std::size_t size)
{
    auto *bytes = static_cast<unsigned char *>(std::malloc(size));
    if (bytes == nullptr)
        return -1;
    std::memset(bytes, 0, size);
    std::free(bytes);
    // ruleid: c-use-after-free
    return bytes[size - 1];
}

void freeTwice(char *text)
{
    std::free(text);
    // ruleid: c-double-free
    ::free(text);
}

void Buffer::resetTwice()
{
    char *old = data_;
    data_ = nullptr;
    free(old);
    // ruleid: c-double-free
    free(old);
}

void release(char *p, bool done)
{
    if (done) {
        free(p);
        return;
    }
    // ok: c-double-free
    free(p);
}
