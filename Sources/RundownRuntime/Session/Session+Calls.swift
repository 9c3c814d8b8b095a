import Rundown
import RundownScript

// MARK: - Routine calls: resolve, check, hand to the thread, settle, report

extension Session {
    /// Runs a cached call line written at `place` (its file and line).
    func runCall(_ line: CompiledLine, at place: SourceLocation) {
        if let lane = line.lane, runLane(line, lane, at: place) { return }
        let location = SourceLocation(file: place.file, line: place.line, column: line.call.location.column)
        runCall(line.call, location: location, sourceText: line.text, memo: line)
    }

    /// Runs `call`, written at `location` (the routine name's; `call.location` is not read).
    func runCall(_ call: Call, location: SourceLocation, sourceText: String, memo: CompiledLine? = nil) {
        if let name = call.guardName {
            guard let value = guardValue(name, call: call, location: location, sourceText: sourceText) else {
                return
            }
            if value == call.guardNegated { return }
        }
        guard let started = startCall(call, location: location, sourceText: sourceText, memo: memo) else {
            return
        }
        settle(started)
    }

    /// The value of a guard's boolean binding outside a `.par` block; BAD_GUARD (and nil) when
    /// the name is unknown or not a boolean.
    func guardValue(_ name: String, call: Call, location callLocation: SourceLocation, sourceText: String)
        -> Bool?
    {
        if let handle = handles[name], case .boolean(let value) = handle.value { return value }
        let location = call.guardColumn.map { callLocation.at(column: $0) } ?? callLocation
        let what =
            handles[name].map { "\(name) is \($0.kindPhrase), not a boolean" } ?? "unknown name '\(name)'"
        report(
            Diagnostic(
                .badGuard, "guard on \(what)", location: location, length: name.utf8.count,
                notes: ["a guard names a boolean binding: ok = ExAcquireRundownProtection R, then: if ok ..."]
            ),
            sourceText: sourceText)
        return nil
    }

