// C++ object lifetimes: references and views that outlive what they refer to, owners of the wrong kind,
// leaks and wrong sizes of new, each beside the correct form of the same code.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct Config {
    std::string name;
    const int *limit = nullptr;
};

int read_limit(const int *limit = nullptr)
{
    // ruleid: nullPointerDefaultArg
    return *limit;
}

int read_limit_or_default(const int *limit = nullptr)
{
    // ok: nullPointerDefaultArg
    return limit != nullptr ? *limit : 0;
}

const int &largest(const std::vector<int> &values)
{
    int best = 0;
    for (int value : values)
        best = std::max(best, value);
    // ruleid: returnReference, clang-analyzer-core.StackAddressEscape
    return best;
}

const int &largest_element(const std::vector<int> &values)
{
    static const int none = 0;
    auto best = std::max_element(values.begin(), values.end());
    // ok: returnReference, clang-analyzer-core.StackAddressEscape
    return best != values.end() ? *best : none;
}

const std::string &display_name(const Config &config)
{
    // ruleid: returnTempReference, clang-analyzer-core.StackAddressEscape
    return config.name + "!";
}

const std::string &stored_name(const Config &config)
{
    // ok: returnTempReference, clang-analyzer-core.StackAddressEscape
    return config.name;
}

void set_limit(Config &config)
{
    int limit = 10;
    // candidate: danglingLifetime, clang-analyzer-core.StackAddressEscape, -Wdangling-pointer=
    config.limit = &limit;
}

void set_static_limit(Config &config)
{
    static const int limit = 10;
    // ok: danglingLifetime, clang-analyzer-core.StackAddressEscape
    config.limit = &limit;
}

int &shared_counter()
{
    int local = 0;
    // ruleid: danglingReference
    static int &counter = local;
    // ruleid: returnReference, clang-analyzer-core.StackAddressEscape
    return counter;
}

int &shared_counter_static()
{
    static int storage = 0;
    // ok: danglingReference
    static int &counter = storage;
    // ok: returnReference, clang-analyzer-core.StackAddressEscape
    return counter;
}

const std::string &validated(const std::string &value)
{
    if (value.size() > 64)
        throw std::length_error("label too long");
    return value;
}

std::size_t label_length(const std::string &name)
{
    const std::string &label = validated(name + ":");
    // ruleid: danglingTempReference
    return label.size();
}

std::size_t label_length_copied(const std::string &name)
{
    const std::string label = validated(name + ":");
    // ok: danglingTempReference
    return label.size();
}

void print_greeting(const std::string &name)
{
    const char *text = (std::string("hello ") + name).c_str();
    // ruleid: danglingTemporaryLifetime, clang-analyzer-cplusplus.InnerPointer
    std::puts(text);
}

void print_greeting_kept(const std::string &name)
{
    const std::string greeting = std::string("hello ") + name;
    const char *text = greeting.c_str();
    // ok: danglingTemporaryLifetime, clang-analyzer-cplusplus.InnerPointer
    std::puts(text);
}

std::size_t title_length(const std::string &name)
{
    // ruleid: bugprone-dangling-handle
    std::string_view title = name + ":";
    // ruleid: danglingTemporaryLifetime
    return title.size();
}

std::size_t title_length_kept(const std::string &name)
{
    std::string owned = name + ":";
    // ok: bugprone-dangling-handle
    std::string_view title = owned;
    // ok: danglingTemporaryLifetime
    return title.size();
}

char *scratch_row()
{
    int width = -1;
    // ruleid: negativeMemoryAllocationSize
    return new char[width];
}

char *scratch_row_sized()
{
    int width = 80;
    // ok: negativeMemoryAllocationSize
    return new char[width];
}

std::vector<int> first_ten(const std::vector<int> &values)
{
    std::vector<int> head(6);
    // ruleid: algorithmOutOfBounds
    std::copy_n(values.begin(), 10, head.begin());
    return head;
}

std::vector<int> first_six(const std::vector<int> &values)
{
    std::vector<int> head(6);
    // ok: algorithmOutOfBounds
    std::copy_n(values.begin(), 6, head.begin());
    return head;
}

int parse_port(const std::string &text)
{
    int *port = new int(std::stoi(text));
    // ruleid: clang-analyzer-cplusplus.NewDeleteLeaks
    int value = *port;
    // ruleid: memleak
    return value;
}

int parse_port_owned(const std::string &text)
{
    auto port = std::make_unique<int>(std::stoi(text));
    // ok: clang-analyzer-cplusplus.NewDeleteLeaks
    int value = *port;
    // ok: memleak
    return value;
}

int *make_cells()
{
    int columns;
    // ruleid: uninitvar, clang-analyzer-core.uninitialized.NewArraySize
    return new int[columns];
}

int *make_cells_sized()
{
    int columns = 4;
    // ok: uninitvar, clang-analyzer-core.uninitialized.NewArraySize
    return new int[columns];
}

std::shared_ptr<char> make_buffer(std::size_t size)
{
    // ruleid: bugprone-shared-ptr-array-mismatch
    return std::shared_ptr<char>(new char[size]);
}

std::shared_ptr<char[]> make_buffer_of_array(std::size_t size)
{
    // ok: bugprone-shared-ptr-array-mismatch
    return std::shared_ptr<char[]>(new char[size]);
}

void drop_value(std::vector<int> &values, int unwanted)
{
    // ruleid: bugprone-unused-return-value
    std::remove(values.begin(), values.end(), unwanted);
}

void drop_value_erased(std::vector<int> &values, int unwanted)
{
    // ok: bugprone-unused-return-value
    values.erase(std::remove(values.begin(), values.end(), unwanted), values.end());
}
