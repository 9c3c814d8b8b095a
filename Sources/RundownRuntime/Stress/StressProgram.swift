import Rundown
import RundownScript

/// A `.par` block compiled for free-running threads: each line resolved once to a library
/// object, a binding slot and a guard, so a run calls the library directly with no lookups.
struct StressProgram {
    /// One line of one thread.
    struct Op {
        enum Action {
            /// `.cpu T N`: the thread's later cache-aware calls use slot N.
            case cpu(Int)
            case call(Operation)
        }

        var action: Action
        /// Index into ``StressProgram/objects``; -1 for `.cpu`.
        var object: Int = -1
        var count: UInt32 = 1
        /// Index into the block's value bindings; -1 when the line binds nothing.
        var binding: Int = -1
        /// The guard: none, a constant (a binding made before `.par`), or a binding of the block.
        var guardKind: GuardKind = .none
        var guardNegated = false
        /// The line number, for diagnostics.
        var line: Int
    }

    enum GuardKind {
        case none
        case constant(Bool)
        case binding(Int)
    }

    /// A library object the block uses.
    enum Object {
        case plain(RundownRef)
        case cacheAware(CacheAwareRundownRef)

        var anyObject: AnyObject {
            switch self {
            case .plain(let ref): ref
            case .cacheAware(let ref): ref
            }
        }

        func snapshot() -> RundownSnapshot {
            switch self {
            case .plain(let ref): ref.snapshot()
            case .cacheAware(let ref): ref.snapshot()
            }
        }

        func saveState() -> [UInt] {
            switch self {
            case .plain(let ref): ref.saveState()
            case .cacheAware(let ref): ref.saveState()
            }
        }

        func restoreState(_ state: [UInt]) {
            switch self {
            case .plain(let ref): ref.restoreState(state)
            case .cacheAware(let ref): ref.restoreState(state)
            }
        }

        func forceWake() {
            switch self {
            case .plain(let ref): ref.forceWake()
            case .cacheAware(let ref): ref.forceWake()
            }
        }
    }

    /// How a handle the block names is shown in the outcome.
    enum HandleShape {
        case object(Int)
        case fixed(ParOutcome.HandleState)
    }

    struct Thread {
        var name: String
        var cpu: Int
        var ops: [Op]
    }

    var threads: [Thread]
    var objects: [Object]
    /// Each object's words and slots at `.par`; every run starts from them.
    var startStates: [[UInt]]
    /// The block's value bindings (not handles), in written order.
    var bindings: [(name: String, isBoolean: Bool)]
    var handles: [(name: String, shape: HandleShape)]
    /// True when a line frees an object: the pool's books are restored before each run.
    var frees: Bool

    /// The diagnostic codes a free run can observe: the library's refusals, and a plain wait
    /// that returned at once on a stale word (the checker's WAIT_ON_STALE). Every other code
    /// comes from the contract checker or the ledger, which run only between settled steps.
    static let observableCodes: [String] = [
        "RELEASE_WITHOUT_ACQUIRE", "RELEASE_AFTER_RUNDOWN", "REINIT_WITHOUT_RUNDOWN", "REINIT_WHILE_WAITING",
        "COMPLETED_WITHOUT_WAIT", "COMPLETED_WHILE_WAITING", "CONCURRENT_WAIT", "WAIT_AFTER_RUNDOWN",
        "INIT_WHILE_IN_USE", "COUNT_OUT_OF_RANGE", "FREE_NOT_ALLOCATED", "FREE_WHILE_IN_USE",
        "USE_AFTER_FREE",
        "SIZE_MISMATCH", "WAIT_ON_STALE",
    ]
    static let codeIndex: [String: Int] = Dictionary(
        uniqueKeysWithValues: observableCodes.enumerated().map { ($1, $0) })
    /// The most threads a stressed block may have (the blocked threads are a bit mask).
    static let maximumThreads = 62
    static let waitOnStaleCode = codeIndex["WAIT_ON_STALE"]!
}

