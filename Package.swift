// swift-tools-version: 6.1
import PackageDescription

// Release builds reach concrete generic type metadata (a `[String: Worker]`'s storage, say)
// through direct accessor calls rather than by mangled name. By name, the runtime demangles
// the type and searches every conformance record of the executable for `String: Hashable`:
// a 1-line `rdsh run` made 60 such lookups before its first command, and 24 with this flag
// (the rest are in the standard library's own code); start-up fell from 2.29 to 2.16 ms. The
// cost is a little code size; the interpreter's commands got no slower (2-7% faster).
let directMetadataAccess: [SwiftSetting] = [
    .unsafeFlags(
        ["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"], .when(configuration: .release))
]

let package = Package(
    name: "rdsh",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Rundown", targets: ["Rundown"]),
        .executable(name: "rdsh", targets: ["rdsh"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // Futex, current-processor and thread-affinity calls that Swift cannot reach directly
        // (variadic `syscall`, CPU_SET macros).
        .target(name: "CRundownSupport"),
        // The primitives: plain and cache-aware run-down references. No Foundation.
        .target(name: "Rundown", dependencies: ["CRundownSupport"], swiftSettings: directMetadataAccess),
        // Source locations, lexer, parser, routine catalogue, diagnostics.
        .target(name: "RundownScript", swiftSettings: directMetadataAccess),
        // Session, named worker threads, settling, contract checker and ledger, transcript.
        .target(
            name: "RundownRuntime", dependencies: ["Rundown", "RundownScript", "CRundownSupport"],
            swiftSettings: directMetadataAccess),
        // Expectation matching, accept, reports (TAP, JUnit), rdsh doc.
        .target(
            name: "RundownCheck", dependencies: ["RundownScript", "RundownRuntime"], swiftSettings: directMetadataAccess),
        // libedit's header (libedit-dev). The library itself is not linked: the shim loads it
        // with dlopen when the REPL first opens an editor, so that `rdsh run` starts without
        // mapping it and the three libraries it needs. The shim wraps its variadic calls.
        .systemLibrary(
            name: "CLibEdit",
            providers: [.apt(["libedit-dev"])]),
        .target(name: "CEditLineShim", dependencies: ["CLibEdit"]),
        // The interactive front end: line editor, completion, hints, help rendering.
        .target(
            name: "RundownREPL", dependencies: ["RundownScript", "RundownRuntime", "CEditLineShim"],
            swiftSettings: directMetadataAccess),
        // rdsh bench: the library, the interpreter and the test runner measured.
        .target(
            name: "RundownBench",
            dependencies: ["Rundown", "RundownScript", "RundownRuntime", "RundownCheck", "CRundownSupport"],
            swiftSettings: directMetadataAccess),
        .executableTarget(
            name: "rdsh",
            dependencies: [
                "Rundown", "RundownScript", "RundownRuntime", "RundownCheck", "RundownREPL", "RundownBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: directMetadataAccess,
            // The Swift runtime (and FoundationEssentials, which ArgumentParser imports) linked
            // into the release executable: `rdsh run` of a 1-line script starts in 2.9 ms
            // instead of 5.3 (the loader maps 10 fewer shared libraries). `-static-stdlib` alone
            // misses FoundationEssentials' two support libraries, hence the two `-l`. `-no-pie`:
            // a position-dependent executable has no relative relocations to apply at start-up
            // (393 instead of 40 512, and 120 fewer page faults): 3.0 ms -> 2.7 ms. Release
            // only: `swift test` (debug) links the test bundles against the toolchain's shared
            // runtime, which a second, static copy must not meet.
            linkerSettings: [
                .unsafeFlags(
                    ["-static-stdlib", "-l_FoundationCollections", "-l_FoundationCShims", "-Xclang-linker", "-no-pie"],
                    .when(configuration: .release))
            ]),
        .testTarget(name: "RundownTests", dependencies: ["Rundown"]),
        .testTarget(name: "RundownScriptTests", dependencies: ["RundownScript"]),
        .testTarget(name: "RundownRuntimeTests", dependencies: ["RundownRuntime", "RundownScript", "Rundown"]),
        .testTarget(name: "RundownCheckTests", dependencies: ["RundownCheck", "RundownRuntime", "RundownScript"]),
        .testTarget(name: "RundownREPLTests", dependencies: ["RundownREPL", "RundownScript", "RundownRuntime"]),
        // Through the built executable: output, stderr, exit codes, the REPL on a pty.
        .testTarget(name: "EndToEndTests", dependencies: ["rdsh", "RundownScript"]),
    ]
)

// The libFuzzer target over parser and session: `RDSH_FUZZ=1 swift build --sanitize=fuzzer
// --product RundownFuzz` (`.ci/fuzz` does it). Off otherwise: a plain build cannot link it.
if Context.environment["RDSH_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(name: "RundownFuzz", dependencies: ["RundownScript", "RundownRuntime"]))
    package.products.append(.executable(name: "RundownFuzz", targets: ["RundownFuzz"]))
}
