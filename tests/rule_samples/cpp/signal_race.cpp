// c-signal-handler-race in C++: an object a signal handler uses, deleted while the handler is installed.
#include <csignal>

struct Progress {
    volatile std::sig_atomic_t done;
};

static Progress *progress = nullptr;

static void onAlarm(int)
{
    if (progress != nullptr)
        progress->done = 1;
}

void restart()
{
    std::signal(SIGALRM, onAlarm);
    // ruleid: c-signal-handler-race
    delete progress;
    progress = new Progress();
}

void restartQuietly()
{
    std::signal(SIGALRM, onAlarm);
    std::signal(SIGALRM, SIG_IGN);
    // ok: c-signal-handler-race
    delete progress;
    progress = new Progress();
    std::signal(SIGALRM, onAlarm);
}
