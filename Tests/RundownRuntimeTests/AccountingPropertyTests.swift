import RundownScript
import Testing

@_spi(Testing) @testable import RundownRuntime

/// Random scripts from a fixed seed (all 19 routines, several threads, plain and cache-aware
/// handles, misuse included), checked after every command: the ledger's outstanding total is
/// the library's holder count, every why-line's counts add up to it, and nothing traps.
@Suite("Accounting property: ledger = library, why-lines add up", .timeLimit(.minutes(2)))
struct AccountingPropertyTests {
    /// The explorer's seeded generator (SplitMix64): the same scripts on every machine.
    struct Random {
        var generator: SplitMix
        init(state: UInt64) { generator = SplitMix(seed: state) }
        mutating func below(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let threads = ["main", "A", "B", "Dpc0", "Dpc1", "W"]
    static let plain = ["R", "S"]
    static let cacheAware = ["C", "D"]

    /// One random line. Counts favour small values; waits are rarer than acquires and releases
    /// so that many scripts get far with references outstanding.
    static func line(_ rng: inout Random) -> String {
        let thread = rng.pick(threads)
        let prefix = thread == "main" && rng.below(2) == 0 ? "" : "\(thread): "
        let count = rng.pick(["1", "1", "2", "3", "0", "2147483647"])
        let p = rng.pick(plain)
        let c = rng.pick(cacheAware)
        let any = rng.below(5) == 0 ? rng.pick(plain + cacheAware) : nil
        switch rng.below(40) {
        case 0..<6: return prefix + "ExAcquireRundownProtection \(any ?? p)"
        case 6..<9: return prefix + "ExAcquireRundownProtectionEx \(any ?? p) \(count)"
        case 9..<14: return prefix + "ExReleaseRundownProtection \(any ?? p)"
        case 14..<16: return prefix + "ExReleaseRundownProtectionEx \(any ?? p) \(count)"
        case 16..<20: return prefix + "ExAcquireRundownProtectionCacheAware \(any ?? c)"
        case 20..<22: return prefix + "ExAcquireRundownProtectionCacheAwareEx \(any ?? c) \(count)"
        case 22..<25: return prefix + "ExReleaseRundownProtectionCacheAware \(any ?? c)"
        case 25..<27: return prefix + "ExReleaseRundownProtectionCacheAwareEx \(any ?? c) \(count)"
        case 27: return prefix + "ExWaitForRundownProtectionRelease \(any ?? p)"
        case 28: return prefix + "ExWaitForRundownProtectionReleaseCacheAware \(any ?? c)"
        case 29: return prefix + "ExRundownCompleted \(any ?? p)"
        case 30: return prefix + "ExRundownCompletedCacheAware \(any ?? c)"
        case 31: return prefix + "ExReInitializeRundownProtection \(any ?? p)"
        case 32: return prefix + "ExReInitializeRundownProtectionCacheAware \(any ?? c)"
        case 33: return prefix + "ExInitializeRundownProtection \(any ?? p)"
        case 34: return prefix + "\(c) = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'Prop'"
        case 35: return prefix + "ExFreeCacheAwareRundownProtection \(any ?? c)"
        case 36:
            return prefix
                + "ExInitializeRundownProtectionCacheAware \(c) \(rng.pick(["344", "344", "32", "100"]))"
        case 37: return prefix + "n = ExSizeOfRundownProtectionCacheAware"
        case 38: return ".cpu \(rng.pick(threads)) \(rng.below(6))"
        default:
            return
                ".irql \(rng.pick(threads)) \(rng.pick(["PASSIVE_LEVEL", "PASSIVE_LEVEL", "APC_LEVEL", "DISPATCH_LEVEL"]))"
        }
    }

    static func script(_ rng: inout Random) -> [String] {
        var lines = [
            ".processors 4", "ExInitializeRundownProtection R", "EX_RUNDOWN_REF S",
            "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'Prop'",
            "ExInitializeRundownProtectionCacheAware D 344",
        ]
        for _ in 0..<(10 + rng.below(30)) { lines.append(line(&rng)) }
        return lines
    }

    @Test func randomScriptsKeepTheAccountExact() {
        var rng = Random(state: 0x5EED_0009)
        let scripts = 2_000
        var commands = 0
        var settledWordsUsed = 0
        var failures: [String] = []
        for index in 0..<scripts {
            let lines = Self.script(&rng)
            let sink = CapturingSink()
            let session = Session(options: SessionOptions(watchdogSeconds: 5), sink: sink)
            for (number, line) in lines.enumerated() {
                session.execute(
                    line: line, location: SourceLocation(file: "prop\(index).rdsh", line: number + 1))
                commands += 1
                let problems = session.accountingProblems()
                if !problems.isEmpty {
                    failures.append(
                        "script \(index), after line \(number + 1) `\(line)`: \(problems.joined(separator: "; "))\n"
                            + lines.prefix(number + 1).joined(separator: "\n"))
                    break
                }
            }
            settledWordsUsed += session.settledWordsUsed
            session.finish()
            // Every why-line the session printed adds up to the count in front of it.
            for text in sink.lines {
                guard let range = text.firstRange(of: " outstanding on "),
                    let colon = text[range.upperBound...].firstRange(of: ": ")
                else { continue }
                let head = text[..<range.lowerBound].split(separator: " ")
                guard let stated = head.first(where: { Int($0) != nil }).flatMap({ Int($0) }) else {
                    continue
                }
                let sum = Session.whyLineSum(String(text[colon.upperBound...]))
                if sum != stated {
                    failures.append("script \(index): why-line adds up to \(sum), states \(stated): \(text)")
                }
            }
            if failures.count >= 3 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
        #expect(commands > 40_000)
        // Checks that read the word the previous line's thread left, each compared with the
        // object itself by the assert in `Session.settledSnapshot` (debug builds).
        #expect(settledWordsUsed > 1_000, "\(settledWordsUsed)")
    }

    /// Runs `script` line by line and returns the accounting problems seen after any line.
    func problems(_ script: String) -> [String] {
        let session = Session(options: SessionOptions(watchdogSeconds: 5), sink: CapturingSink())
        defer { session.finish() }
        var found: [String] = []
        for (number, line) in script.split(separator: "\n").enumerated() {
            session.execute(line: String(line), location: SourceLocation(file: "t.rdsh", line: number + 1))
            found += session.accountingProblems().map { "line \(number + 1): \($0)" }
        }
        return found
    }

    /// The two fuzzer-found scripts of issue 9 and the report from a user: exact why-lines.
    @Test func crossThreadReleasesNameNoGuessedHolder() {
        let first = problems(
            """
            EX_RUNDOWN_REF R
            A: ExAcquireRundownProtection R
            A: ExAcquireRundownProtection R
            A: ExAcquireRundownProtection R
            ExReleaseRundownProtectionEx R 2
            ExReleaseRundownProtection R
            ExAcquireRundownProtection R
            ExReInitializeRundownProtection R
            ExWaitForRundownProtectionRelease R
            """)
        #expect(first == [])
        let second = transcript(
            """
            EX_RUNDOWN_REF R
            A: ExAcquireRundownProtection R
            A: ExAcquireRundownProtection R
            ExReleaseRundownProtection R
            ExReleaseRundownProtection R
            B: ExAcquireRundownProtection R
            B: ExAcquireRundownProtection R
            W: ExWaitForRundownProtectionRelease R
            """)
        #expect(
            second.lines.contains("    2 references outstanding on R: 2 by B (ExAcquireRundownProtection R)"))
        let third = transcript(
            """
            .processors 4
            C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'Dpcs'
            .cpu Dpc1 1
            .cpu Dpc3 3
            Dpc0: ExAcquireRundownProtectionCacheAware C
            Dpc1: ExAcquireRundownProtectionCacheAwareEx C 4
            Dpc3: ExReleaseRundownProtectionCacheAwareEx C 2
            W: ExWaitForRundownProtectionReleaseCacheAware C
            """)
        #expect(
            third.lines.contains(
                "    3 references outstanding on C: 1 by Dpc0 (ExAcquireRundownProtectionCacheAware C), 4 by Dpc1 (ExAcquireRundownProtectionCacheAwareEx C 4), less 2 released by Dpc3"
            ), "\(third.lines)")
    }
}
