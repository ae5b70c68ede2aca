// c-thread-unsynchronized-update in C++: a variable of the file updated by a thread's function without a lock.
#include <atomic>
#include <mutex>
#include <pthread.h>

static long processed = 0;
static std::atomic<long> seen{0};
static std::mutex guard;

static void *worker(void *)
{
    for (int i = 0; i < 100; i++) {
        // ruleid: c-thread-unsynchronized-update
        processed += 1;
        // ok: c-thread-unsynchronized-update
        seen++;
    }
    return nullptr;
}

static void *guardedWorker(void *)
{
    std::lock_guard<std::mutex> hold(guard);
    // ok: c-thread-unsynchronized-update
    processed += 1;
    return nullptr;
}

void startWorkers()
{
    pthread_t first, second;
    pthread_create(&first, nullptr, worker, nullptr);
    pthread_create(&second, nullptr, guardedWorker, nullptr);
    pthread_join(first, nullptr);
    pthread_join(second, nullptr);
}
