import RundownScript
import Testing

@Suite struct ParserFormTests {
    @Test func plainCallRunsOnMain() throws {
        let c = try call("ExAcquireRundownProtectionEx R 3")
        #expect(c.routine.name == "ExAcquireRundownProtectionEx")
        #expect(c.thread == nil)
        #expect(c.threadName == "main")
        #expect(c.binding == nil)
        #expect(c.arguments == [.name("R", column: 30), .integer(3, column: 32)])
        #expect(c.location == here.at(column: 1))
        #expect(c.text == "ExAcquireRundownProtectionEx R 3")
        #expect(c.handle == "R")
    }

    @Test func threadPrefix() throws {
        let c = try call("W: ExWaitForRundownProtectionRelease R")
        #expect(c.thread == "W")
        #expect(c.threadColumn == 1)
        #expect(c.location.column == 4)
        #expect(c.text == "ExWaitForRundownProtectionRelease R")
    }

    @Test func bindings() throws {
        let n = try call("n = ExSizeOfRundownProtectionCacheAware")
        #expect(n.binding == "n")
        #expect(n.arguments.isEmpty)
        let c = try call("T: C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'")
        #expect(c.thread == "T")
        #expect(c.binding == "C")
        #expect(c.bindingColumn == 4)
        #expect(c.arguments[0] == .name("NonPagedPoolNx", column: 46))
        #expect(c.arguments[1] == .tag(0x6754_6452, text: "'RdTg'", column: 61))
        #expect(c.text == "ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'")
        let b = try call("ok = ExAcquireRundownProtection R")
        #expect(b.binding == "ok")
    }

    @Test func boundNamesAsArguments() throws {
        let c = try call("ExInitializeRundownProtectionCacheAware C n")
        #expect(c.arguments == [.name("C", column: 41), .name("n", column: 43)])
        let e = try call("ExAcquireRundownProtectionEx R k")
        #expect(e.arguments[1] == .name("k", column: 32))
    }

    @Test func integerTagsAndHex() throws {
        let c = try call("C = ExAllocateCacheAwareRundownProtection PagedPool 0x67546452")
        #expect(c.arguments[1].tag == 0x6754_6452)
        let e = try call("ExAcquireRundownProtectionEx R 0xFFFFFFFF")
        #expect(e.arguments[1].integer == 0xFFFF_FFFF)
        #expect(e.argumentLengths == [1, 10])
        #expect(e.span(ofArgument: 1).location.column == 32)
    }

    @Test func declarations() throws {
        #expect(
            try parsed("EX_RUNDOWN_REF R")
                == .declare(name: "R", runDown: false, location: here.at(column: 16)))
        #expect(
            try parsed("EX_RUNDOWN_REF G = EX_RUNDOWN_ACTIVE")
                == .declare(name: "G", runDown: true, location: here.at(column: 16)))
        #expect(
            try parsed("EX_RUNDOWN_REF G=EX_RUNDOWN_ACTIVE # started run down")
                == .declare(name: "G", runDown: true, location: here.at(column: 16)))
    }

    @Test func directives() throws {
        guard case .directive(let d) = try parsed(".cpu T 3") else {
            Issue.record("not a directive")
            return
        }
        #expect(d.name == ".cpu")
        #expect(d.arguments.map(\.text) == ["T", "3"])
        #expect(d.arguments[1].integer == 3)
        #expect(d.arguments[1].column == 8)
        #expect(d.text == ".cpu T 3")
        guard case .directive(let irql) = try parsed(".irql W DISPATCH_LEVEL") else { return }
        #expect(irql.arguments[1].irql == .DISPATCH_LEVEL)
        guard case .directive(let echo) = try parsed(".echo OFF") else { return }
        #expect(echo.arguments[0].isOn == false)
        guard case .directive(let fault) = try parsed(".fault alloc") else { return }
        #expect(fault.arguments.map(\.text) == ["alloc"])
        guard case .directive(let read) = try parsed(".read \"dir/my file.rdsh\"") else { return }
        #expect(read.arguments[0].text == "dir/my file.rdsh")
        for line in [
            ".help", ".help ExAcquireRundownProtection", ".help SYNTAX", ".show R", ".handles", ".threads",
            ".read lib/common.rdsh", ".echo on", ".bail off", ".exit", ".processors 8", ".irql T 0", ".reset",
            ".record out.rdsh", ".record off", ".fault alloc 2",
        ] {
            guard case .directive = try parsed(line) else {
                Issue.record("not a directive: \(line)")
                continue
            }
        }
    }

    @Test func emptyAndCommentLines() throws {
        for line in [
            "", "   ", "\t", "# prose", "#> TRUE", "#! error[SYNTAX]: x", "#% xfail: later", "  # indented",
            "#",
        ] {
            #expect(try parsed(line) == .empty)
        }
    }

    @Test func everyRoutineParsesWithItsOwnUsage() throws {
        for routine in RoutineCatalogue.all {
            let arguments = routine.parameters.map { parameter -> String in
                switch parameter.type {
                case .runRef, .cacheAwareRef: "H"
                case .count: "1"
                case .size: "344"
                case .poolType: "NonPagedPool"
                case .poolTag: "'Tag1'"
                }
            }
            let line = ([routine.mustBind ? "X = " + routine.name : routine.name] + arguments).joined(
                separator: " ")
            let c = try call(line)
            #expect(c.routine == routine)
            #expect(c.arguments.count == routine.parameters.count)
        }
    }
}

