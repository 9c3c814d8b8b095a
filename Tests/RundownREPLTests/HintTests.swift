import Testing

@testable import RundownREPL

@Suite(.timeLimit(.minutes(1))) struct HintTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var line: String
        var hint: String
        var testDescription: String { "'\(line)'" }
    }

    static let rows: [Row] = [
        Row(line: "ExAcquireRundownProtectionEx", hint: ""),
        Row(line: "ExAcquireRundownProtectionEx ", hint: "<RunRef> <Count>  -> BOOLEAN"),
        Row(line: "ExAcquireRundownProtectionEx R", hint: "<Count>  -> BOOLEAN"),
        Row(line: "ExAcquireRundownProtectionEx R ", hint: "<Count>  -> BOOLEAN"),
        Row(line: "ExAcquireRundownProtectionEx R 2", hint: "-> BOOLEAN"),
        Row(line: "ExAcquireRundownProtectionEx R 2 ", hint: "-> BOOLEAN"),
        Row(line: "ExAcquireRundownProtectionEx R 2 9", hint: ""),
        Row(line: "W: ExAcquireRundownProtectionEx ", hint: "<RunRef> <Count>  -> BOOLEAN"),
        Row(line: "ExInitializeRundownProtection ", hint: "<RunRef>  -> VOID"),
        Row(
            line: "C = ExAllocateCacheAwareRundownProtection ",
            hint: "<PoolType> <PoolTag>  -> PEX_RUNDOWN_REF_CACHE_AWARE"),
        Row(line: "n = ExSizeOfRundownProtectionCacheAware ", hint: "-> SIZE_T"),
        Row(line: ".cpu ", hint: "<thread> <processor>"),
        Row(line: ".cpu W ", hint: "<processor>"),
        Row(line: ".help ", hint: "[topic]"),
        Row(line: ".handles ", hint: ""),
        Row(line: "EX_RUNDOWN_REF ", hint: "<Name> [= EX_RUNDOWN_ACTIVE]"),
        Row(line: "EX_RUNDOWN_REF G ", hint: "[= EX_RUNDOWN_ACTIVE]"),
        Row(line: "W:ExAcquireRundownProtectionEx R ", hint: "<Count>  -> BOOLEAN"),
        Row(line: "n=ExSizeOfRundownProtectionCacheAware ", hint: "-> SIZE_T"),
        Row(
            line: "C = ExAllocateCacheAwareRundownProtection PagedPool 'a b' ",
            hint: "-> PEX_RUNDOWN_REF_CACHE_AWARE"),
        Row(line: "Nope ", hint: ""),
        Row(line: "", hint: ""),
        Row(line: "# ExAcquireRundownProtectionEx ", hint: ""),
    ]

    @Test(arguments: rows)
    func hints(_ row: Row) {
        #expect(Hint.hint(line: row.line, vocabulary: fixture) == row.hint)
    }
}

@Suite(.timeLimit(.minutes(1))) struct HistoryLocationTests {
    @Test func explicitPathWins() {
        #expect(HistoryLocation.path(environment: ["RDSH_HISTORY": "/tmp/h", "HOME": "/home/u"]) == "/tmp/h")
    }

    @Test func emptyOrDevNullTurnsHistoryOff() {
        #expect(HistoryLocation.path(environment: ["RDSH_HISTORY": "", "HOME": "/home/u"]) == nil)
        #expect(HistoryLocation.path(environment: ["RDSH_HISTORY": "/dev/null", "HOME": "/home/u"]) == nil)
    }

    @Test func xdgStateHomeThenHome() {
        #expect(
            HistoryLocation.path(environment: ["XDG_STATE_HOME": "/s", "HOME": "/home/u"])
                == "/s/rdsh/history")
        #expect(
            HistoryLocation.path(environment: ["XDG_STATE_HOME": "relative", "HOME": "/home/u/"])
                == "/home/u/.local/state/rdsh/history")
        #expect(HistoryLocation.path(environment: [:]) == nil)
    }

    @Test func blankLedLinesStayOut() {
        #expect(HistoryLocation.shouldRecord("ExAcquireRundownProtection R"))
        #expect(!HistoryLocation.shouldRecord(" ExAcquireRundownProtection R"))
        #expect(!HistoryLocation.shouldRecord("\t.help"))
        #expect(!HistoryLocation.shouldRecord(""))
    }
}
