/// Every directive of the shell. Completion, hints, `.help` and grammar.md read this table.
public enum DirectiveCatalogue {
    /// Largest virtual processor number `.cpu` accepts.
    public static let maximumProcessor = 1023
    /// Largest processor count `.processors` accepts.
    public static let maximumProcessorCount = 1024
    /// Largest `.fault alloc N`.
    public static let maximumFaultCount = 1_000_000

    public static let all: [DirectiveSpec] = [
        DirectiveSpec(
            name: ".help", parameters: [DirectiveParameter("NAME", .topic, optional: true)],
            summary: "List routines and directives, or explain one routine, directive or code",
            details: """
                Without an argument, lists the routines by family and the directives, one line \
                each. `.help NAME` shows a routine's C signature, parameters, IRQL limit, \
                contract, what real Windows does on misuse, see-also and an example; a \
                directive's usage; or a diagnostic code's explanation (`.help SYNTAX`).
                """),
        DirectiveSpec(
            name: ".show", parameters: [DirectiveParameter("NAME", .handle)],
            summary: "Print one line describing a handle: state, holders, slots",
            details: """
                Prints `NAME: state=<state> holders=<n>` followed by details: for a cache-aware \
                object its slot values (`slots=[...]`), for a bound number its value. States: \
                live, waiting, stale, completed, sweeping, freed.
                """),
        DirectiveSpec(
            name: ".handles", parameters: [],
            summary: "List every handle with its .show line",
            details: "One `.show` line per handle, in the order the handles were created."),
        DirectiveSpec(
            name: ".threads", parameters: [],
            summary: "List the threads: processor, IRQL, and what each is doing",
            details: """
                One line per thread in creation order: its name, virtual processor, IRQL, and \
                whether it is idle or blocked (and in which call).
                """),
        DirectiveSpec(
            name: ".read", parameters: [DirectiveParameter("FILE", .file)],
            summary: "Run the commands of another script here",
            details: """
                Runs FILE's lines in the current session as if they were written in place. The \
                path is relative to the directory of the file that contains the `.read` (the \
                working directory in the REPL). Cycles, nesting deeper than 16 files and more \
                than 100000 lines run from `.read` files in one script are READ_FAILED.
                """),
        DirectiveSpec(
            name: ".echo", parameters: [DirectiveParameter("on|off", .onOff)],
            summary: "Echo each command before its output",
            details:
                "With echo on, every command is written to the transcript before its output, so the output reads as a script."
        ),
        DirectiveSpec(
            name: ".bail", parameters: [DirectiveParameter("on|off", .onOff)],
            summary: "Stop at the first error",
            details: "With bail on, the script stops at the first error; end-of-script reports still run."),
        DirectiveSpec(
            name: ".exit", parameters: [],
            summary: "Stop reading commands",
            details:
                "Ends the script or the REPL session; end-of-script reports (DEADLOCK, POOL_LEAK) still run."),
        DirectiveSpec(
            name: ".quit", parameters: [],
            summary: "Stop reading commands (the same as .exit)",
            details:
                "The same as `.exit`: ends the script or the REPL session; end-of-script reports (DEADLOCK, POOL_LEAK) still run."
        ),
        DirectiveSpec(
            name: ".cpu",
            parameters: [DirectiveParameter("T", .thread), DirectiveParameter("N", .processor)],
            summary: "Put thread T on virtual processor N",
            details: """
                Cache-aware acquire and release use the slot of the calling thread's processor: \
                slot = N mod slot count. Threads start on processor 0.
                """),
        DirectiveSpec(
            name: ".processors", parameters: [DirectiveParameter("N", .processorCount)],
            summary: "Set the processor count (default 4)",
            details: """
                The processor count objects created from now on see: it decides \
                ExSizeOfRundownProtectionCacheAware (24 + (N <= 1 ? 8 : (N + 1) * 64)) and the \
                slot count of new cache-aware objects. Existing objects keep their slots.
                """),
        DirectiveSpec(
            name: ".irql",
            parameters: [DirectiveParameter("T", .thread), DirectiveParameter("LEVEL", .irql)],
            summary: "Set thread T's IRQL (PASSIVE_LEVEL, APC_LEVEL, DISPATCH_LEVEL)",
            details:
                "Every call is checked against its routine's documented IRQL limit (IRQL_TOO_HIGH). Threads start at PASSIVE_LEVEL."
        ),
        DirectiveSpec(
            name: ".reset", parameters: [],
            summary: "Start over: forget every handle and thread",
            details:
                "First prints the end-of-session reports, as Ctrl-D or the end of a script would (DEADLOCK for every thread still blocked, POOL_LEAK for every allocation never freed); then ends every thread and forgets every handle, binding and setting, as if the session had just started."
        ),
        DirectiveSpec(
            name: ".record",
            parameters: [
                DirectiveParameter("-f", .flag("-f"), optional: true),
                DirectiveParameter("FILE|off", .fileOrOff),
            ],
            summary: "Record the session to FILE as a test script (REPL)",
            details: """
                Writes the session so far, then each command and its output as it runs, to FILE                 in test-script form (`#>` and `#!` lines), so the recording passes `rdsh test`.                 An existing FILE is refused (RECORD_FAILED) unless `-f` is given, which                 overwrites it. `.record off` stops.
                """,
            interactiveOnly: true),
        DirectiveSpec(
            name: ".fault",
            parameters: [
                DirectiveParameter("alloc", .keyword(["alloc"])),
                DirectiveParameter("N", .count, optional: true),
            ],
            summary: "Make the next N pool allocations fail (default 1)",
            details: """
                The next N pool allocations fail, so ExAllocateCacheAwareRundownProtection \
                prints NULL; each cache-aware object takes two allocations (header and slots), \
                and either failing gives NULL. `.fault alloc 0` cancels pending failures.
                """),
        DirectiveSpec(
            name: ".par",
            parameters: [
                DirectiveParameter(
                    "budget=N seed=S schedule=\"A.1 W.1 ...\" granularity=call|atomic preemptions=K", .topic,
                    optional: true)
            ],
            summary: "Open a block of threads whose lines run in every order (closed by .end)",
            details: """
                Lines up to `.end` are collected, not run: each names its thread (`A: ok = \
                ExAcquireRundownProtection R`), may be guarded (`A: if ok ExReleaseRundownProtection \
                R`), and `.cpu T N` joins thread T's sequence. At `.end` rdsh runs the threads' \
                steps in every order the routines allow, on the real threads, from the state at \
                `.par`, and prints a header (schedules, outcomes, exhaustive or not) and one line \
                per distinct outcome: how many schedules reach it, the bindings, the handles' \
                states, the threads left blocked, the diagnostics with their lines, and a witness \
                schedule such as `A.1 W.1 A.2`. A step is one whole call, except a wait that \
                blocks (its begin and its return are two steps) and the cache-aware wait, \
                completed and reinitialize (one slot per step). `budget=N` bounds the schedules \
                (default 100000; past it, seeded random sampling, `seed=S`). \
                `schedule="A.1 W.1 ..."` runs that one schedule with the full transcript. \
                `granularity=atomic` makes every atomic operation of rdsh's own library a step \
                (each load, compare-and-swap, exchange, add and store, each futex wait and wake), \
                to check the implementation itself; it explores schedules with at most \
                `preemptions=K` preemptions (default 2: switches away from a thread stopped inside \
                a call that could go on; switches between calls are free). After \
                `.end` the session continues in the state of the canonical schedule (at each \
                step, the first enabled line in written order).
                """),
        DirectiveSpec(
            name: ".end", parameters: [],
            summary: "Close a .par block and explore it",
            details: "Closes the `.par` block opened before it and prints its outcome table (see `.par`)."),
    ]

    private static let byName: [String: DirectiveSpec] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The directive named exactly `name` (with its dot), or nil.
    public static func named(_ name: String) -> DirectiveSpec? { byName[name] }

    /// Every directive name, with dots.
    public static var names: [String] { all.map(\.name) }

    /// Nearest directive names for a misspelling (with or without the dot).
    public static func suggestions(for name: String) -> [String] {
        let dotted = name.hasPrefix(".") ? name : "." + name
        if name != dotted, byName[dotted] != nil { return [dotted] }
        return NameSuggester.suggestions(for: dotted, among: names)
    }
}
