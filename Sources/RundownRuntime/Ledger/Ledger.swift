import RundownScript

/// Who acquired how many references on one object, and on which line.
///
/// References belong to no thread (any thread may release what another acquired), so the ledger
/// is not an ownership check: the contract checker compares releases with the total. The ledger
/// exists to explain: why a wait blocks, who a deadlock is waiting for, who leaked a reference.
/// A release takes references back from the releasing thread's own most recent acquisitions
/// first, then from the oldest acquisitions of other threads.
struct Ledger: Sendable {
    /// One successful acquire (or several merged: same thread, same line).
    struct Holding: Sendable, Equatable {
        var thread: String
        var count: Int
        var location: SourceLocation
    }

    /// Acquisitions in order; entries may be emptied (count 0) by releases and are skipped.
    private var entries: [Holding] = []
    /// Entries before this index are all empty.
    private var head = 0
    /// Empty entries after `head`, for occasional compaction.
    private var emptied = 0
    /// Outstanding references per thread (by who acquired them).
    private var perThread: [String: Int] = [:]
    /// Outstanding references according to the ledger.
    private(set) var total = 0

    /// The non-empty holdings, oldest first.
    var holdings: [Holding] { entries[head...].filter { $0.count > 0 } }

    /// A successful acquire of `count` references.
    mutating func acquired(thread: String, count: Int, at location: SourceLocation) {
        guard count > 0 else { return }
        total += count
        perThread[thread, default: 0] += count
        if let last = entries.indices.last, last >= head, entries[last].count > 0,
            entries[last].thread == thread,
            entries[last].location.line == location.line, entries[last].location.file == location.file
        {
            entries[last].count += count
        } else {
            entries.append(Holding(thread: thread, count: count, location: location))
        }
    }

    /// A release of `count` references by `thread`: its own newest acquisitions first, then
    /// the oldest acquisitions of other threads.
    mutating func released(thread: String, count: Int) {
        guard count > 0 else { return }
        var remaining = min(count, total)
        total -= remaining
        if (perThread[thread] ?? 0) > 0 {
            var index = entries.count - 1
            while remaining > 0 && index >= head {
                if entries[index].thread == thread && entries[index].count > 0 {
                    remaining -= take(at: index, upTo: remaining)
                }
                index -= 1
            }
        }
        var index = head
        while remaining > 0 && index < entries.count {
            if entries[index].count > 0 { remaining -= take(at: index, upTo: remaining) }
            index += 1
        }
        while entries.last?.count == 0 {
            entries.removeLast()
            emptied -= 1
        }
        while head < entries.count && entries[head].count == 0 {
            head += 1
            emptied -= 1
        }
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
            emptied = 0
        } else if emptied > 64 && emptied * 2 > entries.count - head {
            entries = entries[head...].filter { $0.count > 0 }
            head = 0
            emptied = 0
        }
    }

    /// Takes up to `wanted` references from entry `index`; returns how many it took.
    private mutating func take(at index: Int, upTo wanted: Int) -> Int {
        let taken = min(wanted, entries[index].count)
        entries[index].count -= taken
        perThread[entries[index].thread, default: 0] -= taken
        if perThread[entries[index].thread] == 0 { perThread[entries[index].thread] = nil }
        if entries[index].count == 0 { emptied += 1 }
        return taken
    }

    /// References acquired by `thread` and not yet released (by anyone).
    func held(by thread: String) -> Int { perThread[thread] ?? 0 }

    /// Forgets every holding (the object was reinitialized, freed or replaced).
    mutating func clear() {
        entries.removeAll()
        head = 0
        emptied = 0
        perThread.removeAll()
        total = 0
    }

    /// `2 by A (line 3), 1 by main (lines 5, 6)`, grouped by thread in order of first
    /// acquisition; lines in other files than `topFile` print as `file:line`.
    func describe(topFile: String) -> String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        var places: [String: [String]] = [:]
        for holding in entries[head...] where holding.count > 0 {
            if counts[holding.thread] == nil { order.append(holding.thread) }
            counts[holding.thread, default: 0] += holding.count
            let place =
                holding.location.file == topFile
                ? "\(holding.location.line)" : "\(holding.location.file):\(holding.location.line)"
            if places[holding.thread]?.contains(place) != true {
                places[holding.thread, default: []].append(place)
            }
        }
        return order.map { thread in
            let lines = places[thread] ?? []
            let word = lines.count == 1 ? "line" : "lines"
            return "\(counts[thread] ?? 0) by \(thread) (\(word) \(lines.joined(separator: ", ")))"
        }.joined(separator: ", ")
    }
}
