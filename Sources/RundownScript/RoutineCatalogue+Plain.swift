// The eight routines on a plain EX_RUNDOWN_REF. Facts from rundown-semantics.md §1, §3.1-§3.6, §4.1.

extension RoutineCatalogue {
    /// The documented limit of the plain acquire and release routines.
    static let nonPagedDispatch =
        "DISPATCH_LEVEL only when the reference is in non-paged memory, APC_LEVEL otherwise"

    static let plainRoutines: [Routine] = [
        Routine(
            name: "ExInitializeRundownProtection", family: .lifecycle,
            parameters: [Parameter("RunRef", .runRef)], returns: .void, maxIrql: .APC_LEVEL,
            cSignature: "VOID ExInitializeRundownProtection(_Out_ PEX_RUNDOWN_REF RunRef);",
            summary: "Initializes a plain run-down reference: live, no holders.",
            description: """
                Sets the word to 0: the reference is live and idle, so acquires succeed. In rdsh \
                it also creates the plain handle when the name does not exist yet. Prints nothing. \
                Zero-filled storage (EX_RUNDOWN_REF R) already behaves like an initialized \
                reference; the documentation asks for the call anyway.
                """,
            contract: [
                "Nobody else uses the reference yet: no outstanding references, no waiter.",
                "IRQL <= APC_LEVEL.",
            ],
            misuse: [
                "With references outstanding: the plain store of 0 forgets them and their later releases underflow (INIT_WHILE_IN_USE).",
                "With a waiter blocked: the waiter is lost and hangs forever (INIT_WHILE_IN_USE).",
                "On a completed or stale reference: tolerated, the reference becomes live again.",
            ],
            seeAlso: [
                "ExReInitializeRundownProtection", "ExAcquireRundownProtection",
                "ExWaitForRundownProtectionRelease",
            ],
            example: [
                "ExInitializeRundownProtection R",
                "ExAcquireRundownProtection R",
                "#> TRUE",
            ],
            kind: .plain),
        Routine(
            name: "ExReInitializeRundownProtection", family: .lifecycle,
            parameters: [Parameter("RunRef", .runRef)], returns: .void, maxIrql: .APC_LEVEL,
            cSignature: "VOID ExReInitializeRundownProtection(_Inout_ PEX_RUNDOWN_REF RunRef);",
            summary: "Makes a run-down reference live again after its wait returned.",
            description: """
                Exchanges the word to 0, so a reference that was run down (stale or completed) \
                can guard a new object: acquires succeed again. Calling ExRundownCompleted first \
                is optional. Also the way to enable a reference declared with \
                EX_RUNDOWN_REF G = EX_RUNDOWN_ACTIVE. Prints nothing.
                """,
            contract: [
                "The reference has been run down (stale or completed): a wait returned, or it was declared EX_RUNDOWN_ACTIVE.",
                "No thread is blocked waiting on it.",
                "IRQL <= APC_LEVEL.",
            ],
            misuse: [
                "On a live reference: checked builds assert; free builds store 0 and the holders' later releases underflow (REINIT_WITHOUT_RUNDOWN).",
                "While a waiter is blocked: the waiter hangs forever and the releases underflow the fresh count (REINIT_WHILE_WAITING).",
            ],
            seeAlso: [
                "ExWaitForRundownProtectionRelease", "ExRundownCompleted", "ExInitializeRundownProtection",
            ],
            example: [
                "EX_RUNDOWN_REF G = EX_RUNDOWN_ACTIVE",
                "ExAcquireRundownProtection G",
                "#> FALSE",
                "ExReInitializeRundownProtection G",
                "ExAcquireRundownProtection G",
                "#> TRUE",
            ],
            kind: .plain),
        Routine(
            name: "ExAcquireRundownProtection", family: .acquire,
            parameters: [Parameter("RunRef", .runRef)], returns: .boolean, maxIrql: .DISPATCH_LEVEL,
            irqlNote: nonPagedDispatch,
            cSignature: "BOOLEAN ExAcquireRundownProtection(_Inout_ PEX_RUNDOWN_REF RunRef);",
            summary: "Tries to take one reference; FALSE once a rundown has begun.",
            description: """
                Adds one holder unless a rundown has started, and never blocks. Prints TRUE when \
                the reference was granted (the caller may use the object and must release it \
                later), FALSE when the object is being or has been run down (the caller must not \
                touch the object and must not release). A thread that already holds references \
                gets FALSE too during a rundown.
                """,
            contract: [
                "The reference is initialized (or zero-filled).",
                "IRQL <= DISPATCH_LEVEL (non-paged reference).",
            ],
            misuse: [
                "Ignoring FALSE and using or releasing anyway: the release is a RELEASE_WITHOUT_ACQUIRE or RELEASE_AFTER_RUNDOWN.",
                "On an uninitialized reference: undefined (rdsh has no uninitialized handles: UNKNOWN_HANDLE).",
            ],
            seeAlso: [
                "ExAcquireRundownProtectionEx", "ExReleaseRundownProtection",
                "ExWaitForRundownProtectionRelease",
            ],
            example: [
                "ExInitializeRundownProtection R",
                "ExAcquireRundownProtection R",
                "#> TRUE",
                "ExReleaseRundownProtection R",
                "ExWaitForRundownProtectionRelease R",
                "ExAcquireRundownProtection R",
                "#> FALSE",
            ],
            kind: .plain),
        Routine(
            name: "ExAcquireRundownProtectionEx", family: .acquire,
            parameters: [Parameter("RunRef", .runRef), Parameter("Count", .count)], returns: .boolean,
            maxIrql: .DISPATCH_LEVEL,
            irqlNote: nonPagedDispatch,
            cSignature:
                "BOOLEAN ExAcquireRundownProtectionEx(_Inout_ PEX_RUNDOWN_REF RunRef, _In_ ULONG Count);",
            summary: "Tries to take Count references at once, all or none.",
            description: """
                Adds Count holders in one atomic step, or none at all once a rundown has begun; \
                never blocks. Prints TRUE or FALSE like ExAcquireRundownProtection. Count 0 \
                changes nothing (TRUE when live, FALSE when run down).
                """,
            contract: [
                "The reference is initialized (or zero-filled).",
                "1 <= Count <= 0x7FFFFFFF (Count 0 is a no-op while live).",
                "IRQL <= DISPATCH_LEVEL (non-paged reference).",
            ],
            misuse: [
                "Count >= 0x80000000: 2*Count wraps in 32 bits, so nothing is added but TRUE comes back (COUNT_OUT_OF_RANGE).",
                "Releasing the Count references one by one is fine; releasing more than Count is RELEASE_WITHOUT_ACQUIRE.",
            ],
            seeAlso: ["ExAcquireRundownProtection", "ExReleaseRundownProtectionEx"],
            example: [
                "ExInitializeRundownProtection R",
                "ExAcquireRundownProtectionEx R 3",
                "#> TRUE",
                "ExReleaseRundownProtectionEx R 3",
            ],
            kind: .plain),
        Routine(
            name: "ExReleaseRundownProtection", family: .release,
            parameters: [Parameter("RunRef", .runRef)], returns: .void, maxIrql: .DISPATCH_LEVEL,
            irqlNote:
                "DISPATCH_LEVEL only when the reference is in non-paged memory; the header says _IRQL_requires_max_(DISPATCH_LEVEL)",
            cSignature: "VOID ExReleaseRundownProtection(_Inout_ PEX_RUNDOWN_REF RunRef);",
            summary: "Gives back one reference; the last one wakes the waiter.",
            description: """
                Removes one holder. During a rundown the release that brings the outstanding \
                count to zero wakes the waiting thread, and rdsh then prints \
                `[T] returned from ...` for that waiter. Any thread may release a reference \
                another thread acquired. Prints nothing itself.
                """,
            contract: [
                "At least one reference is outstanding (granted by a successful acquire, on any thread).",
                "The wait on the reference has not returned yet.",
                "IRQL <= DISPATCH_LEVEL (non-paged reference).",
            ],
            misuse: [
                "More releases than acquires while live: the count wraps silently and the next wait hangs (RELEASE_WITHOUT_ACQUIRE).",
                "More releases than outstanding during a rundown: the waiter's count skips zero and it hangs (RELEASE_WITHOUT_ACQUIRE).",
                "After ExRundownCompleted: address 0 is used as the wait block, bugcheck (RELEASE_AFTER_RUNDOWN).",
                "After a wait returned (stale word): writes into the waiter's dead stack frame, corruption (RELEASE_AFTER_RUNDOWN).",
            ],
            seeAlso: [
                "ExAcquireRundownProtection", "ExReleaseRundownProtectionEx",
                "ExWaitForRundownProtectionRelease",
            ],
            example: [
                "ExInitializeRundownProtection R",
                "ExAcquireRundownProtection R",
                "#> TRUE",
                "ExReleaseRundownProtection R",
            ],
            kind: .plain),
        Routine(
            name: "ExReleaseRundownProtectionEx", family: .release,
            parameters: [Parameter("RunRef", .runRef), Parameter("Count", .count)], returns: .void,
            maxIrql: .DISPATCH_LEVEL,
            irqlNote: nonPagedDispatch,
            cSignature:
                "VOID ExReleaseRundownProtectionEx(_Inout_ PEX_RUNDOWN_REF RunRef, _In_ ULONG Count);",
            summary: "Gives back Count references at once.",
            description: """
                Removes Count holders. During a rundown, the release that brings the waiter's \
                count to exactly zero wakes it (rdsh prints `[T] returned from ...`). Count 0 on \
                a live reference does nothing. Prints nothing itself.
                """,
            contract: [
                "At least Count references are outstanding.",
                "1 <= Count <= 0x7FFFFFFF; Count 0 only while live.",
                "IRQL <= DISPATCH_LEVEL (non-paged reference).",
            ],
            misuse: [
                "Count larger than outstanding: underflow while live, a waiter that never wakes during a rundown (RELEASE_WITHOUT_ACQUIRE).",
                "Count 0 during a rundown: may signal the waiter a second time, after it returned (COUNT_OUT_OF_RANGE).",
                "After the wait returned: bugcheck or stack corruption (RELEASE_AFTER_RUNDOWN).",
            ],
            seeAlso: ["ExAcquireRundownProtectionEx", "ExReleaseRundownProtection"],
            example: [
                "ExInitializeRundownProtection R",
                "ExAcquireRundownProtectionEx R 2",
                "#> TRUE",
                "ExReleaseRundownProtectionEx R 2",
            ],
            kind: .plain),
        Routine(
            name: "ExWaitForRundownProtectionRelease", family: .rundown,
            parameters: [Parameter("RunRef", .runRef)], returns: .void, maxIrql: .APC_LEVEL,
            cSignature: "VOID ExWaitForRundownProtectionRelease(_Inout_ PEX_RUNDOWN_REF RunRef);",
            summary: "Starts the rundown and blocks until every granted reference is released.",
            description: """
                From this call on every acquire fails. With no references outstanding it \
                returns at once and the reference is completed. Otherwise the thread blocks: \
                rdsh prints `[T] blocked in ExWaitForRundownProtectionRelease R` and why-lines \
                naming the outstanding references and who acquired them, and later \
                `[T] returned from ...` when the last release wakes it; the word is then stale \
                until ExRundownCompleted. The wait has no timeout and cannot be cancelled. On a \
                completed reference it is a no-op.
                """,
            contract: [
                "No other thread is waiting on the reference.",
                "The waiting thread holds no references on it (or it waits for itself).",
                "Stale (waited, not completed): call ExRundownCompleted first.",
                "IRQL <= APC_LEVEL.",
            ],
            misuse: [
                "A second waiter at the same time: both hang (CONCURRENT_WAIT).",
                "Waiting again on a stale word: real Windows hangs; rdsh returns at once and warns (WAIT_ON_STALE).",
                "Waiting while holding a reference: self-deadlock (WAIT_WHILE_HOLDING).",
                "Holders that never release: the wait never returns (DEADLOCK at end of script).",
            ],
            seeAlso: ["ExRundownCompleted", "ExReInitializeRundownProtection", "ExReleaseRundownProtection"],
            example: [
                "ExInitializeRundownProtection R",
                "A: ExAcquireRundownProtection R",
                "#> TRUE",
                "W: ExWaitForRundownProtectionRelease R",
                "#> [W] blocked in ExWaitForRundownProtectionRelease R",
                "#> ...",
                "A: ExReleaseRundownProtection R",
                "#> [W] returned from ExWaitForRundownProtectionRelease R",
            ],
            kind: .plain),
        Routine(
            name: "ExRundownCompleted", family: .rundown,
            parameters: [Parameter("RunRef", .runRef)], returns: .void, maxIrql: .APC_LEVEL,
            cSignature: "VOID ExRundownCompleted(_Out_ PEX_RUNDOWN_REF RunRef);",
            summary: "After the wait, puts the reference in the clean completed state.",
            description: """
                Exchanges the word to exactly EX_RUNDOWN_ACTIVE, forgetting the returned \
                waiter's stack address. Acquires keep failing, and a later \
                ExWaitForRundownProtectionRelease returns at once. Idempotent. Prints nothing.
                """,
            contract: [
                "A wait on the reference has returned (the word is stale or completed).",
                "No thread is blocked waiting on it.",
                "IRQL <= APC_LEVEL.",
            ],
            misuse: [
                "On a live reference: checked builds assert; free builds mark it run down without a wait, and holders' releases later bugcheck (COMPLETED_WITHOUT_WAIT).",
                "While a waiter is blocked: it hangs forever and the releases bugcheck (COMPLETED_WHILE_WAITING).",
            ],
            seeAlso: ["ExWaitForRundownProtectionRelease", "ExReInitializeRundownProtection"],
            example: [
                "ExInitializeRundownProtection R",
                "ExWaitForRundownProtectionRelease R",
                "ExRundownCompleted R",
                "ExWaitForRundownProtectionRelease R",
            ],
            kind: .plain),
    ]
}
