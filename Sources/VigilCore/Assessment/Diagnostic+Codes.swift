extension Diagnostic {
    /// The diagnostic codes Vigil acts on rather than only reports: each named once here, so the reader that logs one
    /// and the code that reacts to it (coverage, exit status, the cap on kept diagnostics) cannot drift apart. Codes are
    /// strings because they are data, written to `assessment.json` and documented; other codes stay at their one
    /// call site.
    public enum Code {
        /// A file whose declared format (`vigil.yaml`) its content does not match.
        public static let formatMismatch = "manifest.format-mismatch"
        /// A text export holding NUL bytes (zero fill after a crash, damage in copying), read nonetheless.
        public static let nulBytes = "file.nul-bytes"
        /// A directory export the server stopped before its end (size limit, paging cookie).
        public static let ldifTruncated = "ldif.truncated"
        /// A directory export cut in the middle of a record.
        public static let ldifPartialRecord = "ldif.partial-record"
        /// Directory records run together without a blank line.
        public static let ldifMergedRecords = "ldif.merged-records"
        /// Directory entries that could not be classified as users, computers or groups.
        public static let ldifUnclassified = "ldif.unclassified"
        /// A directory search that failed (`ldapsearch` printed an error result).
        public static let ldifSearchFailed = "ldif.search-failed"
        /// An export of the server's root entry only.
        public static let ldifRootDSE = "ldif.root-dse"
    }
}
