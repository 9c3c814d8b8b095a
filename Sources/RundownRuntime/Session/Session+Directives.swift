import Glibc
import Rundown
import RundownScript

// MARK: - Directives

extension Session {
    func runDirective(_ directive: Directive, sourceText: String) {
        let arguments = directive.arguments
        func argumentSpan(_ index: Int) -> (location: SourceLocation, length: Int) {
            guard index < arguments.count else { return (directive.location, directive.name.count) }
            return (directive.location.at(column: arguments[index].column), arguments[index].length)
        }
        func bad(_ message: String, _ index: Int, notes: [String] = []) {
            let span = argumentSpan(index)
            report(
                Diagnostic(.badArgument, message, location: span.location, length: span.length, notes: notes),
                sourceText: sourceText)
        }

        switch directive.name {
        case ".help":
            if let topic = arguments.first?.text {
                if let lines = HelpText.lines(for: topic) {
                    for line in lines { output(line) }
                } else {
                    var notes: [String] = []
                    if let hint = NameSuggester.didYouMean(HelpTopic.suggestions(for: topic)) {
                        notes.append(hint)
                    }
                    notes.append(".help alone lists every routine and directive")
                    bad(
                        "no help for '\(topic)': not a routine, directive or diagnostic code", 0, notes: notes
                    )
                }
            } else {
                for line in HelpText.overview() { output(line) }
            }
        case ".show":
            guard let name = arguments.first?.text else { return bad(".show needs a handle name", 0) }
            if let handle = handles[name] {
                output(showLine(handle))
            } else {
                reportUnknownHandle(name, at: argumentSpan(0), sourceText: sourceText)
            }
        case ".handles":
            if handleOrder.isEmpty {
                output("(no handles)")
            } else {
                for name in handleOrder { if let handle = handles[name] { output(showLine(handle)) } }
            }
        case ".threads":
            for worker in workerOrder { output(threadLine(worker)) }
        case ".read":
            guard let path = arguments.first?.text else { return bad(".read needs a file name", 0) }
            read(path: path, directive: directive, span: argumentSpan(0), sourceText: sourceText)
        case ".echo":
            guard let on = arguments.first?.isOn else { return bad("expected on or off", 0) }
            options.echo = on
        case ".bail":
            guard let on = arguments.first?.isOn else { return bad("expected on or off", 0) }
            options.bail = on
        case ".par":
            openPar(directive, sourceText: sourceText)
        case ".end":
            report(
                Diagnostic(
                    .parUnmatchedEnd, ".end without .par", location: directive.location, length: 4,
                    notes: ["no .par block is open; open one with .par before the threads' lines"]),
                sourceText: sourceText)
        case ".exit", ".quit":
            shouldExit = true
        case ".cpu":
            guard arguments.count == 2, let processor = arguments[1].integer,
                processor >= 0, processor <= DirectiveCatalogue.maximumProcessor
            else { return bad("expected a processor number 0...\(DirectiveCatalogue.maximumProcessor)", 1) }
            guard
                let target = knownOrNewThread(
                    arguments[0].text, span: argumentSpan(0), sourceText: sourceText)
            else { return }
            target.cpu = processor
            if processor >= options.processors {
                let span = argumentSpan(1)
                let slots = options.processors
                report(
                    Diagnostic(
                        .noSuchProcessor,
                        "processor \(processor) does not exist on a \(slots)-processor machine (processors 0...\(slots - 1))",
                        location: span.location, length: span.length,
                        notes: [
                            "a cache-aware call on \(target.name) uses slot \(processor) mod the object's slot count: slot \(processor % slots) of an object made with \(slots) processor\(slots == 1 ? "" : "s")",
                            "hint: .processors \(processor + 1) first, if the machine should have that processor",
                        ]), sourceText: sourceText)
            }
        case ".processors":
            guard let count = arguments.first?.integer, count >= 1,
                count <= DirectiveCatalogue.maximumProcessorCount
            else {
                return bad("expected a processor count 1...\(DirectiveCatalogue.maximumProcessorCount)", 0)
            }
            options.processors = count
        case ".irql":
            guard arguments.count == 2, let level = arguments[1].irql else {
                return bad("expected PASSIVE_LEVEL, APC_LEVEL or DISPATCH_LEVEL", 1)
            }
            guard
                let target = knownOrNewThread(
                    arguments[0].text, span: argumentSpan(0), sourceText: sourceText)
            else { return }
            if target.status == .blocked || target.status == .hung {
                // A thread parked in a wait is not running code: nothing can raise its IRQL.
                let what = target.current.map { "\($0.display)" } ?? "a wait"
                let span = argumentSpan(0)
                return report(
                    Diagnostic(
                        .threadBlocked,
                        "thread \(target.name) is blocked in \(what): its IRQL cannot change until it returns",
                        location: span.location, length: span.length,
                        notes: [
                            "real Windows: a thread raises its own IRQL (KeRaiseIrql) while it runs; a waiting thread runs nothing, and a wait is only legal at IRQL <= APC_LEVEL anyway",
                            "hint: release what \(target.name) waits for first, then set its IRQL",
                        ]), sourceText: sourceText)
            }
            target.irql = level.rawValue
        case ".reset":
            // What Ctrl-D would have said, before it is forgotten.
            reportDeadlocks()
            reportLeaks()
            restart()
            options = initialOptions
        case ".fault":
            let count = arguments.count > 1 ? (arguments[1].integer ?? -1) : 1
            guard count >= 0 else { return bad("expected a count", 1) }
            pool.failNextAllocations(count)
        default:
            if let handler = externalDirectiveHandler,
                handler(directive.name, arguments.map(\.text), directive.location)
            {
                return
            }
            let interactive = DirectiveCatalogue.named(directive.name)?.interactiveOnly == true
            report(
                Diagnostic(
                    .unknownDirective,
                    interactive
                        ? "\(directive.name) is only available in the interactive shell"
                        : "unknown directive '\(directive.name)'",
                    location: directive.location, length: directive.name.count,
                    notes: interactive
                        ? ["start rdsh on a terminal to use it"] : [".help lists the directives"]),
                sourceText: sourceText)
        }
    }

