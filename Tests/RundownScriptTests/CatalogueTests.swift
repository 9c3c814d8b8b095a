import RundownScript
import Testing

@Suite struct CatalogueTests {
    static let documented = [
        "ExInitializeRundownProtection", "ExReInitializeRundownProtection", "ExAcquireRundownProtection",
        "ExAcquireRundownProtectionEx", "ExReleaseRundownProtection", "ExReleaseRundownProtectionEx",
        "ExWaitForRundownProtectionRelease", "ExRundownCompleted", "ExSizeOfRundownProtectionCacheAware",
        "ExAllocateCacheAwareRundownProtection", "ExInitializeRundownProtectionCacheAware",
        "ExFreeCacheAwareRundownProtection", "ExAcquireRundownProtectionCacheAware",
        "ExAcquireRundownProtectionCacheAwareEx", "ExReleaseRundownProtectionCacheAware",
        "ExReleaseRundownProtectionCacheAwareEx", "ExWaitForRundownProtectionReleaseCacheAware",
        "ExRundownCompletedCacheAware", "ExReInitializeRundownProtectionCacheAware",
    ]

    @Test func exactlyTheNineteenDocumentedRoutines() {
        #expect(RoutineCatalogue.all.count == 19)
        #expect(Set(RoutineCatalogue.names) == Set(Self.documented))
        #expect(Set(RoutineCatalogue.names).count == 19)
        for name in Self.documented { #expect(RoutineCatalogue.named(name)?.name == name) }
        #expect(RoutineCatalogue.named("exacquirerundownprotection") == nil)
    }

    @Test(arguments: RoutineCatalogue.all)
    func rowIsComplete(_ routine: Routine) {
        #expect(
            routine.docURL
                == "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-\(routine.name.lowercased())"
        )
        #expect(routine.cSignature.contains(" \(routine.name)("))
        #expect(routine.cSignature.hasPrefix(routine.returns.cType + " "))
        for parameter in routine.parameters {
            #expect(
                routine.cSignature.contains("\(parameter.type.cType) \(parameter.name)"), "\(parameter.name)")
        }
        #expect(!routine.summary.isEmpty && !routine.summary.contains("\n"))
        #expect(routine.description.count > 60)
        #expect(!routine.contract.isEmpty)
        #expect(!routine.misuse.isEmpty)
        #expect(!routine.seeAlso.isEmpty)
        for other in routine.seeAlso {
            #expect(RoutineCatalogue.named(other) != nil, "see-also \(other)")
            #expect(other != routine.name)
        }
        #expect(routine.example.contains { $0.contains(routine.name) }, "example uses the routine")
        if let note = routine.irqlNote {
            #expect(!note.hasSuffix("."), "irqlNote is a clause without a final period")
            #expect(!note.hasPrefix("No"), "irqlNote starts in lower case")
        }
        #expect(routine.kind == (routine.parameters.contains { $0.type == .runRef } ? .plain : routine.kind))
        #expect(
            routine.name.hasSuffix("CacheAware") || routine.name.hasSuffix("CacheAwareEx")
                || routine.name.contains("CacheAware") == (routine.kind != .plain))
        if routine.contract.joined().contains("IRQL") {
            #expect(routine.contract.joined().contains(routine.maxIrql.name))
        }
    }

    @Test(arguments: RoutineCatalogue.all)
    func examplesParse(_ routine: Routine) throws {
        for line in routine.example {
            if case .failure(let d) = Parser.parse(line: line, location: here) {
                Issue.record("\(routine.name) example line '\(line)': \(d.headline)")
            }
        }
    }

    @Test func irqlLimitsFromTheSpecification() {
        let dispatch: Set = [
            "ExAcquireRundownProtection", "ExAcquireRundownProtectionEx", "ExReleaseRundownProtection",
            "ExReleaseRundownProtectionEx", "ExAcquireRundownProtectionCacheAware",
            "ExAcquireRundownProtectionCacheAwareEx",
            "ExReleaseRundownProtectionCacheAware", "ExReleaseRundownProtectionCacheAwareEx",
            "ExRundownCompletedCacheAware", "ExReInitializeRundownProtectionCacheAware",
        ]
        for routine in RoutineCatalogue.all {
            #expect(
                routine.maxIrql == (dispatch.contains(routine.name) ? .DISPATCH_LEVEL : .APC_LEVEL),
                "\(routine.name)")
        }
        // Undocumented limits say so.
        #expect(
            RoutineCatalogue.named("ExAcquireRundownProtectionCacheAware")?.irqlNote?.contains(
                "no IRQL is documented") == true)
        #expect(
            RoutineCatalogue.named("ExReleaseRundownProtectionCacheAware")?.irqlNote?.contains(
                "no IRQL is documented") == true)
    }

    @Test func returnsAndBinding() {
        #expect(RoutineCatalogue.named("ExAcquireRundownProtection")?.returns == .boolean)
        #expect(RoutineCatalogue.named("ExSizeOfRundownProtectionCacheAware")?.returns == .sizeT)
        #expect(RoutineCatalogue.named("ExAllocateCacheAwareRundownProtection")?.returns == .pointer)
        #expect(
            RoutineCatalogue.all.filter(\.mustBind).map(\.name) == ["ExAllocateCacheAwareRundownProtection"])
        #expect(RoutineCatalogue.all.filter { $0.returns == .boolean }.count == 4)
        #expect(RoutineCatalogue.named("ExSizeOfRundownProtectionCacheAware")?.kind == RoutineKind.none)
        #expect(
            RoutineCatalogue.named("ExAcquireRundownProtectionEx")?.usage
                == "ExAcquireRundownProtectionEx RunRef Count")
        #expect(
            RoutineCatalogue.named("ExAllocateCacheAwareRundownProtection")?.usage
                == "NAME = ExAllocateCacheAwareRundownProtection PoolType PoolTag")
        for family in RoutineFamily.allCases { #expect(!RoutineCatalogue.routines(in: family).isEmpty) }
    }

    @Test func everyCodeIsExplained() {
        #expect(DiagnosticCode.allCases.count == 48)
        for code in DiagnosticCode.allCases {
            #expect(code.rawValue == code.rawValue.uppercased())
            #expect(DiagnosticCode(name: code.rawValue.lowercased()) == code)
            #expect(!code.summary.isEmpty && !code.summary.contains("\n"), "\(code)")
            #expect(code.explanation.count > 150, "\(code) explanation too short")
            #expect(!code.explanation.contains("\n"), "\(code) explanation is one paragraph")
        }
        let warnings = DiagnosticCode.allCases.filter { $0.defaultSeverity == .warning }
        #expect(
            Set(warnings) == [.waitOnStale, .waitWhileHolding, .poolLeak, .handleRebound, .noSuchProcessor])
        for name in [
            "RELEASE_WITHOUT_ACQUIRE", "REINIT_WITHOUT_RUNDOWN", "REINIT_WHILE_WAITING",
            "COMPLETED_WITHOUT_WAIT",
            "CONCURRENT_WAIT", "WAIT_AFTER_RUNDOWN", "WAIT_ON_STALE", "WAIT_WHILE_HOLDING",
            "FREE_NOT_ALLOCATED",
            "FREE_WHILE_IN_USE", "USE_AFTER_FREE", "SIZE_MISMATCH", "WRONG_KIND", "COUNT_OUT_OF_RANGE",
            "IRQL_TOO_HIGH",
            "DEADLOCK", "THREAD_BLOCKED", "UNKNOWN_HANDLE", "UNKNOWN_ROUTINE", "SYNTAX", "BAD_ARGUMENT",
            "COMPLETED_WHILE_WAITING", "INIT_WHILE_IN_USE", "RELEASE_AFTER_RUNDOWN", "POOL_LEAK", "WATCHDOG",
            "NULL_HANDLE", "UNKNOWN_THREAD", "UNKNOWN_DIRECTIVE", "READ_FAILED", "RECORD_FAILED", "ENCODING",
            "HANDLE_REBOUND", "NO_SUCH_PROCESSOR",
            "LINE_TOO_LONG",
        ] {
            #expect(DiagnosticCode(rawValue: name) != nil, "\(name)")
        }
    }

    @Test func directives() {
        #expect(
            DirectiveCatalogue.names == [
                ".help", ".show", ".handles", ".threads", ".read", ".echo", ".bail", ".exit", ".quit", ".cpu",
                ".processors",
                ".irql", ".reset", ".record", ".fault", ".par", ".end",
            ])
        #expect(DirectiveCatalogue.named(".cpu")?.usage == ".cpu T N")
        #expect(DirectiveCatalogue.named(".help")?.usage == ".help [NAME]")
        #expect(DirectiveCatalogue.named(".fault")?.usage == ".fault alloc [N]")
        #expect(DirectiveCatalogue.named(".record")?.interactiveOnly == true)
        #expect(DirectiveCatalogue.named(".record")?.usage == ".record [-f] FILE|off")
        for spec in DirectiveCatalogue.all {
            #expect(!spec.summary.isEmpty && !spec.details.isEmpty)
            // Optional parameters come last, except a leading option word (`.record -f`).
            var parameters = spec.parameters[...]
            if let first = parameters.first, case .flag = first.kind { parameters = parameters.dropFirst() }
            let firstOptional = parameters.firstIndex { $0.optional } ?? parameters.endIndex
            #expect(parameters[firstOptional...].allSatisfy { $0.optional })
        }
    }

    @Test func helpTopics() {
        #expect(
            HelpTopic.resolve("ExRundownCompleted") == .routine(RoutineCatalogue.named("ExRundownCompleted")!)
        )
        #expect(
            HelpTopic.resolve("exrundowncompleted") == .routine(RoutineCatalogue.named("ExRundownCompleted")!)
        )
        #expect(HelpTopic.resolve(".show") == .directive(DirectiveCatalogue.named(".show")!))
        #expect(HelpTopic.resolve("show") == .directive(DirectiveCatalogue.named(".show")!))
        #expect(HelpTopic.resolve("deadlock") == .code(.deadlock))
        #expect(HelpTopic.resolve("nonsense") == nil)
        #expect(HelpTopic.suggestions(for: "DEADLOK") == ["DEADLOCK"])
    }
}

