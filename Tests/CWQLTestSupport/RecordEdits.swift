import CWJSON
import ConnectWiseRequests

/// Edits a test makes through the API, as another user of the site would.
public enum RecordEdits {
    /// A PATCH replacing one field of the record at `path` (`/service/tickets/3`).
    public static func replacing(_ field: String, with value: JSON, at path: String) -> Request {
        let operation = JSONObject(["op": .string("replace"), "path": .string(field), "value": value])
        return Request(.patch, path, body: .array([.object(operation)]))
    }

    /// A PATCH of a ticket's summary.
    public static func summary(of ticket: Int, to text: String) -> Request {
        replacing("summary", with: .string(text), at: "/service/tickets/\(ticket)")
    }
}
