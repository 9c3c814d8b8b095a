import Testing

@testable import RundownCheck

@Suite(.timeLimit(.minutes(1))) struct TestScriptTests {
    @Test func expectationsAttachToTheCommandAbove() {
        let script = TestScript(
            text: """
                # prose
                say a
                #> a
                #! warning
                # more prose
                say b
                #>
                #> ...
                """, path: "x.rdsh")
        #expect(script.blocks.count == 3)
        #expect(script.blocks[0].commandLine == nil)
        #expect(script.blocks[1].commandLine == 2)
        #expect(script.blocks[1].expectations.map(\.body) == ["a", "warning"])
        #expect(script.blocks[1].expectations.map(\.kind) == [.output, .diagnostic])
        #expect(script.blocks[2].expectations.map(\.body) == ["", "..."])
        #expect(script.blocks[2].expectations[1].isWildcard)
        #expect(script.blockIndex(forSourceLine: 4) == 1)
        #expect(script.blockIndex(forSourceLine: 6) == 2)
        #expect(script.blockIndex(forSourceLine: 1) == 0)
        #expect(script.blockIndex(forSourceLine: nil) == 2)
    }

    @Test func trailingBlanksAndOneSpaceAfterThePrefixAreDropped() {
        let script = TestScript(text: "say x\n#>   two spaces  \t\n#>tight\n", path: "x")
        #expect(script.blocks[1].expectations.map(\.body) == ["  two spaces", "tight"])
    }

    @Test func metadataAtTheTop() {
        let script = TestScript(
            text: "#% skip: not today\n#% processors: 8\n#% timeout: 2.5\nsay a\n", path: "x")
        #expect(script.metadata.skip == "not today")
        #expect(script.metadata.processors == 8)
        #expect(script.metadata.timeoutSeconds == 2.5)
        #expect(script.problems.isEmpty)
    }

    @Test func badMetadataIsAProblemWithItsLine() {
        let unknown = TestScript(text: "#% skp: typo\n", path: "x")
        #expect(unknown.problems.first?.line == 1)
        #expect(unknown.problems.first?.message.contains("unknown metadata key 'skp'") == true)
        let late = TestScript(text: "say a\n#% xfail: late\n", path: "x")
        #expect(late.problems.first?.line == 2)
        let badNumber = TestScript(text: "#% processors: many\n", path: "x")
        #expect(badNumber.problems.first?.message.contains("bad processor count") == true)
    }

    @Test func crlfIsNormalizedAndRemembered() {
        let script = TestScript(bytes: Array("say a\r\n#> a\r\n".utf8), path: "x")
        #expect(script.lines == ["say a", "#> a"])
        #expect(script.usesCRLF)
        #expect(script.endsWithNewline)
    }

    @Test func backslashContinuesACommand() {
        let script = TestScript(text: "say a \\\n  more\n#> a \\\n", path: "x")
        #expect(script.blocks.count == 2)
        #expect(script.blocks[1].commandLine == 1)
        #expect(script.blocks[1].commandEndLine == 2)
        #expect(script.blocks[1].expectations.count == 1)
        #expect(script.commandText(of: script.blocks[1]) == "say a \\ more")
    }
}
