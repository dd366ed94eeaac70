import CWJSON
import ConnectWiseRequests

/// A journal line for one write: the request, the values it replaced, its outcome, and the
/// request that reverses it (or why none can).
enum JournalEntry {
    /// What became of a write.
    enum Outcome: String {
        case done, failed, unknown
    }

    /// - Parameters:
    ///   - request: the write as sent (its path bound).
    ///   - record: the record as read before the write (a PATCH's replaced values come from it).
    ///   - answer: ConnectWise's answer, for a done write (a created record's id).
    ///   - undone: for a write of `cwql undo`, the entry it reversed (its own undo is that write again).
    static func write(
        _ request: Request,
        record: Int?,
        before: JSON?,
        outcome: Outcome,
        reason: String? = nil,
        answer: JSON? = nil,
        undone: JSONObject? = nil
    ) -> JSONObject {
        let path = request.pathText
        var entry = JSONObject([
            "type": .string("write"), "method": .string(request.method.rawValue), "path": .string(path),
        ])
        if let record { entry["record"] = .int(record) }
        if let body = request.body { entry["body"] = body }
        entry["outcome"] = .string(outcome.rawValue)
        if let reason { entry["reason"] = .string(reason) }
        guard outcome == .done else { return entry }
        if let answer, answer != .null { entry["answer"] = answer }
        if let undone {
            // Undoing an undo writes the original again.
            entry["undo"] = reversal(of: undone)
            return entry
        }
        switch request.method {
        case .patch:
            var replaced = JSONObject()
            var operations: [JSON] = []
            for operation in request.body?.arrayValue ?? [] {
                guard let opPath = operation["path"]?.stringValue else { continue }
                var key = opPath.hasPrefix("/") ? String(opPath.dropFirst()) : opPath
                guard let before, case .object = before else {
                    entry["cannotUndo"] = .string("the values it replaced were not read")
                    return entry
                }
                // ConnectWise leaves null fields out of its answers: a field read and absent was null.
                // `owner/id` of a ticket that had no owner: the undo sets `owner` back to null.
                var value = before.value(atPathIgnoringCase: key) ?? .null
                if value == .null, key.hasSuffix("/id"),
                    (before.value(atPathIgnoringCase: String(key.dropLast(3))) ?? .null) == .null
                {
                    key = String(key.dropLast(3))
                    value = .null
                }
                replaced[key] = value
                operations.append(
                    .object(JSONObject(["op": .string("replace"), "path": .string(key), "value": value]))
                )
            }
            entry["before"] = .object(replaced)
            entry["undo"] = requestJSON(.patch, path, body: .array(operations))
        case .post:
            guard let id = answer?["id"]?.intValue else {
                entry["cannotUndo"] = .string("ConnectWise's answer gave no id for the record it made")
                return entry
            }
            entry["created"] = .string("\(path)/\(id)")
            entry["undo"] = requestJSON(.delete, "\(path)/\(id)")
        case .delete:
            entry["cannotUndo"] = .string("a deleted record cannot be brought back")
        default:
            break
        }
        return entry
    }

    /// The request that reverses an entry reversed by `cwql undo`: the original write again
    /// (a deleted record made again from the body that made it).
    static func reversal(of original: JSONObject) -> JSON? {
        guard let method = original["method"]?.stringValue, let path = original["path"]?.stringValue else { return nil }
        return requestJSON(HTTPMethod(rawValue: method) ?? .patch, path, body: original["body"])
    }

    static func requestJSON(_ method: HTTPMethod, _ path: String, body: JSON? = nil) -> JSON {
        var object = JSONObject(["method": .string(method.rawValue), "path": .string(path)])
        if let body { object["body"] = body }
        return .object(object)
    }
}
