import Testing

@Suite struct ExecutableTests {
    @Test func helpListsSubcommands() throws {
        let r = try Rdsh.run(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("run"))
    }
}