    /// Checks a call written at `location` and hands it to its thread; nil when it was refused
    /// (and reported). `memo`: the cached line of the call, whose thread and handle are reused
    /// while the session's names have not changed.
    func startCall(_ call: Call, location: SourceLocation, sourceText: String, memo: CompiledLine? = nil)
        -> StartedCall?
    {
        guard let operation = memo.map({ $0.operation }) ?? Operation.of(call.routine) else {
            report(
                Diagnostic(
                    .unknownRoutine, "'\(call.routine.name)' has no implementation", location: location),
                sourceText: sourceText)
            return nil
        }
        let remembered = memo.map { $0.namesEpoch == namesEpoch } ?? false
        let worker: Worker
        if remembered, let known = memo?.worker {
            worker = known
        } else {
            let threadSpan = (
                location: call.threadColumn.map { location.at(column: $0) } ?? location,
                length: max(1, call.thread?.utf8.count ?? 1)
            )
            guard let found = knownOrNewThread(call.threadName, span: threadSpan, sourceText: sourceText)
            else {
                return nil
            }
            worker = found
        }
        if worker.status != .idle {
            reportThreadBlocked(worker, call: call, location: location, sourceText: sourceText)
            return nil
        }

        // Arguments.
        var handle: Handle?
        var handleName = ""
        var handleSpan = (location: location, length: max(1, call.routine.name.utf8.count))
        var count = 1
        var created: Handle.Value?
        var sizeArgument = 0
        var poolType = PoolType.NonPagedPool
        var tag: UInt32 = 0
        var tagText = ""

        switch operation {
        case .sizeOf:
            break
        case .allocate:
            guard call.arguments.count >= 2, let typeName = call.arguments[0].name,
                let type = PoolType(rawValue: typeName)
            else {
                let span = call.arguments.isEmpty ? handleSpan : call.span(ofArgument: 0, at: location)
                report(
                    Diagnostic(
                        .badArgument, "expected a pool type: NonPagedPool, NonPagedPoolNx or PagedPool",
                        location: span.location, length: span.length), sourceText: sourceText)
                return nil
            }
            poolType = type
            switch call.arguments[1] {
            case .tag(let value, let text, _):
                tag = value
                tagText = text
            case .integer(let value, _) where value >= 0 && value <= Int(UInt32.max):
                tag = UInt32(value)
                tagText = PoolTag.text(of: tag)
            default:
                let span = call.span(ofArgument: 1, at: location)
                report(
                    Diagnostic(
                        .badArgument,
                        "expected a pool tag: four characters in single quotes, or a 32-bit integer",
                        location: span.location, length: span.length), sourceText: sourceText)
                return nil
            }
        default:
            guard let name = call.arguments.first?.name else {
                report(
                    Diagnostic(.syntax, "\(call.routine.name) needs a handle name", location: location),
                    sourceText: sourceText)
                return nil
            }
            handleName = name
            handleSpan = call.span(ofArgument: 0, at: location)
            handle = remembered ? memo?.handle : handles[name]
            if handle == nil {
                if operation == .initialize {
                    created = .plain(RundownRef(observer: observer))
                } else if operation == .initializeCacheAware {
                    created = .null  // made by the call itself, on the thread
                } else {
                    reportUnknownHandle(
                        name, at: handleSpan, sourceText: sourceText, cacheAware: operation.isCacheAware)
                    return nil
                }
            }
            if operation.takesCount || operation == .initializeCacheAware {
                guard call.arguments.count >= 2 else {
                    report(
                        Diagnostic(
                            .syntax, "\(call.routine.name) needs a second argument", location: location),
                        sourceText: sourceText)
                    return nil
                }
                let span = call.span(ofArgument: 1, at: location)
                guard let value = resolveNumber(call.arguments[1], span: span, sourceText: sourceText) else {
                    return nil
                }
                if operation == .initializeCacheAware {
                    sizeArgument = value
                } else {
                    guard checkCount(value, span: span, sourceText: sourceText) else { return nil }
                    count = value
                }
            }
        }

        if let memo, !remembered {
            memo.namesEpoch = namesEpoch
            memo.worker = worker
            memo.handle = handle
        }

        // Kind, IRQL and contract.
        let context = CallContext(
            operation: operation, routine: call.routine, handle: handle, handleName: handleName,
            location: handleSpan.location, length: handleSpan.length, count: count, worker: worker,
            size: sizeArgument)
        if let handle, let problem = kindProblem(context, handle: handle) {
            report(problem, sourceText: sourceText)
            return nil
        }
        if let problem = irqlProblem(context) {
            report(problem, sourceText: sourceText)
            return nil
        }
        let verdict = checkContract(context)
        if let error = verdict.error {
            report(error, sourceText: sourceText)
            return nil
        }
        for warning in verdict.warnings { report(warning, sourceText: sourceText) }

        // Hand it over.
        let pending = PendingCall(
            operation: operation, display: call.text, thread: worker.name, location: location,
            topLine: topLine, handle: handle, handleLocation: handleSpan.location,
            handleLength: handleSpan.length,
            count: count, binding: call.binding, sourceText: sourceText, handleName: handleName)
        if created != nil { pending.created = created }
        if !tagText.isEmpty { pending.tagText = tagText }
        guard worker.start() else {
            report(
                Diagnostic(
                    .watchdog, "could not start thread \(worker.name)", location: location,
                    notes: ["the system refused to create another thread"]), sourceText: sourceText)
            return nil
        }
        // The object is held by its handle while the call runs, unless the coordinator goes
        // on before the call returns: a wait may block, a `.par` block steps threads, and the
        // watchdog gives up on a thread (``reportWatchdog`` takes the object then).
        if operation.isWait || parCapture != nil || atomicStepping { pending.object = handle?.object }
        worker.current = pending
        dispatch(pending, on: worker, created: created, size: sizeArgument, poolType: poolType, tag: tag)
        return StartedCall(pending: pending, worker: worker)
    }

