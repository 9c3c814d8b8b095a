import CRundownSupport
import Glibc
import Synchronization

/// Lost output is an error: every rdsh command that writes calls ``install(failureStatus:)``
/// first, and a write to standard output that failed (a full disk, `/dev/full`, a closed
/// descriptor) is then reported on stderr when the process exits, and the exit status is
/// non-zero, as `cat` does. A reader that went away (`| head`, SIGPIPE or EPIPE) stays quiet.
///
/// Process-wide on purpose: standard output is one per process. Sessions and sinks never read
/// this state; they only report failed writes to it.
public enum StandardOutputGuard {
    /// errno of the first failed write to standard output seen by rdsh's own writers; 0 = none.
    private static let failure = Atomic<Int32>(0)
    /// Exit status used when output was lost.
    private static let status = Atomic<Int32>(1)
    private static let installed = Atomic<Bool>(false)

    /// Makes lost output an error for the rest of the process, and lets SIGQUIT end it at once.
    ///
    /// - A closed standard output is replaced by `/dev/null` at once (so no file rdsh opens
    ///   later can take descriptor 1 and receive the output), and is reported at exit.
    /// - At exit: C `stdout` (`print`) is flushed; any failed write is reported as
    ///   `rdsh: error: cannot write to standard output: REASON` and the process exits with
    ///   `failureStatus`.
    /// - SIGQUIT gets its default action back (the Swift backtracer would print "Program
    ///   crashed" and hang).
    public static func install(failureStatus: Int32 = 1) {
        rd_default_sigquit()
        status.store(failureStatus, ordering: .relaxed)
        guard installed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            return
        }
        if fcntl(STDOUT_FILENO, F_GETFD) < 0 && errno == EBADF {
            let null = open("/dev/null", O_WRONLY)
            if null >= 0, null != STDOUT_FILENO {
                dup2(null, STDOUT_FILENO)
                close(null)
            }
            failure.store(EBADF, ordering: .relaxed)
        }
        atexit {
            StandardOutputGuard.check()
        }
    }

    /// Records a failed `write(2)` on `descriptor` (only standard output is tracked).
    static func recordFailure(descriptor: Int32, code: Int32) {
        guard descriptor == STDOUT_FILENO, code != EPIPE else { return }
        _ = failure.compareExchange(expected: 0, desired: code, ordering: .relaxed)
    }

    /// The reason output was lost so far, or nil: flushes C `stdout` first. A reader that
    /// went away does not count.
    public static func lostOutput() -> String? {
        let flushed = rd_flush_stdout()
        var code = failure.load(ordering: .relaxed)
        if code == 0, flushed != 0, flushed != EPIPE, !readerIsGone() {
            code = flushed
        }
        guard code != 0 else { return nil }
        if code == EBADF { return "it is closed (Bad file descriptor)" }
        if code < 0 { return "write error" }
        return String(cString: strerror(code))
    }

    /// Reports lost output on stderr and ends the process with the failure status.
    private static func check() {
        guard let reason = lostOutput() else { return }
        let line = Array("rdsh: error: cannot write to standard output: \(reason)\n".utf8)
        _ = line.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
        _exit(status.load(ordering: .relaxed))
    }

    /// Whether standard output is a pipe or socket whose reader has gone (POLLERR on the write end).
    private static func readerIsGone() -> Bool {
        var entry = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
        guard poll(&entry, 1, 0) == 1 else { return false }
        return entry.revents & Int16(POLLERR) != 0
    }
}