    // MARK: - .show, .threads

    /// `R: state=live holders=2`, plus `slots=[...] processors=N` for cache-aware objects.
    func showLine(_ handle: Handle) -> String {
        switch handle.value {
        case .null:
            return "\(handle.name): NULL"
        case .number(let value):
            return "\(handle.name): \(value)"
        case .boolean(let value):
            return "\(handle.name): \(value ? "TRUE" : "FALSE")"
        case .plain(let ref):
            let snapshot = ref.snapshot()
            var text = "\(handle.name): state=\(snapshot.state.rawValue) holders=\(snapshot.holders)"
            if let waiter = handle.waiter, snapshot.state == .waiting { text += " waiter=\(waiter.name)" }
            return text
        case .cacheAware(let ref):
            let snapshot = ref.checkedSnapshot()
            var text = "\(handle.name): state=\(snapshot.state.rawValue) holders=\(snapshot.holders)"
            if let slots = snapshot.slots, snapshot.state != .freed {
                text += " slots=[" + slots.map(String.init).joined(separator: ",") + "]"
            }
            text += " processors=\(ref.slotCount)"
            if let waiter = handle.waiter, snapshot.state == .waiting { text += " waiter=\(waiter.name)" }
            return text
        }
    }

    /// `W: cpu=0 irql=PASSIVE_LEVEL blocked in ExWaitForRundownProtectionRelease R (line 7)`.
    func threadLine(_ worker: Worker) -> String {
        let level = Irql(rawValue: worker.irql) ?? .PASSIVE_LEVEL
        var text = "\(worker.name): cpu=\(worker.cpu) irql=\(level.name) "
        switch worker.status {
        case .idle: text += "idle"
        case .running, .handedOver, .paused: text += "running"
        case .blocked:
            text +=
                "blocked in "
                + (worker.current.map { "\($0.display)" } ?? "a wait")
        case .hung:
            text +=
                "hung in "
                + (worker.current.map { "\($0.display)" } ?? "a command")
        }
        return text
    }

    // MARK: - .read

    private func read(
        path: String, directive: Directive, span: (location: SourceLocation, length: Int), sourceText: String
    ) {
        func failed(_ message: String, _ notes: [String] = []) {
            report(
                Diagnostic(.readFailed, message, location: span.location, length: span.length, notes: notes),
                sourceText: sourceText)
        }
        let resolved = resolve(path, from: directive.location.file)
        if readStack.count >= options.maxReadDepth + 1 {
            return failed(
                "cannot read '\(path)': .read nests deeper than \(options.maxReadDepth) files",
                ["hint: a file that reads itself through other files loops; check the .read chain"])
        }
        let limitNotes = [
            "nested .read files multiply: each line of every file read counts once per time it is read",
            "the rest of the .read files is skipped; lines of the script itself still run",
        ]
        if readBudgetSpent || readLines >= options.maxReadLines {
            return failed(
                "cannot read '\(path)': the script already ran \(options.maxReadLines) lines from .read files, the limit",
                limitNotes)
        }
        let canonical = ScriptFile.canonicalPath(resolved) ?? resolved
        if readStack.contains(canonical) {
            return failed(
                "cannot read '\(path)': it is already being read (a .read cycle)",
                [
                    "the chain: "
                        + (readStack + [canonical]).map(ScriptFile.lastComponent).joined(separator: " -> ")
                ])
        }
        switch ScriptFile.read(resolved) {
        case .failure(let failure):
            failed("cannot read '\(path)': \(failure.reason)")
        case .success(let bytes):
            readStack.append(canonical)
            runLines(bytes: bytes, file: resolved, topLevel: false)
            readStack.removeLast()
            if readBudgetSpent && !readLimitReported {
                readLimitReported = true
                failed(
                    "'\(path)' stopped: the script ran \(options.maxReadLines) lines from .read files, the limit",
                    limitNotes)
            }
        }
    }

    /// `path` relative to the directory of `file` (or to the base directory for stdin/REPL input).
    func resolve(_ path: String, from file: String) -> String {
        if path.hasPrefix("/") { return path }
        if file.hasPrefix("<") || file == "-" {
            guard let base = options.baseDirectory, !base.isEmpty else { return path }
            return base.hasSuffix("/") ? base + path : base + "/" + path
        }
        guard let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }
}