    /// Fills in what `pending` runs and posts it to `worker`.
    private func dispatch(
        _ pending: PendingCall, on worker: Worker, created: Handle.Value?, size: Int, poolType: PoolType,
        tag: UInt32
    ) {
        if let handle = pending.handle {
            pending.plain = handle.plainObject
            pending.cacheAware = handle.cacheAwareObject
        } else if let created {
            // `object` holds what the call makes (the routine's references are unretained).
            switch created {
            case .plain(let ref):
                pending.plain = Unmanaged.passUnretained(ref)
                pending.object = ref
            case .cacheAware(let ref):
                pending.cacheAware = Unmanaged.passUnretained(ref)
                pending.object = ref
            default: break
            }
        }
        pending.cpu = worker.cpu
        pending.ledgerEpoch = pending.handle?.ledger.epoch ?? 0
        pending.processors = options.processors
        pending.storageSize = size
        pending.poolType = poolType
        pending.tag = tag
        switch pending.operation {
        case .allocate:
            pending.pool = pool
            pending.observer = observer
        case .initializeCacheAware:
            pending.observer = observer
        case .wait:
            observer.register(waiter: worker, on: pending.plain!.takeUnretainedValue())
            pending.handle?.addWaiter(worker)
        case .waitCacheAware:
            observer.register(waiter: worker, on: pending.cacheAware!.takeUnretainedValue())
            pending.handle?.addWaiter(worker)
        default:
            break
        }
        if atomicStepping {
            pending.hooks = AtomicStepHooks(
                worker: worker, refusesRedirectToMarkedSlotZero: reintroducesRedirectBug)
        }
        worker.post(pending)
    }

    /// Waits until every thread has settled, then reports what happened.
    private func settle(_ started: StartedCall) {
        settle(started, settled: gate.awaitSettled(timeoutNanoseconds: watchdogNanoseconds))
    }

    /// ``settle(_:)`` once the wait for every thread to settle has ended (`settled`: it did).
    func settle(_ started: StartedCall, settled: Bool) {
        let pending = started.pending
        let worker = started.worker
        if !settled { reportWatchdog(sourceText: started.sourceText) }
        switch worker.status {
        case .idle:
            worker.current = nil
            complete(started)
            recordSettledWord(pending, worker: worker, settled: settled)
        case .blocked:
            reportBlocked(pending, worker: worker)
        case .running, .handedOver, .hung, .paused:
            break
        }
        if pending.operation.isRelease || !settled { reportWoken() }
    }

