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

    /// The state of a thread as `.threads` prints it, or nil.
    @_spi(Testing) public func threadDescription(_ name: String) -> String? {
        workers[name].map(threadLine)
    }
}
