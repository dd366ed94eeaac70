import CWJSON
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The journal of one run that writes: a JSON Lines file in the state directory
/// (`runs/RUN.jsonl`, mode 0600, never a secret in it). Its first line says what ran; each
/// write adds one line with the request, the values it replaced, its outcome and how to undo it.
/// Every line is written whole in one `write(2)` on a file opened for appending, so a run
/// killed at any moment (even by SIGKILL) leaves a journal readable up to its last write.
public final class RunJournal: @unchecked Sendable {
    /// `20261123-201154-3f2a`: sortable by time.
    public let id: String
    public let path: String
    private let descriptor: Int32
    private let lock = NSLock()

    private init(id: String, path: String, descriptor: Int32) {
        self.id = id
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The folder of the journals under a state directory.
    public static func folder(in stateDirectory: String) -> String { stateDirectory + "/runs" }

    /// Starts a journal with its header (what ran, where, when).
    public static func start(in stateDirectory: String, header: JSONObject, now: Date = Date()) throws -> RunJournal {
        let folder = folder(in: stateDirectory)
        try FileManager.default.createDirectory(
            atPath: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        var components = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = components.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let stamp =
            "\(parts.year ?? 0)\(two(parts.month))\(two(parts.day))-\(two(parts.hour))\(two(parts.minute))\(two(parts.second))"
        for _ in 0..<20 {
            let id = stamp + "-" + String(UInt16.random(in: 0...UInt16.max), radix: 16)
            let path = "\(folder)/\(id).jsonl"
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
            if descriptor >= 0 {
                let journal = RunJournal(id: id, path: path, descriptor: descriptor)
                var first = header
                first["type"] = .string("run")
                first["id"] = .string(id)
                first["started"] = .string(ISO8601DateFormatter().string(from: now))
                journal.append(first)
                return journal
            }
            if errno != EEXIST { break }
        }
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: folder])
    }

    /// Adds one line.
    public func append(_ entry: JSONObject) {
        let line = JSONWriter.bytes(.object(entry)) + [0x0A]
        lock.withLock {
            line.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    /// A journal as read back: its header and its writes (a last line cut short by a kill is left out).
    public struct Contents: Sendable {
        public var header: JSONObject
        public var writes: [JSONObject]
        /// The run that undid this one, if any.
        public var undoneBy: String?
    }

    /// Reads the journal at `path`.
    public static func read(_ path: String) throws -> Contents {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: true)
        if let last = data.last, last != 0x0A, !lines.isEmpty { lines.removeLast() }  // cut short
        var header = JSONObject()
        var writes: [JSONObject] = []
        var undoneBy: String?
        for line in lines {
            guard case .object(let entry)? = try? JSONParser.parse(Array(line)) else { continue }
            switch entry["type"]?.stringValue {
            case "run": header = entry
            case "write": writes.append(entry)
            case "undone": undoneBy = entry["by"]?.stringValue
            default: break
            }
        }
        return Contents(header: header, writes: writes, undoneBy: undoneBy)
    }

    /// Notes in a journal that a later run undid it.
    static func markUndone(_ path: String, by id: String) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let line = JSONWriter.bytes(.object(JSONObject(["type": .string("undone"), "by": .string(id)]))) + [0x0A]
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// The journals in a state directory, newest first.
    public static func list(in stateDirectory: String) -> [(id: String, path: String)] {
        let folder = folder(in: stateDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.sorted(by: >).map { (String($0.dropLast(6)), "\(folder)/\($0)") }
    }
}
