import Rundown
import RundownScript

/// A note saying what real Windows does, phrased uniformly.
func realWindowsNote(_ text: String) -> String {
    text.hasPrefix("real Windows") ? text : "real Windows: " + text
}

// MARK: - The contract checker

/// Checks each call against the documented contract (rundown-semantics.md §4 state tables),
/// using the object's snapshot and the ledger, before the call runs.
extension Session {
    /// WRONG_KIND / NULL_HANDLE: the handle is not the kind of object the routine takes.
    func kindProblem(_ c: CallContext, handle: Handle) -> Diagnostic? {
        // The common case, without copying the value (which would retain the object).
        if c.operation.isCacheAware ? handle.cacheAwareObject != nil : handle.plainObject != nil {
            return nil
        }
        let routine = c.routine.name
        switch handle.value {
        case .null:
            return Diagnostic(
                .nullHandle,
                "\(c.handleName) is NULL: ExAllocateCacheAwareRundownProtection returned NULL for it",
                location: c.location, length: c.length,
                notes: [
                    realWindowsNote(
                        "\(routine) dereferences the NULL pointer: a page fault at address 0 and a bugcheck"),
                    "hint: check the result of ExAllocateCacheAwareRundownProtection for NULL and fail the operation (STATUS_INSUFFICIENT_RESOURCES)",
                ])
        case .number, .boolean:
            return Diagnostic(
                .wrongKind, "\(c.handleName) is \(handle.kindPhrase), not a reference", location: c.location,
                length: c.length,
                notes: [
                    "\(routine) takes \(c.operation.isCacheAware ? "an EX_RUNDOWN_REF_CACHE_AWARE" : "an EX_RUNDOWN_REF")"
                ])
        case .plain:
            guard c.operation.isCacheAware else { return nil }
            var notes = [
                realWindowsNote(
                    "\(routine) reads the EX_RUNDOWN_REF word as a cache-aware header and follows it as a pointer: a bad memory access and a bugcheck"
                )
            ]
            if let other = c.operation.counterpart {
                notes.append("hint: \(c.handleName) is plain: use \(other)")
            }
            return Diagnostic(
                .wrongKind,
                "\(routine) takes a cache-aware reference, but \(c.handleName) is \(handle.kindPhrase)",
                location: c.location, length: c.length, notes: notes)
        case .cacheAware:
            guard !c.operation.isCacheAware else { return nil }
            var notes = [
                realWindowsNote(
                    "\(routine) treats the cache-aware header's first field (the slot array pointer) as the rundown word: the object is corrupted and later calls bugcheck"
                )
            ]
            if let other = c.operation.counterpart {
                notes.append("hint: \(c.handleName) is cache-aware: use \(other)")
            }
            return Diagnostic(
                .wrongKind,
                "\(routine) takes a plain EX_RUNDOWN_REF, but \(c.handleName) is \(handle.kindPhrase)",
                location: c.location, length: c.length, notes: notes)
        }
    }

    /// IRQL_TOO_HIGH: the thread's IRQL is above the routine's documented limit, or a paged
    /// object is touched at DISPATCH_LEVEL.
    func irqlProblem(_ c: CallContext) -> Diagnostic? {
        let level = Irql(rawValue: c.worker.irql) ?? .PASSIVE_LEVEL
        let limit = c.routine.maxIrql
        if level > limit {
            var notes: [String] = []
            if c.operation.isWait {
                notes.append(
                    realWindowsNote(
                        "waiting above APC_LEVEL bugchecks (IRQL_NOT_LESS_OR_EQUAL, or ATTEMPTED_SWITCH_FROM_DPC from a DPC); Driver Verifier flags the call itself (bug check 0xC4)"
                    ))
            } else {
                notes.append(
                    realWindowsNote(
                        "the documented limit is broken: Driver Verifier's IRQL rules bugcheck on the call (0xC4); without Verifier the outcome depends on the routine's code (pageable code or data touched at this IRQL faults with IRQL_NOT_LESS_OR_EQUAL, 0xA)"
                    ))
            }
            if let irqlNote = c.routine.irqlNote { notes.append(irqlNote) }
            notes.append(
                "hint: .irql \(c.worker.name) PASSIVE_LEVEL, or queue the work to a thread that runs at PASSIVE_LEVEL"
            )
            return Diagnostic(
                .irqlTooHigh,
                "\(c.routine.name) requires IRQL <= \(limit.name), but \(c.worker.name) runs at \(level.name)",
                location: c.location, length: c.length, notes: notes)
        }
        if level >= .DISPATCH_LEVEL, let allocation = c.handle?.allocation, allocation.poolType == .PagedPool
        {
            return Diagnostic(
                .irqlTooHigh,
                "\(c.handleName) lives in PagedPool: \(c.routine.name) at DISPATCH_LEVEL needs a non-paged object",
                location: c.location, length: c.length,
                notes: [
                    realWindowsNote(
                        "a paged-out slot page cannot be brought in at DISPATCH_LEVEL: IRQL_NOT_LESS_OR_EQUAL (0xA)"
                    ),
                    "hint: allocate from NonPagedPoolNx when the object is used at DISPATCH_LEVEL",
                ])
        }
        return nil
    }

