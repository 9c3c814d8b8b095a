import ArgumentParser

/// `rdsh --generate-manual`: the man page (roff, section 1), built from the same help text
/// ArgumentParser prints for `rdsh help SUBCOMMAND`, so the two cannot disagree.
///
/// Install it with `rdsh --generate-manual > /usr/local/share/man/man1/rdsh.1`; the README's
/// build section does this.
enum ManualPage {
    static func render() -> String {
        var page: [String] = []
        page.append(".TH RDSH 1 \"\" \"rdsh \(Version.string)\" \"User Commands\"")
        page.append(".SH NAME")
        page.append("rdsh \\- the run-down protection shell: Windows EX_RUNDOWN_REF routines on real threads")
        page.append(".SH SYNOPSIS")
        page.append(".B rdsh")
        page.append("[\\fISUBCOMMAND\\fR] [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]")
        page.append(".SH DESCRIPTION")
        page.append(
            escape(
                "rdsh runs the Windows kernel's run-down protection routines (ExAcquireRundownProtection, "
                    + "ExWaitForRundownProtectionRelease and the cache-aware family) on real threads, from a "
                    + "small command language. Scripts double as tests: the expected output is written under "
                    + "each command as #> and #! lines. Without a subcommand rdsh starts the interactive shell."
            ))
        page.append(".SH COMMANDS")
        for subcommand in RDSH.configuration.subcommands {
            let name = subcommand.configuration.commandName ?? "?"
            page.append(".SS rdsh \(name)")
            page.append(".nf")
            let help = RDSH.helpMessage(for: subcommand, columns: 78)
            for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
                page.append(escapeLine(String(line)))
            }
            page.append(".fi")
        }
        page.append(".SH EXIT STATUS")
        page.append(".TP\n0\nsuccess")
        page.append(".TP\n1\na script reported an error, or a test failed")
        page.append(".TP\n2\na usage error, a file that cannot be read, or (rdsh test) no test files found")
        page.append(".PP")
        page.append(
            escape(
                "The interactive shell exits 0 at Ctrl-D or .exit, even after errors or end-of-session reports "
                    + "(DEADLOCK, POOL_LEAK); 1 only when .bail on stopped it. With stdin not a terminal it "
                    + "behaves like rdsh run -."))
        page.append(".SH ENVIRONMENT")
        for (name, text) in [
            ("RDSH_HISTORY", "the REPL's history file; empty turns history off"),
            ("XDG_STATE_HOME", "history in $XDG_STATE_HOME/rdsh/history when RDSH_HISTORY is unset"),
            ("RDSH_WATCHDOG_SECONDS", "seconds a thread may neither finish nor block (default 5)"),
            ("CI", "when set, rdsh test --accept is refused unless --force is given"),
            ("NO_COLOR", "turns colour off"),
            ("EDITRC", "libedit key bindings (default ~/.editrc), program name rdsh"),
        ] {
            page.append(".TP\n.B \(name)\n\(escape(text))")
        }
        page.append(".SH SHELL COMPLETION")
        page.append(
            escape("rdsh --generate-completion-script bash (or zsh, fish) prints a completion script."))
        page.append(".SH SEE ALSO")
        page.append(escape("grammar.md (the language), docs/README.md (routines, scenarios, diagnostics)."))
        return page.joined(separator: "\n") + "\n"
    }

    /// Escapes roff's backslash.
    static func escape(_ text: String) -> String {
        text.replacing("\\", with: "\\e")
    }

    /// One line of preformatted text: a leading `.` or `'` would be a roff request.
    static func escapeLine(_ line: String) -> String {
        let escaped = escape(line)
        if escaped.hasPrefix(".") || escaped.hasPrefix("'") { return "\\&" + escaped }
        return escaped
    }
}
