import RundownScript
import Testing

@testable import RundownRuntime

/// The ledger: who holds what, and which acquisitions a release gives back.
@Suite struct LedgerTests {
    func at(_ line: Int, _ file: String = "t.rdsh") -> RundownScript.SourceLocation {
        RundownScript.SourceLocation(file: file, line: line)
    }

    @Test func releaseTakesOwnNewestThenOthersOldest() {
        var ledger = Ledger()
        ledger.acquired(thread: "A", count: 2, at: at(1))
        ledger.acquired(thread: "B", count: 1, at: at(2))
        ledger.acquired(thread: "main", count: 3, at: at(3))
        ledger.acquired(thread: "B", count: 1, at: at(4))
        #expect(ledger.total == 7)
        ledger.released(thread: "B", count: 3)
        #expect(ledger.describe(topFile: "t.rdsh") == "1 by A (line 1), 3 by main (line 3)")
        #expect(ledger.held(by: "B") == 0)
        #expect(ledger.held(by: "A") == 1)
        ledger.released(thread: "C", count: 10)
        #expect(ledger.total == 0)
        #expect(ledger.holdings.isEmpty)
    }

    @Test func sameThreadAndLineMergeAndOtherFilesAreNamed() {
        var ledger = Ledger()
        ledger.acquired(thread: "A", count: 1, at: at(5))
        ledger.acquired(thread: "A", count: 1, at: at(5))
        ledger.acquired(thread: "A", count: 2, at: at(3, "inc.rdsh"))
        #expect(ledger.holdings.count == 2)
        #expect(ledger.describe(topFile: "t.rdsh") == "4 by A (lines 5, inc.rdsh:3)")
    }

    @Test func manyAcquisitionsReleasedByAnotherThreadStayCheap() {
        var ledger = Ledger()
        for line in 1...50_000 { ledger.acquired(thread: "A", count: 1, at: at(line)) }
        for _ in 1...49_999 { ledger.released(thread: "B", count: 1) }
        #expect(ledger.total == 1)
        #expect(ledger.describe(topFile: "t.rdsh") == "1 by A (line 50000)")
        for line in 1...1000 { ledger.acquired(thread: "B", count: 1, at: at(line)) }
        for _ in 1...1000 { ledger.released(thread: "B", count: 1) }
        #expect(ledger.held(by: "B") == 0)
        #expect(ledger.held(by: "A") == 1)
    }
}