    /// The thread returned from the call: print its result, update the ledger and bindings.
    func complete(_ started: StartedCall) {
        let pending = started.pending
        let worker = started.worker
        worker.collectResult(of: pending)
        let sourceText = started.sourceText
        let created = started.created
        let handleName = started.handleName
        let handle = pending.handle
        switch pending.result {
        case .none:
            break
        case .violation(let violation):
            // A refused call changes nothing: only a refused wait had registered a waiter.
            if pending.operation.isWait {
                if let object = pending.object { observer.unregister(worker, object: object) }
                handle?.removeWaiter(worker)
            }
            report(libraryViolation(violation, pending), sourceText: sourceText)
        case .boolean(let granted):
            if granted {
                handle?.ledger.acquired(thread: worker.name, count: pending.count, call: pending.display)
            }
            output(granted ? "TRUE" : "FALSE")
            if let binding = pending.binding {
                bind(binding, .boolean(granted), at: pending.location, sourceText: sourceText)
            }
        case .size(let size):
            output(String(size))
            if let binding = pending.binding {
                bind(binding, .number(size), at: pending.location, sourceText: sourceText)
            }
        case .wait:
            if let object = pending.object { observer.unregister(worker, object: object) }
            handle?.removeWaiter(worker)
        case .void:
            switch pending.operation {
            case .release, .releaseEx, .releaseCacheAware, .releaseCacheAwareEx:
                // A release that started before the object was reinitialized (or freed, or the
                // name rebound) and ends after it, by a thread that holds nothing now, gave
                // back a reference of the object's previous life (at granularity=atomic its
                // futex wake can come after a waiter returned and the object was reused):
                // the new holders keep theirs.
                guard let handle,
                    handle.ledger.epoch == pending.ledgerEpoch || handle.ledger.held(by: worker.name) > 0
                else { break }
                handle.ledger.released(thread: worker.name, count: pending.count)
            case .initialize:
                if let handle {
                    handle.ledger.clear()
                } else if let created {
                    bind(handleName, created, at: pending.handleLocation)
                }
            case .reinitialize, .reinitializeCacheAware, .initializeCacheAware:
                handle?.ledger.clear()
            case .free:
                handle?.ledger.clear()
                if case .cacheAware(let ref)? = handle?.value {
                    allocationOf[ObjectIdentifier(ref)]?.freed = true
                }
            default:
                break
            }
        case .created(let object):
            if pending.operation == .allocate {
                let name = pending.binding ?? "(unnamed)"
                if let object {
                    let allocation = Allocation(
                        name: name, tag: pending.tag, tagText: pending.tagText, poolType: pending.poolType,
                        location: pending.location, object: object)
                    allocations.append(allocation)
                    allocationOf[ObjectIdentifier(object)] = allocation
                    if pending.binding != nil {
                        bind(name, .cacheAware(object), at: pending.location, sourceText: sourceText)
                        handles[name]?.allocation = allocation
                    }
                } else {
                    output("NULL")
                    if pending.binding != nil {
                        bind(name, .null, at: pending.location, sourceText: sourceText)
                    }
                }
            } else if let object {
                bind(handleName, .cacheAware(object), at: pending.handleLocation)
            }
        }
    }

    /// Binds (or rebinds) a name. A `NAME = ...` line (`sourceText` given) that rebinds a name
    /// still holding an object warns first (HANDLE_REBOUND).
    func bind(_ name: String, _ value: Handle.Value, at location: SourceLocation, sourceText: String? = nil) {
        if let existing = handles[name] {
            if let sourceText { warnIfRebindingLoses(existing, at: location, sourceText: sourceText) }
            existing.value = value
            existing.location = location
            existing.ledger.clear()
            existing.allocation = nil
            existing.waiters.removeAll()
        } else {
            handles[name] = Handle(name: name, value: value, location: location)
            handleOrder.append(name)
        }
    }

    // MARK: - Blocking and waking

    func reportBlocked(_ pending: PendingCall, worker: Worker) {
        output("[\(worker.name)] blocked in \(pending.display)")
        if let handle = pending.handle { output("    " + outstandingSentence(handle)) }
    }

    /// `1 reference outstanding on R: 1 by A (ExAcquireRundownProtection R)`.
    func outstandingSentence(_ handle: Handle) -> String {
        let outstanding = handle.snapshot?.holders ?? handle.ledger.total
        var text =
            "\(outstanding) \(outstanding == 1 ? "reference" : "references") outstanding on \(handle.name)"
        if handle.ledger.total > 0 { text += ": " + handle.ledger.describe() }
        return text
    }

    /// Reports `[T] returned from ...` for every waiter a release woke.
    func reportWoken() {
        for woken in observer.takeWoken() {
            guard let pending = woken.current else { continue }
            if woken.status == .idle {
                woken.current = nil
                pending.handle?.removeWaiter(woken)
                output("[\(woken.name)] returned from \(pending.display)")
                if case .violation(let violation) = pending.result {
                    report(libraryViolation(violation, pending), sourceText: nil)
                }
            }
        }
    }

