/// Who acquired how many references on one object, and with which call: an account that says
/// only what is known.
///
/// References belong to no thread: any thread may release what another acquired, and one
/// reference is as good as another. So the ledger never guesses whose reference a release
/// gave back:
/// - a thread's release first gives back what that thread itself acquired, newest first (its
///   net count is then exact, whatever "which reference" means);
/// - the rest is attributed only when it is determined: every outstanding reference is
///   released, or they all come from one call of one thread;
/// - otherwise the outstanding references and the release are kept together as a *group*
///   ("1 by Dpc0, 4 by Dpc1, less 2 released by Dpc3"), whose counts add up to what is
///   outstanding from it.
///
/// Every operation is O(1) amortized (a holding is merged into the group at most once);
/// ``describe()`` is linear in the number of distinct calls and prints a bounded summary.
/// ``invariantViolation()`` checks the representation; tests call it after every mutation.
struct Ledger: Sendable {
    /// References one thread acquired: a stack of (call text, count), newest last,
    /// consecutive acquisitions with the same text merged.
    struct Holdings: Sendable, Equatable {
        var calls: [(text: String, count: Int)] = []
        var total = 0

        mutating func add(_ count: Int, text: String) {
            total += count
            if let last = calls.indices.last, calls[last].text == text {
                calls[last].count += count
            } else {
                calls.append((text, count))
            }
        }

        /// Gives back up to `wanted`, newest first; returns how many it took.
        mutating func take(upTo wanted: Int) -> Int {
            var taken = 0
            while taken < wanted, let last = calls.indices.last {
                let n = min(wanted - taken, calls[last].count)
                calls[last].count -= n
                taken += n
                if calls[last].count == 0 { calls.removeLast() }
            }
            total -= taken
            return taken
        }

        static func == (a: Holdings, b: Holdings) -> Bool {
            a.total == b.total
                && a.calls.elementsEqual(b.calls, by: { $0.text == $1.text && $0.count == $1.count })
        }
    }

    /// Holdings per thread, with the order in which threads first acquired.
    ///
    /// An array in that order, searched by name; an index by name is kept only past
    /// ``indexedAbove`` threads. Most objects have a few holders, and a hashed table cost two
    /// hashes of the thread's name on every acquire and release (a tenth of the coordinator's
    /// work per command on `main`).
    struct Accounts: Sendable, Equatable {
        /// Threads in order of first acquisition, with their holdings; a thread whose holdings
        /// went to zero keeps its place (skipped, and compacted when such threads are the
        /// majority).
        private(set) var entries: [(thread: String, holdings: Holdings)] = []
        /// Each thread's position in `entries`, past ``indexedAbove`` threads.
        private var index: [String: Int]?
        /// Entries whose holdings are not empty.
        private(set) var liveCount = 0
        var total = 0

        /// Threads searched for without an index.
        static let indexedAbove = 8
        /// The storage of a call list ``removeAll()`` emptied, for the next thread's first
        /// acquire: an object whose every reference is released empties its ledger, so an
        /// acquire and release repeated would otherwise allocate and free a list each time.
        private var spareCalls: [(text: String, count: Int)] = []

        var isEmpty: Bool { total == 0 }

        /// Nothing recorded since it was made or emptied (``removeAll()`` would change nothing).
        var isPristine: Bool { entries.isEmpty && index == nil && total == 0 && liveCount == 0 }

        /// The position of `thread` in `entries`.
        private func position(of thread: String) -> Int? {
            if let index { return index[thread] }
            return entries.firstIndex { $0.thread == thread }
        }

        /// The holdings of `thread` (empty when it holds nothing).
        func holdings(of thread: String) -> Holdings? {
            guard let i = position(of: thread), entries[i].holdings.total > 0 else { return nil }
            return entries[i].holdings
        }

