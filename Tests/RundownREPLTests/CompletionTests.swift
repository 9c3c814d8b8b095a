import Testing

@testable import RundownREPL

/// A small vocabulary shaped like the real catalogue, so these tables test the completion
/// logic itself; `StandardVocabularyTests` checks the real catalogue through the same functions.
let fixture = Vocabulary(
    routines: [
        .init(name: "ExInitializeRundownProtection", parameters: [.init("RunRef", .handle)], returns: "VOID"),
        .init(name: "ExAcquireRundownProtection", parameters: [.init("RunRef", .handle)], returns: "BOOLEAN"),
        .init(
            name: "ExAcquireRundownProtectionEx",
            parameters: [.init("RunRef", .handle), .init("Count", .count)], returns: "BOOLEAN"),
        .init(
            name: "ExAllocateCacheAwareRundownProtection",
            parameters: [.init("PoolType", .poolType), .init("PoolTag", .poolTag)],
            returns: "PEX_RUNDOWN_REF_CACHE_AWARE"),
        .init(name: "ExSizeOfRundownProtectionCacheAware", parameters: [], returns: "SIZE_T"),
    ],
    directives: [
        .init(name: ".help", parameters: [.init("topic", .helpTopic, optional: true)], returns: nil),
        .init(name: ".handles", parameters: [], returns: nil),
        .init(
            name: ".cpu", parameters: [.init("thread", .thread), .init("processor", .processor)], returns: nil
        ),
        .init(name: ".irql", parameters: [.init("thread", .thread), .init("level", .irql)], returns: nil),
        .init(name: ".read", parameters: [.init("file", .file)], returns: nil),
        .init(name: ".record", parameters: [.init("file", .fileOrOff)], returns: nil),
        .init(name: ".echo", parameters: [.init("on|off", .onOff)], returns: nil),
    ],
    diagnosticCodes: ["RELEASE_WITHOUT_ACQUIRE", "REINIT_WITHOUT_RUNDOWN", "SYNTAX"])

let files: @Sendable (String) -> [(name: String, isDirectory: Bool)]? = { directory in
    switch directory {
    case "": [("tour.rdsh", false), ("tests", true), ("scripts", true), (".hidden", false)]
    case "scripts/": [("acquire.rdsh", false), ("acquire-ex.rdsh", false), ("wait.rdsh", false)]
    default: nil
    }
}

let context = CompletionContext(
    vocabulary: fixture, handles: ["R", "Cache", "Count1"], threads: ["main", "W", "worker"],
    listDirectory: files)

/// Completes `line` with the cursor at its end (or at `|` when the line contains one).
func complete(_ line: String) -> Completion.Result {
    if let bar = line.firstIndex(of: "|") {
        var text = line
        text.remove(at: bar)
        return Completion.complete(
            line: text, cursor: line.distance(from: line.startIndex, to: bar), context: context)
    }
    return Completion.complete(line: line, cursor: line.count, context: context)
}

