// Sizes and counts taken from input, in C++ (c-alloc-size-from-input, c-loop-count-from-input).
#include <cstdio>
#include <cstdlib>
#include <iostream>

const std::size_t kMaxItems = 1000;

char *readItems()
{
    std::size_t count = 0;
    if (!(std::cin >> count))
        return nullptr;
    // ruleid: c-alloc-size-from-input
    return new char[count];
}

char *readRecords(std::FILE *in)
{
    std::size_t count = 0;
    if (std::fscanf(in, "%zu", &count) != 1)
        return nullptr;
    // ruleid: c-alloc-size-from-input
    return static_cast<char *>(std::calloc(count, 64));
}

char *readItemsChecked()
{
    std::size_t count = 0;
    if (!(std::cin >> count) || count > kMaxItems)
        return nullptr;
    // ok: c-alloc-size-from-input
    return new char[count];
}

void printGreetings(std::FILE *in)
{
    int count = -1;
    if (std::fscanf(in, "%d", &count) != 1)
        return;
    // ruleid: c-loop-count-from-input
    for (int i = 0; i < count; i++)
        std::puts("hello");
}

void printGreetingsLimited(std::FILE *in)
{
    int count = -1;
    if (std::fscanf(in, "%d", &count) != 1)
        return;
    if (count > 20)
        count = 20;
    // ok: c-loop-count-from-input
    for (int i = 0; i < count; i++)
        std::puts("hello");
}
