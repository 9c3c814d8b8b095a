import Rundown
import Testing

/// The states of spec §4.1 (U is not representable: a Swift object is always initialized).
enum PlainState: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case idle = "L(0)"
    case live = "L(2)"
    case waiting = "W(2)"
    case stale = "S"
    case completed = "C"
    var testDescription: String { rawValue }
}

/// A plain reference driven into a given state with real threads; `finish()` releases what
/// the fixture still holds and joins its waiter, checking that the waiter returned as it should.
final class PlainFixture {
    let observer = RecordingObserver()
    let ref: RundownRef
    let state: PlainState
    private var waiter: BackgroundWait?

    init(_ state: PlainState) throws {
        self.state = state
        ref = RundownRef(observer: observer)
        switch state {
        case .idle:
            break
        case .live:
            #expect(try ref.acquire(count: 2))
        case .waiting:
            #expect(try ref.acquire(count: 2))
            let ref = self.ref
            waiter = BackgroundWait { () throws(RundownViolation) in try ref.waitForRelease() }
            observer.parked.wait()
        case .stale:
            #expect(try ref.acquire())
            let ref = self.ref
            let waiter = BackgroundWait { () throws(RundownViolation) in try ref.waitForRelease() }
            observer.parked.wait()
            try ref.release()
            #expect(waiter.finish() == .success(.blocked))
        case .completed:
            #expect(try ref.waitForRelease() == .noHolders)
        }
        #expect(ref.snapshot().state == expectedName, "fixture for \(state.rawValue)")
    }

    var expectedName: RundownStateName {
        switch state {
        case .idle, .live: .live
        case .waiting: .waiting
        case .stale: .stale
        case .completed: .completed
        }
    }

    /// Lets a waiter go (releasing whatever it still waits for) and checks it returned blocked.
    func finish() throws {
        guard let waiter else { return }
        self.waiter = nil  // join once
        let snapshot = ref.snapshot()
        if snapshot.state == .waiting && snapshot.holders > 0 {
            try ref.release(count: UInt32(snapshot.holders))
        }
        #expect(waiter.finish() == .success(.blocked))
        #expect(ref.snapshot().state == .stale)
    }
}

/// What a call should do in a given state.
enum Outcome: Equatable, CustomStringConvertible {
    /// Succeeds (with `result` for acquire) and leaves `state` with `holders`.
    case ok(RundownStateName, holders: Int, result: Bool? = nil)
    /// Refused with this violation; the object must be unchanged.
    case refused(RundownViolation)

    var description: String {
        switch self {
        case .ok(let s, let h, let r):
            "ok(\(s.rawValue), holders: \(h), result: \(r.map(String.init) ?? "-"))"
        case .refused(let v): "refused(\(v.code))"
        }
    }
}

/// Runs `operation` and checks it against `expected`: on refusal, the snapshot must not change.
func check(
    _ snapshotBefore: RundownSnapshot, after: () -> RundownSnapshot,
    _ operation: () throws(RundownViolation) -> Bool?, expect expected: Outcome,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let result = try operation()
        switch expected {
        case .ok(let state, let holders, let want):
            let snapshot = after()
            #expect(snapshot.state == state, sourceLocation: sourceLocation)
            #expect(snapshot.holders == holders, sourceLocation: sourceLocation)
            if let want { #expect(result == want, sourceLocation: sourceLocation) }
        case .refused(let violation):
            Issue.record("expected \(violation.code), call succeeded", sourceLocation: sourceLocation)
        }
    } catch {
        #expect(expected == .refused(error), "got \(error.code)", sourceLocation: sourceLocation)
        #expect(
            after() == snapshotBefore, "a refused call must leave the object unchanged",
            sourceLocation: sourceLocation)
    }
}
