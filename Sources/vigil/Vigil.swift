import VigilCLI

/// The `vigil` executable: everything lives in `VigilCLI`, which tests import.
@main
extension VigilCommand {}
