import RundownScript
import Testing

/// Random and hostile input: the parser must answer every line with a statement or a
/// diagnostic whose caret lies on the line, never crash.
@Suite struct RobustnessTests {
    /// SplitMix64: deterministic, so a failure reproduces.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let pieces = [
        "ExAcquireRundownProtection", "ExAcquireRundownProtectionEx", "ExAllocateCacheAwareRundownProtection",
        "ExInitializeRundownProtectionCacheAware", "ExSizeOfRundownProtectionCacheAware", "R", "C", "n", "T:",
        "W", ":",
        "=", "'RdTg'", "'", "\"", "\"x y\"", "#", "#>", "0x", "0xFFFFFFFF", "4294967296", "-1", "3",
        "NonPagedPoolNx",
        "PagedPool", ".cpu", ".show", ".irql", ".fault", "alloc", "DISPATCH_LEVEL", "on", "EX_RUNDOWN_REF",
        "EX_RUNDOWN_ACTIVE", "é", "😀", "\t", " ", "  ", "\r", "\u{7}", "(", "&",
    ]

    func checkAnswer(_ line: String) {
        let scalars = line.unicodeScalars.count
        switch Parser.parse(line: line, location: here) {
        case .success:
            break
        case .failure(let d):
            let column = d.location?.column ?? 0
            #expect(
                column >= 1 && column <= scalars + 1, "\(d.headline) at \(column) in \(line.debugDescription)"
            )
            #expect(
                d.length >= 1 && column + d.length <= scalars + 2,
                "\(d.headline) length \(d.length) in \(line.debugDescription)")
            #expect(!d.message.isEmpty)
            let rendered = DiagnosticRenderer.terminal(d, sourceLine: line)
            #expect(rendered.count >= 3)
        }
    }

    @Test func randomTokenSoup() {
        var random = Random(state: 0x5EED)
        for _ in 0..<20_000 {
            var line = ""
            for _ in 0..<random.below(8) {
                line += Self.pieces[random.below(Self.pieces.count)]
                if random.below(3) > 0 { line += " " }
            }
            checkAnswer(line)
        }
    }

    @Test func randomBytesThroughSourceText() {
        var random = Random(state: 42)
        for _ in 0..<2_000 {
            var bytes: [UInt8] = []
            for _ in 0..<random.below(200) {
                // Mostly printable ASCII, with newlines, CRs, high bytes and (rarely) NUL.
                let pick = random.below(100)
                bytes.append(
                    pick < 70
                        ? UInt8(0x20 + random.below(95))
                        : pick < 80
                            ? 0x0A : pick < 85 ? 0x0D : pick < 99 ? UInt8(0x80 + random.below(128)) : 0)
            }
            let (lines, diagnostics) = SourceText.lines(of: bytes, file: "r")
            if bytes.contains(0) {
                #expect(lines.isEmpty && diagnostics.count == 1)
                continue
            }
            #expect(
                lines.count == bytes.split(separator: 0x0A, omittingEmptySubsequences: false).count
                    - (bytes.last == 0x0A || bytes.isEmpty ? 1 : 0))
            for line in lines where line.diagnostic == nil {
                checkAnswer(line.text)
            }
        }
    }

    @Test func hugeAndDegenerateLines() {
        checkAnswer(String(repeating: "R ", count: 3000))
        checkAnswer("ExAcquireRundownProtection " + String(repeating: "9", count: 500))
        checkAnswer(String(repeating: "'", count: 101))
        checkAnswer(String(repeating: ":", count: 50))
        checkAnswer(String(repeating: "=", count: 50))
        checkAnswer("\u{FEFF}ExAcquireRundownProtection R")
        checkAnswer(".")
        checkAnswer("-")
        checkAnswer("\"\"")
    }
}
