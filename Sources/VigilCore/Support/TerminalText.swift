/// Text from evidence made safe to print on a terminal.
public enum TerminalText {
    /// `text` with every control character but line feed and tab (C0, DEL, C1, which include the escape sequences
    /// that move the cursor, retitle the window or rewrite what was printed) and every bidirectional override (which
    /// makes a name read differently from its bytes) replaced by `?`.
    ///
    /// Why: file names on a share and names in an export are chosen by whoever made them; printed raw, `\u{1B}[2J` in a
    /// file name clears the screen and hides the lines before it.
    public static func sanitised(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { result.append(isUnsafe(scalar) ? "?" : scalar) }
        return String(result)
    }

    /// A name (a file, a zip member, an account) for one line of output: as ``sanitised(_:)``, line feeds and tabs
    /// included, so that a name holding `\n` cannot print a forged line of its own.
    public static func name(_ text: String) -> String {
        sanitised(text).replacingOccurrences(of: "\n", with: "?").replacingOccurrences(of: "\t", with: "?")
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }
}
