import Foundation

/// Runs the built `rdsh` executable, as a user would, and captures what it prints.
struct Rdsh {
    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// The `rdsh` binary beside the test bundle (`swift build` puts both in one directory).
    static var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // Swift Testing may run from inside the .xctest bundle directory.
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("rdsh").path),
            dir.path != "/"
        {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("rdsh")
    }

    /// Runs `rdsh ARGS` (or `executable ARGS`, a copy of it), feeding `stdin`, in `directory`,
    /// with extra environment variables.
    /// A run still going after `timeout` seconds is killed (SIGKILL) and reported as status
    /// 137 with a note on stderr, so a hang fails the test instead of stalling the suite.
    @discardableResult
    static func run(
        _ arguments: [String], stdin: String = "", environment: [String: String] = [:],
        directory: URL? = nil, timeout: Double = 60, executable: URL = Rdsh.executable
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CI"] = nil
        env["NO_COLOR"] = "1"
        env["SWIFT_BACKTRACE"] = "enable=no"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let input = Pipe()
        let output = Pipe()
        let error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a full stderr pipe cannot stall the child.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = error.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return Result(
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
                + (killed
                    ? "\n[test] rdsh \(arguments.joined(separator: " ")) killed after \(timeout) s\n" : ""),
            status: killed ? 137 : process.terminationStatus)
    }

    /// A fresh temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rdsh-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