@Suite struct ParserErrorTests {
    /// Checks code, column and caret width of a rejected line.
    func expect(
        _ line: String, _ code: DiagnosticCode, at needle: String, length: Int? = nil, note: String? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        guard let d = rejected(line, sourceLocation: sourceLocation) else { return }
        #expect(d.code == code, "\(d.headline)", sourceLocation: sourceLocation)
        #expect(d.location?.file == "t.rdsh", sourceLocation: sourceLocation)
        #expect(d.location?.line == 7, sourceLocation: sourceLocation)
        #expect(
            d.location?.column == column(of: needle, in: line), "\(d.headline)",
            sourceLocation: sourceLocation)
        #expect(
            d.length == (length ?? needle.unicodeScalars.count), "\(d.headline)",
            sourceLocation: sourceLocation)
        if let note {
            #expect(d.notes.contains { $0.contains(note) }, "\(d.notes)", sourceLocation: sourceLocation)
        }
    }

    /// Checks a diagnostic that points just past the end of the line (a missing argument).
    func expectAtEnd(
        _ line: String, _ code: DiagnosticCode, note: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        guard let d = rejected(line, sourceLocation: sourceLocation) else { return }
        let trimmed = String(line.reversed().drop(while: { $0 == " " }).reversed())
        #expect(d.code == code, "\(d.headline)", sourceLocation: sourceLocation)
        #expect(d.location?.column == trimmed.unicodeScalars.count + 1, sourceLocation: sourceLocation)
        #expect(d.length == 1, sourceLocation: sourceLocation)
        #expect(d.notes.contains { $0.contains(note) }, "\(d.notes)", sourceLocation: sourceLocation)
    }

    @Test func unknownRoutineSuggests() {
        expect(
            "ExAquireRundownProtection R", .unknownRoutine, at: "ExAquireRundownProtection",
            note: "did you mean 'ExAcquireRundownProtection'?")
        expect(
            "W: exacquirerundownprotection R", .unknownRoutine, at: "exacquirerundownprotection",
            note: "'ExAcquireRundownProtection'")
        expect("help", .unknownRoutine, at: "help", note: "directives start with a dot: .help")
    }

    @Test func cSyntaxIsExplained() {
        expect(
            "ExAcquireRundownProtection(&R);", .syntax, at: "ExAcquireRundownProtection(&R);",
            note: "without parentheses")
        expect("ExAcquireRundownProtection &R", .badArgument, at: "&R", note: "no '&'")
        expect("ExAcquireRundownProtection Ré", .badArgument, at: "Ré", note: "letters, digits and '_'")
        expect("ex_rundown_ref R", .unknownRoutine, at: "ex_rundown_ref", note: "EX_RUNDOWN_REF NAME")
    }

    @Test func unknownDirectiveSuggests() {
        expect(".shwo R", .unknownDirective, at: ".shwo", note: "did you mean '.show'?")
        expect(".hlep", .unknownDirective, at: ".hlep", note: ".help")
    }

    @Test func missingArguments() {
        expectAtEnd(
            "ExAcquireRundownProtectionEx R", .syntax,
            note: "usage: ExAcquireRundownProtectionEx RunRef Count")
        expectAtEnd(
            "ExAcquireRundownProtectionEx R   ", .syntax,
            note: "usage: ExAcquireRundownProtectionEx RunRef Count")
        expectAtEnd("ExAcquireRundownProtection", .syntax, note: "usage: ExAcquireRundownProtection RunRef")
        expectAtEnd(
            "C = ExAllocateCacheAwareRundownProtection", .syntax,
            note: "usage: NAME = ExAllocateCacheAwareRundownProtection PoolType PoolTag")
        expectAtEnd(".cpu T", .syntax, note: "usage: .cpu T N")
        expectAtEnd(".show", .syntax, note: "usage: .show NAME")
        expectAtEnd("W:", .syntax, note: "usage: THREAD: Routine")
        expectAtEnd("EX_RUNDOWN_REF", .syntax, note: "usage: EX_RUNDOWN_REF NAME")
        expectAtEnd("EX_RUNDOWN_REF G =", .syntax, note: "EX_RUNDOWN_ACTIVE")
        expectAtEnd("n =", .syntax, note: "NAME = Routine")
    }

    @Test func missingArgumentMessageNamesIt() {
        #expect(
            rejected("ExAcquireRundownProtectionEx R")?.message
                == "missing argument Count for ExAcquireRundownProtectionEx")
        #expect(
            rejected("ExInitializeRundownProtectionCacheAware")?.message
                == "missing arguments RunRefCacheAware RunRefSize for ExInitializeRundownProtectionCacheAware"
        )
    }

    @Test func extraArguments() {
        expect(
            "ExAcquireRundownProtection R 1", .syntax, at: "1",
            note: "usage: ExAcquireRundownProtection RunRef")
        expect("ExAcquireRundownProtection R S T", .syntax, at: "S T", note: "usage")
        expect("ExSizeOfRundownProtectionCacheAware 4", .syntax, at: "4", note: "usage")
        expect(".exit now", .syntax, at: "now", note: "usage: .exit")
        expect("EX_RUNDOWN_REF G = EX_RUNDOWN_ACTIVE x", .syntax, at: "x")
        #expect(
            rejected("ExSizeOfRundownProtectionCacheAware 4")?.message.contains("takes no arguments") == true)
    }

    @Test func bindingRules() {
        expect("x = ExReleaseRundownProtection R", .syntax, at: "ExReleaseRundownProtection", note: "usage")
        #expect(rejected("x = ExReleaseRundownProtection R")?.message.contains("returns VOID") == true)
        expect(
            "ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'", .syntax,
            at: "ExAllocateCacheAwareRundownProtection",
            note: "C = ExAllocateCacheAwareRundownProtection NonPagedPoolNx 'RdTg'")
        expect(
            "T: ExAllocateCacheAwareRundownProtection PagedPool 'RdTg'", .syntax,
            at: "ExAllocateCacheAwareRundownProtection")
        expect("n = 5", .syntax, at: "5")
        expect("3 = ExSizeOfRundownProtectionCacheAware", .badArgument, at: "3")
        expect("NULL = ExSizeOfRundownProtectionCacheAware", .badArgument, at: "NULL")
    }

    @Test func threadPrefixRules() {
        expect("W: .show R", .syntax, at: ".show")
        expect("W: EX_RUNDOWN_REF R", .syntax, at: "EX_RUNDOWN_REF")
        expect("W: V: ExAcquireRundownProtection R", .syntax, at: ": Ex", length: 1)
        expect("1W: ExAcquireRundownProtection R", .badArgument, at: "1W")
        expect(
            "ExAcquireRundownProtection: ExAcquireRundownProtection R", .badArgument,
            at: "ExAcquireRundownProtection")
        expect("'RdTg' R", .syntax, at: "'RdTg'")
        expect(": ExAcquireRundownProtection R", .syntax, at: ":")
    }

    @Test func declarationErrors() {
        expect("EX_RUNDOWN_REF 5", .badArgument, at: "5")
        expect(
            "EX_RUNDOWN_REF R = 0", .syntax, at: "0", note: "usage: EX_RUNDOWN_REF NAME [= EX_RUNDOWN_ACTIVE]"
        )
        expect("EX_RUNDOWN_REF R S", .syntax, at: "S")
        expect(
            "EX_RUNDOWN_REF_CACHE_AWARE C", .syntax, at: "EX_RUNDOWN_REF_CACHE_AWARE",
            note: "ExAllocateCacheAwareRundownProtection")
        expect("EX_RUNDOWN_REF ExAcquireRundownProtection", .badArgument, at: "ExAcquireRundownProtection")
    }

    @Test func handleArguments() {
        expect("ExAcquireRundownProtection 5", .badArgument, at: "5", note: "usage")
        expect("ExAcquireRundownProtection 'RdTg'", .badArgument, at: "'RdTg'")
        expect("ExAcquireRundownProtection \"R\"", .badArgument, at: "\"R\"")
        expect("ExAcquireRundownProtection R-1", .badArgument, at: "R-1")
        expect("ExAcquireRundownProtection R = x", .syntax, at: "=")
    }

    @Test func countsAreRangeChecked() {
        expect("ExAcquireRundownProtectionEx R 4294967296", .countOutOfRange, at: "4294967296", note: "ULONG")
        expect("ExAcquireRundownProtectionEx R 0x100000000", .countOutOfRange, at: "0x100000000")
        expect("ExReleaseRundownProtectionEx R -1", .countOutOfRange, at: "-1")
        expect(
            "ExAcquireRundownProtectionEx R 99999999999999999999999", .countOutOfRange,
            at: "99999999999999999999999")
        expect("ExAcquireRundownProtectionEx R 'abcd'", .badArgument, at: "'abcd'")
        expect("ExAcquireRundownProtectionEx R 3x", .badArgument, at: "3x")
        expect("ExAcquireRundownProtectionEx R 0x", .badArgument, at: "0x")
    }

    @Test func countsTheRuntimeJudges() throws {
        // ULONG values above 0x7FFFFFFF and 0 reach the contract checker, which knows the state.
        #expect(try call("ExAcquireRundownProtectionEx R 0x80000000").arguments[1].integer == 0x8000_0000)
        #expect(try call("ExReleaseRundownProtectionEx R 0").arguments[1].integer == 0)
        #expect(try call("ExReleaseRundownProtectionEx R -0").arguments[1].integer == 0)
    }

    @Test func sizes() {
        expect("ExInitializeRundownProtectionCacheAware C -8", .badArgument, at: "-8")
        expect(
            "ExInitializeRundownProtectionCacheAware C 99999999999999999999", .badArgument,
            at: "99999999999999999999")
        expect("ExInitializeRundownProtectionCacheAware C 'RdTg'", .badArgument, at: "'RdTg'")
    }

    @Test func poolTypesAndTags() {
        expect(
            "C = ExAllocateCacheAwareRundownProtection NonpagedPool 'RdTg'", .badArgument, at: "NonpagedPool",
            note: "did you mean 'NonPagedPool'?")
        expect(
            "C = ExAllocateCacheAwareRundownProtection 0 'RdTg'", .badArgument, at: "0", note: "pool types")
        expect(
            "C = ExAllocateCacheAwareRundownProtection PagedPool 'Rd'", .badArgument, at: "'Rd'",
            note: "'RdTg'")
        expect("C = ExAllocateCacheAwareRundownProtection PagedPool 'RdTgX'", .badArgument, at: "'RdTgX'")
        expect("C = ExAllocateCacheAwareRundownProtection PagedPool ''", .badArgument, at: "''")
        expect("C = ExAllocateCacheAwareRundownProtection PagedPool 'Rdé1'", .badArgument, at: "'Rdé1'")
        expect(
            "C = ExAllocateCacheAwareRundownProtection PagedPool 0x100000000", .badArgument, at: "0x100000000"
        )
        expect(
            "C = ExAllocateCacheAwareRundownProtection PagedPool RdTg", .badArgument, at: "RdTg",
            note: "usage")
        expect("C = ExAllocateCacheAwareRundownProtection PagedPool 'RdTg", .syntax, at: "'RdTg", length: 1)
    }

    @Test func directiveArguments() {
        expect(".echo maybe", .badArgument, at: "maybe", note: "usage: .echo on|off")
        expect(".bail 1", .badArgument, at: "1")
        expect(".cpu T -1", .badArgument, at: "-1")
        expect(".cpu T 1024", .badArgument, at: "1024")
        expect(".cpu T x", .badArgument, at: "x")
        expect(".cpu 5 1", .badArgument, at: "5")
        expect(".processors 0", .badArgument, at: "0")
        expect(".processors 1025", .badArgument, at: "1025")
        expect(".irql T DISPATCH", .badArgument, at: "DISPATCH", note: "did you mean 'DISPATCH_LEVEL'?")
        expect(".irql T 3", .badArgument, at: "3", note: "levels: PASSIVE_LEVEL, APC_LEVEL, DISPATCH_LEVEL")
        expect(".fault pool", .badArgument, at: "pool", note: "usage: .fault alloc [N]")
        expect(".fault alloc -2", .badArgument, at: "-2")
        expect(".show 'RdTg'", .badArgument, at: "'RdTg'")
        expect(".show \"R\"", .badArgument, at: "\"R\"")
        expect(".show R = 1", .syntax, at: "=")
    }
}

