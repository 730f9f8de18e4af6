import VigilIO

/// VigilIO's ``BufferedFileWriter`` with its failures reported as ``SynthError``, the generator's one error type.
final class EstateFileWriter {
    private let file: BufferedFileWriter

    init(path: String) throws(SynthError) {
        do {
            file = try BufferedFileWriter(path: path)
        } catch {
            throw SynthError(error)
        }
    }

    func write(_ text: String) throws(SynthError) {
        do { try file.write(text) } catch { throw SynthError(error) }
    }

    func write(bytes: some Sequence<UInt8>) throws(SynthError) {
        do { try file.write(bytes: bytes) } catch { throw SynthError(error) }
    }

    func flush() throws(SynthError) {
        do { try file.flush() } catch { throw SynthError(error) }
    }

    func close() throws(SynthError) {
        do { try file.close() } catch { throw SynthError(error) }
    }
}
