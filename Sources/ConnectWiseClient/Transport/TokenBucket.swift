/// The pace of the whole client, with no clock of its own: a token bucket that refills at a
/// rate per minute up to a burst, and adapts to 429s. ConnectWise says clients above about
/// 1,000 requests a minute will likely be throttled.
///
/// - A request takes a token; with none left it waits for the next one.
/// - A 429 halves the rate (not below ``floor``) and holds every request until the server's
///   `Retry-After` has passed: all in-flight walks back off together, not only the one told.
/// - Each minute without a 429 gives back a tenth of the configured rate, up to it.
public struct TokenBucket: Sendable, Equatable {
    /// The rate asked for (`--rate`, the profile's `rate`), per minute.
    public let configuredRate: Double
    /// The rate now, per minute (lower than configured after 429s).
    public private(set) var rate: Double
    /// Tokens at most.
    public let burst: Double
    /// The lowest the rate adapts down to, per minute.
    public static let floor = 10.0

    private var tokens: Double
    private var updated: Double
    /// No request starts before this moment (after a 429's `Retry-After`).
    public private(set) var heldUntil: Double
    private var lastThrottle: Double

    /// - Parameters:
    ///   - perMinute: requests a minute on average.
    ///   - burst: requests that may start at once after a quiet spell.
    ///   - now: the clock's time when the bucket starts (full).
    public init(perMinute: Double, burst: Double, now: Double) {
        configuredRate = max(TokenBucket.floor, perMinute)
        rate = configuredRate
        self.burst = max(1, burst)
        tokens = self.burst
        updated = now
        heldUntil = now
        lastThrottle = -.infinity
    }

    /// Takes a token for a request starting at `now`; returns how long the request must wait
    /// before it is sent (0: at once). The token is taken either way, so waiters queue.
    public mutating func take(at now: Double) -> Double {
        refill(at: now)
        tokens -= 1
        let forToken = tokens >= 0 ? 0 : -tokens / (rate / 60)
        return max(forToken, heldUntil - now, 0)
    }

    /// A 429 at `now`, with the seconds the server asked to wait (if any).
    public mutating func throttled(at now: Double, retryAfter: Double?) {
        refill(at: now)
        // One halving per burst of 429s: many in-flight requests told at once are one signal.
        if now - lastThrottle > 1 {
            rate = max(TokenBucket.floor, rate / 2)
        }
        lastThrottle = now
        tokens = min(tokens, 0)
        heldUntil = max(heldUntil, now + max(0, min(60, retryAfter ?? 1)))
    }

    private mutating func refill(at now: Double) {
        let elapsed = max(0, now - updated)
        if rate < configuredRate, now - lastThrottle > 60 {
            // Recover a tenth of the configured rate for each quiet minute.
            let minutes = (now - max(lastThrottle + 60, updated)) / 60
            if minutes > 0 { rate = min(configuredRate, rate + configuredRate / 10 * minutes) }
        }
        tokens = min(burst, tokens + elapsed * rate / 60)
        updated = now
    }
}