        mutating func add(_ count: Int, thread: String, text: String) {
            let i: Int
            if let known = position(of: thread) {
                i = known
            } else {
                i = entries.count
                var holdings = Holdings()
                if spareCalls.capacity > 0 {
                    swap(&holdings.calls, &spareCalls)
                }
                entries.append((thread, holdings))
                if index != nil {
                    index![thread] = i
                } else if entries.count > Self.indexedAbove {
                    reindex()
                }
            }
            if entries[i].holdings.total == 0 { liveCount += 1 }
            entries[i].holdings.add(count, text: text)
            total += count
        }

        mutating func take(upTo wanted: Int, from thread: String) -> Int {
            // Mutated in place: a copy of a thread's holdings would cost O(n) per release.
            guard let i = position(of: thread), entries[i].holdings.total > 0 else { return 0 }
            let taken = entries[i].holdings.take(upTo: wanted)
            total -= taken
            if entries[i].holdings.total == 0 {
                liveCount -= 1
                if entries.count > 16 && liveCount * 2 < entries.count {
                    entries.removeAll { $0.holdings.total == 0 }
                    if index != nil { reindex() }
                }
            }
            return taken
        }

        private mutating func reindex() {
            var positions: [String: Int] = [:]
            positions.reserveCapacity(entries.count)
            for (i, entry) in entries.enumerated() { positions[entry.thread] = i }
            index = positions
        }

        /// Forgets every holding. A few threads' array keeps its storage: an acquire and a
        /// release that returns every reference, repeated, then allocate less.
        mutating func removeAll() {
            guard entries.count <= 4 else {
                self = Accounts()
                return
            }
            if spareCalls.capacity == 0, !entries.isEmpty {
                swap(&spareCalls, &entries[0].holdings.calls)
                spareCalls.removeAll(keepingCapacity: true)
            }
            entries.removeAll(keepingCapacity: true)
            index = nil
            liveCount = 0
            total = 0
        }

        /// Moves every holding of `other` into this account.
        mutating func absorb(_ other: Accounts) {
            for entry in other.entries {
                for call in entry.holdings.calls { add(call.count, thread: entry.thread, text: call.text) }
            }
        }

        /// The non-empty holdings in order of first acquisition.
        var live: [(thread: String, holdings: Holdings)] {
            entries.filter { $0.holdings.total > 0 }
        }

        /// Equal when they hold the same in the same order (places kept by threads that hold
        /// nothing do not count).
        static func == (a: Accounts, b: Accounts) -> Bool {
            a.total == b.total
                && a.live.elementsEqual(b.live, by: { $0.thread == $1.thread && $0.holdings == $1.holdings })
        }
    }

    /// Outstanding references whose share of an ambiguous release is unknown.
    struct Group: Sendable, Equatable {
        var acquired = Accounts()
        /// Releases that took an unknown share of `acquired`, per thread (in order).
        var released: [(thread: String, count: Int)] = []
        var releasedTotal = 0

        /// What is still outstanding from this group.
        var net: Int { acquired.total - releasedTotal }

        mutating func release(_ count: Int, by thread: String) {
            releasedTotal += count
            if let i = released.firstIndex(where: { $0.thread == thread }) {
                released[i].count += count
            } else {
                released.append((thread, count))
            }
        }

        static func == (a: Group, b: Group) -> Bool {
            a.acquired == b.acquired && a.releasedTotal == b.releasedTotal
                && a.released.elementsEqual(
                    b.released, by: { $0.thread == $1.thread && $0.count == $1.count })
        }
    }

    /// Holdings attributed exactly, unless they are ``single``.
    private var accounts = Accounts()
    /// The commonest ledger, kept without lists: every outstanding reference was taken by one
    /// thread with one call text (then ``accounts`` is empty and there is no ``group``). An
    /// object acquired and released on `main` stays in this form, and each command then
    /// changes three fields instead of two nested lists.
    private var single: (thread: String, text: String, count: Int)?
    /// The ambiguous remainder, if any (older than every exact holding it does not contain).
    private(set) var group: Group?

    /// Holdings attributed exactly.
    var exact: Accounts {
        guard let single else { return accounts }
        var made = Accounts()
        made.add(single.count, thread: single.thread, text: single.text)
        return made
    }

