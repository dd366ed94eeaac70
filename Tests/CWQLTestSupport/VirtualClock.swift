import ConnectWiseClient
import Synchronization

/// A clock for pacing tests: its time moves only when someone sleeps on it, at once, so a test
/// of how long requests waited reads the virtual time instead of the wall clock.
public final class VirtualClock: PacerClock {
    private let time = Mutex(0.0)

    public init() {}

    public func now() -> Double { time.withLock { $0 } }

    public func sleep(seconds: Double) async throws {
        time.withLock { $0 += max(0, seconds) }
    }
}
