import Rundown
import RundownScript

// MARK: - End-of-script reports

extension Session {
    /// `error[DEADLOCK]` for every thread still blocked: what it waits for, who holds it.
    func reportDeadlocks() {
        for worker in workerOrder where worker.status == .blocked {
            guard let pending = worker.current, let handle = pending.handle else { continue }
            var notes: [String] = []
            let outstanding = snapshotOf(pending.object)?.holders ?? handle.ledger.total
            var sentence = "\(references(outstanding)) on \(handle.name) never released"
            if handle.ledger.total > 0 {
                sentence += ": acquired " + handle.ledger.describe()
            }
            notes.append(sentence)
            let own = handle.ledger.held(by: worker.name)
            if own > 0 {
                notes.append(
                    "\(worker.name) holds \(references(own)) of them itself: it waits for its own release")
            }
            notes.append(
                realWindowsNote(
                    "the wait has no timeout and cannot be cancelled: \(worker.name) hangs forever (an unload that never finishes)"
                ))
            notes.append("hint: release every reference acquired on \(handle.name) before the script ends")
            // Located at the blocked call, so `rdsh run a.rdsh b.rdsh` says which file it is in
            // (the transcript form stays without a location).
            report(
                Diagnostic(
                    .deadlock,
                    "thread \(worker.name) is still blocked in \(pending.display)",
                    location: pending.location, notes: notes), sourceText: nil)
        }
    }

    func snapshotOf(_ object: AnyObject?) -> RundownSnapshot? {
        if let ref = object as? RundownRef { return ref.snapshot() }
        if let ref = object as? CacheAwareRundownRef { return ref.checkedSnapshot() }
        return nil
    }

    /// `warning[POOL_LEAK]` for every allocation never freed.
    func reportLeaks() {
        for allocation in allocations where !allocation.freed && !allocation.object.isFreed {
            report(
                Diagnostic(
                    .poolLeak,
                    "\(allocation.name): \(allocation.object.storageSize) bytes of \(allocation.poolType.rawValue) with tag \(PoolTag.display(allocation.tag)) were never freed",
                    location: allocation.location,
                    notes: [
                        realWindowsNote(
                            "the pool block leaks until reboot; with Driver Verifier's pool tracking the driver's unload bugchecks (0xC4, parameter 0x62)"
                        ),
                        "hint: ExFreeCacheAwareRundownProtection \(allocation.name) after its rundown",
                    ]), sourceText: nil)
        }
    }
}
