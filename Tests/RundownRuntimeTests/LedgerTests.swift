import RundownScript
import Testing

@_spi(Testing) @testable import RundownRuntime

/// The ledger: an account that says only what is known about who holds what.
@Suite(.timeLimit(.minutes(1))) struct LedgerTests {
    /// Checks the representation after a mutation, as swift-collections does.
    func checked(_ ledger: Ledger, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(ledger.invariantViolation() == nil, sourceLocation: sourceLocation)
    }

    @Test func aThreadsReleaseGivesBackItsOwnNewestFirst() {
        var ledger = Ledger()
        ledger.acquired(thread: "A", count: 2, call: "ExAcquireRundownProtectionEx R 2")
        ledger.acquired(thread: "B", count: 1, call: "ExAcquireRundownProtection R")
        ledger.acquired(thread: "A", count: 1, call: "ExAcquireRundownProtection R")
        checked(ledger)
        ledger.released(thread: "A", count: 1)
        checked(ledger)
        #expect(
            ledger.describe()
                == "2 by A (ExAcquireRundownProtectionEx R 2), 1 by B (ExAcquireRundownProtection R)")
        #expect(ledger.held(by: "A") == 2)
    }

    /// Releasing everything empties the ledger, whose call lists are then reused: the next
    /// holders start afresh, in their own order, with none of the earlier calls.
    @Test func anEmptiedLedgerStartsAfresh() {
        var ledger = Ledger()
        for round in 0..<3 {
            ledger.acquired(thread: "A", count: 2, call: "ExAcquireRundownProtectionEx R 2")
            ledger.acquired(thread: "B", count: 1, call: "ExAcquireRundownProtection R")
            ledger.released(thread: "main", count: 3)
            checked(ledger)
            #expect(ledger.total == 0 && ledger.describe() == "", "round \(round)")
            ledger.acquired(thread: "B", count: 1, call: "ExAcquireRundownProtection R")
            ledger.acquired(thread: "C", count: 1, call: "ExAcquireRundownProtection S")
            checked(ledger)
            #expect(
                ledger.describe()
                    == "1 by B (ExAcquireRundownProtection R), 1 by C (ExAcquireRundownProtection S)",
                "round \(round)")
            #expect(ledger.held(by: "A") == 0)
            ledger.clear()
        }
    }

    /// One thread's references from one call are kept in a compact form; what the ledger
    /// says, and the explorer's fingerprint of it, must not depend on the form.
    @Test func theCompactFormReadsAsTheListsWould() {
        var compact = Ledger()
        compact.acquired(thread: "A", count: 2, call: "ExAcquireRundownProtectionEx R 2")
        var lists = Ledger()
        lists.acquired(thread: "A", count: 1, call: "ExAcquireRundownProtectionEx R 2")
        lists.acquired(thread: "B", count: 1, call: "ExAcquireRundownProtection R")
        lists.acquired(thread: "A", count: 1, call: "ExAcquireRundownProtectionEx R 2")
        lists.released(thread: "B", count: 1)
        checked(compact)
        checked(lists)
        #expect(compact.fingerprint == lists.fingerprint)
        #expect(compact.fingerprint == "A:2*ExAcquireRundownProtectionEx R 2")
        #expect(compact.describe() == lists.describe())
        #expect(compact.held(by: "A") == 2 && lists.held(by: "A") == 2)
        #expect(compact.calls(of: "A") == lists.calls(of: "A"))
        #expect(compact.total == lists.total)
    }

    @Test func aDeterminedCrossThreadReleaseIsAttributed() {
        var ledger = Ledger()
        ledger.acquired(thread: "A", count: 3, call: "ExAcquireRundownProtection R")
        ledger.released(thread: "main", count: 2)
        checked(ledger)
        #expect(ledger.describe() == "1 by A (ExAcquireRundownProtection R)")
        ledger.released(thread: "main", count: 1)
        #expect(ledger.total == 0)
        ledger.acquired(thread: "B", count: 2, call: "ExAcquireRundownProtection R")
        #expect(ledger.describe() == "2 by B (ExAcquireRundownProtection R)")
    }

    @Test func anUndeterminedReleaseIsKeptWithWhatItMayHaveReleased() {
        var ledger = Ledger()
        ledger.acquired(thread: "Dpc0", count: 1, call: "Acq C")
        ledger.acquired(thread: "Dpc1", count: 4, call: "AcqEx C 4")
        ledger.released(thread: "Dpc3", count: 2)
        checked(ledger)
        #expect(ledger.total == 3)
        #expect(ledger.describe() == "1 by Dpc0 (Acq C), 4 by Dpc1 (AcqEx C 4), less 2 released by Dpc3")
        #expect(ledger.held(by: "Dpc1") == 0, "no reference of Dpc1's is known to be outstanding")
        ledger.acquired(thread: "B", count: 2, call: "Acq C")
        #expect(
            ledger.describe()
                == "1 by Dpc0 (Acq C), 4 by Dpc1 (AcqEx C 4), less 2 released by Dpc3; 2 by B (Acq C)")
        // Dpc1 gives back its own: the group shrinks, its net with it.
        ledger.released(thread: "Dpc1", count: 3)
        checked(ledger)
        #expect(ledger.total == 2)
        ledger.released(thread: "B", count: 2)
        #expect(ledger.total == 0)
        checked(ledger)
    }

    @Test func oneThreadWithTwoCallsIsNotGuessed() {
        var ledger = Ledger()
        ledger.acquired(thread: "A", count: 1, call: "Acq R")
        ledger.acquired(thread: "A", count: 2, call: "AcqEx R 2")
        ledger.released(thread: "main", count: 1)
        checked(ledger)
        #expect(ledger.describe() == "3 by A (Acq R; AcqEx R 2), less 1 released by main")
    }

    @Test func longListsAreSummarizedWithExactCounts() {
        var ledger = Ledger()
        for t in 0..<10 {
            for k in 0..<5 { ledger.acquired(thread: "T\(t)", count: 1, call: "Acq R\(k)") }
        }
        checked(ledger)
        let text = ledger.describe()
        #expect(text.hasPrefix("5 by T0 (Acq R0; Acq R1; Acq R2; and 2 other calls)"))
        #expect(text.hasSuffix("20 by 4 more threads"))
        #expect(Session.whyLineSum(text) == 50)
    }

    @Test func manyAcquisitionsReleasedByAnotherThreadStayCheap() {
        var ledger = Ledger()
        for _ in 1...200_000 { ledger.acquired(thread: "A", count: 1, call: "Acq R") }
        for _ in 1...199_999 { ledger.released(thread: "B", count: 1) }
        #expect(ledger.total == 1)
        #expect(ledger.describe() == "1 by A (Acq R)")
        for i in 1...100_000 { ledger.acquired(thread: "B", count: 1, call: "Acq R\(i % 2)") }
        for _ in 1...100_000 { ledger.released(thread: "B", count: 1) }
        #expect(ledger.held(by: "B") == 0)
        #expect(ledger.held(by: "A") == 1)
        checked(ledger)
    }

    /// Past a few holders the ledger finds threads through an index; threads that hold nothing
    /// any more are compacted away without changing the order of the others.
    @Test func manyHoldersAreFoundByNameAndKeepTheirOrder() {
        var ledger = Ledger()
        for t in 0..<40 { ledger.acquired(thread: "T\(t)", count: 1, call: "Acq R\(t)") }
        checked(ledger)
        #expect(ledger.held(by: "T39") == 1 && ledger.held(by: "T0") == 1)
        for t in 0..<30 { ledger.released(thread: "T\(t)", count: 1) }
        checked(ledger)
        #expect(ledger.total == 10)
        #expect(ledger.held(by: "T5") == 0 && ledger.held(by: "T35") == 1)
        #expect(ledger.calls(of: "T35") == ["Acq R35"])
        #expect(ledger.describe().hasPrefix("1 by T30 (Acq R30), 1 by T31 (Acq R31)"))
        // A thread that holds again comes after those that kept holding.
        ledger.acquired(thread: "T5", count: 2, call: "Acq again")
        checked(ledger)
        #expect(ledger.held(by: "T5") == 2)
        #expect(ledger.describe().hasSuffix("6 by 5 more threads"))
        ledger.released(thread: "T35", count: 1)
        ledger.released(thread: "T5", count: 2)
        checked(ledger)
        #expect(ledger.total == 9 && ledger.held(by: "T5") == 0 && ledger.held(by: "T35") == 0)
    }
}