    /// The state-table check of one call.
    func checkContract(_ c: CallContext) -> ContractVerdict {
        switch c.operation {
        case .sizeOf, .allocate:
            return .ok
        case .initialize:
            guard let handle = c.handle, let snapshot = settledSnapshot(of: handle) else { return .ok }
            return initializeCheck(c, handle: handle, snapshot: snapshot)
        case .initializeCacheAware:
            return initializeCacheAwareCheck(c)
        case .acquire, .acquireEx:
            // A plain acquire is refused for no state (it returns FALSE where it cannot take a
            // reference), and a plain object is never freed: no snapshot to read, so the
            // coordinator leaves the object's cache line with the thread that uses it.
            return .ok
        default:
            break
        }
        guard let handle = c.handle, let snapshot = settledSnapshot(of: handle) else { return .ok }
        if snapshot.state == .freed {
            return ContractVerdict(error: useAfterFree(c, handle: handle))
        }
        switch c.operation {
        case .acquire, .acquireEx, .acquireCacheAware, .acquireCacheAwareEx:
            return .ok
        case .release, .releaseEx, .releaseCacheAware, .releaseCacheAwareEx:
            return releaseCheck(c, handle: handle, snapshot: snapshot)
        case .wait, .waitCacheAware:
            return waitCheck(c, handle: handle, snapshot: snapshot)
        case .completed, .completedCacheAware:
            return completedCheck(c, handle: handle, snapshot: snapshot)
        case .reinitialize, .reinitializeCacheAware:
            return reinitializeCheck(c, handle: handle, snapshot: snapshot)
        case .free:
            return freeCheck(c, handle: handle, snapshot: snapshot)
        case .initialize, .initializeCacheAware, .sizeOf, .allocate:
            return .ok
        }
    }

    // MARK: Per routine

    private func initializeCheck(_ c: CallContext, handle: Handle, snapshot: RundownSnapshot)
        -> ContractVerdict
    {
        switch snapshot.state {
        case .live where snapshot.holders > 0:
            return ContractVerdict(
                error: error(
                    .initWhileInUse, c,
                    "\(c.handleName) has \(references(snapshot.holders)) outstanding: initializing it would forget them",
                    handle: handle, real: RundownViolation.initializeWhileInUse.realWindows,
                    hint:
                        "wait for rundown (ExWaitForRundownProtectionRelease \(c.handleName)), then ExReInitializeRundownProtection \(c.handleName)"
                ))
        case .waiting, .sweeping:
            return ContractVerdict(
                error: error(
                    .initWhileInUse, c,
                    "\(waiterName(handle)) is waiting for rundown of \(c.handleName): initializing it would lose the waiter",
                    handle: handle, real: RundownViolation.initializeWhileInUse.realWindows,
                    hint: "let the wait return (release the outstanding references), then reinitialize"))
        default:
            return .ok
        }
    }

