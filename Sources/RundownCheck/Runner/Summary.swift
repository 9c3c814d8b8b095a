/// The totals of a run, and its exit status.
public struct Summary: Sendable {
    /// Every file's result, in discovery order.
    public var results: [FileResult]
    /// Wall-clock seconds for the whole run.
    public var seconds: Double

    public init(results: [FileResult], seconds: Double) {
        self.results = results
        self.seconds = seconds
    }

    /// Files that passed (including expected failures and files fixed by `--accept`).
    public var passed: Int { results.count { !$0.isFailure && !$0.isSkipped } }
    /// Files that failed, passed unexpectedly, or could not be used.
    public var failed: Int { results.count(where: \.isFailure) }
    /// Files skipped by `#% skip:`.
    public var skipped: Int { results.count(where: \.isSkipped) }

    /// `N passed, N failed`, with `, N skipped` when any file was skipped.
    public var line: String {
        var text = "\(passed) passed, \(failed) failed"
        if skipped > 0 { text += ", \(skipped) skipped" }
        return text
    }

    /// 0 when nothing failed, 1 otherwise.
    public var exitStatus: Int32 { failed == 0 ? 0 : 1 }
}
