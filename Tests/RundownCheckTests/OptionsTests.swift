import Testing

@testable import RundownCheck

@Suite struct OptionsTests {
    @Test func parsesEveryOption() throws {
        let o = try TestOptions.parse([
            "-j", "3", "--filter=acq", "--tap", "--junit", "r.xml", "-q", "a", "--", "-b",
        ])
        #expect(o.jobs == 3)
        #expect(o.filter == "acq")
        #expect(o.tap)
        #expect(o.junitPath == "r.xml")
        #expect(o.verbosity == .quiet)
        #expect(o.paths == ["a", "-b"])
        #expect(try TestOptions.parse(["-j2", "x"]).jobs == 2)
        #expect(try TestOptions.parse(["--jobs=5", "x"]).jobs == 5)
        let accept = try TestOptions.parse(["--accept=force", "x"])
        #expect(accept.accept && accept.force)
        #expect(try TestOptions.parse(["--help"]).help)
        let more = try TestOptions.parse(["--list", "--filter-out", "slow", "--timeout=2.5", "x"])
        #expect(more.list && more.filterOut == "slow" && more.timeoutSeconds == 2.5)
    }

    @Test func usageErrorsNameTheProblem() {
        #expect(throws: UsageError.self) { try TestOptions.parse([]) }
        #expect(throws: UsageError.self) { try TestOptions.parse(["-j", "0", "x"]) }
        #expect(throws: UsageError.self) { try TestOptions.parse(["-j"]) }
        #expect(throws: UsageError.self) { try TestOptions.parse(["--filter", "(", "x"]) }
        #expect(throws: UsageError.self) { try TestOptions.parse(["--accept=maybe", "x"]) }
        #expect(throws: UsageError.self) { try TestOptions.parse(["--timeout", "-1", "x"]) }
        #expect(throws: UsageError.self) { try TestOptions.parse(["--filter-out", "[", "x"]) }
        do {
            _ = try TestOptions.parse(["--tapp", "x"])
            Issue.record("no error")
        } catch {
            #expect(error.message == "unknown option '--tapp'")
            #expect(error.hint == "did you mean '--tap'?")
        }
    }
}
