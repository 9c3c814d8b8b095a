import RundownRuntime
import RundownScript
import Testing

/// Each diagnostic code triggered by a minimal script through a real Session.
@Suite(.timeLimit(.minutes(1))) struct ContractCheckerTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let code: String
        let script: String
        /// Every code the whole script reports, in order (end-of-script reports included).
        let expected: [String]
        var testDescription: String { code }
    }

    static let cases: [Case] = [
        Case(
            code: "RELEASE_WITHOUT_ACQUIRE",
            script: """
                ExInitializeRundownProtection R
                ExReleaseRundownProtection R
                """, expected: ["RELEASE_WITHOUT_ACQUIRE"]),
        Case(
            code: "RELEASE_WITHOUT_ACQUIRE (waiting)",
            script: """
                ExInitializeRundownProtection R
                A: ExAcquireRundownProtection R
                W: ExWaitForRundownProtectionRelease R
                A: ExReleaseRundownProtectionEx R 2
                A: ExReleaseRundownProtection R
                """, expected: ["RELEASE_WITHOUT_ACQUIRE"]),
        Case(
            code: "RELEASE_AFTER_RUNDOWN",
            script: """
                ExInitializeRundownProtection R
                ExWaitForRundownProtectionRelease R
                ExReleaseRundownProtection R
                """, expected: ["RELEASE_AFTER_RUNDOWN"]),
        Case(
            code: "REINIT_WITHOUT_RUNDOWN",
            script: """
                ExInitializeRundownProtection R
                ExReInitializeRundownProtection R
                """, expected: ["REINIT_WITHOUT_RUNDOWN"]),
        Case(
            code: "REINIT_WHILE_WAITING",
            script: """
                ExInitializeRundownProtection R
                ExAcquireRundownProtection R
                W: ExWaitForRundownProtectionRelease R
                ExReInitializeRundownProtection R
                ExReleaseRundownProtection R
                """, expected: ["REINIT_WHILE_WAITING"]),
        Case(
            code: "COMPLETED_WITHOUT_WAIT",
            script: """
                ExInitializeRundownProtection R
                ExRundownCompleted R
                """, expected: ["COMPLETED_WITHOUT_WAIT"]),
        Case(
            code: "COMPLETED_WHILE_WAITING",
            script: """
                ExInitializeRundownProtection R
                ExAcquireRundownProtection R
                W: ExWaitForRundownProtectionRelease R
                ExRundownCompleted R
                ExReleaseRundownProtection R
                """, expected: ["COMPLETED_WHILE_WAITING"]),
        Case(
            code: "CONCURRENT_WAIT",
            script: """
                ExInitializeRundownProtection R
                ExAcquireRundownProtection R
                W: ExWaitForRundownProtectionRelease R
                V: ExWaitForRundownProtectionRelease R
                ExReleaseRundownProtection R
                """, expected: ["CONCURRENT_WAIT"]),
        Case(
            code: "WAIT_AFTER_RUNDOWN",
            script: """
                C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'
                ExWaitForRundownProtectionReleaseCacheAware C
                ExWaitForRundownProtectionReleaseCacheAware C
                ExFreeCacheAwareRundownProtection C
                """, expected: ["WAIT_AFTER_RUNDOWN"]),
        Case(
            code: "WAIT_ON_STALE",
            script: """
                ExInitializeRundownProtection R
                ExAcquireRundownProtection R
                W: ExWaitForRundownProtectionRelease R
                ExReleaseRundownProtection R
                ExWaitForRundownProtectionRelease R
                """, expected: ["WAIT_ON_STALE"]),
        Case(
            code: "WAIT_WHILE_HOLDING",
            script: """
                ExInitializeRundownProtection R
                W: ExAcquireRundownProtection R
                W: ExWaitForRundownProtectionRelease R
                """, expected: ["WAIT_WHILE_HOLDING", "DEADLOCK"]),
        Case(
            code: "INIT_WHILE_IN_USE",
            script: """
                ExInitializeRundownProtection R
                ExAcquireRundownProtection R
                ExInitializeRundownProtection R
                """, expected: ["INIT_WHILE_IN_USE"]),
        Case(
            code: "COUNT_OUT_OF_RANGE",
            script: """
                ExInitializeRundownProtection R
                ExAcquireRundownProtectionEx R 0x80000000
                """, expected: ["COUNT_OUT_OF_RANGE"]),
        Case(
            code: "COUNT_OUT_OF_RANGE (zero while waiting)",
            script: """
                ExInitializeRundownProtection R
                ExAcquireRundownProtection R
                W: ExWaitForRundownProtectionRelease R
                ExReleaseRundownProtectionEx R 0
                ExReleaseRundownProtection R
                """, expected: ["COUNT_OUT_OF_RANGE"]),
        Case(
            code: "IRQL_TOO_HIGH",
            script: """
                ExInitializeRundownProtection R
                .irql W DISPATCH_LEVEL
                W: ExAcquireRundownProtection R
                W: ExReleaseRundownProtection R
                W: ExWaitForRundownProtectionRelease R
                """, expected: ["IRQL_TOO_HIGH"]),
        Case(
            code: "IRQL_TOO_HIGH (paged pool at DISPATCH_LEVEL)",
            script: """
                C = ExAllocateCacheAwareRundownProtection PagedPool 'Page'
                .irql D DISPATCH_LEVEL
                D: ExAcquireRundownProtectionCacheAware C
                ExFreeCacheAwareRundownProtection C
                """, expected: ["IRQL_TOO_HIGH"]),
        Case(
            code: "WRONG_KIND",
            script: """
                C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'
                ExAcquireRundownProtection C
                ExInitializeRundownProtection R
                ExAcquireRundownProtectionCacheAware R
                ExFreeCacheAwareRundownProtection C
                """, expected: ["WRONG_KIND", "WRONG_KIND"]),
        Case(
            code: "FREE_NOT_ALLOCATED",
            script: """
                n = ExSizeOfRundownProtectionCacheAware
                ExInitializeRundownProtectionCacheAware C n
                ExFreeCacheAwareRundownProtection C
                """, expected: ["FREE_NOT_ALLOCATED"]),
        Case(
            code: "FREE_WHILE_IN_USE",
            script: """
                C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'
                ExAcquireRundownProtectionCacheAware C
                ExFreeCacheAwareRundownProtection C
                ExReleaseRundownProtectionCacheAware C
                ExFreeCacheAwareRundownProtection C
                """, expected: ["FREE_WHILE_IN_USE"]),
        Case(
            code: "USE_AFTER_FREE",
            script: """
                C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'
                ExFreeCacheAwareRundownProtection C
                ExAcquireRundownProtectionCacheAware C
                ExFreeCacheAwareRundownProtection C
                """, expected: ["USE_AFTER_FREE", "USE_AFTER_FREE"]),
        Case(
            code: "SIZE_MISMATCH",
            script: """
                ExInitializeRundownProtectionCacheAware C 100
                """, expected: ["SIZE_MISMATCH"]),
        Case(
            code: "NULL_HANDLE",
            script: """
                .fault alloc
                C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'
                ExAcquireRundownProtectionCacheAware C
                """, expected: ["NULL_HANDLE"]),
        Case(
            code: "POOL_LEAK",
            script: """
                C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'
                """, expected: ["POOL_LEAK"]),
        Case(
            code: "DEADLOCK",
            script: """
                ExInitializeRundownProtection R
                A: ExAcquireRundownProtection R
                W: ExWaitForRundownProtectionRelease R
                """, expected: ["DEADLOCK"]),
        Case(
            code: "THREAD_BLOCKED",
            script: """
                ExInitializeRundownProtection R
                ExAcquireRundownProtection R
                W: ExWaitForRundownProtectionRelease R
                W: ExAcquireRundownProtection R
                ExReleaseRundownProtection R
                """, expected: ["THREAD_BLOCKED"]),
        Case(
            code: "UNKNOWN_HANDLE",
            script: """
                ExInitializeRundownProtection R
                ExAcquireRundownProtection Q
                """, expected: ["UNKNOWN_HANDLE"]),
        Case(
            code: "UNKNOWN_THREAD",
            script: """
                ExInitializeRundownProtection R
                Reader: ExAcquireRundownProtection R
                reader: ExReleaseRundownProtection R
                .cpu READER 1
                Reader: ExReleaseRundownProtection R
                """, expected: ["UNKNOWN_THREAD", "UNKNOWN_THREAD"]),
        Case(
            code: "UNKNOWN_ROUTINE",
            script: """
                ExAcquireRundownProtectoin R
                """, expected: ["UNKNOWN_ROUTINE"]),
        Case(
            code: "UNKNOWN_DIRECTIVE",
            script: """
                .frobnicate
                .record out.rdsh
                """, expected: ["UNKNOWN_DIRECTIVE", "UNKNOWN_DIRECTIVE"]),
        Case(
            code: "SYNTAX",
            script: """
                ExAcquireRundownProtection
                """, expected: ["SYNTAX"]),
        Case(
            code: "BAD_ARGUMENT",
            script: """
                .help NoSuchTopic
                EX_RUNDOWN_REF R
                EX_RUNDOWN_REF R
                """, expected: ["BAD_ARGUMENT", "BAD_ARGUMENT"]),
        Case(
            code: "READ_FAILED",
            script: """
                .read /nonexistent/dir/missing.rdsh
                """, expected: ["READ_FAILED"]),
    ]

    @Test(arguments: cases) func codeIsReported(_ c: Case) {
        let (lines, session, _) = transcript(c.script)
        #expect(codes(lines) == c.expected, "transcript:\n\(lines.joined(separator: "\n"))")
        let errors = c.expected.filter { !["WAIT_ON_STALE", "WAIT_WHILE_HOLDING", "POOL_LEAK"].contains($0) }
        #expect(session.errorCount == errors.count)
    }

    @Test func refusedCallLeavesTheObjectUnchanged() {
        let (lines, _, _) = transcript(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtectionEx R 2
            ExReleaseRundownProtectionEx R 3
            .show R
            ExRundownCompleted R
            .show R
            ExReInitializeRundownProtection R
            .show R
            """)
        #expect(
            codes(lines) == ["RELEASE_WITHOUT_ACQUIRE", "COMPLETED_WITHOUT_WAIT", "REINIT_WITHOUT_RUNDOWN"])
        #expect(lines.filter { $0.hasPrefix("R:") } == Array(repeating: "R: state=live holders=2", count: 3))
    }

    @Test func diagnosticsSayWhatRealWindowsDoesAndHint() {
        let (lines, _, _) = transcript(
            """
            ExInitializeRundownProtection R
            ExWaitForRundownProtectionRelease R
            ExReleaseRundownProtection R
            """)
        #expect(
            lines.first
                == "error[RELEASE_AFTER_RUNDOWN]: release on R after its rundown finished (state completed)")
        #expect(lines.contains { $0.hasPrefix("note: real Windows") && $0.contains("bugcheck") })
        #expect(lines.contains { $0.hasPrefix("note: hint:") })
    }

    @Test func releaseByAnotherThreadIsFineAndTheLedgerNamesHolders() {
        let (lines, session, _) = transcript(
            """
            ExInitializeRundownProtection R
            A: ExAcquireRundownProtectionEx R 2
            B: ExReleaseRundownProtection R
            main: ExReleaseRundownProtection R
            ExReleaseRundownProtection R
            """)
        #expect(session.errorCount == 1)
        #expect(codes(lines) == ["RELEASE_WITHOUT_ACQUIRE"])
        #expect(lines.first { $0.contains("no holders") } != nil)
    }

    @Test func countZeroIsHarmlessWhileLive() {
        let (lines, session, _) = transcript(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtectionEx R 0
            ExReleaseRundownProtectionEx R 0
            .show R
            """)
        #expect(session.errorCount == 0)
        #expect(lines == ["TRUE", "R: state=live holders=0"])
    }

    @Test func waitWhileHoldingIsReportedAsDeadlockAtTheEnd() {
        let (lines, _, _) = transcript(
            """
            ExInitializeRundownProtection R
            W: ExAcquireRundownProtection R
            W: ExWaitForRundownProtectionRelease R
            """)
        #expect(lines.contains("[W] blocked in ExWaitForRundownProtectionRelease R"))
        let deadlock = lines.firstIndex { $0.hasPrefix("error[DEADLOCK]") }
        #expect(deadlock != nil)
        #expect(lines.contains { $0.contains("W holds 1 reference of them itself") })
    }

    @Test func irqlLimitsComeFromTheCatalogue() {
        // Acquire and release are fine at DISPATCH_LEVEL on a non-paged object; the wait is not.
        let (lines, _, _) = transcript(
            """
            ExInitializeRundownProtection R
            .irql D DISPATCH_LEVEL
            D: ExAcquireRundownProtection R
            D: ExReleaseRundownProtection R
            D: ExWaitForRundownProtectionRelease R
            .irql D APC_LEVEL
            D: ExWaitForRundownProtectionRelease R
            """)
        #expect(codes(lines) == ["IRQL_TOO_HIGH"])
        #expect(lines.contains { $0.contains("requires IRQL <= APC_LEVEL, but D runs at DISPATCH_LEVEL") })
    }
}
