import Foundation

/// Headless Chromium for the tests that render pages in a real browser: the reports (VigilReportTests) and the
/// service's pages (VigilServerTests). CI installs Chromium and sets VIGIL_BROWSER_TESTS=1.
public enum Browser {
    /// The first Chromium found on the usual paths.
    public static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    /// Whether a Chromium is installed.
    public static var available: Bool { path != nil }
    /// Whether CI asked for the browser tests (`VIGIL_BROWSER_TESTS=1`): a missing browser is then a failure.
    public static var required: Bool { ProcessInfo.processInfo.environment["VIGIL_BROWSER_TESTS"] == "1" }

    /// Runs headless Chromium with `arguments` and console logging, returning what it logged.
    public static func runLogging(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "/usr/bin/chromium")
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--enable-logging=stderr",
                "--user-data-dir=\(FileManager.default.temporaryDirectory.appendingPathComponent("vigil-chromium-\(UUID().uuidString)").path)",
            ] + arguments
        let error = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = error
        try process.run()
        let data = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs headless Chromium with `arguments`, returning standard output.
    public static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "/usr/bin/chromium")
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--user-data-dir=\(FileManager.default.temporaryDirectory.appendingPathComponent("vigil-chromium-\(UUID().uuidString)").path)",
            ] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
