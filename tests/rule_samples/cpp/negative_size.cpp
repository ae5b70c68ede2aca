// A signed size from input checked only from above, in C++ (c-negative-size-from-input).
#include <cstring>
#include <iostream>

void fillRecord(char *record, std::size_t recordSize)
{
    int count = 0;
    std::cin >> count;
    if (count < static_cast<int>(recordSize)) {
        // ruleid: c-negative-size-from-input
        std::memset(record, 0, count);
    }
}

void fillRecordChecked(char *record, std::size_t recordSize)
{
    int count = 0;
    std::cin >> count;
    if (count > 0 && count < static_cast<int>(recordSize)) {
        // ok: c-negative-size-from-input
        std::memset(record, 0, count);
    }
}
