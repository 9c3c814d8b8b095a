import RundownScript

// MARK: - Hooks for tests (not part of the language)

extension Session {
    /// Runs an arbitrary job on thread `thread` exactly as a routine call would run (hand-off,
    /// settle, watchdog), printing nothing unless the watchdog fires. Tests use it to make a
    /// thread that neither finishes nor parks in a known wait.
    @_spi(Testing) public func runJob(
        onThread thread: String, display: String, line: Int, _ work: @escaping @Sendable () -> Void
    ) {
        topLine = line
        // The job may change any object: no line may take its word from before it.
        settledWord = nil
        let worker = worker(named: thread)
        guard worker.status == .idle, worker.start() else { return }
        let location = SourceLocation(file: topFile, line: line)
        let pending = PendingCall(
            operation: .sizeOf, display: display, thread: thread, location: location, topLine: line,
            handle: nil,
            handleLocation: location, handleLength: 1, count: 0, binding: nil)
        worker.current = pending
        worker.post(work)
        if !gate.awaitSettled(timeoutNanoseconds: watchdogNanoseconds) {
            reportWatchdog(sourceText: nil)
        } else if worker.status == .idle {
            worker.current = nil
        }
        sink.commandFinished()
    }

    /// The session's threads awake right now (the coordinator counts as one): the count every
    /// wait loop reads to decide whether to yield (``ProcessorShare``).
    @_spi(Testing) public var awakeThreads: Int { gate.share.awakeCount }

    /// The state of a thread as `.threads` prints it, or nil.
    @_spi(Testing) public func threadDescription(_ name: String) -> String? {
        workers[name].map(threadLine)
    }
}

extension Session {
    /// What is wrong with the bookkeeping right now (call it while every thread is settled,
    /// i.e. between commands): for each handle, the ledger's own invariants, its total against
    /// the library's holder count, and the why-line's counts against that total.
    @_spi(Testing) public func accountingProblems() -> [String] {
        var problems: [String] = []
        for name in handleOrder {
            guard let handle = handles[name], let snapshot = handle.snapshot else { continue }
            if let violation = handle.ledger.invariantViolation() {
                problems.append("\(name): ledger invariant: \(violation)")
            }
            let holders: Int
            switch snapshot.state {
            case .live, .waiting, .sweeping: holders = snapshot.holders
            case .stale, .completed, .freed: holders = 0
            }
            if handle.ledger.total != holders {
                problems.append(
                    "\(name): ledger says \(handle.ledger.total) outstanding, the \(snapshot.state) object \(holders)"
                )
            }
            if handle.ledger.total > 0 {
                let sum = Self.whyLineSum(handle.ledger.describe())
                if sum != handle.ledger.total {
                    problems.append(
                        "\(name): why-line '\(handle.ledger.describe())' adds up to \(sum), not \(handle.ledger.total)"
                    )
                }
            }
        }
        return problems
    }

    /// The net count a why-line states: every `N by` adds N, every `N released by` subtracts.
    @_spi(Testing) public static func whyLineSum(_ text: String) -> Int {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "(" || $0 == "," || $0 == ";" })
        var sum = 0
        for (i, word) in words.enumerated() {
            guard let n = Int(word), i + 1 < words.count else { continue }
            if words[i + 1] == "by" { sum += n }
            if words[i + 1] == "released" && i + 2 < words.count && words[i + 2] == "by" { sum -= n }
        }
        return sum
    }
}
