import Glibc

/// A buffered writer on a file descriptor (no Foundation): lines are collected and written
/// with one system call per flush, and flushed after every command so nothing is lost.
final class OutputStream {
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(4096)
    }

    deinit { flush() }

    func writeLine(_ text: String) {
        buffer.append(contentsOf: text.utf8)
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
                    break  // EPIPE and friends: the reader is gone; drop the output
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
