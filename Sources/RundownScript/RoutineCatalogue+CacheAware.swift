// The eleven cache-aware routines. Facts from rundown-semantics.md §1, §3.7-§3.13, §4.2.

extension RoutineCatalogue {
    private static let undocumentedIrql =
        "no IRQL is documented for this routine; its code is the plain routine's on one slot, so rdsh uses DISPATCH_LEVEL, the limit for non-paged storage"

    static let cacheAwareRoutines: [Routine] = [
        Routine(
            name: "ExSizeOfRundownProtectionCacheAware", family: .storage,
            parameters: [], returns: .sizeT, maxIrql: .APC_LEVEL,
            cSignature: "SIZE_T ExSizeOfRundownProtectionCacheAware(VOID);",
            summary: "The number of bytes a cache-aware reference needs on this machine.",
            description: """
                Returns header + per-processor slots + alignment slack: 24 + (N <= 1 ? 8 : \
                (N + 1) * 64) on x64 with N processors and 64-byte cache lines. rdsh prints it \
                in decimal: 344 with the default 4 processors (.processors changes N). Bind it \
                (n = ExSizeOfRundownProtectionCacheAware) to pass it to \
                ExInitializeRundownProtectionCacheAware.
                """,
            contract: ["IRQL <= APC_LEVEL."],
            misuse: [
                "Passing any other size to ExInitializeRundownProtectionCacheAware: wrong slot count, divide fault or buffer overrun (SIZE_MISMATCH)."
            ],
            seeAlso: ["ExInitializeRundownProtectionCacheAware", "ExAllocateCacheAwareRundownProtection"],
            example: [
                "ExSizeOfRundownProtectionCacheAware",
                "#> 344",
                "n = ExSizeOfRundownProtectionCacheAware",
                "#> 344",
                "ExInitializeRundownProtectionCacheAware C n",
            ],
            kind: .none),
        Routine(
            name: "ExAllocateCacheAwareRundownProtection", family: .storage,
            parameters: [Parameter("PoolType", .poolType), Parameter("PoolTag", .poolTag)],
            returns: .pointer, maxIrql: .APC_LEVEL,
            cSignature:
                "PEX_RUNDOWN_REF_CACHE_AWARE ExAllocateCacheAwareRundownProtection(_In_ POOL_TYPE PoolType, _In_ ULONG PoolTag);",
            summary: "Allocates and initializes a cache-aware reference from pool (must be bound).",
            description: """
                Allocates the header and one cache-line-aligned slot per processor from the \
                given pool with the given tag, and zeroes every slot: the object is live with \
                no holders. The result must be bound: \
                `C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'`. Prints \
                nothing on success; prints NULL when the allocation fails (see `.fault alloc`), \
                and the name is then bound to NULL. The \
                allocation must be freed with ExFreeCacheAwareRundownProtection, or the end of \
                the script reports POOL_LEAK.
                """,
            contract: [
                "The result is checked for NULL before use.",
                "IRQL <= APC_LEVEL.",
            ],
            misuse: [
                "Using a NULL result: NULL dereference, bugcheck (NULL_HANDLE).",
                "Never freeing it: the pool leaks (POOL_LEAK).",
            ],
            seeAlso: ["ExFreeCacheAwareRundownProtection", "ExInitializeRundownProtectionCacheAware"],
            example: [
                "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'",
                "ExAcquireRundownProtectionCacheAware C",
                "#> TRUE",
                "ExReleaseRundownProtectionCacheAware C",
                "ExWaitForRundownProtectionReleaseCacheAware C",
                "ExFreeCacheAwareRundownProtection C",
            ],
            kind: .cacheAware),
        Routine(
            name: "ExInitializeRundownProtectionCacheAware", family: .storage,
            parameters: [Parameter("RunRefCacheAware", .cacheAwareRef), Parameter("RunRefSize", .size)],
            returns: .void, maxIrql: .APC_LEVEL,
            cSignature:
                "VOID ExInitializeRundownProtectionCacheAware(_Out_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware, _In_ SIZE_T RunRefSize);",
            summary: "Lays out a cache-aware reference in caller storage of RunRefSize bytes.",
            description: """
                Builds a cache-aware reference in storage the caller provides, deriving the slot \
                count from RunRefSize, and zeroes every slot: live, no holders. In rdsh it \
                creates the handle when the name does not exist yet. RunRefSize must be exactly \
                the value of ExSizeOfRundownProtectionCacheAware. Such an object must not be \
                passed to ExFreeCacheAwareRundownProtection. Prints nothing.
                """,
            contract: [
                "RunRefSize is exactly ExSizeOfRundownProtectionCacheAware's value.",
                "The storage is not in use: no holders, no waiter.",
                "IRQL <= APC_LEVEL.",
            ],
            misuse: [
                "Any other size: 0 slots (divide fault on first acquire), a wrapped slot count (overrun), or a buffer overrun (SIZE_MISMATCH).",
                "On storage in use: holders forgotten, waiter lost (INIT_WHILE_IN_USE).",
                "Freeing it later with ExFreeCacheAwareRundownProtection: bugcheck (FREE_NOT_ALLOCATED).",
            ],
            seeAlso: ["ExSizeOfRundownProtectionCacheAware", "ExAllocateCacheAwareRundownProtection"],
            example: [
                "n = ExSizeOfRundownProtectionCacheAware",
                "#> 344",
                "ExInitializeRundownProtectionCacheAware C n",
                "ExAcquireRundownProtectionCacheAware C",
                "#> TRUE",
            ],
            kind: .cacheAware),
        Routine(
            name: "ExFreeCacheAwareRundownProtection", family: .storage,
            parameters: [Parameter("RunRefCacheAware", .cacheAwareRef)], returns: .void, maxIrql: .APC_LEVEL,
            cSignature:
                "VOID ExFreeCacheAwareRundownProtection(_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);",
            summary: "Frees a cache-aware reference that ExAllocateCacheAwareRundownProtection returned.",
            description: """
                Returns the slots and the header to pool. Normally called after the final wait \
                (and optionally ExRundownCompletedCacheAware). Afterwards the handle is freed: \
                any use is USE_AFTER_FREE. Prints nothing.
                """,
            contract: [
                "The object came from ExAllocateCacheAwareRundownProtection.",
                "No references outstanding, no waiter, no concurrent use.",
                "IRQL <= APC_LEVEL.",
            ],
            misuse: [
                "On caller storage from ExInitializeRundownProtectionCacheAware: the pool allocator gets the sentinel 0x0BADCA11, bugcheck (FREE_NOT_ALLOCATED).",
                "While in use: holders and waiter touch freed pool (FREE_WHILE_IN_USE).",
                "Twice: double free (USE_AFTER_FREE).",
            ],
            seeAlso: [
                "ExAllocateCacheAwareRundownProtection", "ExWaitForRundownProtectionReleaseCacheAware",
            ],
            example: [
                "C = ExAllocateCacheAwareRundownProtection PagedPool 'RdTg'",
                "ExWaitForRundownProtectionReleaseCacheAware C",
                "ExFreeCacheAwareRundownProtection C",
            ],
            kind: .cacheAware),
        Routine(
            name: "ExAcquireRundownProtectionCacheAware", family: .acquire,
            parameters: [Parameter("RunRefCacheAware", .cacheAwareRef)], returns: .boolean,
            maxIrql: .DISPATCH_LEVEL, irqlNote: undocumentedIrql,
            cSignature:
                "BOOLEAN ExAcquireRundownProtectionCacheAware(_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);",
            summary: "Tries to take one reference on the current processor's slot.",
            description: """
                The plain acquire on the slot of the processor the thread runs on (set with \
                .cpu T N; slot = N mod slot count). Prints TRUE when granted, FALSE once the \
                wait has marked that slot. Never blocks.
                """,
            contract: [
                "The object is allocated or initialized and not freed.",
                "IRQL <= DISPATCH_LEVEL (non-paged storage).",
            ],
            misuse: [
                "Ignoring FALSE and releasing anyway (RELEASE_WITHOUT_ACQUIRE / RELEASE_AFTER_RUNDOWN).",
                "After free: use after free (USE_AFTER_FREE); on a NULL allocation: bugcheck (NULL_HANDLE).",
            ],
            seeAlso: [
                "ExAcquireRundownProtectionCacheAwareEx", "ExReleaseRundownProtectionCacheAware",
                "ExAcquireRundownProtection",
            ],
            example: [
                "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'",
                ".cpu main 1",
                "ExAcquireRundownProtectionCacheAware C",
                "#> TRUE",
                "ExReleaseRundownProtectionCacheAware C",
                "ExWaitForRundownProtectionReleaseCacheAware C",
                "ExFreeCacheAwareRundownProtection C",
            ],
            kind: .cacheAware),
        Routine(
            name: "ExAcquireRundownProtectionCacheAwareEx", family: .acquire,
            parameters: [Parameter("RunRefCacheAware", .cacheAwareRef), Parameter("Count", .count)],
            returns: .boolean, maxIrql: .DISPATCH_LEVEL,
            irqlNote: "DISPATCH_LEVEL only when the storage is non-paged",
            cSignature:
                "BOOLEAN ExAcquireRundownProtectionCacheAwareEx(_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware, _In_ ULONG Count);",
            summary: "Tries to take Count references on the current processor's slot, all or none.",
            description: """
                ExAcquireRundownProtectionEx on the slot of the thread's processor. Prints TRUE \
                or FALSE. Never blocks.
                """,
            contract: [
                "The object is allocated or initialized and not freed.",
                "1 <= Count <= 0x7FFFFFFF.",
                "IRQL <= DISPATCH_LEVEL (non-paged storage).",
            ],
            misuse: [
                "Count >= 0x80000000: wraps, TRUE with nothing added (COUNT_OUT_OF_RANGE)."
            ],
            seeAlso: ["ExAcquireRundownProtectionCacheAware", "ExReleaseRundownProtectionCacheAwareEx"],
            example: [
                "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'",
                "ExAcquireRundownProtectionCacheAwareEx C 2",
                "#> TRUE",
                "ExReleaseRundownProtectionCacheAwareEx C 2",
                "ExWaitForRundownProtectionReleaseCacheAware C",
                "ExFreeCacheAwareRundownProtection C",
            ],
            kind: .cacheAware),
        Routine(
            name: "ExReleaseRundownProtectionCacheAware", family: .release,
            parameters: [Parameter("RunRefCacheAware", .cacheAwareRef)], returns: .void,
            maxIrql: .DISPATCH_LEVEL, irqlNote: undocumentedIrql,
            cSignature:
                "VOID ExReleaseRundownProtectionCacheAware(_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);",
            summary: "Gives back one reference on the current processor's slot.",
            description: """
                The plain release on the slot of the processor the thread runs on now, which \
                need not be the slot of the acquire: a slot may go "negative", only the sum \
                counts (.show lists the slots). The last release during a rundown wakes the \
                waiter (`[T] returned from ...`). Prints nothing itself.
                """,
            contract: [
                "At least one reference is outstanding on the object (any slot, any thread).",
                "The wait has not returned yet.",
                "IRQL <= DISPATCH_LEVEL (non-paged storage).",
            ],
            misuse: [
                "More releases than acquires: underflow, a wait that never returns (RELEASE_WITHOUT_ACQUIRE).",
                "After completed: bugcheck (older kernels) or an endless retry on slot 0 (modern kernels) (RELEASE_AFTER_RUNDOWN).",
            ],
            seeAlso: ["ExAcquireRundownProtectionCacheAware", "ExReleaseRundownProtectionCacheAwareEx"],
            example: [
                "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'",
                ".cpu main 0",
                "ExAcquireRundownProtectionCacheAware C",
                "#> TRUE",
                ".cpu main 1",
                "ExReleaseRundownProtectionCacheAware C",
                ".show C",
                "#> C: state=live holders=0 slots=[1,-1,0,0] processors=4",
                "ExWaitForRundownProtectionReleaseCacheAware C",
                "ExFreeCacheAwareRundownProtection C",
            ],
            kind: .cacheAware),
        Routine(
            name: "ExReleaseRundownProtectionCacheAwareEx", family: .release,
            parameters: [Parameter("RunRef", .cacheAwareRef), Parameter("Count", .count)], returns: .void,
            maxIrql: .DISPATCH_LEVEL, irqlNote: undocumentedIrql,
            cSignature:
                "VOID ExReleaseRundownProtectionCacheAwareEx(_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRef, _In_ ULONG Count);",
            summary: "Gives back Count references on the current processor's slot.",
            description: """
                ExReleaseRundownProtectionEx on the slot of the thread's processor. The release \
                that brings the outstanding count to zero during a rundown wakes the waiter. \
                Prints nothing itself.
                """,
            contract: [
                "At least Count references are outstanding on the object.",
                "1 <= Count <= 0x7FFFFFFF; Count 0 only while live.",
                "IRQL <= DISPATCH_LEVEL (non-paged storage).",
            ],
            misuse: [
                "Count larger than outstanding (RELEASE_WITHOUT_ACQUIRE); after the wait returned (RELEASE_AFTER_RUNDOWN)."
            ],
            seeAlso: ["ExAcquireRundownProtectionCacheAwareEx", "ExReleaseRundownProtectionCacheAware"],
            example: [
                "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'",
                "ExAcquireRundownProtectionCacheAwareEx C 3",
                "#> TRUE",
                "ExReleaseRundownProtectionCacheAwareEx C 3",
                "ExWaitForRundownProtectionReleaseCacheAware C",
                "ExFreeCacheAwareRundownProtection C",
            ],
            kind: .cacheAware),
        Routine(
            name: "ExWaitForRundownProtectionReleaseCacheAware", family: .rundown,
            parameters: [Parameter("RunRef", .cacheAwareRef)], returns: .void, maxIrql: .APC_LEVEL,
            irqlNote:
                "no IRQL is documented; the routine blocks whenever references are outstanding, so rdsh uses APC_LEVEL like the plain wait",
            cSignature:
                "VOID ExWaitForRundownProtectionReleaseCacheAware(_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRef);",
            summary: "Marks every slot, then blocks until all granted references are released.",
            description: """
                Sweeps the slots, marking each one run down and adding up its holders; then \
                blocks until the total is released. Output as for the plain wait: \
                `[T] blocked in ...` with why-lines, later `[T] returned from ...`. Afterwards \
                the object is stale, even when nothing was outstanding: unlike the plain wait, \
                a second wait before ExReInitializeRundownProtectionCacheAware is an error.
                """,
            contract: [
                "The object is live: not waited on since it was allocated, initialized or reinitialized.",
                "No other thread is waiting on it; the waiting thread holds no references on it.",
                "IRQL <= APC_LEVEL.",
            ],
            misuse: [
                "A second wait before reinitializing: the marked slots count as holders and it hangs (WAIT_AFTER_RUNDOWN).",
                "Two waiters at once: both hang (CONCURRENT_WAIT).",
                "Waiting while holding: self-deadlock (WAIT_WHILE_HOLDING).",
            ],
            seeAlso: [
                "ExRundownCompletedCacheAware", "ExReInitializeRundownProtectionCacheAware",
                "ExFreeCacheAwareRundownProtection",
            ],
            example: [
                "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'",
                "A: ExAcquireRundownProtectionCacheAware C",
                "#> TRUE",
                "W: ExWaitForRundownProtectionReleaseCacheAware C",
                "#> [W] blocked in ExWaitForRundownProtectionReleaseCacheAware C",
                "#> ...",
                "A: ExReleaseRundownProtectionCacheAware C",
                "#> [W] returned from ExWaitForRundownProtectionReleaseCacheAware C",
                "ExFreeCacheAwareRundownProtection C",
            ],
            kind: .cacheAware),
        Routine(
            name: "ExRundownCompletedCacheAware", family: .rundown,
            parameters: [Parameter("RunRefCacheAware", .cacheAwareRef)], returns: .void,
            maxIrql: .DISPATCH_LEVEL,
            irqlNote:
                "no IRQL is documented; the routine is deliberately non-paged because FtDisk calls it under a spin lock, so rdsh uses DISPATCH_LEVEL",
            cSignature:
                "VOID ExRundownCompletedCacheAware(_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);",
            summary: "After the wait, sets every slot to the clean completed state.",
            description: """
                Exchanges every slot to exactly EX_RUNDOWN_ACTIVE. Acquires keep failing. Unlike \
                the plain routine it does not make a second wait safe: the cache-aware wait \
                has no "already run down" short-cut. Prints nothing.
                """,
            contract: [
                "A wait on the object has returned.",
                "No thread is blocked waiting on it.",
                "IRQL <= DISPATCH_LEVEL (non-paged storage).",
            ],
            misuse: [
                "On a live object: checked builds assert; holders' releases later crash (COMPLETED_WITHOUT_WAIT).",
                "While a waiter is blocked: it hangs forever (COMPLETED_WHILE_WAITING).",
            ],
            seeAlso: [
                "ExWaitForRundownProtectionReleaseCacheAware", "ExReInitializeRundownProtectionCacheAware",
            ],
            example: [
                "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'",
                "ExWaitForRundownProtectionReleaseCacheAware C",
                "ExRundownCompletedCacheAware C",
                "ExFreeCacheAwareRundownProtection C",
            ],
            kind: .cacheAware),
        Routine(
            name: "ExReInitializeRundownProtectionCacheAware", family: .lifecycle,
            parameters: [Parameter("RunRefCacheAware", .cacheAwareRef)], returns: .void,
            maxIrql: .DISPATCH_LEVEL,
            irqlNote:
                "no IRQL is documented; the routine is deliberately non-paged because FtDisk calls it under a spin lock, so rdsh uses DISPATCH_LEVEL",
            cSignature:
                "VOID ExReInitializeRundownProtectionCacheAware(_Inout_ PEX_RUNDOWN_REF_CACHE_AWARE RunRefCacheAware);",
            summary: "Makes a run-down cache-aware reference live again.",
            description: """
                Sets every slot back to 0, so the object can guard a new object and be waited \
                on again. Prints nothing.
                """,
            contract: [
                "The object has been run down (a wait returned; completed is optional).",
                "No thread is blocked waiting on it.",
                "IRQL <= DISPATCH_LEVEL (non-paged storage).",
            ],
            misuse: [
                "On a live object: checked builds assert; free builds zero the slots under the holders (REINIT_WITHOUT_RUNDOWN).",
                "While a waiter is blocked: it hangs forever (REINIT_WHILE_WAITING).",
            ],
            seeAlso: ["ExWaitForRundownProtectionReleaseCacheAware", "ExRundownCompletedCacheAware"],
            example: [
                "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'",
                "ExWaitForRundownProtectionReleaseCacheAware C",
                "ExReInitializeRundownProtectionCacheAware C",
                "ExAcquireRundownProtectionCacheAware C",
                "#> TRUE",
                "ExReleaseRundownProtectionCacheAware C",
                "ExWaitForRundownProtectionReleaseCacheAware C",
                "ExFreeCacheAwareRundownProtection C",
            ],
            kind: .cacheAware),
    ]
}
