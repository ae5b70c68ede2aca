#include <memory>
#include <string>
#include <utility>
#include <vector>

struct Session {
    int id = 0;
    std::string user;
};

int use_after_delete()
{
    Session *session = new Session();
    session->id = 4;
    delete session;
    // ruleid: deallocret, clang-analyzer-cplusplus.NewDelete, -Wuse-after-free
    return session->id;
}

int deleted_after_use()
{
    Session *session = new Session();
    session->id = 4;
    // ok: deallocret, clang-analyzer-cplusplus.NewDelete
    int id = session->id;
    delete session;
    return id;
}

void mismatched(size_t n)
{
    int *values = new int[n];
    values[0] = 1;
    // ruleid: mismatchAllocDealloc, clang-analyzer-unix.MismatchedDeallocator, -Wmismatched-new-delete
    delete values;
}

std::unique_ptr<int> wrong_owner(size_t n)
{
    // ruleid: bugprone-unique-ptr-array-mismatch
    return std::unique_ptr<int>(new int[n]);
}

std::unique_ptr<int[]> right_owner(size_t n)
{
    // ok: bugprone-unique-ptr-array-mismatch
    return std::unique_ptr<int[]>(new int[n]);
}

const char *name_of(const Session &session)
{
    std::string name = session.user;
    const char *text = name.c_str();
    name.append("!");
    // ruleid: clang-analyzer-cplusplus.InnerPointer, returnDanglingLifetime
    return text;
}

size_t moved(std::vector<int> items)
{
    std::vector<int> kept = std::move(items);
    // ruleid: bugprone-use-after-move
    return items.size() + kept.size();
}

int past_the_end()
{
    std::vector<int> items;
    // ruleid: containerOutOfBounds, -Wnull-dereference
    return items[0];
}
