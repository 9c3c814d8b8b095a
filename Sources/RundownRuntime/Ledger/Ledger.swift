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

    private(set) var holdings: [Holding] = []
    /// Outstanding references according to the ledger.
    private(set) var total = 0

    /// A successful acquire of `count` references.
    mutating func acquired(thread: String, count: Int, at location: SourceLocation) {
        guard count > 0 else { return }
        total += count
        if let last = holdings.indices.last, holdings[last].thread == thread,
            holdings[last].location.line == location.line, holdings[last].location.file == location.file
        {
            holdings[last].count += count
        } else {
            holdings.append(Holding(thread: thread, count: count, location: location))
        }
    }

    /// A release of `count` references by `thread`.
    mutating func released(thread: String, count: Int) {
        guard count > 0 else { return }
        var remaining = min(count, total)
        total -= remaining
        var index = holdings.count - 1
        while remaining > 0 && index >= 0 {
            if holdings[index].thread == thread {
                let taken = min(remaining, holdings[index].count)
                holdings[index].count -= taken
                remaining -= taken
            }
            index -= 1
        }
        index = 0
        while remaining > 0 && index < holdings.count {
            let taken = min(remaining, holdings[index].count)
            holdings[index].count -= taken
            remaining -= taken
            index += 1
        }
        holdings.removeAll { $0.count == 0 }
    }

    /// References acquired by `thread` and not yet released (by anyone).
    func held(by thread: String) -> Int {
        var sum = 0
        for holding in holdings where holding.thread == thread { sum += holding.count }
        return sum
    }

    /// Forgets every holding (the object was reinitialized, freed or replaced).
    mutating func clear() {
        holdings.removeAll()
        total = 0
    }

    /// `2 by A (line 3), 1 by main (lines 5, 6)`, grouped by thread in order of first
    /// acquisition; lines in other files than `topFile` print as `file:line`.
    func describe(topFile: String) -> String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        var places: [String: [String]] = [:]
        for holding in holdings {
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
