/// A table an analyzer adds to the report beside its findings (the advisories missing across hosts, worst first): a
/// view across subjects that no single finding gives. Cells are plain text; never a hash or identifier.
public struct SummaryTable: Codable, Sendable, Hashable {
    /// A stable identifier (`updates.advisories`).
    public var id: String
    /// The area it belongs to.
    public var area: AssessmentArea
    /// Its heading.
    public var title: String
    /// Column headings.
    public var columns: [String]
    /// Rows, in the order to show them; each has one cell per column.
    public var rows: [[String]]
    /// What the table leaves out, when it is cut (`1,204 more advisories`).
    public var note: String?

    public init(
        id: String, area: AssessmentArea, title: String, columns: [String], rows: [[String]], note: String? = nil
    ) {
        self.id = id
        self.area = area
        self.title = title
        self.columns = columns
        self.rows = rows
        self.note = note
    }
}
