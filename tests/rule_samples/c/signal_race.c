/* c-signal-handler-race: an object a signal handler uses, freed while the handler is installed. */
#include <signal.h>
#include <stdlib.h>

struct state { volatile sig_atomic_t val; };
static struct state *current = NULL;
static volatile sig_atomic_t stop = 0;

static void on_interrupt(int sig)
{
    if (current != NULL)
        current->val = 2;
}

static void on_stop(int sig)
{
    stop = 1;
}

void replace_state(void)
{
    signal(SIGINT, on_interrupt);
    if (current != NULL) {
        // ruleid: c-signal-handler-race
        free(current);
        current = NULL;
    }
}

void replace_state_safely(void)
{
    signal(SIGINT, on_interrupt);
    signal(SIGINT, SIG_DFL);
    if (current != NULL) {
        // ok: c-signal-handler-race
        free(current);
        current = NULL;
    }
    signal(SIGINT, on_interrupt);
}

void free_with_flag_handler(void)
{
    struct state *local = malloc(sizeof(*local));
    if (local == NULL)
        return;
    signal(SIGTERM, on_stop);
    /* the handler touches only its flag */
    // ok: c-signal-handler-race
    free(local);
}

void replace_state_blocked(void)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    signal(SIGINT, on_interrupt);
    sigprocmask(SIG_BLOCK, &set, &old);
    // ok: c-signal-handler-race
    free(current);
    current = NULL;
    sigprocmask(SIG_SETMASK, &old, NULL);
}