    private func initializeCacheAwareCheck(_ c: CallContext) -> ContractVerdict {
        let expected = CacheAwareRundownRef.size(processorCount: options.processors)
        if let handle = c.handle, case .cacheAware(let ref) = handle.value {
            let snapshot = ref.checkedSnapshot()
            if snapshot.state == .freed { return ContractVerdict(error: useAfterFree(c, handle: handle)) }
            if ref.isAllocated {
                return ContractVerdict(
                    error: error(
                        .sizeMismatch, c,
                        "\(c.handleName) came from ExAllocateCacheAwareRundownProtection: its header block is not \(c.size) bytes of caller storage",
                        handle: nil,
                        real:
                            "the routine lays slots out past the 24-byte pool header: pool corruption, and a later free hands the 0x0BADCA11 sentinel to the pool allocator (bugcheck)",
                        hint:
                            "an allocated object is reinitialized with ExReInitializeRundownProtectionCacheAware"
                    ))
            }
            if (snapshot.state == .live && snapshot.holders != 0) || snapshot.state == .waiting
                || snapshot.state == .sweeping
            {
                return ContractVerdict(
                    error: error(
                        .initWhileInUse, c,
                        snapshot.state == .live
                            ? "\(c.handleName) has \(references(snapshot.holders)) outstanding: initializing it would forget them"
                            : "\(waiterName(handle)) is waiting for rundown of \(c.handleName): initializing it would lose the waiter",
                        handle: handle, real: RundownViolation.initializeWhileInUse.realWindows,
                        hint:
                            "run it down first (ExWaitForRundownProtectionReleaseCacheAware), then ExReInitializeRundownProtectionCacheAware"
                    ))
            }
            if c.size != ref.storageSize {
                return ContractVerdict(error: sizeMismatch(c, expected: ref.storageSize, laidOut: true))
            }
            return .ok
        }
        if c.size != expected {
            return ContractVerdict(error: sizeMismatch(c, expected: expected, laidOut: false))
        }
        return .ok
    }

    /// The numbers as they are: the size given, the size expected (what the object was laid
    /// out for, or what ExSizeOf returns now), and what ExSizeOf returns now with how many
    /// processors; plus the processor count the given size belongs to, when there is one.
    private func sizeMismatch(_ c: CallContext, expected: Int, laidOut: Bool) -> Diagnostic {
        let processors = options.processors
        let now = CacheAwareRundownRef.size(processorCount: processors)
        let plural = processors == 1 ? "" : "s"
        var message =
            laidOut
            ? "storage size \(c.size) is not the \(expected) bytes \(c.handleName) was laid out for (ExSizeOfRundownProtectionCacheAware returns \(now) now, with \(processors) processor\(plural))"
            : "storage size \(c.size) is not what ExSizeOfRundownProtectionCacheAware returns now: \(now) (\(processors) processor\(plural))"
        if let other = (1...DirectiveCatalogue.maximumProcessorCount).first(where: {
            CacheAwareRundownRef.size(processorCount: $0) == c.size
        }), other != processors {
            message += "; \(c.size) is the size for \(other) processor\(other == 1 ? "" : "s")"
        }
        return error(
            .sizeMismatch, c, message,
            handle: nil, real: RundownViolation.sizeMismatch(given: c.size, expected: expected).realWindows,
            hint:
                "n = ExSizeOfRundownProtectionCacheAware after the last .processors, then ExInitializeRundownProtectionCacheAware \(c.handleName) n"
        )
    }

    private func releaseCheck(_ c: CallContext, handle: Handle, snapshot: RundownSnapshot) -> ContractVerdict
    {
        let n = snapshot.holders
        switch snapshot.state {
        case .live:
            if c.count > n {
                let message =
                    n == 0
                    ? "release of \(references(c.count)) on \(c.handleName), which has no holders"
                    : "release of \(references(c.count)) on \(c.handleName), which has only \(n) holder\(n == 1 ? "" : "s")"
                return ContractVerdict(
                    error: error(
                        .releaseWithoutAcquire, c, message, handle: handle,
                        real: RundownViolation.releaseWithoutAcquire(
                            outstanding: n, requested: UInt32(c.count)
                        )
                        .realWindows,
                        hint:
                            "release only what a successful acquire (TRUE) took; a FALSE acquire took nothing"
                    ))
            }
            return .ok
        case .waiting, .sweeping:
            if c.count == 0 {
                return ContractVerdict(
                    error: error(
                        .countOutOfRange, c,
                        "Count 0 while \(waiterName(handle)) waits for rundown of \(c.handleName)",
                        handle: handle, real: RundownViolation.countOutOfRange(0).realWindows,
                        hint: "release with a Count of 1 or more"))
            }
            // While a cache-aware sweep is still marking slots, the holders it has counted so far
            // are on the waiter's stack, not in any slot: the count cannot be checked yet (the
            // library does not check it either).
            if snapshot.state == .waiting && c.count > n {
                return ContractVerdict(
                    error: error(
                        .releaseWithoutAcquire, c,
                        "release of \(references(c.count)) on \(c.handleName), but \(waiterName(handle)) waits for only \(n)",
                        handle: handle,
                        real:
                            "the wait block's count skips past zero and never lands on it: \(waiterName(handle)) hangs forever",
                        hint: "release only what a successful acquire (TRUE) took"))
            }
            return .ok
        case .stale, .completed:
            // A cache-aware reinitialize in progress: the slot still reads 1 but slot 0 is live
            // again, so the library redirects the release to slot 0 (spec §3.11, modern kernels).
            if case .cacheAware(let ref) = handle.value,
                ref.releaseRedirectsToSlotZero(processor: c.worker.cpu)
            {
                return .ok
            }
            return ContractVerdict(
                error: error(
                    .releaseAfterRundown, c,
                    "release on \(c.handleName) after its rundown finished (state \(snapshot.state.rawValue))",
                    handle: handle,
                    real: RundownViolation.releaseAfterRundown(snapshot.state).realWindows
                        + (snapshot.state == .completed && c.operation.isCacheAware
                            ? "; modern kernels instead retry the release on slot 0, also completed: a livelock"
                            : ""),
                    hint:
                        "every reference must be released before the wait returns; a release after it belongs to an acquire that failed or was already released"
                ))
        case .freed:
            return ContractVerdict(error: useAfterFree(c, handle: handle))
        }
    }

