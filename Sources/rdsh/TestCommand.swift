import ArgumentParser

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Not written yet.")

    func run() throws {
        throw ValidationError("'rdsh test' is not written yet")
    }
}
