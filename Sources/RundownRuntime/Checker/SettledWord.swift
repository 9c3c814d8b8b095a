import Rundown

/// A plain object's word as the thread of the last line's call left it, so that the contract
/// check of the next line need not read the object.
///
/// The check of a release reads the object's state. Reading its word from the coordinator
/// pulls the object's cache line away from the thread that uses it, and that thread's next
/// compare-and-swap must take the line back: two more transfers per command between
/// processors, as many as the hand-off itself. The thread already has the line, so it reads
/// the word after its call and leaves it in the mailbox's line with the result
/// (``CallSlot/wordAfter``), which the coordinator reads anyway.
///
/// That word is the object's word when the next line is checked, which is the contract
/// checker's rule (an exact view while every thread is settled), because it is taken only
/// when nothing else can have changed the object in between:
/// - the call ran from a line (``Session/runCall(_:location:sourceText:memo:)``), outside
///   `.par` and atomic stepping, and every thread settled afterwards with this one idle;
/// - the word is live. A waiter on the object would have made it not live before the call
///   began, so the call woke no thread that could change it afterwards; the other blocked
///   threads wait on other objects;
/// - no thread was ever given up on (WATCHDOG): such a thread may still be inside a call;
/// - it is used by the next line only (explorations, stress runs and every directive that
///   could touch an object are lines of their own), while no name has changed, and for the
///   very object the handle still holds.
///
/// Anything else reads the object, as before.
struct SettledWord {
    let object: UnsafeMutableRawPointer
    let word: UInt
    /// ``Session/lineSerial`` of the line whose call left it.
    let line: Int
    let namesEpoch: Int
}

extension Session {
    /// Keeps the word `pending`'s thread left, once the call has settled and completed.
    func recordSettledWord(_ pending: PendingCall, worker: Worker, settled: Bool) {
        settledWord = nil
        guard settled, !gaveUpOnThreads, parCapture == nil, !atomicStepping, worker.status == .idle,
            pending.hooks == nil, let plain = pending.plain,
            let held = pending.handle?.plainObject, held.toOpaque() == plain.toOpaque()
        else { return }
        switch pending.result {
        case .void, .boolean: break
        default: return
        }
        keepSettledWord(word: pending.wordAfter, of: plain)
    }

    /// Keeps `word`, which the thread of this line's call left in `object`, a plain object,
    /// once every thread has settled: nothing when it is not live (a wait block, or no word).
    @inline(__always)
    func keepSettledWord(word: UInt, of object: Unmanaged<RundownRef>) {
        settledWord =
            word & 1 == 0
            ? SettledWord(object: object.toOpaque(), word: word, line: lineSerial, namesEpoch: namesEpoch)
            : nil
    }

    /// The snapshot of `object` that the ``SettledWord`` gives this line; nil when it does not
    /// hold (debug builds check it against the object). The caller counts its use.
    @inline(__always)
    func settledWordSnapshot(of object: Unmanaged<RundownRef>) -> RundownSnapshot? {
        guard let known = settledWord, known.line &+ 1 == lineSerial, known.namesEpoch == namesEpoch,
            parCapture == nil, !atomicStepping, !gaveUpOnThreads, object.toOpaque() == known.object,
            let snapshot = RundownRef.liveSnapshot(word: known.word)
        else { return nil }
        assert(
            snapshot == object._withUnsafeGuaranteedRef { $0.snapshot() },
            "the settled word of \(object) is not its word")
        return snapshot
    }

    /// The snapshot the contract check reads for `handle`: from the ``SettledWord`` when it
    /// holds for this line and object, else from the object itself.
    func settledSnapshot(of handle: Handle) -> RundownSnapshot? {
        if let plain = handle.plainObject, let snapshot = settledWordSnapshot(of: plain) {
            settledWordsUsed &+= 1
            return snapshot
        }
        return handle.snapshot
    }
}
