import Glibc
import RundownRuntime
import RundownScript

/// `rdsh doc` on disk: reads every `*.rdsh` under the scripts folder, renders the pages, and
/// either writes them into the output folder or reports which committed pages are out of date.
public struct DocSite: Sendable {
    /// Why the site could not be built (a usage problem, not a stale page).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The outcome of a `--check`: pages that differ, are missing, or should not be there.
    public struct Staleness: Sendable, Equatable {
        public var changed: [String] = []
        public var missing: [String] = []
        public var extra: [String] = []
        public var isUpToDate: Bool { changed.isEmpty && missing.isEmpty && extra.isEmpty }
        /// One line per stale file, `docs/x.md (changed)`, sorted.
        public var lines: [String] {
            (changed.map { ($0, "changed") } + missing.map { ($0, "missing") }
                + extra.map { ($0, "not generated") })
                .sorted { $0.0 < $1.0 }
                .map { "\($0.0) (\($0.1))" }
        }
    }

    public let scriptsDirectory: String
    public let outputDirectory: String

    public init(scriptsDirectory: String, outputDirectory: String) {
        self.scriptsDirectory = Self.trimmed(scriptsDirectory)
        self.outputDirectory = Self.trimmed(outputDirectory)
    }

    /// The transcript of a script's first `.par` block run with `schedule="WITNESS"`.
    @Sendable static func witnessTrace(_ text: String, _ witness: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let open = lines.firstIndex(where: { $0 == ".par" || $0.hasPrefix(".par ") }) else { return [] }
        lines[open] = ".par schedule=\"\(witness)\""
        let sink = CapturingSink()
        let session = Session(options: SessionOptions(watchdogSeconds: 10), sink: sink)
        var start = 0
        var trace: [String] = []
        for (index, line) in lines.enumerated() {
            if index == open { start = sink.entries.count }
            session.execute(line: line, location: SourceLocation(file: "race.rdsh", line: index + 1))
            if index > open && line.hasPrefix(".end") {
                trace = Array(sink.lines[start...])
                break
            }
        }
        session.finish()
        return trace
    }

    /// The pages, rendered in memory.
    public func pages() throws(Failure) -> [DocGenerator.Page] {
        guard DocFiles.isDirectory(scriptsDirectory) else {
            throw Failure(message: "'\(scriptsDirectory)' is not a directory of scripts")
        }
        var files: [(path: String, text: String)] = []
        for relative in DocFiles.files(under: scriptsDirectory, suffix: ".rdsh") {
            guard let bytes = DocFiles.read(scriptsDirectory + "/" + relative) else {
                throw Failure(message: "cannot read '\(scriptsDirectory)/\(relative)'")
            }
            files.append((relative, String(decoding: bytes, as: UTF8.self)))
        }
        // The C a scenario models lives beside it: `u01-x.rdsh` and `u01-x.c`.
        var cSources: [String: String] = [:]
        for relative in DocFiles.files(under: scriptsDirectory, suffix: ".c") {
            guard let bytes = DocFiles.read(scriptsDirectory + "/" + relative) else {
                throw Failure(message: "cannot read '\(scriptsDirectory)/\(relative)'")
            }
            cSources[String(relative.dropLast(2)) + ".rdsh"] = String(decoding: bytes, as: UTF8.self)
        }
        let generator = DocGenerator(
            scriptsLink: Self.relativePath(
                from: Self.absolute(outputDirectory), to: Self.absolute(scriptsDirectory)),
            scriptsArgument: scriptsDirectory, outputArgument: outputDirectory,
            cSources: cSources,
            witnessTrace: Self.witnessTrace)
        return generator.pages(for: files)
    }

    /// Writes the pages that changed, removes `.md` files the generator no longer produces,
    /// and returns the output paths it touched.
    @discardableResult
    public func write() throws(Failure) -> [String] {
        let pages = try pages()
        let stale = staleness(of: pages)
        var touched: [String] = []
        for page in pages where stale.changed.contains(page.path) || stale.missing.contains(page.path) {
            let path = outputDirectory + "/" + page.path
            guard DocFiles.makeDirectories(for: path), DocFiles.write(path, Array(page.text.utf8)) else {
                throw Failure(message: "cannot write '\(path)': \(String(cString: strerror(errno)))")
            }
            touched.append(path)
        }
        for path in stale.extra {
            unlink(outputDirectory + "/" + path)
            touched.append(outputDirectory + "/" + path)
        }
        return touched.sorted()
    }

