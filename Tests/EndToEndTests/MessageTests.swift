import Foundation
import Testing

/// Issue 12 §4 through the built executable: each message says what is true, names what it
/// is about, and a refused call changes nothing.
@Suite(.timeLimit(.minutes(1))) struct MessageTests {
    /// Runs `script` with `rdsh run -` and returns stdout + stderr (diagnostics on stderr).
    func run(_ script: String) throws -> Rdsh.Result {
        try Rdsh.run(["run", "-"], stdin: script)
    }

    @Test func unknownHandleSuggestsCreatorsOfTheRoutinesFamily() throws {
        let cache = try run("Unload: ExWaitForRundownProtectionReleaseCacheAware Qq\n")
        #expect(cache.stderr.contains("Qq = ExAllocateCacheAwareRundownProtection"))
        #expect(cache.stderr.contains("ExInitializeRundownProtectionCacheAware Qq n"))
        #expect(!cache.stderr.contains("ExInitializeRundownProtection Qq "))
        let plain = try run("ExAcquireRundownProtection Rr\n")
        #expect(plain.stderr.contains("ExInitializeRundownProtection Rr or EX_RUNDOWN_REF Rr creates one"))
    }

    @Test func waitOnStaleSaysWhichIsRdshAndWhichIsWindows() throws {
        let r = try run(
            """
            ExInitializeRundownProtection S
            ExAcquireRundownProtection S
            W: ExWaitForRundownProtectionRelease S
            ExReleaseRundownProtection S
            ExWaitForRundownProtectionRelease S

            """)
        #expect(
            r.stderr.contains(
                "rdsh returns from this wait at once, as the documentation says; real Windows hangs"))
        #expect(!r.stderr.contains("as documented"))
    }

    @Test func sizeMismatchStatesTheRealNumbers() throws {
        let r = try run(
            """
            .processors 8
            n = ExSizeOfRundownProtectionCacheAware
            .processors 4
            ExInitializeRundownProtectionCacheAware C n

            """)
        #expect(r.stdout == "600\n")
        #expect(
            r.stderr.contains(
                "storage size 600 is not what ExSizeOfRundownProtectionCacheAware returns now: 344 (4 processors); 600 is the size for 8 processors"
            ), "\(r.stderr)")
        let laidOut = try run(
            """
            n = ExSizeOfRundownProtectionCacheAware
            ExInitializeRundownProtectionCacheAware C n
            .processors 8
            m = ExSizeOfRundownProtectionCacheAware
            ExInitializeRundownProtectionCacheAware C m

            """)
        #expect(
            laidOut.stderr.contains(
                "storage size 600 is not the 344 bytes C was laid out for (ExSizeOfRundownProtectionCacheAware returns 600 now, with 8 processors)"
            ), "\(laidOut.stderr)")
    }

    @Test func aRefusedCallKeepsTheWaiter() throws {
        let r = try run(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            W: ExWaitForRundownProtectionRelease R
            ExAcquireRundownProtectionEx R 0
            .show R
            ExReleaseRundownProtectionEx R 0

            """)
        #expect(r.stderr.contains("error[COUNT_OUT_OF_RANGE]"))
        #expect(r.stdout.contains("R: state=waiting holders=1 waiter=W\n"), "\(r.stdout)")
        #expect(r.stderr.contains("while thread W waits for rundown of R"), "\(r.stderr)")
        #expect(!r.stderr.contains("a waiter"))
    }

    @Test func poolTagsPrintAsCharactersOrHexAndLeaksNameTheBytes() throws {
        let r = try run(
            """
            C = ExAllocateCacheAwareRundownProtection NonPagedPool 0x67546452
            D = ExAllocateCacheAwareRundownProtection NonPagedPool 0x01020304

            """)
        #expect(
            r.stderr.contains("C: 344 bytes of NonPagedPool with tag 'RdTg' were never freed"),
            "\(r.stderr)")
        #expect(
            r.stderr.contains("D: 344 bytes of NonPagedPool with tag 0x01020304 were never freed"))
        #expect(!r.stderr.contains("'0x"))
    }

    @Test func endOfScriptReportsNameTheirFile() throws {
        let dir = try Rdsh.temporaryDirectory()
        let a = dir.appendingPathComponent("a.rdsh")
        let b = dir.appendingPathComponent("b.rdsh")
        try
            "ExInitializeRundownProtection R\nExAcquireRundownProtection R\nW: ExWaitForRundownProtectionRelease R\n"
            .write(to: a, atomically: true, encoding: .utf8)
        try "\nC = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'Leak'\n".write(
            to: b, atomically: true, encoding: .utf8)
        let r = try Rdsh.run(["run", a.path, b.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(a.path):3:4: error[DEADLOCK]: thread W is still blocked"), "\(r.stderr)")
        #expect(r.stderr.contains("\(b.path):2:5: warning[POOL_LEAK]: C: 344 bytes"), "\(r.stderr)")
        // In a transcript (rdsh test, --echo) they stay without a location.
        let echo = try Rdsh.run(["run", "--echo", b.path])
        #expect(echo.stdout.contains("#! warning[POOL_LEAK]: C: 344 bytes"), "\(echo.stdout)")
    }

    @Test func rebindingALiveObjectWarnsAtTheLine() throws {
        let r = try run(
            """
            C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'
            C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'
            ExInitializeRundownProtection R
            R = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'
            n = ExSizeOfRundownProtectionCacheAware
            n = ExSizeOfRundownProtectionCacheAware

            """)
        #expect(
            r.stderr.contains(
                "<stdin>:2:1: warning[HANDLE_REBOUND]: C is bound again: the cache-aware reference C"))
        #expect(
            r.stderr.contains("<stdin>:4:1: warning[HANDLE_REBOUND]: R is bound again: the plain reference R")
        )
        // A number rebound loses nothing.
        #expect(r.stderr.components(separatedBy: "HANDLE_REBOUND").count == 3)
        #expect(r.status == 0, "warnings do not fail a run")
    }

    @Test func cpuBeyondTheProcessorCountWarnsWithTheSlot() throws {
        let r = try run(".cpu A 9\n.processors 16\n.cpu A 9\n")
        #expect(
            r.stderr.contains(
                "<stdin>:1:8: warning[NO_SUCH_PROCESSOR]: processor 9 does not exist on a 4-processor machine"
            ))
        #expect(r.stderr.contains("slot 1 of an object made with 4 processors"))
        #expect(r.stderr.components(separatedBy: "NO_SUCH_PROCESSOR").count == 2)
    }

    @Test func irqlOfABlockedThreadIsRefused() throws {
        let r = try run(
            """
            ExInitializeRundownProtection R
            ExAcquireRundownProtection R
            W: ExWaitForRundownProtectionRelease R
            .irql W DISPATCH_LEVEL
            .threads

            """)
        #expect(
            r.stderr.contains(
                "error[THREAD_BLOCKED]: thread W is blocked in ExWaitForRundownProtectionRelease R"))
        #expect(r.stdout.contains("W: cpu=0 irql=PASSIVE_LEVEL blocked in"), "\(r.stdout)")
    }
}
