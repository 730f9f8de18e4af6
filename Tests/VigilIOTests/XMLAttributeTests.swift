import Testing
import VigilIO

/// Attribute values read from a start tag as the Office readers ask for them.
@Suite("XML attributes")
struct XMLAttributeTests {
    static func value(_ tag: String, _ read: (UnsafeBufferPointer<UInt8>) -> [UInt8]?) -> String? {
        Array(tag.utf8).withUnsafeBufferPointer { read($0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("a qualified name matches only as written; values in either quote, entities decoded")
    func qualified() {
        let tag = #"sheet name="A &amp; E" sheetId='2' r:id="rId7""#
        #expect(Self.value(tag) { XMLTokenizer.attribute($0, "name") } == "A & E")
        #expect(Self.value(tag) { XMLTokenizer.attribute($0, "sheetId") } == "2")
        #expect(Self.value(tag) { XMLTokenizer.attribute($0, "r:id") } == "rId7")
        #expect(Self.value(tag) { XMLTokenizer.attribute($0, "id") } == nil)
    }

    @Test("a relationship id is found whatever its prefix: r:id from Excel, d3p1:id from .NET's serialiser")
    func prefixed() {
        let dotNet =
            #"sheet name="FAM" sheetId="1" d3p1:id="rId1" xmlns:d3p1="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#
        #expect(Self.value(dotNet) { XMLTokenizer.prefixedAttribute($0, localName: "id") } == "rId1")
        #expect(Self.value(#"sheet r:id="rId2""#) { XMLTokenizer.prefixedAttribute($0, localName: "id") } == "rId2")
        // A namespace declaration named `id` is not an attribute called id.
        let declared = #"sheet xmlns:id="urn:x" d3p1:id="rId3""#
        #expect(Self.value(declared) { XMLTokenizer.prefixedAttribute($0, localName: "id") } == "rId3")
        // Not an unprefixed `id`, an empty prefix, or a name merely ending in "id".
        for tag in [#"sheet id="x""#, #"sheet :id="x""#, #"sheet sheetId="1""#, #"sheet r:sheetid="1""#] {
            #expect(Self.value(tag) { XMLTokenizer.prefixedAttribute($0, localName: "id") } == nil, "\(tag)")
        }
    }
}
