import RundownScript
import Testing

@testable import RundownREPL

/// Completion and hints over the real catalogues: what a user of rdsh gets.
@Suite(.timeLimit(.minutes(1))) struct StandardVocabularyTests {
    let context = CompletionContext(vocabulary: .standard, handles: ["R", "C"], threads: ["main", "W"])

    @Test(arguments: RoutineCatalogue.all.map(\.name))
    func everyRoutineCompletesFromAnUnambiguousPrefix(_ name: String) {
        // The shortest prefix that no other routine name shares completes to the full name.
        let others = RoutineCatalogue.names.filter { $0 != name }
        var prefix = ""
        for character in name {
            prefix.append(character)
            if !others.contains(where: { $0.hasPrefix(prefix) }) { break }
        }
        let result = Completion.complete(line: prefix, cursor: prefix.count, context: context)
        if others.contains(where: { $0.hasPrefix(name) }) {
            // A name that is a prefix of another (ExAcquireRundownProtection) stays ambiguous.
            #expect(result.candidates.contains(name))
            #expect(result.candidates.count > 1)
        } else {
            #expect(result.candidates == [name])
            #expect(prefix + result.insert == name + " ")
        }
    }

    @Test(arguments: RoutineCatalogue.all)
    func everyRoutineHintsItsParametersAndReturnType(_ routine: Routine) {
        let line = (routine.canBind ? "x = " : "") + routine.name + " "
        let hint = Hint.hint(line: line, vocabulary: .standard)
        let parameters = routine.parameters.map(\.placeholder).joined(separator: " ")
        let expected = (parameters.isEmpty ? "" : parameters + "  ") + "-> " + routine.returns.cType
        #expect(hint == expected)
    }

    @Test func theIssueExample() {
        #expect(
            Hint.hint(line: "ExAcquireRundownProtectionEx ", vocabulary: .standard)
                == "<RunRef> <Count>  -> BOOLEAN")
        #expect(
            Hint.hint(line: "ExAcquireRundownProtectionEx R ", vocabulary: .standard) == "<Count>  -> BOOLEAN"
        )
        #expect(Hint.hint(line: "ExAcquireRundownProtectionEx R 1 ", vocabulary: .standard) == "-> BOOLEAN")
    }

    @Test func everyDirectiveCompletesAtLineStart() {
        let result = Completion.complete(line: ".", cursor: 1, context: context)
        #expect(result.candidates == DirectiveCatalogue.names.sorted())
    }

    @Test func directiveArgumentsComeFromTheCatalogue() {
        func candidates(_ line: String) -> [String] {
            Completion.complete(line: line, cursor: line.count, context: context).candidates
        }
        #expect(candidates(".fault ") == ["alloc"])
        #expect(candidates(".show ") == ["C", "R"])
        #expect(candidates(".cpu ") == ["W", "main"])
        #expect(candidates(".irql W P") == ["PASSIVE_LEVEL"])
        #expect(candidates(".bail o") == ["off", "on"])
        #expect(candidates(".help POOL_") == ["POOL_LEAK"])
        #expect(candidates(".help .rea") == [".read"])
        #expect(Hint.hint(line: ".cpu ", vocabulary: .standard) == "<T> <N>")
        #expect(Hint.hint(line: ".help ", vocabulary: .standard) == "[NAME]")
    }

    @Test func everyDiagnosticCodeIsAHelpTopic() {
        let topics = Set(Vocabulary.standard.helpTopics)
        for code in DiagnosticCode.allCases { #expect(topics.contains(code.rawValue)) }
        #expect(topics == Set(HelpTopic.names))
    }

    @Test func poolTypesAndIrqlNamesMatchTheLanguage() {
        #expect(Set(Vocabulary.standard.irqlNames) == Set(Irql.allCases.map(\.name)))
        let line = "C = ExAllocateCacheAwareRundownProtection "
        #expect(
            Completion.complete(line: line, cursor: line.count, context: context).candidates
                == ["NonPagedPool", "NonPagedPoolNx", "PagedPool"])
    }
}
