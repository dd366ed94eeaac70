/// When to retry and how long to wait: after the n-th failure, a random wait between half and
/// all of `baseDelay · 2ⁿ⁻¹` (at most `maximumDelay`); for 429, the server's `Retry-After`
/// (at most 60 s) plus up to 0.1 s, or the same backoff when it sent none.
///
/// Being told to wait (429) is not a failure: those waits have their own, larger budget, so a
/// long export against a throttling site slows down instead of giving up.
public struct RetryPolicy: Sendable {
    /// Attempts of one request that fails (5xx, lost connection, timeout), the first included.
    public var maximumAttempts: Int
    public var baseDelay: Double
    public var maximumDelay: Double
    /// 429 answers one request may wait out before cwql gives up on it.
    public var maximumRateLimitWaits: Int

    public init(
        maximumAttempts: Int = 6,
        baseDelay: Double = 0.2,
        maximumDelay: Double = 8,
        maximumRateLimitWaits: Int = 40
    ) {
        self.maximumAttempts = maximumAttempts
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
        self.maximumRateLimitWaits = maximumRateLimitWaits
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
