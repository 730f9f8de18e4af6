import Foundation

/// libFuzzer's entry points. One binary holds every harness; `VIGIL_FUZZ_HARNESS` names the one a run exercises
/// (`scripts/fuzz.sh` runs each in turn), which builds Vigil with the sanitizers once instead of twenty times.
enum FuzzEntry {
    /// The harness chosen at start-up.
    nonisolated(unsafe) static var harness: Harness?
}

/// Picks the harness named by `VIGIL_FUZZ_HARNESS`; exits listing the names when it is missing or unknown.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    let name = ProcessInfo.processInfo.environment["VIGIL_FUZZ_HARNESS"] ?? ""
    guard let harness = Harness.all.first(where: { $0.name == name }) else {
        FileHandle.standardError.write(
            Data("VIGIL_FUZZ_HARNESS must be one of: \(Harness.all.map(\.name).joined(separator: " "))\n".utf8))
        exit(64)
    }
    FuzzEntry.harness = harness
    return 0
}

/// Runs the chosen harness on one input. Every outcome but a crash, a sanitizer report or a timeout is a pass:
/// rejecting bad input with an error is what the code under test should do.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let harness = FuzzEntry.harness else { return 0 }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    harness.run(bytes)
    return 0
}

/// libFuzzer's driver, called from the executable's entry point (below) rather than from libFuzzer's own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func fuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The executable's entry point. SwiftPM links an executable target with `main` defined as `<target>_main`, which
/// keeps libFuzzer's `main` out of the link; this hands the command line to libFuzzer's driver instead.
@_cdecl("VigilFuzz_main")
public func vigilFuzzMain(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    var count = argc
    var arguments = argv
    return fuzzerRunDriver(&count, &arguments) { data, size in fuzzerTestOneInput(data, size) }
}
