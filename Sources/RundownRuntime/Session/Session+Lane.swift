import Rundown
import RundownScript

/// What a cached call line needs to take the session's lane (``Session/runLane(_:_:at:)``):
/// an unguarded, unbound acquire or release of a plain reference with a literal count. Decided
/// once, when the line is parsed.
struct LaneCall {
    let operation: Operation
    let count: UInt32
    /// The routine's IRQL limit (``Routine/maxIrql``).
    let maxIrql: Int

    init?(_ call: Call, operation: Operation) {
        guard call.guardName == nil, call.binding == nil else { return nil }
        switch operation {
        case .acquire, .release:
            guard call.arguments.count == 1 else { return nil }
            count = 1
        case .acquireEx, .releaseEx:
            guard call.arguments.count == 2, case .integer(let value, _) = call.arguments[1],
                value >= 1 && value <= 0x7FFF_FFFF
            else { return nil }
            count = UInt32(value)
        default:
            return nil
        }
        guard call.arguments[0].name != nil else { return nil }
        self.operation = operation
        self.maxIrql = call.routine.maxIrql.rawValue
    }
}

/// The line, thread, handle and object a lane call runs on (``Session/laneTarget(_:_:)``),
/// none of them retained: the line cache holds the line, and the line its thread and handle,
/// while the lane runs it. (Retaining them cost ten reference counts per command.)
struct LaneTarget {
    let line: Unmanaged<CompiledLine>
    let worker: Unmanaged<Worker>
    let handle: Unmanaged<Handle>
    let object: Unmanaged<RundownRef>

    @inline(__always) func withLine<R>(_ body: (CompiledLine) -> R) -> R {
        line._withUnsafeGuaranteedRef(body)
    }
    @inline(__always) func withWorker<R>(_ body: (Worker) -> R) -> R { worker._withUnsafeGuaranteedRef(body) }
    @inline(__always) func withHandle<R>(_ body: (Handle) -> R) -> R { handle._withUnsafeGuaranteedRef(body) }
}

/// A line read ahead of the one running: its bytes, its number, and what the line cache had
/// for it.
typealias LineAhead = (content: UnsafeBufferPointer<UInt8>, number: Int, cached: CompiledLine?)

/// The same, inside a lane run: the line is not retained (see
/// ``Session/runLaneLines(from:number:cursor:file:)``).
private typealias UnretainedLineAhead = (
    content: UnsafeBufferPointer<UInt8>, number: Int, cached: Unmanaged<CompiledLine>?
)

extension Session {
    /// Runs a plain acquire or release line seen before on the thread and object it found
    /// last time, when nothing it would check can have changed: false, having done nothing,
    /// when any of that does not hold (the general path then runs the line). `place`: the
    /// line's file and number.
    func runLane(_ line: CompiledLine, _ lane: LaneCall, at place: SourceLocation) -> Bool {
        guard let target = laneTarget(Unmanaged.passUnretained(line), lane) else { return false }
        startLane(lane, on: target)
        let settled = gate.awaitSettled(timeoutNanoseconds: watchdogNanoseconds)
        let returned = target.withWorker { $0.returned }
        guard laneEndedNormally(lane, on: target, settled: settled, returned: returned) else {
            finishLaneSlowly(lane, on: target, settled: settled, file: place.file, number: place.line)
            return true
        }
        keepSettledWord(word: returned.wordAfter, of: target.object)
        reportLane(lane, on: target, returned: returned)
        if !lane.operation.isAcquire { reportWoken() }
        return true
    }

