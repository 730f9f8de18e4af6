public import Foundation

/// Extracting chosen files of a zip into a folder, within limits (for archives of reference data such as the WES-NG
/// definitions `definitions.zip`).
public enum ZipExtraction {
    /// Extracts the file entries of the zip at `url` whose paths `accept` approves into `folder` (flattened to their
    /// last path component, numbered where two share one), returning the files written in path order.
    public static func extract(
        _ url: URL, into folder: URL, limits: ArchiveLimits = ArchiveLimits(), accept: (String) -> Bool
    ) throws(ArchiveFailure) -> [URL] {
        var archive = try BoundedZipArchive(url: url, limits: limits)
        let paths = archive.paths
        var written: [URL] = []
        var used: Set<String> = []
        let members = Set(paths.map { ($0 as NSString).lastPathComponent })
        for path in paths where accept(path) {
            var name = (path as NSString).lastPathComponent
            guard !name.isEmpty, !name.hasPrefix(".") else { continue }
            // Members of different folders may share a name; flattened, each keeps its own file. A renamed member
            // may not take a name another member has or will have (`2-a.csv` beside `a/a.csv` and `b/a.csv`), and the
            // file is created exclusively, so no member ever overwrites another.
            if !used.insert(name).inserted {
                let original = name
                var number = written.count + 1
                repeat {
                    name = "\(number)-\(original)"
                    number += 1
                } while members.contains(name) || !used.insert(name).inserted
            }
            let target = folder.appendingPathComponent(name)
            guard let descriptor = Platform.createNew(target.path) else {
                throw ArchiveFailure(code: .output, message: "cannot write \(target.path)")
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            defer { try? handle.close() }
            try archive.read(path) { bytes in handle.write(Data(bytes)) }
            written.append(target)
        }
        return written
    }
}