@Suite struct SuggesterTests {
    @Test func typosTranspositionsAndCase() {
        #expect(
            RoutineCatalogue.suggestions(for: "ExAquireRundownProtection") == ["ExAcquireRundownProtection"])
        #expect(
            RoutineCatalogue.suggestions(for: "ExAcquireRundownProtectoin") == ["ExAcquireRundownProtection"])
        #expect(
            RoutineCatalogue.suggestions(for: "EXACQUIRERUNDOWNPROTECTIONEX") == [
                "ExAcquireRundownProtectionEx"
            ])
        #expect(DirectiveCatalogue.suggestions(for: ".shwo") == [".show"])
        #expect(DirectiveCatalogue.suggestions(for: "help") == [".help"])
        #expect(NameSuggester.suggestions(for: "Rf", among: ["R", "Ref", "Q"]).contains("R"))
        #expect(NameSuggester.suggestions(for: "worker", among: ["Worker", "main"]) == ["Worker"])
        #expect(NameSuggester.suggestions(for: "zzzzzz", among: ["main", "W"]).isEmpty)
        #expect(NameSuggester.suggestions(for: "", among: ["main"]).isEmpty)
    }

    @Test func prefixesWhenNothingIsClose() {
        let found = RoutineCatalogue.suggestions(for: "ExWaitFor")
        #expect(found.first == "ExWaitForRundownProtectionRelease")
    }

    @Test func didYouMeanWording() {
        #expect(NameSuggester.didYouMean([]) == nil)
        #expect(NameSuggester.didYouMean(["R"]) == "did you mean 'R'?")
        #expect(NameSuggester.didYouMean(["A", "B", "C"]) == "did you mean 'A', 'B' or 'C'?")
    }

    @Test func poolTags() {
        #expect(PoolTag.value(of: "RdTg") == 0x6754_6452)
        #expect(PoolTag.text(of: 0x6754_6452) == "RdTg")
        #expect(PoolTag.value(of: "Rd") == nil)
        #expect(PoolTag.value(of: "Rdé") == nil)
        #expect(PoolTag.text(of: 0x0000_0041) == "A...")
    }

    @Test func irqlNames() {
        #expect(Irql(name: "APC_LEVEL") == .APC_LEVEL)
        #expect(Irql(name: "2") == .DISPATCH_LEVEL)
        #expect(Irql(name: "apc_level") == nil)
        #expect(Irql.PASSIVE_LEVEL < .DISPATCH_LEVEL)
    }
}
