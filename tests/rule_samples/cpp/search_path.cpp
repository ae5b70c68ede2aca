// c-search-path-from-input in C++ code.
#include <cstdlib>
#include <string>

class Launcher
{
public:
    int prepare();
    int prepareFixed();
};

int Launcher::prepare()
{
    const char *extra = std::getenv("EXTRA_LIBS");
    if (extra == nullptr)
        return -1;
    // ruleid: c-search-path-from-input
    return ::setenv("LD_LIBRARY_PATH", extra, 1);
}

int Launcher::prepareFixed()
{
    // ok: c-search-path-from-input
    return ::setenv("LD_LIBRARY_PATH", "/opt/app/lib", 1);
}
