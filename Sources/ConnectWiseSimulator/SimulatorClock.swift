import Foundation
import Synchronization

/// The simulator's time, which stamps the records it makes (`dateCreated`, `_info`) and its
/// answers' `Date` header: the machine's, or one a test moves by hand (so that a test about
/// "made before or after" needs no sleep).
public final class SimulatorClock: Sendable {
    /// A time that stands still, or nil for the machine's.
    private let manual: Mutex<Double?>
    /// Seconds added to the machine's time.
    private let shift = Mutex(0.0)

    private init(manual: Double?) { self.manual = Mutex(manual) }

    /// The machine's clock; ``advance(by:)`` moves it ahead.
    public static var system: SimulatorClock { SimulatorClock(manual: nil) }

    /// A clock that stands still at `seconds` (since 1970) until ``advance(by:)``.
    public static func manual(at seconds: Double = Date().timeIntervalSince1970.rounded(.down)) -> SimulatorClock {
        SimulatorClock(manual: seconds)
    }

    /// Seconds since 1970.
    public func now() -> Double {
        manual.withLock { $0 } ?? Date().timeIntervalSince1970 + shift.withLock { $0 }
    }

    /// Moves the clock on: a standing one to a later moment, the machine's by a shift.
    public func advance(by seconds: Double) {
        let standing = manual.withLock { at -> Bool in
            guard let current = at else { return false }
            at = current + seconds
            return true
        }
        if !standing { shift.withLock { $0 += seconds } }
    }
}
