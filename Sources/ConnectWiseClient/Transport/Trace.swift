/// Receives one line per request for `--trace`: method, URL, status, duration, attempt.
/// Lines never hold the Authorization header or the private key.
public struct TraceSink: Sendable {
    let write: @Sendable (String) -> Void

    public init(_ write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }
}

/// When to retry and how long to wait: exponential backoff with full jitter for failures,
/// the server's `Retry-After` for 429.
public struct RetryPolicy: Sendable {
    public var maximumAttempts: Int
    public var baseDelay: Double
    public var maximumDelay: Double

    public init(maximumAttempts: Int = 6, baseDelay: Double = 0.2, maximumDelay: Double = 8) {
        self.maximumAttempts = maximumAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// Seconds to wait before attempt `attempt + 1`.
    func delay(afterAttempt attempt: Int, retryAfter: String?) -> Double {
        if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)) {
            return min(60, max(0, seconds)) + Double.random(in: 0...0.1)
        }
        let ceiling = min(maximumDelay, baseDelay * Double(1 << min(attempt - 1, 16)))
        return Double.random(in: (ceiling / 2)...ceiling)
    }
}
