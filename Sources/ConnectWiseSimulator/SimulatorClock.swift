import Foundation
import Synchronization

/// The simulator's time, which stamps the records it makes (`dateCreated`, `_info`) and its
/// answers' `Date` header: the machine's, or one a test moves by hand (so that a test about
/// "made before or after" needs no sleep).
public final class SimulatorClock: Sendable {
    private let manual: Mutex<Double?>

    private init(manual: Double?) { self.manual = Mutex(manual) }

    /// The machine's clock.
    public static var system: SimulatorClock { SimulatorClock(manual: nil) }

    /// A clock that stands still at `seconds` (since 1970) until ``advance(by:)``.
    public static func manual(at seconds: Double = Date().timeIntervalSince1970.rounded(.down)) -> SimulatorClock {
        SimulatorClock(manual: seconds)
    }

    /// Seconds since 1970.
    public func now() -> Double { manual.withLock { $0 } ?? Date().timeIntervalSince1970 }

    /// Moves a manual clock on (a system clock moves by itself).
    public func advance(by seconds: Double) { manual.withLock { if let at = $0 { $0 = at + seconds } } }
}
