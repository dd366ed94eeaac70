import Foundation
import Synchronization

/// The clock the pacer waits on: the real one, or a virtual one in tests (whose sleep moves
/// its time on at once, so a test of pacing needs no wall clock).
public protocol PacerClock: Sendable {
    /// Seconds since some fixed moment.
    func now() -> Double
    func sleep(seconds: Double) async throws
}

/// The machine's monotonic clock.
public struct SystemPacerClock: PacerClock {
    private let start = ContinuousClock.now

    public init() {}

    public func now() -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    public func sleep(seconds: Double) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }
}

/// Paces every request of one client through one ``TokenBucket`` (`--rate`, default 1,000 a
/// minute with bursts of 100).
public final class RequestPacer: Sendable {
    /// Requests a minute when nothing else is said.
    public static let defaultRate = 1000
    /// Requests that may start at once.
    public static let defaultBurst = 100

    private let bucket: Mutex<TokenBucket>
    private let clock: any PacerClock

    public init(
        perMinute: Int = RequestPacer.defaultRate,
        burst: Int = RequestPacer.defaultBurst,
        clock: any PacerClock = SystemPacerClock()
    ) {
        self.clock = clock
        bucket = Mutex(TokenBucket(perMinute: Double(perMinute), burst: Double(burst), now: clock.now()))
    }

    /// Waits until a request may be sent.
    public func admit() async throws {
        let now = clock.now()
        let wait = bucket.withLock { $0.take(at: now) }
        if wait > 0 { try await clock.sleep(seconds: wait) }
    }

    /// A 429: the whole client slows down.
    public func throttled(retryAfter: String?) {
        let now = clock.now()
        let seconds = retryAfter.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        bucket.withLock { $0.throttled(at: now, retryAfter: seconds) }
    }

    /// The rate now, per minute.
    public var currentRate: Double { bucket.withLock { $0.rate } }
}
