import RundownScript

// MARK: - Collecting a .par block: `.par` ... `.end`

extension Session {
    /// `.par [options]` outside a block: starts collecting.
    func openPar(_ directive: Directive, sourceText: String) {
        let collector = ParCollector(location: directive.location, options: ParOptions(directive))
        collector.sourceText = sourceText
        if let busy = workerOrder.first(where: { $0.status != .idle }) {
            report(
                Diagnostic(
                    .threadBlocked,
                    "a .par block cannot start while thread \(busy.name) is inside \(busy.current?.display ?? "a call")",
                    location: directive.location, length: 4,
                    notes: [
                        "every schedule starts from the state at .par, with every thread idle; release what it waits for first"
                    ]
                ), sourceText: sourceText)
            collector.failed = true
        }
        parCollector = collector
    }

    /// Reports a `.par` still open at the end of the script.
    func reportUnterminatedPar() {
        guard let collector = parCollector else { return }
        parCollector = nil
        report(
            Diagnostic(
                .parUnterminated, ".par block opened here is never closed", location: collector.location,
                length: 4,
                notes: ["close the block with .end after its last line"]), sourceText: nil)
    }

    /// One line between `.par` and `.end`.
    func collectParLine(_ line: String, location: SourceLocation) {
        guard let collector = parCollector else { return }
        func refuse(_ diagnostic: Diagnostic) {
            report(diagnostic, sourceText: line)
            collector.failed = true
        }
        switch Parser.parse(line: line, location: location) {
        case .failure(let diagnostic):
            refuse(diagnostic)
        case .success(.empty):
            break
        case .success(.declare(let name, _, let declared)):
            refuse(
                Diagnostic(
                    .parDirective, "declarations are not allowed inside a .par block", location: declared,
                    length: name.utf8.count, notes: ["declare \(name) before .par"]))
        case .success(.directive(let directive)):
            switch directive.name {
            case ".end":
                parCollector = nil
                if !collector.failed { runPar(collector, endLocation: directive.location) }
            case ".par":
                refuse(
                    Diagnostic(
                        .parNested, ".par blocks do not nest", location: directive.location, length: 4,
                        notes: [
                            "the block opened earlier is still open; close it with .end first"
                        ]))
            case ".cpu":
                guard let thread = directive.arguments.first?.text,
                    let processor = directive.arguments.last?.integer
                else { return }
                collector.noteThread(thread)
                collector.lines.append(
                    ParLine(
                        thread: thread, kind: .cpu(processor), sourceText: line, location: directive.location)
                )
            default:
                refuse(
                    Diagnostic(
                        .parDirective, "\(directive.name) is not allowed inside a .par block",
                        location: directive.location, length: directive.name.utf8.count,
                        notes: [
                            "only calls with a thread prefix, .cpu T N and .end belong in a block; move \(directive.name) before .par or after .end"
                        ]))
            }
        case .success(.call(let call)):
            guard let thread = call.thread else {
                refuse(
                    Diagnostic(
                        .parThreadRequired, "a call inside a .par block names its thread",
                        location: call.location,
                        length: call.routine.name.utf8.count,
                        notes: ["write 'main: \(call.text)' (or another thread name)"]))
                return
            }
            if let binding = call.binding, collector.bindings.contains(where: { $0.name == binding }) {
                refuse(
                    Diagnostic(
                        .parRebind, "\(binding) is already bound in this block",
                        location: call.bindingColumn.map { call.location.at(column: $0) } ?? call.location,
                        length: binding.utf8.count,
                        notes: ["a binding can be made only once inside a block; use another name"]))
                return
            }
            if let name = call.guardName {
                let boundBefore: Bool
                if let handle = handles[name], case .boolean = handle.value {
                    boundBefore = true
                } else {
                    boundBefore = false
                }
                if !collector.booleanBindings.contains(name) && !boundBefore {
                    let what: String
                    if collector.bindings.contains(where: { $0.name == name }) {
                        what = "\(name) is not bound to a BOOLEAN result"
                    } else if let handle = handles[name] {
                        what = "\(name) is \(handle.kindPhrase), not a boolean"
                    } else {
                        what = "unknown name '\(name)'"
                    }
                    refuse(
                        Diagnostic(
                            .badGuard, "guard on \(what)",
                            location: call.guardColumn.map { call.location.at(column: $0) } ?? call.location,
                            length: name.utf8.count,
                            notes: [
                                "a guard names the result of an acquire bound earlier: T: ok = ExAcquireRundownProtection R, then T: if ok ..."
                            ]))
                    return
                }
            }
            collector.noteThread(thread)
            if let handle = call.handle { collector.noteHandle(handle) }
            if let binding = call.binding {
                collector.bindings.append((binding, location.line))
                if Operation.of(call.routine)?.isAcquire == true {
                    collector.booleanBindings.insert(binding)
                }
                if Operation.of(call.routine) == .allocate { collector.noteHandle(binding) }
            }
            collector.lines.append(
                ParLine(thread: thread, kind: .call(call), sourceText: line, location: location))
        }
    }
}
