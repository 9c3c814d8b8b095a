import Glibc

/// Standard error, written with `write(2)` (no shared C `stderr` global, no buffering), and
/// the one place that decides how the command line reports its own errors.
enum StandardError {
    /// Writes `line` and a newline to standard error.
    static func write(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes {
                Glibc.write(2, $0.baseAddress! + offset, $0.count - offset)
            }
            if n <= 0 { break }
            offset += n
        }
    }
}

/// The exit statuses of every rdsh command (README "Exit status", grammar.md section 4.3).
enum ExitStatus {
    /// Success.
    static let success: Int32 = 0
    /// A script reported an error, or a test failed.
    static let failure: Int32 = 1
    /// A usage error, or a file that cannot be read.
    static let usage: Int32 = 2
}

/// A usage error found by rdsh itself (not by ArgumentParser): `error: message`, then the
/// hint lines, exit status 2.
struct UsageFailure: Error {
    var message: String
    var hints: [String] = []
}