@Suite struct ParSyntaxTests {
    func parse(_ line: String) -> Parsed {
        Parser.parse(line: line, location: SourceLocation(file: "t.rdsh", line: 1))
    }

    @Test func guards() throws {
        guard case .success(.call(let call)) = parse("A: if ok ExReleaseRundownProtection R") else {
            Issue.record("not a call")
            return
        }
        #expect(call.thread == "A")
        #expect(call.guardName == "ok")
        #expect(call.guardNegated == false)
        #expect(call.guardColumn == 7)
        guard case .success(.call(let negated)) = parse("if !ok ExReleaseRundownProtection R") else {
            Issue.record("not a call")
            return
        }
        #expect(negated.guardName == "ok" && negated.guardNegated)
        #expect(negated.guardColumn == 5)
        guard case .failure(let bad) = parse("A: if 3 ExReleaseRundownProtection R") else {
            Issue.record("accepted a number as guard")
            return
        }
        #expect(bad.code == .badGuard)
    }

    @Test func parOptions() throws {
        guard case .success(.directive(let directive)) = parse(".par budget=50 seed=7 schedule=\"A.1 W.2\"")
        else {
            Issue.record("not a directive")
            return
        }
        let options = ParOptions(directive)
        #expect(options.budget == 50)
        #expect(options.seed == 7)
        #expect(
            options.schedule == [ScheduleStep(thread: "A", number: 1), ScheduleStep(thread: "W", number: 2)])
        for (line, code) in [
            (".par budget=0", DiagnosticCode.badBudget), (".par budget=-1", .badBudget),
            (".par budget=99999999999", .badBudget), (".par schedule=\"A.0\"", .badSchedule),
            (".par schedule=\"A1\"", .badSchedule), (".par colour=3", .syntax),
            (".par budget=1 budget=2", .syntax),
        ] {
            guard case .failure(let diagnostic) = parse(line) else {
                Issue.record("accepted \(line)")
                continue
            }
            #expect(diagnostic.code == code, "\(line)")
        }
    }
}
