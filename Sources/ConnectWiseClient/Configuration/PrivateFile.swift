import Foundation

/// Files only their owner may read, written whole or not at all.
enum PrivateFile {
    /// Why a write failed.
    struct WriteError: Error {
        var reason: String
    }

    /// Writes `bytes` to a 0600 temporary file beside `path` (creating the folder 0700) and
    /// renames it over `path`: a reader sees the old file or the new one, never a part.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw WriteError(reason: "cannot create \(directory): \(error.localizedDescription)")
        }
        let name = (path as NSString).lastPathComponent
        let temporary = "\(directory)/.\(name).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw WriteError(reason: String(cString: strerror(errno))) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw WriteError(reason: "could not write the file")
        }
    }
}