    /// Runs the top-level line `first` (line `number` of `file`, cached) and the lane lines
    /// after it. While the thread runs a line, the coordinator reads the next line and finds
    /// it in the line cache; once the line has settled, the next line, when it takes the lane
    /// too, is handed to its thread before this one is reported, so that the coordinator
    /// updates the ledger and prints this one's result while the next runs. Returns the first
    /// line it read and did not run; nil at the end of the input, or when `first` was not a
    /// lane line after all (it ran by the general path).
    ///
    /// What a line's report changes, the ledger and the output, is nothing the next line's
    /// lane check reads (it reads the word the line left, kept before the next line starts),
    /// and the report comes before anything the next line prints. A line whose call ended
    /// unusually, or that woke a waiter, is reported before anything else happens, as the
    /// general path would.
    ///
    /// The lines read ahead are not retained: nothing in the run changes the line cache, which
    /// holds them (only a parse, which the general path makes, empties it when it is full).
    func runLaneLines(
        from first: CompiledLine, number firstNumber: Int, cursor: inout SourceText.LineCursor, file: String
    ) -> LineAhead? {
        guard let firstLane = first.lane else {
            runInGeneral(first, number: firstNumber, file: file)
            return nil
        }
        // The settled word of the line before holds for this line only.
        lineSerial &+= 1
        guard let firstTarget = laneTarget(Unmanaged.passUnretained(first), firstLane) else {
            lineSerial &-= 1
            runInGeneral(first, number: firstNumber, file: file)
            return nil
        }
        startLane(firstLane, on: firstTarget)
        var lane = firstLane
        var target = firstTarget
        var number = firstNumber
        var ahead = readAhead(&cursor)
        while true {
            let settled = gate.awaitSettled(timeoutNanoseconds: watchdogNanoseconds)
            let returned = target.withWorker { $0.returned }
            guard laneEndedNormally(lane, on: target, settled: settled, returned: returned) else {
                finishLaneSlowly(lane, on: target, settled: settled, file: file, number: number)
                sink.commandFinished()
                return retained(ahead)
            }
            keepSettledWord(word: returned.wordAfter, of: target.object)
            if let next = ahead, let cached = next.cached,
                let nextLane = cached._withUnsafeGuaranteedRef(\.lane),
                !options.echo, !observer.wokeAny
            {
                lineSerial &+= 1
                if let nextTarget = laneTarget(cached, nextLane) {
                    startLane(nextLane, on: nextTarget)
                    reportLane(lane, on: target, returned: returned)
                    sink.commandFinished()
                    topLine = next.number
                    (lane, target, number) = (nextLane, nextTarget, next.number)
                    ahead = readAhead(&cursor)
                    continue
                }
                lineSerial &-= 1
            }
            reportLane(lane, on: target, returned: returned)
            if !lane.operation.isAcquire { reportWoken() }
            sink.commandFinished()
            return retained(ahead)
        }
    }

    /// A line the lane does not take after all, run by the general path.
    private func runInGeneral(_ line: CompiledLine, number: Int, file: String) {
        run(line, location: SourceLocation(file: file, line: number))
        sink.commandFinished()
    }

    @inline(__always)
    private func readAhead(_ cursor: inout SourceText.LineCursor) -> UnretainedLineAhead? {
        guard let content = cursor.next() else { return nil }
        return (content, cursor.number, lineCache.lookupUnretained(content))
    }

    /// A line read ahead, handed back to the general loop, which may change the cache.
    private func retained(_ ahead: UnretainedLineAhead?) -> LineAhead? {
        ahead.map { ($0.content, $0.number, $0.cached?.takeUnretainedValue()) }
    }

