/// The two hand-written guides of `rdsh doc`: the lifecycle cheat sheet and how to write a
/// script of your own and turn it into a test. They are Markdown kept here, not script
/// comments, because they are about every script rather than one.
extension DocGenerator {
    func lifecyclePage() -> String {
        var out = Markdown()
        out.heading(1, "Lifecycle cheat sheet")
        out.paragraph(
            "The states rdsh shows in `.show` (`state=...`), how each routine moves between them, and "
                + "what an acquire returns in each. A routine called from a state not drawn here is a "
                + "contract violation: rdsh refuses it with the code in the last column of the tables "
                + "and says what real Windows would do ([diagnostics](diagnostics.md)).")
        out.heading(2, "Plain: `EX_RUNDOWN_REF`")
        out.code(
            #"""
                ExInitializeRundownProtection R      (or: EX_RUNDOWN_REF R)
                            |
                            v
                       +---------+   Acquire(Ex) -> TRUE, holders + n
                       |  live   |   Release(Ex)  -> holders - n
                       +---------+
                        |       |
                 Wait,  |       |  Wait, holders > 0:
            holders = 0 |       |  the caller blocks
                        |       v
                        |  +---------+   Acquire -> FALSE
                        |  | waiting |   Release -> holders - n; the last one wakes the waiter
                        |  +---------+
                        |       |  the wait returns
                        |       v
                        |  +---------+   Acquire -> FALSE
                        |  |  stale  |   another Wait: WAIT_ON_STALE (hangs on real Windows)
                        |  +---------+
                        |       |  ExRundownCompleted
                        v       v
                      +-----------+   Acquire -> FALSE; another Wait returns at once
                      | completed |
                      +-----------+
                            |  ExReInitializeRundownProtection (from stale too)
                            v
                          live
            """#, language: "text")
        out.table(
            ["state", "Acquire", "Release", "Wait", "Completed", "ReInitialize"],
            [
                [
                    "live", "TRUE", "ok (RELEASE_WITHOUT_ACQUIRE beyond the holders)",
                    "blocks, or completed at once", "COMPLETED_WITHOUT_WAIT", "REINIT_WITHOUT_RUNDOWN",
                ],
                [
                    "waiting", "FALSE", "ok; the last wakes the waiter", "CONCURRENT_WAIT",
                    "COMPLETED_WHILE_WAITING", "REINIT_WHILE_WAITING",
                ],
                [
                    "stale", "FALSE", "RELEASE_AFTER_RUNDOWN", "WAIT_ON_STALE (warning)", "→ completed",
                    "→ live",
                ],
                ["completed", "FALSE", "RELEASE_AFTER_RUNDOWN", "returns at once", "ok", "→ live"],
            ])
        out.heading(2, "Cache-aware: `EX_RUNDOWN_REF_CACHE_AWARE`")
        out.code(
            #"""
                C = ExAllocateCacheAwareRundownProtection PoolType Tag
                  (or: n = ExSizeOfRundownProtectionCacheAware; ExInitializeRundownProtectionCacheAware C n)
                            |
                            v
                       +---------+   AcquireCacheAware(Ex) -> TRUE on this processor's slot
                       |  live   |   ReleaseCacheAware(Ex) on any processor's slot
                       +---------+   (one slot may go negative; only the sum counts)
                            |  WaitCacheAware: marks every slot; blocks while holders > 0
                            v
                       +---------+   Acquire -> FALSE
                       | waiting |   the last Release wakes the waiter
                       +---------+
                            |  the wait returns (at once when there were no holders)
                            v
                       +---------+   Acquire -> FALSE
                       |  stale  |   another Wait: WAIT_AFTER_RUNDOWN (hangs on real Windows)
                       +---------+
                            |  ExRundownCompletedCacheAware (optional)
                            v
                      +-----------+   Acquire -> FALSE; another Wait: WAIT_AFTER_RUNDOWN too
                      | completed |
                      +-----------+
                            |  ExReInitializeRundownProtectionCacheAware (from stale too) -> live
                            |  ExFreeCacheAwareRundownProtection (allocated objects; from any
                            |  state with no holders and no waiter, live included)
                            v
                       +---------+
                       |  freed  |   any further call: USE_AFTER_FREE
                       +---------+
            """#, language: "text")
        out.paragraph(
            "The cache-aware wait has no \"already run down\" shortcut: wait once per reinitialize. "
                + "Free only what ExAllocateCacheAwareRundownProtection returned (FREE_NOT_ALLOCATED), never "
                + "while references are outstanding or a wait is in progress (FREE_WHILE_IN_USE), and do "
                + "free it, or the end of the script reports POOL_LEAK.")
        out.heading(2, "Acquire and release, in a driver")
        out.code(
            #"""
            if (ExAcquireRundownProtection(&Object->Rundown)) {   // TRUE: the object stays
                UseObject(Object);
                ExReleaseRundownProtection(&Object->Rundown);     // exactly once, on every path
            } else {
                // FALSE: a rundown has begun; treat the object as gone. Do not release.
            }
            """#, language: "c")
        out.paragraph(
            "Every TRUE is paired with exactly one release of the same count (any thread may make it); "
                + "a FALSE is never released. The thread that runs the object down waits once, then "
                + "calls ExRundownCompleted (or reinitializes) before anyone waits again. See "
                + "[the routines](README.md#routines) for each call's IRQL.")
        return out.text
    }

    func writingTestsPage() -> String {
        var out = Markdown()
        out.heading(1, "Writing your own script, and turning it into a test")
        out.paragraph(
            "A script is a list of the commands you would type in the REPL, one per line. Write the "
                + "pattern your driver uses, run it, read what rdsh says, then freeze the output as "
                + "expectations so the script checks itself from then on.")
        out.heading(2, "1. Write it")
        out.code(
            #"""
            # my-unload.rdsh: the unload path waits for a reader.
            ExInitializeRundownProtection Dev
            Reader: ExAcquireRundownProtection Dev
            Unload: ExWaitForRundownProtectionRelease Dev
            Reader: ExReleaseRundownProtection Dev
            """#, language: "rdsh")
        out.paragraph(
            "`Reader:` and `Unload:` are real threads, created on first use. Comments (`#`) are yours. "
                + "The [lifecycle cheat sheet](lifecycle.md) and `.help NAME` in the REPL say what each "
                + "routine may do.")
        out.heading(2, "2. Run it")
        out.code("rdsh run my-unload.rdsh", language: "sh")
        out.paragraph(
            "Output goes to stdout, diagnostics to stderr as `file:line:col: error[CODE]: ...` with the "
                + "line and a caret. The exit status is 1 when an error was reported (0 for warnings only), "
                + "2 when the file cannot be read. `--bail` stops at the first error.")
        out.heading(2, "3. Freeze the output as expectations")
        out.code(
            #"""
            rdsh test --accept my-unload.rdsh        # writes #> and #! lines under each command
            rdsh run --echo my-unload.rdsh > t.rdsh  # or: the same transcript as a new file
            """#, language: "sh")
        out.paragraph(
            "`--accept` rewrites the file in place: under each command, `#> text` for each output line "
                + "and `#! text` for each diagnostic line, with the end-of-script reports (DEADLOCK, "
                + "POOL_LEAK) after the last command. It is refused when the `CI` environment variable is "
                + "set, unless `--force` is given. Read the diff before you commit it: the expectations "
                + "are now the specification. In the REPL, `.record FILE` does the same for a session "
                + "(`.record -f FILE` to replace an existing file).")
        out.code(
            #"""
            # my-unload.rdsh: the unload path waits for a reader.
            ExInitializeRundownProtection Dev
            Reader: ExAcquireRundownProtection Dev
            #> TRUE
            Unload: ExWaitForRundownProtectionRelease Dev
            #> [Unload] blocked in ExWaitForRundownProtectionRelease Dev
            #>     1 reference outstanding on Dev: 1 by Reader (ExAcquireRundownProtection Dev)
            Reader: ExReleaseRundownProtection Dev
            #> [Unload] returned from ExWaitForRundownProtectionRelease Dev
            """#, language: "rdsh")
        out.heading(2, "4. Run it as a test")
        out.code("rdsh test my-unload.rdsh        # or a folder: rdsh test tests/", language: "sh")
        out.paragraph(
            "`rdsh test` runs each file in its own session and compares the transcript with the "
                + "expectations, strictly: output nobody expected is a failure. A failure prints a hunk in "
                + "the script's own syntax and leaves `FILE.rdsh.actual` beside it. The last line is "
                + "`N passed, N failed`; the exit status is 0 when all passed, 1 when a file failed, 2 for "
                + "a usage error or when no test files were found. `--tap` and `--junit FILE` feed CI.")
        out.heading(2, "Expectation lines")
        out.table(
            ["line", "matches"],
            [
                ["`#> text`", "one output line (`#>` alone: an empty line)"],
                ["`#! text`", "one diagnostic line: `error[CODE]: ...`, `warning[CODE]: ...` or a `note:`"],
                ["`{{regex}}` inside a line", "a regular expression for the part that varies"],
                ["`#> ...` / `#! ...`", "any number of output / diagnostic lines, including none"],
                ["`#% skip: reason`", "at the top: do not run the file"],
                ["`#% xfail: reason`", "at the top: the file is expected to fail"],
                [
                    "`#% timeout: S`, `#% processors: N`",
                    "at the top: the session's watchdog and processor count",
                ],
            ])
        out.paragraph(
            "A line that must match loosely can say so: `#> ...` after a `[T] blocked in` line skips "
                + "the why-lines, `{{[0-9]+}}` stands for any number. Section 8 of `grammar.md` in the "
                + "rdsh repository has the details.")
        return out.text
    }
}
