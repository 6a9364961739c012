// swift-tools-version:6.0
import PackageDescription

// One target per responsibility; docs/architecture.md explains each and the data flow between them.
let package = Package(
    name: "Infill",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "infill", targets: ["infill"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: C targets: hot SIMD kernels, the jsoncpp shim and the build's commit.
        .target(
            name: "CKernels",
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]
        ),
        .target(
            name: "CJSON",
            cxxSettings: [.unsafeFlags(["-I/usr/include/jsoncpp"])],
            linkerSettings: [.linkedLibrary("jsoncpp")]
        ),
        // The git commit the binary was built from (scripts/record-commit), for its version.
        .target(name: "CBuildInfo"),

        // MARK: Engine
        .target(name: "GGUF"),
        .target(name: "Tokenizer", dependencies: ["GGUF"]),
        // OpenBLAS is loaded at run time (dlopen), not linked: its core type must be chosen before it loads.
        .target(name: "LlamaEngine", dependencies: ["GGUF", "Tokenizer", "CKernels"]),

        // MARK: Language server
        .target(name: "LSPProtocol"),
        .target(name: "JSONRPC", dependencies: ["LSPProtocol", "CJSON"]),
        .target(name: "Completion", dependencies: ["Tokenizer"]),
        // The completion pipeline, the per-document cache and the worker, over a `Generator`
        // (the in-process engine is the first).
        .target(name: "CompletionBackend", dependencies: ["Completion", "GGUF", "LlamaEngine", "Tokenizer"]),
        .target(name: "LanguageServer", dependencies: ["LSPProtocol", "JSONRPC", "Completion", "CompletionBackend", "CBuildInfo"]),

        // MARK: Executable
        .executableTarget(
            name: "infill",
            dependencies: [
                "GGUF", "Tokenizer", "LlamaEngine", "Completion", "CompletionBackend", "LSPProtocol", "JSONRPC",
                "LanguageServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Tests mirror the targets.
        .target(name: "InfillTestSupport", dependencies: ["GGUF"], path: "Tests/TestSupport"),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "InfillTestSupport"]),
        .testTarget(name: "TokenizerTests", dependencies: ["InfillTestSupport", "Tokenizer", "GGUF"], exclude: ["Fixtures"]),
        .testTarget(
            name: "LlamaEngineTests",
            dependencies: ["InfillTestSupport", "LlamaEngine", "GGUF", "Tokenizer", "CKernels"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "LSPProtocolTests", dependencies: ["LSPProtocol"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC", "LSPProtocol"]),
        .testTarget(name: "CompletionTests", dependencies: ["InfillTestSupport", "Completion", "Tokenizer", "GGUF"], exclude: ["Fixtures"]),
        .testTarget(name: "CompletionBackendTests", dependencies: ["InfillTestSupport", "CompletionBackend", "Completion"]),
        .testTarget(
            name: "LanguageServerTests",
            dependencies: ["InfillTestSupport", "LanguageServer", "CompletionBackend", "LSPProtocol", "JSONRPC"]
        ),
    ]
)