    /// Outstanding references according to the ledger.
    var total: Int { single?.count ?? (accounts.total + (group?.net ?? 0)) }

    // MARK: - Recording

    /// A successful acquire of `count` references by `thread`, with the call's text.
    mutating func acquired(thread: String, count: Int, call text: String) {
        guard count > 0 else { return }
        if let held = single {
            if held.thread == thread && held.text == text {
                single = (thread, text, held.count + count)
                return
            }
            single = nil
            accounts.add(held.count, thread: held.thread, text: held.text)
        } else if accounts.isEmpty && group == nil {
            single = (thread, text, count)
            return
        }
        accounts.add(count, thread: thread, text: text)
    }

    /// A release of `count` references by `thread` (the contract checker has made sure that
    /// at most `total` are released).
    mutating func released(thread: String, count: Int) {
        var remaining = min(count, total)
        guard remaining > 0 else { return }
        if remaining == total {
            clear()
            return
        }
        if let held = single {
            // Part of one call of one thread: the thread's own, or determined.
            single = (held.thread, held.text, held.count - remaining)
            return
        }
        // The thread's own acquisitions first: its net count is exact.
        remaining -= accounts.take(upTo: remaining, from: thread)
        if remaining > 0, var g = group {
            remaining -= g.acquired.take(upTo: min(remaining, g.net), from: thread)
            group = g.net == 0 ? nil : g
        }
        guard remaining > 0 else { return }
        // Determined: one call of one thread is all there is to take from.
        if group == nil, accounts.liveCount == 1, let only = accounts.live.first,
            only.holdings.calls.count == 1
        {
            remaining -= accounts.take(upTo: remaining, from: only.thread)
            if remaining == 0 { return }
        }
        // Not determined: keep what is outstanding and the release together.
        var g = group ?? Group()
        g.acquired.absorb(accounts)
        accounts = Accounts()
        g.release(remaining, by: thread)
        group = g.net == 0 ? nil : g
    }

    /// Forgets every holding (the object was reinitialized, freed or replaced).
    mutating func clear() {
        single = nil
        // A ledger in its compact form (every lane release that takes the last reference)
        // has nothing else to forget.
        if !accounts.isPristine { accounts.removeAll() }
        if group != nil { group = nil }
        epoch &+= 1
    }

    /// How many times the ledger was cleared: a call that started in an earlier epoch and
    /// ends in this one may have acted on the object's previous life.
    private(set) var epoch = 0

    // MARK: - Reading

    /// References `thread` acquired that are known to be still outstanding (not counting an
    /// ambiguous group, where they may have been released by another thread).
    func held(by thread: String) -> Int {
        if let single { return single.thread == thread ? single.count : 0 }
        return accounts.holdings(of: thread)?.total ?? 0
    }

    /// The calls with which `thread` acquired its known outstanding references, oldest first,
    /// each once.
    func calls(of thread: String) -> [String] {
        distinct(exact.holdings(of: thread)?.calls ?? [])
    }

    /// Most threads, and most distinct calls per thread, a description names; the rest is
    /// summarized with exact counts.
    static let threadsShown = 6
    static let callsShown = 3

    /// `2 by A (ExAcquireRundownProtectionEx R 2), 1 by main (ExAcquireRundownProtection R)`;
    /// with an ambiguous group first: `1 by Dpc0 (...), 4 by Dpc1 (...), less 2 released by
    /// Dpc3; 2 by B (...)`. The counts always add up to ``total``. No line numbers: the text of
    /// the call names it, and stays true when lines move.
    func describe() -> String {
        var parts: [String] = []
        if let group {
            var text = Self.describe(group.acquired)
            let releases = group.released.map { "\($0.count) released by \($0.thread)" }
            text += ", less " + Self.list(releases, limit: Self.threadsShown, unit: "more releases")
            parts.append(text)
        }
        let exact = self.exact
        if !exact.isEmpty { parts.append(Self.describe(exact)) }
        return parts.joined(separator: "; ")
    }

