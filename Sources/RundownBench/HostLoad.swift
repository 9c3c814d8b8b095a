import Glibc

/// What else the host was running while the bench ran.
///
/// The 1-minute load average counts the bench's own threads: two threads spinning for a minute
/// read as a load of 2 from "other processes". Instead, between measurements (when only the
/// bench's coordinating thread runs), take the kernel's count of runnable tasks
/// (`/proc/loadavg`, fourth field) and subtract this process's runnable threads
/// (`/proc/self/task/*/stat`, state R).
enum HostLoad {
    /// Runnable tasks on the host that are not threads of this process, right now.
    static func othersRunnable() -> Int? {
        guard let running = systemRunnable() else { return nil }
        return max(0, running - ownRunnable())
    }

    /// `/proc/loadavg`'s running count (includes the reading thread).
    static func systemRunnable() -> Int? {
        guard let text = read("/proc/loadavg") else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count >= 4, let slash = fields[3].firstIndex(of: "/") else { return nil }
        return Int(fields[3][..<slash])
    }

    /// The 1-minute load average (this process's threads included).
    static func loadAverage() -> Double? {
        read("/proc/loadavg").flatMap { $0.split(separator: " ").first.flatMap { Double($0) } }
    }

    /// Threads of this process in state R.
    static func ownRunnable() -> Int {
        guard let dir = opendir("/proc/self/task") else { return 1 }
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let first = name.first, first.isNumber else { continue }
            // "pid (comm) S ...": the state follows the last ')'.
            guard let stat = read("/proc/self/task/\(name)/stat"), let close = stat.lastIndex(of: ")") else {
                continue
            }
            let rest = stat[stat.index(after: close)...].drop { $0 == " " }
            if rest.first == "R" { count += 1 }
        }
        return max(count, 1)
    }

    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 512)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Samples ``othersRunnable()`` between measurements and renders one note.
    final class Sampler {
        private(set) var samples: [Int] = []

        init() { sample() }

        func sample() {
            if let others = HostLoad.othersRunnable() { samples.append(others) }
        }

        /// Mean of the samples, or nil when none could be read.
        var mean: Double? {
            samples.isEmpty ? nil : Double(samples.reduce(0, +)) / Double(samples.count)
        }

        func note(processors: Int) -> String {
            sample()
            let average = HostLoad.loadAverage().map { formatted($0, decimals: 2) } ?? "?"
            guard let mean else {
                return "host load: /proc/loadavg unreadable; 1-minute load average \(average)"
            }
            let busy = mean >= 0.5
            return "host load: \(formatted(mean, decimals: 2)) runnable tasks of other processes on average "
                + "(\(samples.count) samples between measurements, max \(samples.max() ?? 0)) on \(processors) "
                + "processors\(busy ? ": they competed for the processors, so these figures are pessimistic" : "")"
                + "; the 1-minute load average, \(average), also counts this bench's own threads"
        }
    }
}
