import CWJSON
import CWQLLanguage
import ConnectWiseClient
import ConnectWiseRequests

/// Checks that ConnectWise applied a PATCH: its guide warns that a PATCH inside an object "may
/// receive a false 200". Each value sent is compared with the record the answer holds (or, when
/// the answer leaves a field out, with the record read again).
enum WriteVerification {
    /// One value the record does not hold after the write.
    struct Mismatch: Sendable, Equatable, CustomStringConvertible {
        var path: String
        var sent: JSON
        var holds: JSON?
        var description: String {
            "\(path) (sent \(JSONWriter.string(sent)), the record holds \(holds.map { JSONWriter.string($0) } ?? "nothing"))"
        }
    }

    /// What `operations` (a JSON Patch array) set that `record` does not hold; `missing` gets
    /// the paths the record leaves out (to read again).
    static func mismatches(of operations: JSON, in record: JSON, missing: inout [String]) -> [Mismatch] {
        var found: [Mismatch] = []
        for operation in operations.arrayValue ?? [] {
            guard let op = operation["op"]?.stringValue?.lowercased(), op == "replace" || op == "add",
                let rawPath = operation["path"]?.stringValue, let sent = operation["value"]
            else { continue }
            let path = rawPath.hasPrefix("/") ? String(rawPath.dropFirst()) : rawPath
            guard let holds = record.value(atPathIgnoringCase: path) else {
                missing.append(path)
                continue
            }
            if path.lowercased() == "customfields" {
                found += customFieldMismatches(sent: sent, holds: holds)
            } else if !same(sent, holds) {
                found.append(Mismatch(path: path, sent: sent, holds: holds))
            }
        }
        return found
    }

    /// Custom fields compare by id: each value sent must be the value the record's field holds.
    private static func customFieldMismatches(sent: JSON, holds: JSON) -> [Mismatch] {
        let held = holds.arrayValue ?? []
        var found: [Mismatch] = []
        for field in sent.arrayValue ?? [] {
            guard let id = field["id"]?.intValue else { continue }
            let value = field["value"] ?? .null
            let current = held.first { $0["id"]?.intValue == id }?["value"] ?? .null
            if !same(value, current) {
                let caption = field["caption"]?.stringValue ?? "\(id)"
                found.append(Mismatch(path: "custom(\"\(caption)\")", sent: value, holds: current))
            }
        }
        return found
    }

    /// Equal as ConnectWise means it: numbers by value (5 is 5.0), text exactly, dates by the
    /// moment, objects and lists field by field.
    static func same(_ lhs: JSON, _ rhs: JSON) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        if let left = lhs.stringValue, let right = rhs.stringValue {
            if left == right { return true }
            if let leftDate = DateLiteral(parsing: left), let rightDate = DateLiteral(parsing: right) {
                return leftDate.date == rightDate.date
            }
            return false
        }
        return lhs == rhs
    }

    /// Sends a write, the one way every write of a run goes: a PATCH's answer is checked
    /// (reading the record again for what it leaves out), and ``Failure`` thrown when
    /// ConnectWise answered success but did not apply a value. Inside an event block run again
    /// after an interruption, a POST first looks for the record it would make (`reconcile`)
    /// and makes it only when it is not there.
    @discardableResult
    static func send(
        _ request: Request,
        through client: ConnectWiseClient,
        reconcile: (@Sendable () async throws -> JSON?)? = nil
    ) async throws -> APIResponse {
        let attempt = EventAttempt.current
        if let attempt, attempt.replayingSince != nil, request.method == .post, let reconcile,
            let made = try await reconcile()
        {
            attempt.noteWrite(request)
            return APIResponse(status: 200, headers: [], body: made, attempts: 0)
        }
        let answer = try await client.send(request, reconcile: reconcile)
        attempt?.noteWrite(request)
        guard request.method == .patch, let body = request.body else { return answer }
        var missing: [String] = []
        var found = mismatches(of: body, in: answer.body, missing: &missing)
        if !missing.isEmpty {
            let reread = try await client.get(request.pathText, query: [("fields", missing.joined(separator: ","))])
            var stillMissing: [String] = []
            let paths = Set(missing)
            let operations = JSON.array(
                (body.arrayValue ?? []).filter { operation in
                    let path = operation["path"]?.stringValue.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
                    return path.map(paths.contains) ?? false
                }
            )
            found += mismatches(of: operations, in: reread, missing: &stillMissing)
        }
        if !found.isEmpty { throw Failure(mismatches: found) }
        return answer
    }

    /// A write ConnectWise answered with success without applying it.
    struct Failure: Error, CustomStringConvertible {
        var mismatches: [Mismatch]
        var description: String {
            "ConnectWise answered 200 but did not apply "
                + mismatches.map(\.description).joined(separator: "; ")
        }
    }
}
