#include <cstring>
#include <string>
#include <vector>
#include <QString>
#include <QByteArray>

void log_line(const char *text);

// ---------------- new[] released with delete ----------------

void fill(size_t n)
{
    char *buf = new char[n];
    std::memset(buf, 0, n);
    // ruleid: cpp-mismatched-delete
    delete buf;
}

void fill_right(size_t n)
{
    char *buf = new char[n];
    std::memset(buf, 0, n);
    // ok: cpp-mismatched-delete
    delete[] buf;
}

struct Node { int value; };

void single(void)
{
    Node *node = new Node();
    node->value = 1;
    // ruleid: cpp-mismatched-delete
    delete[] node;
}

void single_right(void)
{
    Node *node = new Node;
    node->value = 1;
    // ok: cpp-mismatched-delete
    delete node;
}

void reused(size_t n)
{
    int *items;
    items = new int[n];
    delete[] items;
    items = new int(4);
    // ok: cpp-mismatched-delete
    delete items;
}

// ---------------- pointers into destroyed strings ----------------

void greet(const std::string &first, const std::string &last)
{
    // ruleid: cpp-dangling-c-str
    const char *name = (first + " " + last).c_str();
    log_line(name);
}

void greet_right(const std::string &first, const std::string &last)
{
    std::string full = first + " " + last;
    // ok: cpp-dangling-c-str
    const char *name = full.c_str();
    log_line(name);
}

void show(const QString &title)
{
    // ruleid: cpp-dangling-c-str
    const char *text = title.toUtf8().constData();
    log_line(text);
}

void show_right(const QString &title)
{
    QByteArray bytes = title.toUtf8();
    // ok: cpp-dangling-c-str
    const char *text = bytes.constData();
    log_line(text);
}

void show_inline(const QString &title)
{
    // ok: cpp-dangling-c-str
    log_line(title.toUtf8().constData());
}

const char *label(int code)
{
    std::string text = "code " + std::to_string(code);
    // ruleid: cpp-dangling-c-str
    return text.c_str();
}

const char *label_right(const std::string &stored)
{
    // ok: cpp-dangling-c-str
    return stored.c_str();
}

// ---------------- dynamic_cast to a pointer used unchecked ----------------

struct Greenlet {
    virtual ~Greenlet() {}
};
struct BrokenGreenlet : Greenlet {
    bool force_switch_error;
};

bool forced(Greenlet *pimpl)
{
    BrokenGreenlet *broken = dynamic_cast<BrokenGreenlet *>(pimpl);
    // ruleid: cpp-dynamic-cast-unchecked
    return broken->force_switch_error;
}

bool forced_inline(Greenlet *pimpl)
{
    // ruleid: cpp-dynamic-cast-unchecked
    return dynamic_cast<BrokenGreenlet *>(pimpl)->force_switch_error;
}

bool forced_checked(Greenlet *pimpl)
{
    BrokenGreenlet *broken = dynamic_cast<BrokenGreenlet *>(pimpl);
    if (broken == nullptr)
        return false;
    // ok: cpp-dynamic-cast-unchecked
    return broken->force_switch_error;
}

bool forced_in_condition(Greenlet *pimpl)
{
    if (auto *broken = dynamic_cast<BrokenGreenlet *>(pimpl))
        // ok: cpp-dynamic-cast-unchecked
        return broken->force_switch_error;
    return false;
}

bool forced_or_not(Greenlet *pimpl)
{
    auto *broken = dynamic_cast<BrokenGreenlet *>(pimpl);
    // ok: cpp-dynamic-cast-unchecked
    return broken && broken->force_switch_error;
}

bool forced_by_reference(Greenlet &pimpl)
{
    /* a cast to a reference throws std::bad_cast rather than giving null */
    // ok: cpp-dynamic-cast-unchecked
    return dynamic_cast<BrokenGreenlet &>(pimpl).force_switch_error;
}
