#define _GNU_SOURCE
#include "CRundownSupport.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int rd_futex_wait(uint32_t *word, uint32_t expected) {
    long r = syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
    if (r == -1 && errno == EAGAIN) return 0;
    return (int)r;
}

int rd_futex_wait_timeout(uint32_t *word, uint32_t expected, uint64_t timeout_ns) {
    struct timespec ts = {.tv_sec = (time_t)(timeout_ns / 1000000000u), .tv_nsec = (long)(timeout_ns % 1000000000u)};
    long r = syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, &ts, NULL, 0);
    if (r == -1 && errno == EAGAIN) return 0;
    return (int)r;
}

int rd_futex_wake(uint32_t *word, int count) {
    return (int)syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
}

int rd_current_cpu(void) { return sched_getcpu(); }

int rd_pin_current_thread(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

int rd_online_cpus(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int rd_allowed_cpu(int index) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return index == 0 ? 0 : -1;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &set)) {
            if (index == 0) return cpu;
            index--;
        }
    }
    return -1;
}

int64_t rd_thread_id(void) { return (int64_t)syscall(SYS_gettid); }

void rd_set_thread_name(const char *name) {
    char buf[16];
    int i = 0;
    for (; name[i] && i < 15; i++) buf[i] = name[i];
    buf[i] = 0;
    pthread_setname_np(pthread_self(), buf);
}

static _Thread_local void *rd_context;

void rd_set_thread_context(void *context) { rd_context = context; }

void *rd_thread_context(void) { return rd_context; }

uint64_t rd_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t rd_now_coarse_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int rd_join_thread_timeout(pthread_t thread, uint64_t timeout_ns) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    uint64_t ns = (uint64_t)deadline.tv_nsec + timeout_ns % 1000000000u;
    deadline.tv_sec += (time_t)(timeout_ns / 1000000000u + ns / 1000000000u);
    deadline.tv_nsec = (long)(ns % 1000000000u);
    return pthread_timedjoin_np(thread, NULL, &deadline);
}

int rd_flush_stdout(void) {
    errno = 0;
    if (fflush(stdout) != 0) return errno != 0 ? errno : -1;
    return ferror(stdout) ? -1 : 0;
}

void rd_default_sigquit(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(SIGQUIT, &action, NULL);
    /* A parent may have blocked it (a test runner's threads do): unblock it here, so every
       thread created later inherits the unblocked mask. */
    sigset_t quit;
    sigemptyset(&quit);
    sigaddset(&quit, SIGQUIT);
    pthread_sigmask(SIG_UNBLOCK, &quit, NULL);
}

#include <sys/prctl.h>
#ifndef PR_FUTEX_HASH
#define PR_FUTEX_HASH 78
#define PR_FUTEX_HASH_SET_SLOTS 1
#endif

int rd_use_global_futex_hash(void) {
    /* -1: not tried yet. Sessions may start threads in parallel: a second prctl is harmless. */
    static int result = -1;
    int seen = __atomic_load_n(&result, __ATOMIC_RELAXED);
    if (seen != -1) return seen;
    seen = prctl(PR_FUTEX_HASH, PR_FUTEX_HASH_SET_SLOTS, 0, 0, 0) == 0 ? 0 : errno;
    __atomic_store_n(&result, seen, __ATOMIC_RELAXED);
    return seen;
}
