import VigilCLI

/// The `vigil` executable: everything lives in `VigilCLI`, which tests import. The crash handler is installed before
/// anything reads input, so that no crash can print memory (see `CrashHandler`).
@main
enum Vigil {
    static func main() async {
        CrashHandler.install()
        await VigilCommand.main()
    }
}
