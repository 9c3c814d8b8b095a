#ifndef CRUNDOWN_SUPPORT_H
#define CRUNDOWN_SUPPORT_H

#include <stdint.h>
#include <stddef.h>
#include <pthread.h>

/// Sleeps while `*word == expected` (Linux futex, private). Returns 0 when woken or when the
/// value already differed, -1 with errno otherwise (EINTR is retried by the caller).
int rd_futex_wait(uint32_t *word, uint32_t expected);

/// `rd_futex_wait` for at most `timeout_ns` nanoseconds: -1 with errno ETIMEDOUT when it ran out.
int rd_futex_wait_timeout(uint32_t *word, uint32_t expected, uint64_t timeout_ns);

/// Wakes up to `count` threads sleeping on `word`. Returns how many were woken.
int rd_futex_wake(uint32_t *word, int count);

/// The processor the calling thread runs on right now (sched_getcpu), or -1.
int rd_current_cpu(void);

/// The processor the calling thread runs on, read inline from the thread's rseq area (Linux
/// 4.18+, glibc 2.35+: the kernel keeps it current on every migration); falls back to
/// `rd_current_cpu()` when rseq is not registered. Cheap enough to call on every acquire.
extern const ptrdiff_t __rseq_offset;
extern const unsigned int __rseq_size;
static inline int rd_current_cpu_fast(void) {
#if defined(__x86_64__)
    if (__rseq_size >= 8) {
        char *thread_pointer;
        __asm__("mov %%fs:0, %0" : "=r"(thread_pointer));
        /* struct rseq: cpu_id_start (u32) at 0, cpu_id (u32) at 4. */
        int32_t cpu = __atomic_load_n((const int32_t *)(thread_pointer + __rseq_offset + 4), __ATOMIC_RELAXED);
        if (cpu >= 0) return cpu;
    }
#endif
    return rd_current_cpu();
}

/// A spin-wait hint to the processor (x86 `pause`, Arm `yield`): no system call.
static inline void rd_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// Pins the calling thread to processor `cpu`. Returns 0 on success.
int rd_pin_current_thread(int cpu);

/// Number of processors the process may run on.
int rd_online_cpus(void);

/// The `index`-th processor (0-based) in the process's affinity mask, or -1 if there is none.
int rd_allowed_cpu(int index);

/// The kernel's id of the calling thread (gettid).
int64_t rd_thread_id(void);

/// Names the calling thread for debuggers and /proc (at most 15 bytes are kept).
void rd_set_thread_name(const char *name);

/// The calling thread's own context pointer (a thread-local word): rdsh's worker threads set
/// it to their worker, so a callback can tell exactly which worker it runs on. NULL elsewhere.
void rd_set_thread_context(void *context);
void *rd_thread_context(void);

/// Joins `thread`, waiting at most `timeout_ns`: 0 when joined, ETIMEDOUT when it still runs.
int rd_join_thread_timeout(pthread_t thread, uint64_t timeout_ns);

/// Monotonic clock in nanoseconds.
uint64_t rd_now_ns(void);

/// CLOCK_MONOTONIC_COARSE in nanoseconds: a few times cheaper than rd_now_ns, and only as fine
/// as the kernel's tick (clock_getres says how fine: 4 ms on a 250 Hz kernel).
uint64_t rd_now_coarse_ns(void);

/// Flushes C `stdout` (Swift's `print`). Returns 0 when everything printed so far was
/// written, else the errno of the failure, or -1 when a write failed earlier and its errno is gone.
int rd_flush_stdout(void);

/// Restores the default action of SIGQUIT (terminate with a core dump), replacing the Swift
/// runtime's backtracer, which otherwise prints "Program crashed" and never exits, and
/// unblocks it in the calling thread (and so in the threads it creates later).
void rd_default_sigquit(void);

/// Makes the process use the kernel's global futex hash rather than a private one (Linux
/// 6.17+ gives a process a small private hash; with thousands of parked threads its chains
/// grow and every wake walks them). Once per process; returns 0, or the errno of prctl
/// (EINVAL on older kernels, where the global hash is the only one).
int rd_use_global_futex_hash(void);

#endif
