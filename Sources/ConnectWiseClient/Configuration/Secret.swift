/// A private key: kept out of every description, log, trace and error text.
///
/// Only ``BasicAuthorization`` reads the value; printing a `Secret` shows `••••••`.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var isEmpty: Bool { value.isEmpty }
    public var description: String { "••••••" }
    public var debugDescription: String { "Secret(••••••)" }
    public var customMirror: Mirror { Mirror(self, children: []) }

    /// Removes every occurrence of this secret (and its Basic-auth encodings) from `text`.
    public func redact(_ text: String) -> String {
        guard value.count >= 4 else { return text }
        return text.replacing(value, with: "••••••")
    }
}
