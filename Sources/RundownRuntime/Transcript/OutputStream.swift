import CRundownSupport
import Glibc

/// A buffered writer on a file descriptor (no Foundation): lines are collected and written
/// with one system call per flush.
///
/// On a terminal every command's output is flushed at once. Into a pipe or a file, output is
/// flushed at the end of a command once a millisecond has passed since the last flush (and
/// always before a diagnostic, and at the end), so a long script does not pay one system call
/// per line while a reader still sees output promptly. The time is the kernel's coarse clock,
/// which moves a tick at a time (4 ms on a 250 Hz kernel), so a flush can come up to a tick
/// late: the precise clock, read after every command, cost 4-12% of a long script's
/// `rdsh run`. Used by one thread (the coordinator): its fields are not checked for exclusive
/// access at run time (see ``Session``).
final class OutputStream {
    private let descriptor: Int32
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    private let interval: UInt64
    @exclusivity(unchecked) private var lastFlush: UInt64 = 0

    init(descriptor: Int32) {
        self.descriptor = descriptor
        interval = isatty(descriptor) == 1 ? 0 : 1_000_000
        buffer.reserveCapacity(4096)
    }

    /// Flushes when a terminal is attached or the flush interval has passed.
    func flushIfDue() {
        guard !buffer.isEmpty else { return }
        if interval == 0 {
            flush()
            return
        }
        let now = rd_now_coarse_ns()
        if now &- lastFlush >= interval {
            flush()
            lastFlush = now
        }
    }

    deinit { flush() }

    func writeLine(_ text: String) {
        // Through a contiguous view: a small string's `utf8` is no contiguous storage, and
        // appending it went through the generic sequence path, a byte at a time.
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    // The output is lost: said at exit (StandardOutputGuard), except when the
                    // reader went away (EPIPE), which stays quiet.
                    StandardOutputGuard.recordFailure(descriptor: descriptor, code: errno)
                    break
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