    /// The thread and object `line` runs on when it can take the lane: the script goes on, no
    /// `.par` block is collected or explored, no thread was given up on, what the line found
    /// for its names last time still holds, the handle is a plain reference (the kind check
    /// passes), its thread is idle and may call the routine at its IRQL, and the contract check
    /// is known to pass. A plain acquire always passes it (it returns FALSE where it cannot
    /// take a reference, and the checker says nothing of it); a release passes it for a live
    /// word with enough holders, known from the ``SettledWord`` of the line before. Anything
    /// else is checked, and reported, by the general path.
    @inline(__always)
    private func laneTarget(_ line: Unmanaged<CompiledLine>, _ lane: LaneCall) -> LaneTarget? {
        guard lanesEnabled, !shouldStop, parCollector == nil, parCapture == nil, !atomicStepping,
            !gaveUpOnThreads,
            let names = line._withUnsafeGuaranteedRef({ line in
                line.namesEpoch == namesEpoch ? line.unretainedNames : nil
            }),
            let plain = names.handle._withUnsafeGuaranteedRef({ handle in
                // IRQL_TOO_HIGH's second rule (a paged allocation at DISPATCH_LEVEL) needs an
                // allocation, which only a cache-aware object has: checked all the same.
                handle.allocation == nil ? handle.plainObject : nil
            }),
            names.worker._withUnsafeGuaranteedRef({
                $0.irql <= lane.maxIrql && $0.isStarted && $0.status == .idle
            })
        else { return nil }
        if !lane.operation.isAcquire {
            guard let snapshot = settledWordSnapshot(of: plain), Int(lane.count) <= snapshot.holders else {
                return nil
            }
            settledWordsUsed &+= 1
        }
        return LaneTarget(line: line, worker: names.worker, handle: names.handle, object: plain)
    }

    @inline(__always)
    private func startLane(_ lane: LaneCall, on target: LaneTarget) {
        laneCommands &+= 1
        target.withWorker { $0.post(lane: target.object, operation: lane.operation, count: lane.count) }
    }

    /// The call returned as such a call does: every thread settled, the thread is idle, and
    /// the result is in the slot.
    @inline(__always)
    private func laneEndedNormally(_ lane: LaneCall, on target: LaneTarget, settled: Bool, returned: CallSlot)
        -> Bool
    {
        settled && returned.outcome == (lane.operation.isAcquire ? .boolean : .void)
            && target.withWorker { $0.status == .idle } && !lanesFinishSlowly
    }

    /// What the general path's ``complete(_:)`` does for the call: the ledger and the output.
    @inline(__always)
    private func reportLane(_ lane: LaneCall, on target: LaneTarget, returned: CallSlot) {
        target.withHandle { handle in
            target.withWorker { worker in
                if lane.operation.isAcquire {
                    let granted = returned.value != 0
                    if granted {
                        target.withLine { line in
                            handle.ledger.acquired(
                                thread: worker.name, count: Int(lane.count), call: line.call.text)
                        }
                    }
                    output(granted ? "TRUE" : "FALSE")
                } else {
                    handle.ledger.released(thread: worker.name, count: Int(lane.count))
                }
            }
        }
    }

    /// A lane call that did not end as such a call usually does (the library refused it, or a
    /// thread did not settle) becomes the ``PendingCall`` the general path would have made, and
    /// that path settles and reports it.
    private func finishLaneSlowly(
        _ lane: LaneCall, on target: LaneTarget, settled: Bool, file: String, number: Int
    ) {
        let line = target.line.takeUnretainedValue()
        let call = line.call
        let worker = target.worker.takeUnretainedValue()
        let handle = target.handle.takeUnretainedValue()
        let location = SourceLocation(file: file, line: number, column: call.location.column)
        let span = call.span(ofArgument: 0, at: location)
        let pending = PendingCall(
            operation: lane.operation, display: call.text, thread: worker.name, location: location,
            topLine: topLine, handle: handle, handleLocation: span.location, handleLength: span.length,
            count: Int(lane.count), binding: nil, sourceText: line.text, handleName: handle.name)
        pending.plain = target.object
        pending.cpu = worker.cpu
        pending.ledgerEpoch = handle.ledger.epoch
        pending.processors = options.processors
        if worker.returned.outcome == .inCall {
            // What the thread wrote into the worker's lane call (the slot's results are taken
            // by ``complete(_:)``, from the call the worker adopts).
            pending.result = worker.laneCall.result
            worker.laneCall.result = .none
        }
        worker.adopt(pending)
        worker.current = pending
        settle(StartedCall(pending: pending, worker: worker), settled: settled)
    }
}
