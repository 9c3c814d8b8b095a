import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Not written yet.")

    func run() throws {
        throw ValidationError("'rdsh bench' is not written yet")
    }
}