extension Session {
    /// Compiles `collector` against the session's handles at `.par`; a reason when the block
    /// cannot run free (it creates objects, or names something that is not an object of the
    /// routine's kind).
    func stressProgram(_ collector: ParCollector) -> Result<StressProgram, StressSkip> {
        var objects: [StressProgram.Object] = []
        var objectIndex: [String: Int] = [:]
        let valueBindings = collector.bindings.filter { !collector.handleNames.contains($0.name) }
        var bindingIndex: [String: Int] = [:]
        var bindings: [(name: String, isBoolean: Bool)] = []
        for (position, binding) in valueBindings.enumerated() {
            bindingIndex[binding.name] = position
            bindings.append((binding.name, collector.booleanBindings.contains(binding.name)))
        }
        var frees = false
        var threads: [StressProgram.Thread] = []
        if collector.threads.count > StressProgram.maximumThreads {
            return .failure(
                StressSkip(
                    line: collector.location.line,
                    reason:
                        "\(collector.threads.count) threads; stress runs blocks of at most \(StressProgram.maximumThreads)"
                ))
        }
        for name in collector.threads {
            let cpu = workers[name]?.cpu ?? 0
            var ops: [StressProgram.Op] = []
            for line in collector.lines where line.thread == name {
                switch line.kind {
                case .cpu(let processor):
                    ops.append(.init(action: .cpu(processor), line: line.location.line))
                case .call(let call):
                    guard let operation = Operation.of(call.routine) else {
                        return .failure(StressSkip(line: line.location.line, reason: "unknown routine"))
                    }
                    switch operation {
                    case .allocate, .initialize, .initializeCacheAware, .sizeOf:
                        return .failure(
                            StressSkip(
                                line: line.location.line,
                                reason:
                                    "\(call.routine.name) creates or sizes an object; stress runs only calls on objects that exist at .par"
                            ))
                    default: break
                    }
                    guard let handleName = call.arguments.first?.name, let handle = handles[handleName] else {
                        return .failure(
                            StressSkip(
                                line: line.location.line, reason: "the handle is not an object at .par"))
                    }
                    let object: StressProgram.Object
                    switch (handle.value, operation.isCacheAware) {
                    case (.plain(let ref), false): object = .plain(ref)
                    case (.cacheAware(let ref), true): object = .cacheAware(ref)
                    default:
                        return .failure(
                            StressSkip(
                                line: line.location.line,
                                reason:
                                    "\(handleName) is not an object of the kind \(call.routine.name) takes"))
                    }
                    var op = StressProgram.Op(action: .call(operation), line: line.location.line)
                    if let index = objectIndex[handleName] {
                        op.object = index
                    } else {
                        op.object = objects.count
                        objectIndex[handleName] = objects.count
                        objects.append(object)
                    }
                    if operation.takesCount {
                        guard call.arguments.count >= 2, let value = call.arguments[1].integer,
                            value >= 0 && value <= 0x7FFF_FFFF
                        else {
                            return .failure(
                                StressSkip(
                                    line: line.location.line,
                                    reason: "the Count is not a plain number in range"))
                        }
                        op.count = UInt32(value)
                    }
                    if operation == .free { frees = true }
                    if let binding = call.binding { op.binding = bindingIndex[binding] ?? -1 }
                    if let guardName = call.guardName {
                        op.guardNegated = call.guardNegated
                        if let index = bindingIndex[guardName] {
                            op.guardKind = .binding(index)
                        } else if let bound = handles[guardName], case .boolean(let value) = bound.value {
                            op.guardKind = .constant(value)
                        } else {
                            op.guardKind = .constant(false)
                        }
                    }
                    ops.append(op)
                }
            }
            threads.append(.init(name: name, cpu: cpu, ops: ops))
        }
        var shapes: [(name: String, shape: StressProgram.HandleShape)] = []
        for name in collector.handleNames {
            if let index = objectIndex[name] {
                shapes.append((name, .object(index)))
            } else if let handle = handles[name] {
                switch handle.value {
                case .plain(let ref):
                    let snapshot = ref.snapshot()
                    shapes.append(
                        (
                            name,
                            .fixed(
                                .init(
                                    name: name, state: snapshot.state.rawValue, holders: snapshot.holders,
                                    slots: nil))
                        ))
                case .cacheAware(let ref):
                    let snapshot = ref.snapshot()
                    shapes.append(
                        (
                            name,
                            .fixed(
                                .init(
                                    name: name, state: snapshot.state.rawValue, holders: snapshot.holders,
                                    slots: snapshot.slots))
                        ))
                case .null:
                    shapes.append((name, .fixed(.init(name: name, state: "NULL", holders: 0, slots: nil))))
                case .number, .boolean: break
                }
            } else {
                shapes.append((name, .fixed(.init(name: name, state: "none", holders: 0, slots: nil))))
            }
        }
        return .success(
            StressProgram(
                threads: threads, objects: objects, startStates: objects.map { $0.saveState() },
                bindings: bindings, handles: shapes, frees: frees))
    }
}

/// Why a block is not stressed.
struct StressSkip: Error {
    var line: Int
    var reason: String
}
