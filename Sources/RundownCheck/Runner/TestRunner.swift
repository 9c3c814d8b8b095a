/// `rdsh test`: discovery, parallel runs, comparison, `--accept`, and the reports.
public struct TestRunner: Sendable {
    public var options: TestOptions
    public var engine: any ScriptEngine

    /// A runner; without an engine, each file runs in a `Session` (with `--timeout` applied).
    public init(options: TestOptions, engine: (any ScriptEngine)? = nil) {
        self.options = options
        self.engine = engine ?? SessionEngine(watchdogSeconds: options.timeoutSeconds)
    }

    /// Runs `paths` with `jobs` threads and no output, `--accept` or `.actual` files: the entry
    /// point for `rdsh bench`. Paths that do not exist count as failed files.
    public static func run(paths: [String], jobs: Int, engine: any ScriptEngine = SessionEngine()) -> Summary
    {
        var options = TestOptions()
        options.jobs = max(1, jobs)
        options.writeActual = false
        let runner = TestRunner(options: options, engine: engine)
        var files: [String] = []
        var missing: [FileResult] = []
        for path in paths {
            do throws(UsageError) {
                files += try TestDiscovery.find(paths: [path]).files
            } catch {
                missing.append(FileResult(path: path, outcome: .error(line: nil, message: error.message)))
            }
        }
        var summary = runner.run(files: files) { _, _ in }
        summary.results += missing
        return summary
    }

    /// Runs `files`, calling `report` with each result in order as soon as it and all before it are done.
    public func run(files: [String], report: (Int, FileResult) -> Void) -> Summary {
        let start = FileSystem.now()
        var results: [FileResult] = []
        results.reserveCapacity(files.count)
        let options = self.options
        let engine = self.engine
        ParallelRunner.run(
            count: files.count, jobs: options.jobs,
            work: { index in TestRunner.check(path: files[index], options: options, engine: engine) },
            deliver: { index, result in
                results.append(result)
                report(index, result)
            })
        return Summary(results: results, seconds: FileSystem.now() - start)
    }

    /// The whole command: parses nothing, prints everything, returns the exit status.
    ///
    /// - Parameters:
    ///   - out: receives stdout text (one call per line, without the newline).
    ///   - err: receives stderr text.
    public func main(ci: Bool, out: (String) -> Void, err: (String) -> Void) -> Int32 {
        if options.accept, ci, !options.force {
            err("error: refusing to rewrite test files: the CI environment variable is set")
            err("hint: review accepted output locally, or pass --force (or --accept=force) to accept anyway")
            return 2
        }
        var files: [String]
        var unreadable: [FileError]
        do throws(UsageError) {
            (files, unreadable) = try TestDiscovery.find(paths: options.paths)
        } catch {
            err("error: \(error.message)")
            if let hint = error.hint { err("hint: \(hint)") }
            return 2
        }
        if let filter = options.filter, let regex = try? Regex(filter) {
            files = files.filter { (try? regex.firstMatch(in: $0)) != nil }
        }
        if let filterOut = options.filterOut, let regex = try? Regex(filterOut) {
            files = files.filter { (try? regex.firstMatch(in: $0)) == nil }
        }
        if files.isEmpty, unreadable.isEmpty {
            // Nothing to test is a mistake in the paths or the filter, not a pass.
            var selection = ""
            if let filter = options.filter { selection += " matching --filter '\(filter)'" }
            if let filterOut = options.filterOut { selection += " outside --filter-out '\(filterOut)'" }
            err("error: no test files (*.rdsh) found in \(options.paths.joined(separator: " "))\(selection)")
            err("hint: rdsh test takes .rdsh files and folders that contain them, e.g. 'rdsh test scripts/'")
            return 2
        }
        if options.list {
            for file in files { out(file) }
            return 0
        }

        if options.tap { TAPReport.header(count: files.count + unreadable.count).forEach(out) }
        var summary = run(files: files) { index, result in
            if options.tap {
                TAPReport.lines(for: result, number: index + 1).forEach(out)
            } else {
                TextReport.lines(for: result, verbosity: options.verbosity).forEach(out)
            }
        }
        // Directories that could not be listed are errors of the run, reported after the files.
        for error in unreadable {
            let result = FileResult(
                path: error.path,
                outcome: .error(line: nil, message: "cannot list directory: \(error.reason)"))
            summary.results.append(result)
            if options.tap {
                TAPReport.lines(for: result, number: summary.results.count).forEach(out)
            } else {
                TextReport.lines(for: result, verbosity: options.verbosity).forEach(out)
            }
        }

        var status = summary.exitStatus
        if let junit = options.junitPath {
            let xml = JUnitReport.document(summary)
            if case .failure(let error) = FileSystem.write(junit, bytes: Array(xml.utf8)) {
                err("error: cannot write JUnit report \(junit): \(error.reason)")
                status = 2
            }
        }
        if options.tap {
            TAPReport.footer(summary).forEach(out)
        } else {
            TextReport.footer(summary).forEach(out)
        }
        return status
    }

    // MARK: - One file

