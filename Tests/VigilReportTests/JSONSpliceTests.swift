import Testing

@testable import VigilReport

/// The byte search `assessment.json`'s writer uses to find where the findings go, against every position a naive
/// search finds by hand.
@Suite("assessment.json: the findings array is found where it is")
struct JSONSpliceTests {
    @Test(
        "the first occurrence, or none",
        arguments: [
            ("\"findings\" : [\n\n  ]", 0), ("{ \"findings\" : [\n\n  ] }", 2),
            ("\"findings\" : [ \"findings\" : [\n\n  ]", 15), ("\"findings\" : [\n\n ", nil), ("", nil),
            ("\"f\"findings\" : [\n\n  ]\"findings\" : [\n\n  ]", 2),
        ] as [(String, Int?)])
    func search(text: String, expected: Int?) {
        let needle = Array("\"findings\" : [\n\n  ]".utf8)
        let found = JSONReportRenderer.firstRange(of: needle, in: Array(text.utf8))
        #expect(found?.lowerBound == expected)
        if let found { #expect(found.count == needle.count) }
    }
}
