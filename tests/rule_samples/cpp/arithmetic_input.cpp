// Arithmetic and division on numbers from input, in C++ (c-arithmetic-overflow-from-input,
// c-arithmetic-underflow-from-input, c-divisor-from-input).
#include <climits>
#include <cstdlib>
#include <iostream>

int scaledWidth()
{
    int width = 0;
    std::cin >> width;
    // ruleid: c-arithmetic-overflow-from-input
    int scaled = width * 3;
    return scaled;
}

int scaledWidthChecked()
{
    int width = 0;
    std::cin >> width;
    if (width < 0 || width > INT_MAX / 3)
        return 0;
    // ok: c-arithmetic-overflow-from-input
    int scaled = width * 3;
    return scaled;
}

unsigned int previousSlot()
{
    unsigned int slot = 0;
    std::cin >> slot;
    // ruleid: c-arithmetic-underflow-from-input
    slot--;
    return slot;
}

unsigned int previousSlotChecked()
{
    unsigned int slot = 0;
    std::cin >> slot;
    if (slot > 0) {
        // ok: c-arithmetic-underflow-from-input
        slot--;
    }
    return slot;
}

int average(int sum)
{
    const char *count = std::getenv("SAMPLES");
    int samples = count ? std::atoi(count) : 1;
    // ruleid: c-divisor-from-input
    return sum / samples;
}

int averageChecked(int sum)
{
    const char *count = std::getenv("SAMPLES");
    int samples = count ? std::atoi(count) : 1;
    if (samples != 0) {
        // ok: c-divisor-from-input
        return sum / samples;
    }
    return 0;
}