    private func waitCheck(_ c: CallContext, handle: Handle, snapshot: RundownSnapshot) -> ContractVerdict {
        let cacheAware = c.operation == .waitCacheAware
        switch snapshot.state {
        case .waiting, .sweeping:
            return ContractVerdict(
                error: error(
                    .concurrentWait, c,
                    "\(waiterName(handle)) is already waiting for rundown of \(c.handleName)", handle: handle,
                    real: RundownViolation.concurrentWait.realWindows,
                    hint: "exactly one thread runs an object down; the others must not wait on it"))
        case .stale where !cacheAware:
            let warning = Diagnostic(
                .waitOnStale,
                "\(c.handleName) is stale (its last wait returned without ExRundownCompleted): rdsh returns from this wait at once, as the documentation says; real Windows hangs",
                location: c.location, length: c.length,
                notes: [
                    realWindowsNote(
                        "the kernel returns at once only for a word that is exactly EX_RUNDOWN_ACTIVE; this word still points at the first wait's dead wait block, whose address the second wait reads as a count, so it hangs forever"
                    ),
                    "hint: call ExRundownCompleted \(c.handleName) after the first wait",
                ])
            return ContractVerdict(error: nil, warnings: [warning])
        case .stale, .completed:
            if !cacheAware { return .ok }
            return ContractVerdict(
                error: error(
                    .waitAfterRundown, c,
                    "\(c.handleName) is already run down (state \(snapshot.state.rawValue)) and was not reinitialized",
                    handle: nil, real: RundownViolation.waitAfterRundown.realWindows,
                    hint:
                        "ExReInitializeRundownProtectionCacheAware \(c.handleName) before running it down again"
                ))
        case .live:
            let own = handle.ledger.held(by: c.worker.name)
            guard own > 0 else { return .ok }
            let calls = handle.ledger.calls(of: c.worker.name)
            let warning = Diagnostic(
                .waitWhileHolding,
                "\(c.worker.name) waits for rundown of \(c.handleName) while it holds \(references(own)) on it itself (\(calls.joined(separator: "; ")))",
                location: c.location, length: c.length,
                notes: [
                    realWindowsNote(
                        "the wait waits for the caller's own release: the thread deadlocks on itself"),
                    "hint: release your own references before waiting",
                ])
            return ContractVerdict(error: nil, warnings: [warning])
        case .freed:
            return ContractVerdict(error: useAfterFree(c, handle: handle))
        }
    }

    private func completedCheck(_ c: CallContext, handle: Handle, snapshot: RundownSnapshot)
        -> ContractVerdict
    {
        let waitName =
            c.operation == .completedCacheAware
            ? "ExWaitForRundownProtectionReleaseCacheAware" : "ExWaitForRundownProtectionRelease"
        switch snapshot.state {
        case .live:
            return ContractVerdict(
                error: error(
                    .completedWithoutWait, c,
                    "\(c.handleName) is live (\(holdersPhrase(snapshot.holders))): \(c.routine.name) must follow a wait",
                    handle: handle, real: RundownViolation.completedWithoutWait.realWindows,
                    hint: "call \(waitName) \(c.handleName) first"))
        case .waiting, .sweeping:
            return ContractVerdict(
                error: error(
                    .completedWhileWaiting, c,
                    "\(waiterName(handle)) is still waiting for rundown of \(c.handleName)", handle: handle,
                    real: RundownViolation.completedWhileWaiting.realWindows,
                    hint: "call \(c.routine.name) after the wait has returned"))
        default:
            return .ok
        }
    }

