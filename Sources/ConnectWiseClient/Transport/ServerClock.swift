import ConnectWiseRequests
import Foundation
import Synchronization

/// The server's time as its answers' `Date` headers tell it (one-second resolution), so that
/// "no earlier than the attempt" compares times on ConnectWise's clock, not this machine's.
public final class ServerClock: Sendable {
    /// Seconds the server's clock is ahead of this machine's (nil until an answer said).
    private let offset = Mutex<Double?>(nil)

    public init() {}

    /// Learns the offset from a `Date` header's value, as a lower bound: the server's time
    /// was at least that (truncated to the second) when the answer arrived. A lower bound never
    /// puts "the attempt" after the record the attempt made, however slow the answers.
    func observe(dateHeader: String?, received: Date) {
        guard let dateHeader, let server = HTTPDate.parse(dateHeader) else { return }
        let bound = server - received.timeIntervalSince1970
        offset.withLock { $0 = max($0 ?? bound, bound) }
    }

    /// The server's time now, in seconds since 1970 (this machine's when no answer has said).
    public func now() -> Double {
        Date().timeIntervalSince1970 + (offset.withLock { $0 } ?? 0)
    }
}
