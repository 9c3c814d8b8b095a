@_spi(Testing) import RundownRuntime
import RundownScript

/// libFuzzer entry point: one input is one script. It runs through the same path as `rdsh run`
/// (bytes, encoding checks, lexer, parser, checker, real threads), then, when it is UTF-8, line
/// by line with the bookkeeping checked after every command. A trap, a hang (libFuzzer's
/// -timeout) or a broken account is a finding.
///
/// Built only with RDSH_FUZZ=1 (a plain build cannot link libFuzzer's main); see `.ci/fuzz`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let options = SessionOptions(watchdogSeconds: 2)
    let whole = Session(options: options, sink: DiscardingSink())
    whole.runScript(bytes: bytes, file: "fuzz.rdsh")
    whole.finish()

    guard let text = String(validating: bytes, as: UTF8.self), !text.contains("\0") else { return 0 }
    let session = Session(options: options, sink: DiscardingSink())
    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        // .read would reach files outside the input; the whole-script run above covers it.
        if line.contains(".read") { continue }
        session.execute(line: String(line), location: SourceLocation(file: "fuzz.rdsh", line: number + 1))
        let problems = session.accountingProblems()
        if !problems.isEmpty {
            fatalError("accounting broken after line \(number + 1) `\(line)`: \(problems)")
        }
        if session.shouldStop { break }
    }
    session.finish()
    return 0
}