    func reportWatchdog(sourceText: String?, notes: [String] = []) {
        gaveUpOnThreads = true
        for worker in workerOrder where worker.status.isRunning {
            worker.markHung()
            worker.current?.holdObject()
            let what = worker.current.map { "\($0.display)" } ?? "a command"
            report(
                Diagnostic(
                    .watchdog,
                    "thread \(worker.name) did not settle within \(formatSeconds(options.watchdogSeconds)): still in \(what)",
                    notes: [
                        "it neither returned nor parked in a known wait; rdsh stops waiting for it and refuses further commands for \(worker.name)"
                    ] + notes + ["hint: raise the limit with --watchdog SECONDS or RDSH_WATCHDOG_SECONDS"]),
                sourceText: sourceText)
        }
    }

    func formatSeconds(_ seconds: Double) -> String {
        if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
        return "\(seconds) s"
    }

    // MARK: - Argument helpers

    /// An integer argument, or a name bound to a number.
    private func resolveNumber(
        _ argument: Argument, span: (location: SourceLocation, length: Int), sourceText: String
    ) -> Int? {
        switch argument {
        case .integer(let value, _):
            return value
        case .name(let name, _):
            guard let handle = handles[name] else {
                reportUnknownHandle(name, at: span, sourceText: sourceText)
                return nil
            }
            if case .number(let value) = handle.value { return value }
            report(
                Diagnostic(
                    .badArgument, "\(name) is \(handle.kindPhrase), not a number", location: span.location,
                    length: span.length,
                    notes: ["hint: bind a number with n = ExSizeOfRundownProtectionCacheAware"]),
                sourceText: sourceText)
            return nil
        case .tag(_, let text, _):
            report(
                Diagnostic(
                    .badArgument, "expected a number, found the pool tag '\(text)'", location: span.location,
                    length: span.length), sourceText: sourceText)
            return nil
        }
    }

    /// ULONG Count: 1 ... 0x7FFFFFFF (0 is allowed where it is harmless; checked by state).
    private func checkCount(_ value: Int, span: (location: SourceLocation, length: Int), sourceText: String)
        -> Bool
    {
        if value >= 0 && value <= 0x7FFF_FFFF { return true }
        let message =
            value < 0 || value > Int(UInt32.max)
            ? "Count \(value) does not fit in a ULONG"
            : "Count \(value) is out of range (1...0x7FFFFFFF)"
        report(
            Diagnostic(
                .countOutOfRange, message, location: span.location, length: span.length,
                notes: [
                    "real Windows computes 2*Count in 32 bits: a Count of 0x80000000 or more wraps and adds or removes the wrong number of references (AcquireEx(0x80000000) adds nothing and returns TRUE)",
                    "hint: counts go from 1 to 0x7FFFFFFF",
                ]), sourceText: sourceText)
        return false
    }

    /// `cacheAware` says which family the routine belongs to, so the note suggests creators
    /// that give the routine an object it accepts (nil: either family, `.show`).
    func reportUnknownHandle(
        _ name: String, at span: (location: SourceLocation, length: Int), sourceText: String?,
        cacheAware: Bool? = nil
    ) {
        var notes: [String] = []
        if let suggestion = NameSuggester.didYouMean(NameSuggester.suggestions(for: name, among: handleOrder))
        {
            notes.append(suggestion)
        }
        if handleOrder.isEmpty {
            notes.append("no handles yet: " + Self.creators(of: name, cacheAware: cacheAware))
        } else {
            notes.append("known handles: " + handleOrder.joined(separator: ", "))
        }
        if !handleOrder.isEmpty, cacheAware == true {
            notes.append("for a cache-aware routine, " + Self.creators(of: name, cacheAware: true))
        }
        report(
            Diagnostic(
                .unknownHandle, "unknown handle '\(name)'", location: span.location, length: span.length,
                notes: notes), sourceText: sourceText)
    }

