/// Reads what a server changes in the background again and again, until it shows the change or
/// the tries run out; the caller then asserts on the last value read.
public enum Polling {
    /// The value `read` gives once `done` holds for it, or the last one read after `tries`.
    public static func read<Value>(
        tries: Int,
        every seconds: Double,
        _ read: () async throws -> Value,
        until done: (Value) -> Bool
    ) async throws -> Value {
        var value = try await read()
        for _ in 1..<max(1, tries) where !done(value) {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            value = try await read()
        }
        return value
    }
}
