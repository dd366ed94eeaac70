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