    /// The commands that create an object called `name` for a routine of that family.
    static func creators(of name: String, cacheAware: Bool?) -> String {
        let plain = "ExInitializeRundownProtection \(name) or EX_RUNDOWN_REF \(name) creates one"
        let cache =
            "\(name) = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg' or ExInitializeRundownProtectionCacheAware \(name) n (with n = ExSizeOfRundownProtectionCacheAware)"
        switch cacheAware {
        case true?: return cache + " creates one"
        case false?: return plain
        case nil: return plain + "; a cache-aware one: " + cache
        }
    }

    private func reportThreadBlocked(
        _ worker: Worker, call: Call, location callLocation: SourceLocation, sourceText: String
    ) {
        let location = call.threadColumn.map { callLocation.at(column: $0) } ?? callLocation
        let length = call.thread?.count ?? call.routine.name.count
        if worker.status == .hung {
            report(
                Diagnostic(
                    .threadBlocked, "thread \(worker.name) never settled and takes no more commands",
                    location: location, length: length,
                    notes: [
                        "the watchdog gave up on it while it ran \(worker.current?.display ?? "a command")"
                    ]),
                sourceText: sourceText)
            return
        }
        var notes: [String] = []
        if let pending = worker.current {
            if let handle = pending.handle { notes.append(outstandingSentence(handle)) }
            notes.append("a blocked thread runs nothing else until a release on another thread wakes it")
            notes.append(
                "hint: release the outstanding references from another thread, or use another thread name")
            report(
                Diagnostic(
                    .threadBlocked,
                    "thread \(worker.name) is blocked in \(pending.display)",
                    location: location, length: length, notes: notes), sourceText: sourceText)
        } else {
            report(
                Diagnostic(
                    .threadBlocked, "thread \(worker.name) is busy", location: location, length: length),
                sourceText: sourceText)
        }
    }

    /// The thread named `name`, created when new; UNKNOWN_THREAD (and nil) when the name
    /// differs from an existing thread only in case, which is a typo, not a new thread.
    func knownOrNewThread(
        _ name: String, span: (location: SourceLocation, length: Int), sourceText: String
    ) -> Worker? {
        if let existing = workers[name] { return existing }
        let lowered = name.lowercased()
        if let twin = workersByLowercasedName[lowered] {
            report(
                Diagnostic(
                    .unknownThread, "unknown thread '\(name)'", location: span.location, length: span.length,
                    notes: [
                        "did you mean '\(twin.name)'? thread names are case-sensitive",
                        "known threads: " + workerOrder.map(\.name).joined(separator: ", "),
                    ]), sourceText: sourceText)
            return nil
        }
        if workers.count >= SessionOptions.maximumThreads {
            report(
                Diagnostic(
                    .threadLimit,
                    "cannot create thread '\(name)': the session already has \(SessionOptions.maximumThreads) threads, the limit",
                    location: span.location, length: span.length,
                    notes: [
                        "every thread name is a real OS thread; reuse names: a thread runs any number of commands"
                    ]),
                sourceText: sourceText)
            return nil
        }
        return worker(named: name)
    }

    // MARK: - Declarations

    func declare(name: String, runDown: Bool, location: SourceLocation, sourceText: String) {
        if let existing = handles[name] {
            report(
                Diagnostic(
                    .badArgument,
                    existing.value.isReference
                        ? "\(name) is already declared"
                        : "\(name) already names \(existing.kindPhrase)",
                    location: location, length: name.count,
                    notes: ["hint: use another name, or ExInitializeRundownProtection \(name) to reset it"]),
                sourceText: sourceText)
            return
        }
        let ref = runDown ? RundownRef(runDown: true, observer: observer) : RundownRef(observer: observer)
        bind(name, .plain(ref), at: location)
    }
}

extension Handle {
    /// The library object behind the handle, for observer registration.
    var object: AnyObject? {
        switch value {
        case .plain(let ref): ref
        case .cacheAware(let ref): ref
        default: nil
        }
    }
}