    private func reinitializeCheck(_ c: CallContext, handle: Handle, snapshot: RundownSnapshot)
        -> ContractVerdict
    {
        let waitName =
            c.operation == .reinitializeCacheAware
            ? "ExWaitForRundownProtectionReleaseCacheAware" : "ExWaitForRundownProtectionRelease"
        switch snapshot.state {
        case .live:
            return ContractVerdict(
                error: error(
                    .reinitWithoutRundown, c,
                    "\(c.handleName) is live (\(holdersPhrase(snapshot.holders))): \(c.routine.name) needs a rundown first",
                    handle: handle, real: RundownViolation.reinitWithoutRundown.realWindows,
                    hint: "call \(waitName) \(c.handleName) first"))
        case .waiting, .sweeping:
            return ContractVerdict(
                error: error(
                    .reinitWhileWaiting, c,
                    "\(waiterName(handle)) is still waiting for rundown of \(c.handleName)", handle: handle,
                    real: RundownViolation.reinitWhileWaiting.realWindows,
                    hint: "let the wait return (release the outstanding references), then reinitialize"))
        default:
            return .ok
        }
    }

    private func freeCheck(_ c: CallContext, handle: Handle, snapshot: RundownSnapshot) -> ContractVerdict {
        guard case .cacheAware(let ref) = handle.value else { return .ok }
        if !ref.isAllocated {
            return ContractVerdict(
                error: error(
                    .freeNotAllocated, c,
                    "\(c.handleName) was laid out in caller storage by ExInitializeRundownProtectionCacheAware, not allocated",
                    handle: nil, real: RundownViolation.freeNotAllocated.realWindows,
                    hint:
                        "free only what ExAllocateCacheAwareRundownProtection returned; caller storage is freed by its owner"
                ))
        }
        if snapshot.holders != 0 || snapshot.state == .waiting || snapshot.state == .sweeping {
            let message =
                snapshot.state == .live
                ? "\(c.handleName) still has \(references(snapshot.holders)) outstanding"
                : "\(waiterName(handle)) is still waiting for rundown of \(c.handleName)"
            return ContractVerdict(
                error: error(
                    .freeWhileInUse, c, message, handle: handle,
                    real: RundownViolation.freeWhileInUse(outstanding: snapshot.holders).realWindows,
                    hint:
                        "run it down first: ExWaitForRundownProtectionReleaseCacheAware \(c.handleName), then free"
                ))
        }
        return .ok
    }

    private func useAfterFree(_ c: CallContext, handle: Handle) -> Diagnostic {
        return error(
            .useAfterFree, c,
            c.operation == .free
                ? "\(c.handleName) was already freed (a double free)"
                : "\(c.handleName) was freed by ExFreeCacheAwareRundownProtection",
            handle: nil, real: RundownViolation.useAfterFree.realWindows,
            hint: "free an object only after its last use; allocate a new one to start over")
    }

    // MARK: Library violations (second line of defence)

    /// A violation the library refused after the checker let the call through.
    func libraryViolation(_ violation: RundownViolation, _ pending: PendingCall) -> Diagnostic {
        let code = DiagnosticCode(rawValue: violation.code) ?? .releaseWithoutAcquire
        let name = pending.handle?.name
        return Diagnostic(
            code, (name.map { "\($0): " } ?? "") + violation.message, location: pending.handleLocation,
            length: pending.handleLength, notes: [realWindowsNote(violation.realWindows)])
    }

    // MARK: Helpers

    private func error(
        _ code: DiagnosticCode, _ c: CallContext, _ message: String, handle: Handle?, real: String,
        hint: String
    ) -> Diagnostic {
        var notes = [realWindowsNote(real)]
        if let handle, handle.ledger.total > 0 {
            notes.append("ledger: " + outstandingSentence(handle))
        }
        notes.append("hint: " + hint)
        return Diagnostic(code, message, location: c.location, length: c.length, notes: notes)
    }

    private func waiterName(_ handle: Handle) -> String {
        handle.waiter.map { "thread \($0.name)" } ?? "a waiter"
    }

    func references(_ n: Int) -> String { "\(n) reference\(n == 1 ? "" : "s")" }

    private func holdersPhrase(_ n: Int) -> String {
        n == 0 ? "no holders" : "\(n) holder\(n == 1 ? "" : "s")"
    }
}
