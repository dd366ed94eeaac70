import Foundation

/// A fresh folder under the system's temporary directory, for files a test writes.
public enum TemporaryFolder {
    /// Creates `PREFIX-UUID` and returns it.
    public static func make(_ prefix: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

extension TemporaryFolder {
    /// Writes `text` as the file `name` in `folder` and returns its URL.
    @discardableResult
    public static func write(_ text: String, named name: String, in folder: URL) throws -> URL {
        let file = folder.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }
}