    /// Compares the committed pages with freshly rendered ones.
    public func check() throws(Failure) -> Staleness {
        staleness(of: try pages())
    }

    func staleness(of pages: [DocGenerator.Page]) -> Staleness {
        var result = Staleness()
        let wanted = Set(pages.map(\.path))
        for page in pages {
            if let bytes = DocFiles.read(outputDirectory + "/" + page.path) {
                if bytes != Array(page.text.utf8) { result.changed.append(page.path) }
            } else {
                result.missing.append(page.path)
            }
        }
        if DocFiles.isDirectory(outputDirectory) {
            result.extra = DocFiles.files(under: outputDirectory, suffix: ".md").filter {
                !wanted.contains($0)
            }
        }
        return result
    }

    // MARK: - Paths

    static func trimmed(_ path: String) -> String {
        var path = path.isEmpty ? "." : path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// `path` made absolute against the working directory and normalised (no `.`, `..`), so
    /// links are right for any pair of folders (`cd my && rdsh doc . -o ../mydocs`).
    static func absolute(_ path: String) -> String {
        var full = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            guard getcwd(&buffer, buffer.count) != nil else { return path }
            full = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } + "/" + path
        }
        let parts = components(of: full).filter { $0 != "/" && $0 != ".." }
        return "/" + parts.joined(separator: "/")
    }

    /// `to` as seen from `from` (both relative to the current directory, or both absolute).
    static func relativePath(from: String, to: String) -> String {
        // Mixed absolute and relative paths have no relative form without the working directory.
        guard from.hasPrefix("/") == to.hasPrefix("/") else { return to }
        let base = components(of: from)
        let target = components(of: to)
        var common = 0
        while common < base.count && common < target.count && base[common] == target[common] { common += 1 }
        if base.contains("..") && common < base.count { return to }
        let up = Array(repeating: "..", count: base.count - common)
        let path = (up + target[common...]).joined(separator: "/")
        return path.isEmpty ? "." : path
    }

    static func components(of path: String) -> [String] {
        var parts: [String] = path.hasPrefix("/") ? ["/"] : []
        for part in path.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != "..", last != "/" {
                parts.removeLast()
            } else {
                parts.append(String(part))
            }
        }
        return parts
    }
}

/// The few file calls `rdsh doc` needs, on Glibc.
enum DocFiles {
    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Files whose names end in `suffix` below `root`, as sorted `/`-separated relative paths.
    /// Hidden entries (names starting with `.`) are skipped.
    static func files(under root: String, suffix: String) -> [String] {
        var result: [String] = []
        func walk(_ relative: String) {
            let path = relative.isEmpty ? root : root + "/" + relative
            guard let dir = opendir(path) else { return }
            defer { closedir(dir) }
            var names: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name.hasPrefix(".") { continue }
                names.append(name)
            }
            for name in names.sorted() {
                let child = relative.isEmpty ? name : relative + "/" + name
                if isDirectory(root + "/" + child) {
                    walk(child)
                } else if name.hasSuffix(suffix) {
                    result.append(child)
                }
            }
        }
        walk("")
        return result.sorted()
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count { break }
        }
        return ferror(file) == 0 ? bytes : nil
    }

    static func write(_ path: String, _ bytes: [UInt8]) -> Bool {
        guard let file = fopen(path, "wb") else { return false }
        let written = bytes.isEmpty ? 0 : fwrite(bytes, 1, bytes.count, file)
        return fclose(file) == 0 && written == bytes.count
    }

    /// Creates the folders above `path` as needed.
    static func makeDirectories(for path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var current = path.hasPrefix("/") ? "" : "."
        for part in parts where !part.isEmpty {
            current += "/" + part
            if !isDirectory(current) && mkdir(current, 0o755) != 0 && !isDirectory(current) { return false }
        }
        return true
    }
}
