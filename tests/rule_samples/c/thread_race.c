/* c-thread-unsynchronized-update: a variable of the file updated by a thread function without a lock. */
#include <pthread.h>
#include <stdio.h>

static int counter = 0;
static long total;
static _Atomic int hits = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *count_up(void *arg)
{
    int i;
    for (i = 0; i < 1000; i++)
    {
        // ruleid: c-thread-unsynchronized-update
        counter = counter + 1;
        /* an atomic variable */
        // ok: c-thread-unsynchronized-update
        hits++;
    }
    return NULL;
}

static void *add_locked(void *arg)
{
    pthread_mutex_lock(&lock);
    // ok: c-thread-unsynchronized-update
    total += 1;
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *local_only(void *arg)
{
    int counter = 0;
    /* the function's own variable */
    // ok: c-thread-unsynchronized-update
    counter++;
    return NULL;
}

int run(void)
{
    pthread_t a, b, c;
    counter = 0;
    if (pthread_create(&a, NULL, count_up, NULL) != 0)
        return -1;
    pthread_create(&b, NULL, add_locked, NULL);
    pthread_create(&c, NULL, local_only, NULL);
    pthread_join(a, NULL);
    /* not in a thread's function */
    // ok: c-thread-unsynchronized-update
    total++;
    printf("%d\n", counter);
    return 0;
}