    /// Reads, runs and compares one file; writes it back under `--accept`. Never throws: every
    /// problem becomes this file's result.
    static func check(path: String, options: TestOptions, engine: any ScriptEngine) -> FileResult {
        let start = FileSystem.now()
        var result = checkUntimed(path: path, options: options, engine: engine)
        result.seconds = FileSystem.now() - start
        return result
    }

    private static func checkUntimed(path: String, options: TestOptions, engine: any ScriptEngine)
        -> FileResult
    {
        let bytes: [UInt8]
        let status: FileSystem.Status
        switch FileSystem.readWithStatus(path) {
        case .failure(let error):
            return FileResult(
                path: path, outcome: .error(line: nil, message: "cannot read file: \(error.reason)"))
        case .success(let read):
            (bytes, status) = read
        }
        if bytes.contains(0) {
            return FileResult(
                path: path,
                outcome: .error(line: nil, message: "binary file (it contains NUL bytes), not an rdsh script")
            )
        }
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            return FileResult(
                path: path,
                outcome: .error(
                    line: nil, message: "UTF-16 text, not UTF-8; convert it, e.g. iconv -f UTF-16 -t UTF-8"))
        }
        let script = TestScript(bytes: bytes, path: path)
        if let problem = script.problems.first {
            return FileResult(path: path, outcome: .error(line: problem.line, message: problem.message))
        }
        if let reason = script.metadata.skip {
            return FileResult(path: path, outcome: .skipped(reason))
        }

        let run = engine.run(script, bytes: bytes)
        var comparison = Comparison(script: script, transcript: run.transcript)
        if let problem = comparison.problems.first {
            return FileResult(
                path: path, outcome: .error(line: problem.line, message: problem.message),
                transcript: run.transcript)
        }
        for i in comparison.failures.indices {
            // A state already printed in the block (a `.show` of the same handle) is not repeated.
            let shown = Set(
                comparison.actual[comparison.failures[i].block].map { $0.text.trimmingTrailingBlanks() })
            comparison.failures[i].notes = (run.notes[comparison.failures[i].block] ?? []).filter {
                !shown.contains($0)
            }
        }
        let actualPath = path + ".actual"
        if comparison.passes {
            if options.writeActual { FileSystem.remove(actualPath) }
            if let reason = script.metadata.xfail {
                return FileResult(path: path, outcome: .unexpectedPass(reason), transcript: run.transcript)
            }
            return FileResult(path: path, outcome: .passed, transcript: run.transcript)
        }
        if let reason = script.metadata.xfail {
            return FileResult(
                path: path, outcome: .expectedFailure(reason), failures: comparison.failures,
                transcript: run.transcript)
        }
        if options.accept {
            return accept(
                path: path, original: bytes, status: status, comparison: comparison, engine: engine,
                transcript: run.transcript)
        }
        var written: String?
        var failures = comparison.failures
        if options.writeActual {
            switch FileSystem.write(actualPath, bytes: comparison.acceptedBytes()) {
            case .success: written = actualPath
            case .failure(let error):
                // Lost output is said, never dropped: the note rides on the first failure.
                if !failures.isEmpty {
                    failures[0].notes.append("cannot write \(actualPath): \(error.reason)")
                }
            }
        }
        return FileResult(
            path: path, outcome: .failed, failures: failures, transcript: run.transcript,
            actualPath: written)
    }

    /// How many times `--accept` reruns a rewritten script before it gives up: output that
    /// names script lines (`acquired on line 12`) moves when lines are inserted, so the first
    /// rewrite may need a second pass.
    static let maximumAcceptPasses = 4

    /// Rewrites the file until a fresh run of the rewritten text passes, then writes it.
    /// Only expectation lines change: every other line is written back byte for byte. The file
    /// is replaced only if it is unchanged since `original` was read (see ``FileSystem/replace``).
    private static func accept(
        path: String, original: [UInt8], status: FileSystem.Status, comparison: Comparison,
        engine: any ScriptEngine, transcript: [TranscriptLine]
    ) -> FileResult {
        var current = comparison
        var currentTranscript = transcript
        for _ in 0..<maximumAcceptPasses {
            let bytes = current.acceptedBytes()
            let script = TestScript(bytes: bytes, path: path)
            let rerun = engine.run(script, bytes: bytes)
            let next = Comparison(script: script, transcript: rerun.transcript)
            if next.passes {
                if case .failure(let error) = FileSystem.replace(
                    path, bytes: bytes, original: original, read: status)
                {
                    return FileResult(
                        path: path,
                        outcome: .error(
                            line: nil, message: "--accept left the file unchanged: \(error.reason)"),
                        transcript: rerun.transcript)
                }
                FileSystem.remove(path + ".actual")
                return FileResult(path: path, outcome: .passed, transcript: rerun.transcript, accepted: true)
            }
            current = next
            currentTranscript = rerun.transcript
        }
        var failures = current.failures
        if !failures.isEmpty {
            let line = failures[0].line
            failures[0].notes.append(
                "--accept gave up after \(maximumAcceptPasses) passes: the output at line \(line) still differs "
                    + "after each rewrite (output that changes from run to run?); the file was left unchanged"
            )
        }
        return FileResult(path: path, outcome: .failed, failures: failures, transcript: currentTranscript)
    }
}
