#include <cstdio>
#include <cstring>

struct Counter
{
    int count = 0;
};

int read_after_delete()
{
    Counter *counter = new Counter;
    counter->count = 1;
    delete counter;
    // ruleid: -Wuse-after-free, clang-analyzer-cplusplus.NewDelete, deallocret
    return counter->count;
}

int read_before_delete()
{
    Counter *counter = new Counter;
    counter->count = 1;
    // ok: -Wuse-after-free
    int count = counter->count;
    delete counter;
    return count;
}

void array_deleted_as_object(const char *text)
{
    char *copy = new char[32];
    std::strncpy(copy, text, 31);
    copy[31] = '\0';
    std::puts(copy);
    // ruleid: -Wmismatched-new-delete, clang-analyzer-unix.MismatchedDeallocator, mismatchAllocDealloc
    delete copy;
}

void array_deleted_as_array(const char *text)
{
    char *copy = new char[32];
    std::strncpy(copy, text, 31);
    copy[31] = '\0';
    std::puts(copy);
    // ok: -Wmismatched-new-delete
    delete[] copy;
}
