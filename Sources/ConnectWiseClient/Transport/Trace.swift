/// Receives one line per request for `--trace`: method, URL, status, duration, attempt.
/// Lines never hold the Authorization header or the private key.
public struct TraceSink: Sendable {
    let write: @Sendable (String) -> Void

    public init(_ write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }
}
