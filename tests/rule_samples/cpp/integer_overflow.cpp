// c-alloc-size-overflow in C++ code: a count from the caller or from input multiplied into a size.
#include <cstdint>
#include <cstdlib>
#include <istream>

struct Point { double x, y; };

class Path
{
public:
    bool reserve(std::size_t count);
    bool reserveChecked(std::size_t count);

private:
    Point *points_ = nullptr;
};

bool Path::reserve(std::size_t count)
{
    // ruleid: c-alloc-size-overflow
    points_ = static_cast<Point *>(malloc(count * sizeof(Point)));
    return points_ != nullptr;
}

bool Path::reserveChecked(std::size_t count)
{
    if (count > SIZE_MAX / sizeof(Point))
        return false;
    // ok: c-alloc-size-overflow
    points_ = static_cast<Point *>(malloc(count * sizeof(Point)));
    return points_ != nullptr;
}

char *readRecord(const char *text)
{
    int length = atoi(text);
    // ruleid: c-alloc-size-overflow
    return static_cast<char *>(malloc(length + 1));
}

int *readTable(const char *text)
{
    long rows = std::strtol(text, nullptr, 10);
    // ruleid: c-alloc-size-overflow
    return static_cast<int *>(std::malloc(rows * sizeof(int)));
}
