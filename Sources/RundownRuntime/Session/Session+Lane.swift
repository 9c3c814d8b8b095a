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

    var isAcquire: Bool { operation == .acquire || operation == .acquireEx }
}

/// The thread, handle and object a lane line runs on (``Session/laneTarget(_:_:)``).
struct LaneTarget {
    unowned(unsafe) let worker: Worker
    unowned(unsafe) let handle: Handle
    let object: Unmanaged<RundownRef>
}

extension Session {
    /// Runs a plain acquire or release line seen before on the thread and object it found
    /// last time, when nothing it would check can have changed: false, having done nothing,
    /// when any of that does not hold (the general path then runs the line). `place`: the
    /// line's file and number.
    func runLane(_ line: CompiledLine, _ lane: LaneCall, at place: SourceLocation) -> Bool {
        guard let target = laneTarget(line, lane) else { return false }
        startLane(lane, on: target)
        let settled = gate.awaitSettled(timeoutNanoseconds: watchdogNanoseconds)
        finishLane(line, lane, on: target, settled: settled, file: place.file, number: place.line)
        return true
    }

    /// Runs the top-level line `first` (line `number` of `file`, cached) and the lane lines
    /// after it, reading each next line from `cursor` and finding it in the line cache while
    /// the thread runs the one before. Returns the first line it read and did not run, with
    /// what the cache had for it; nil at the end of the input, or when `first` was not a lane
    /// line after all (it ran by the general path).
    func runLaneLines(
        from first: CompiledLine, number firstNumber: Int, cursor: inout SourceText.LineCursor, file: String
    ) -> (content: UnsafeBufferPointer<UInt8>, number: Int, cached: CompiledLine?)? {
        var line = first
        var number = firstNumber
        while true {
            guard parCollector == nil, let lane = line.lane else {
                run(line, location: SourceLocation(file: file, line: number))
                sink.commandFinished()
                return nil
            }
            // The settled word of the line before holds for this line only.
            lineSerial &+= 1
            guard let target = laneTarget(line, lane) else {
                lineSerial &-= 1
                run(line, location: SourceLocation(file: file, line: number))
                sink.commandFinished()
                return nil
            }
            startLane(lane, on: target)
            var next: (content: UnsafeBufferPointer<UInt8>, number: Int, cached: CompiledLine?)?
            if let content = cursor.next() { next = (content, cursor.number, lineCache.lookup(content)) }
            let settled = gate.awaitSettled(timeoutNanoseconds: watchdogNanoseconds)
            finishLane(line, lane, on: target, settled: settled, file: file, number: number)
            sink.commandFinished()
            guard let ahead = next else { return nil }
            guard !shouldStop, !options.echo, let cached = ahead.cached, cached.lane != nil else {
                return ahead
            }
            topLine = ahead.number
            line = cached
            number = ahead.number
        }
    }

    /// The thread and object `line` runs on when it can take the lane: what it found for its
    /// names last time still holds, its thread is idle and may call the routine at its IRQL,
    /// and the contract check is known to pass. A plain acquire always passes it (it returns
    /// FALSE where it cannot take a reference); a release passes it for a live word with
    /// enough holders, known from the ``SettledWord`` of the line before. Anything else is
    /// checked, and reported, by the general path.
    @inline(__always)
    private func laneTarget(_ line: CompiledLine, _ lane: LaneCall) -> LaneTarget? {
        guard lanesEnabled, line.namesEpoch == namesEpoch, let worker = line.worker, let handle = line.handle,
            let plain = handle.plainObject, parCapture == nil, !atomicStepping, !gaveUpOnThreads,
            worker.irql <= lane.maxIrql, worker.isStarted, worker.status == .idle
        else { return nil }
        if !lane.isAcquire {
            guard let known = settledWord, known.line &+ 1 == lineSerial, known.namesEpoch == namesEpoch,
                plain.toOpaque() == known.object, let snapshot = RundownRef.liveSnapshot(word: known.word),
                Int(lane.count) <= snapshot.holders
            else { return nil }
            settledWordsUsed &+= 1
            assert(snapshot == handle.snapshot, "the settled word of \(plain) is not its word")
        }
        return LaneTarget(worker: worker, handle: handle, object: plain)
    }

    @inline(__always)
    private func startLane(_ lane: LaneCall, on target: LaneTarget) {
        laneCommands &+= 1
        target.worker.post(lane: target.object, operation: lane.operation, count: lane.count)
    }

    /// What the general path's ``complete(_:)`` does for the call, once every thread settled
    /// (`settled`; line `number` of `file`).
    @inline(__always)
    private func finishLane(
        _ line: CompiledLine, _ lane: LaneCall, on target: LaneTarget, settled: Bool, file: String,
        number: Int
    ) {
        let worker = target.worker
        let handle = target.handle
        let returned = worker.returned
        let acquire = lane.isAcquire
        guard settled, returned.outcome == (acquire ? .boolean : .void), worker.status == .idle,
            !lanesFinishSlowly
        else {
            finishLaneSlowly(line, lane, on: target, settled: settled, file: file, number: number)
            return
        }
        if acquire {
            let granted = returned.value != 0
            if granted {
                handle.ledger.acquired(thread: worker.name, count: Int(lane.count), call: line.call.text)
            }
            output(granted ? "TRUE" : "FALSE")
        } else {
            handle.ledger.released(thread: worker.name, count: Int(lane.count))
        }
        settledWord =
            returned.wordAfter & 1 == 0
            ? SettledWord(
                object: target.object.toOpaque(), word: returned.wordAfter, line: lineSerial,
                namesEpoch: namesEpoch)
            : nil
        if !acquire { reportWoken() }
    }

    /// A lane call that did not end as such a call usually does (the library refused it, or a
    /// thread did not settle) becomes the ``PendingCall`` the general path would have made, and
    /// that path settles and reports it.
    private func finishLaneSlowly(
        _ line: CompiledLine, _ lane: LaneCall, on target: LaneTarget, settled: Bool, file: String,
        number: Int
    ) {
        let call = line.call
        let worker = target.worker
        let handle = target.handle
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