    private static func describe(_ accounts: Accounts) -> String {
        let live = accounts.live
        var items = live.prefix(threadsShown).map { entry in
            let calls = distinct(entry.holdings.calls)
            let shown = calls.prefix(callsShown).joined(separator: "; ")
            let more = calls.count > callsShown ? "; and \(calls.count - callsShown) other calls" : ""
            return "\(entry.holdings.total) by \(entry.thread) (\(shown)\(more))"
        }
        if live.count > threadsShown {
            let rest = live.dropFirst(threadsShown)
            let count = rest.reduce(0) { $0 + $1.holdings.total }
            items.append("\(count) by \(rest.count) more threads")
        }
        return items.joined(separator: ", ")
    }

    private static func list(_ items: [String], limit: Int, unit: String) -> String {
        if items.count <= limit { return items.joined(separator: ", ") }
        return (items.prefix(limit) + ["and \(items.count - limit) \(unit)"]).joined(separator: ", ")
    }

    private func distinct(_ calls: [(text: String, count: Int)]) -> [String] {
        Self.distinct(calls)
    }

    private static func distinct(_ calls: [(text: String, count: Int)]) -> [String] {
        var seen = Set<String>()
        return calls.compactMap { seen.insert($0.text).inserted ? $0.text : nil }
    }

    /// The whole account as a compact string: equal fingerprints, equal ledgers. The explorer's
    /// state cache keys on it (two ledgers with the same totals can still describe, and later
    /// warn, differently).
    var fingerprint: String {
        func text(_ accounts: Accounts) -> String {
            accounts.live.map { entry in
                entry.thread + ":"
                    + entry.holdings.calls.map { "\($0.count)*\($0.text)" }.joined(separator: "+")
            }.joined(separator: ",")
        }
        // One thread's single call, as `text` would write it, without building its Accounts:
        // the explorer asks for a fingerprint at every state it visits.
        var out = single.map { "\($0.thread):\($0.count)*\($0.text)" } ?? text(accounts)
        if let group {
            out +=
                "|" + text(group.acquired) + "-"
                + group.released.map { "\($0.count)*\($0.thread)" }.joined(separator: ",")
        }
        return out
    }

    // MARK: - Invariants

    /// What is wrong with the representation, or nil: totals match their parts, no empty
    /// entries, a group always has something outstanding.
    func invariantViolation() -> String? {
        if let single {
            if single.count <= 0 { return "single: \(single.thread) has \(single.count)" }
            if !accounts.isEmpty || group != nil { return "single beside other holdings" }
        }
        for (name, accounts) in [("exact", exact)] + (group.map { [("group", $0.acquired)] } ?? []) {
            var sum = 0
            var live = 0
            var seen = Set<String>()
            for (thread, holdings) in accounts.entries {
                if !seen.insert(thread).inserted { return "\(name): \(thread) appears twice" }
                if holdings.total < 0 { return "\(name): \(thread) has \(holdings.total)" }
                if holdings.total > 0 { live += 1 }
                if holdings.calls.reduce(0, { $0 + $1.count }) != holdings.total {
                    return "\(name): \(thread)'s calls do not add up to \(holdings.total)"
                }
                if holdings.calls.contains(where: { $0.count <= 0 }) { return "\(name): empty call entry" }
                sum += holdings.total
            }
            if sum != accounts.total {
                return "\(name): total \(accounts.total) but holdings add up to \(sum)"
            }
            if live != accounts.liveCount {
                return "\(name): \(accounts.liveCount) threads counted as holding, \(live) hold"
            }
            for entry in accounts.entries
            where entry.holdings.total > 0 && accounts.holdings(of: entry.thread) != entry.holdings {
                return "\(name): \(entry.thread) is not found by its name"
            }
        }
        if let group {
            if group.net <= 0 { return "group with nothing outstanding (net \(group.net))" }
            if group.released.reduce(0, { $0 + $1.count }) != group.releasedTotal {
                return "group releases do not add up"
            }
        }
        return nil
    }
}