@Suite(.timeLimit(.minutes(1))) struct CompletionTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var line: String
        var insert: String
        var candidates: [String]
        var erase = 0
        var testDescription: String { "'\(line)'" }
    }

    static let rows: [Row] = [
        // Line start: routines, directives, the declaration keyword, thread prefixes.
        Row(
            line: "ExAcq", insert: "uireRundownProtection",
            candidates: ["ExAcquireRundownProtection", "ExAcquireRundownProtectionEx"]),
        Row(line: "ExAcquireRundownProtectionE", insert: "x ", candidates: ["ExAcquireRundownProtectionEx"]),
        Row(
            line: "ExIn", insert: "itializeRundownProtection ", candidates: ["ExInitializeRundownProtection"]),
        Row(
            line: "exin", insert: "ExInitializeRundownProtection ",
            candidates: ["ExInitializeRundownProtection"], erase: 4),
        Row(line: ".h", insert: "", candidates: [".handles", ".help"]),
        Row(line: ".he", insert: "lp ", candidates: [".help"]),
        Row(line: "EX_", insert: "RUNDOWN_REF ", candidates: ["EX_RUNDOWN_REF"]),
        Row(line: "wo", insert: "rker: ", candidates: ["worker:"]),
        Row(line: "Zq", insert: "", candidates: []),
        Row(
            line: "   ExSiz", insert: "eOfRundownProtectionCacheAware ",
            candidates: ["ExSizeOfRundownProtectionCacheAware"]),
        // After a thread prefix: routines only.
        Row(
            line: "W: ExAcquireRundownProtection", insert: "",
            candidates: ["ExAcquireRundownProtection", "ExAcquireRundownProtectionEx"]),
        Row(line: "W: .h", insert: "", candidates: []),
        Row(line: "W: wor", insert: "", candidates: []),
        // After a binding: routines that return something.
        Row(
            line: "C = ExAl", insert: "locateCacheAwareRundownProtection ",
            candidates: ["ExAllocateCacheAwareRundownProtection"]),
        Row(line: "n = ExIn", insert: "", candidates: []),
        Row(
            line: "W: n = ExSi", insert: "zeOfRundownProtectionCacheAware ",
            candidates: ["ExSizeOfRundownProtectionCacheAware"]),
        // Handle positions: live handles.
        Row(line: "ExAcquireRundownProtection ", insert: "", candidates: ["Cache", "Count1", "R"]),
        Row(line: "ExAcquireRundownProtection C", insert: "", candidates: ["Cache", "Count1"]),
        Row(line: "ExAcquireRundownProtection Ca", insert: "che ", candidates: ["Cache"]),
        Row(line: "W: ExAcquireRundownProtectionEx r", insert: "R ", candidates: ["R"], erase: 1),
        // Count positions complete nothing.
        Row(line: "ExAcquireRundownProtectionEx R ", insert: "", candidates: []),
        Row(line: "ExAcquireRundownProtectionEx R 2 ", insert: "", candidates: []),
        // Pool types.
        Row(
            line: "C = ExAllocateCacheAwareRundownProtection NonPagedPool", insert: "",
            candidates: ["NonPagedPool", "NonPagedPoolNx"]),
        Row(
            line: "C = ExAllocateCacheAwareRundownProtection P", insert: "agedPool ",
            candidates: ["PagedPool"]),
        Row(line: "C = ExAllocateCacheAwareRundownProtection PagedPool 'Rd", insert: "", candidates: []),
        // Thread positions and IRQL names.
        Row(line: ".cpu w", insert: "", candidates: ["W", "worker"]),
        Row(line: ".cpu wo", insert: "rker ", candidates: ["worker"]),
        Row(line: ".irql W ", insert: "", candidates: ["APC_LEVEL", "DISPATCH_LEVEL", "PASSIVE_LEVEL"]),
        Row(line: ".irql W D", insert: "ISPATCH_LEVEL ", candidates: ["DISPATCH_LEVEL"]),
        Row(line: ".cpu W ", insert: "", candidates: []),
        // .help topics: routines, directives, codes.
        Row(line: ".help RE", insert: "", candidates: ["REINIT_WITHOUT_RUNDOWN", "RELEASE_WITHOUT_ACQUIRE"]),
        Row(line: ".help .rec", insert: "ord ", candidates: [".record"]),
        Row(
            line: ".help ExSize", insert: "OfRundownProtectionCacheAware ",
            candidates: ["ExSizeOfRundownProtectionCacheAware"]),
        Row(line: ".help syn", insert: "SYNTAX ", candidates: ["SYNTAX"], erase: 3),
        // Files after .read (case-sensitive, hidden files only on request, directories end in /).
        Row(line: ".read t", insert: "", candidates: ["tests/", "tour.rdsh"]),
        Row(line: ".read to", insert: "ur.rdsh ", candidates: ["tour.rdsh"]),
        Row(line: ".read sc", insert: "ripts/", candidates: ["scripts/"]),
        Row(
            line: ".read scripts/acq", insert: "uire",
            candidates: ["scripts/acquire-ex.rdsh", "scripts/acquire.rdsh"]),
        Row(line: ".read scripts/w", insert: "ait.rdsh ", candidates: ["scripts/wait.rdsh"]),
        Row(line: ".read .h", insert: "idden ", candidates: [".hidden"]),
        Row(line: ".read nowhere/x", insert: "", candidates: []),
        Row(line: ".record o", insert: "ff ", candidates: ["off"]),
        Row(line: ".echo o", insert: "", candidates: ["off", "on"]),
        // Declarations.
        Row(line: "EX_RUNDOWN_REF G ", insert: "= ", candidates: ["="]),
        Row(line: "EX_RUNDOWN_REF G = EX", insert: "_RUNDOWN_ACTIVE ", candidates: ["EX_RUNDOWN_ACTIVE"]),
        // No blanks around `:` and `=`: the parser accepts those forms too.
        Row(
            line: "W:ExSi", insert: "zeOfRundownProtectionCacheAware ",
            candidates: ["ExSizeOfRundownProtectionCacheAware"]),
        Row(
            line: "n=ExSi", insert: "zeOfRundownProtectionCacheAware ",
            candidates: ["ExSizeOfRundownProtectionCacheAware"]),
        Row(
            line: "W:n=ExSi", insert: "zeOfRundownProtectionCacheAware ",
            candidates: ["ExSizeOfRundownProtectionCacheAware"]),
        Row(line: "W:ExAcquireRundownProtection Ca", insert: "che ", candidates: ["Cache"]),
        Row(line: "EX_RUNDOWN_REF G=EX_", insert: "RUNDOWN_ACTIVE ", candidates: ["EX_RUNDOWN_ACTIVE"]),
        Row(line: "C = ExAllocateCacheAwareRundownProtection PagedPool 'a b", insert: "", candidates: []),
        // Comments, quotes and extra arguments complete nothing.
        Row(line: "ExAcquireRundownProtection R # Ex", insert: "", candidates: []),
        Row(line: "# ExAc", insert: "", candidates: []),
        Row(line: "ExAcquireRundownProtection R ", insert: "", candidates: []),
        Row(line: ".handles ", insert: "", candidates: []),
        Row(line: "NoSuchRoutine ", insert: "", candidates: []),
        // The cursor in the middle of a line: only the text before it counts.
        Row(
            line: "ExAc| R", insert: "quireRundownProtection",
            candidates: ["ExAcquireRundownProtection", "ExAcquireRundownProtectionEx"]),
    ]

    @Test(arguments: rows)
    func completes(_ row: Row) {
        let result = complete(row.line)
        #expect(result.candidates == row.candidates)
        #expect(result.insert == row.insert)
        #expect(result.erase == row.erase)
    }

    @Test func emptyLineOffersEverythingThatStartsALine() {
        let result = complete("")
        #expect(result.insert == "")
        #expect(result.candidates.contains(".help"))
        #expect(result.candidates.contains("ExAcquireRundownProtection"))
        #expect(result.candidates.contains("EX_RUNDOWN_REF"))
        #expect(result.candidates.contains("main:"))
        #expect(result.candidates.count == fixture.routines.count + fixture.directives.count + 1 + 3)
    }

    @Test func cursorBeyondTheLineIsClamped() {
        let result = Completion.complete(line: "ExSiz", cursor: 99, context: context)
        #expect(result.candidates == ["ExSizeOfRundownProtectionCacheAware"])
        #expect(Completion.complete(line: "ExSiz", cursor: -3, context: context).candidates.count > 5)
    }
}

@Suite(.timeLimit(.minutes(1))) struct CandidateListTests {
    @Test func fillsColumnsDownThenAcross() {
        let lines = CandidateList.format(["a", "bb", "ccc", "d", "e"], width: 12)
        #expect(lines == ["a    d", "bb   e", "ccc"])
    }

    @Test func oneColumnWhenTooNarrow() {
        #expect(CandidateList.format(["alpha", "beta"], width: 3) == ["alpha", "beta"])
        #expect(CandidateList.format([], width: 80) == [])
    }
}

@Suite struct GuardCompletionTests {
    @Test func aGuardIsSkippedLikeAThreadPrefix() {
        #expect(LinePosition("A: if ok ExAcq"[...]).slot == .command(lineStart: false, afterBinding: false))
        #expect(
            LinePosition("if !ok ExAcquireRundownProtection "[...]).slot
                == .argument(command: "ExAcquireRundownProtection", index: 0))
        #expect(
            Hint.hint(line: "A: if ok ExAcquireRundownProtectionEx R ", vocabulary: fixture)
                == "<Count>  -> BOOLEAN")
    }
}
