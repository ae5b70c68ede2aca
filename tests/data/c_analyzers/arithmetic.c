/* Arithmetic: division by zero, signed overflow, negative values in unsigned arithmetic, shifts past the width
   of a type, and sizeof of a pointer where the size of its data was meant, each beside the correct form. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define NO_ITEMS 0
#define ONE_ITEM 1

int per_item(int total)
{
    // ruleid: zerodiv, clang-analyzer-core.DivideZero, -Wdiv-by-zero
    return total / NO_ITEMS;
}

int per_item_of_one(int total)
{
    // ok: zerodiv, clang-analyzer-core.DivideZero, -Wdiv-by-zero
    return total / ONE_ITEM;
}

int split(int total)
{
    int parts;
    if (scanf("%d", &parts) != 1)
        return 0;
    // ruleid: clang-analyzer-optin.taint.TaintedDiv
    return total / parts;
}

int split_checked(int total)
{
    int parts;
    if (scanf("%d", &parts) != 1 || parts == 0)
        return 0;
    // ok: clang-analyzer-optin.taint.TaintedDiv
    return total / parts;
}

int next_id(void)
{
    int id = INT_MAX;
    // ruleid: integerOverflow
    return id + 1;
}

long long next_id_wide(void)
{
    int id = INT_MAX;
    // ok: integerOverflow
    return (long long)id + 1;
}

int next_after(int id)
{
    if (id == INT_MAX)
        puts("last id");
    // ruleid: integerOverflowCond
    return id + 1;
}

int next_after_checked(int id)
{
    if (id == INT_MAX)
        return id;
    // ok: integerOverflowCond
    return id + 1;
}

unsigned int offset_back(unsigned int base)
{
    int step = -4;
    // ruleid: signConversion
    return base * step;
}

unsigned int offset_forward(unsigned int base)
{
    int step = 4;
    // ok: signConversion
    return base * step;
}

unsigned int scaled(unsigned int base, int factor)
{
    if (factor < -1)
        puts("negative factor");
    // ruleid: signConversionCond
    return base * factor;
}

unsigned int scaled_checked(unsigned int base, int factor)
{
    if (factor < 0)
        return 0;
    // ok: signConversionCond
    return base * factor;
}

int high_flag(int flags)
{
    int bit = 40;
    // ruleid: shiftTooManyBits, integerOverflow, clang-analyzer-core.BitwiseShift, -Wanalyzer-shift-count-overflow
    return flags & (1 << bit);
}

long long high_flag_wide(long long flags)
{
    int bit = 40;
    // ok: shiftTooManyBits, integerOverflow, clang-analyzer-core.BitwiseShift, -Wanalyzer-shift-count-overflow
    return flags & (1LL << bit);
}

int sign_mask(void)
{
    int one = 1;
    // ruleid: shiftTooManyBitsSigned
    return one << 31;
}

unsigned int sign_mask_unsigned(void)
{
    unsigned int one = 1;
    // ok: shiftTooManyBitsSigned
    return one << 31;
}

int scale_down(int value)
{
    int shift = -1;
    // ruleid: shiftNegative, clang-analyzer-core.BitwiseShift, -Wanalyzer-shift-count-negative
    return value << shift;
}

int scale_up(int value)
{
    int shift = 1;
    // ok: shiftNegative, clang-analyzer-core.BitwiseShift, -Wanalyzer-shift-count-negative
    return value << shift;
}

void clear_counts(int *counts)
{
    // ruleid: pointerSize, -Wsizeof-pointer-memaccess
    memset(counts, 0, sizeof(counts));
}

void clear_counts_sized(int *counts, size_t n)
{
    // ok: pointerSize
    memset(counts, 0, n * sizeof(*counts));
}

void clear_block(int block[16])
{
    // ruleid: sizeofwithsilentarraypointer, -Wsizeof-pointer-memaccess
    memset(block, 0, sizeof(block));
}

void clear_block_sized(int block[16])
{
    // ok: sizeofwithsilentarraypointer
    memset(block, 0, 16 * sizeof(block[0]));
}

size_t count_of(const int *values)
{
    // ruleid: bugprone-sizeof-expression
    return sizeof(values) / sizeof(values[0]);
}

size_t count_of_array(void)
{
    static const int values[] = {1, 2, 3};
    // ok: bugprone-sizeof-expression
    return sizeof(values) / sizeof(values[0]);
}
