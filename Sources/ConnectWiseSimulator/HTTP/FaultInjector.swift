import Foundation
import Synchronization

/// Decides, per request, whether to throttle or fail it, from the configured rates.
final class FaultInjector: Sendable {
    enum Decision: Equatable {
        case proceed
        case rateLimited(retryAfter: Int)
        /// 503 before doing anything.
        case failBefore
        /// Do the work, then drop the connection.
        case dropAfter
    }

    private struct State {
        var generator: SeededGenerator
        var windowStart: Int64 = 0
        var windowCount = 0
        var listRequests = 0
    }

    private let failRate: Double
    private let rateLimit: Int
    private let window: Int64
    private let state: Mutex<State>

    init(configuration: SimulatorConfiguration) {
        failRate = max(0, min(1, configuration.failRate))
        rateLimit = configuration.rateLimit
        window = Int64(max(1, configuration.rateLimitWindowSeconds))
        state = Mutex(State(generator: SeededGenerator(state: configuration.seed &+ 0x5EED)))
    }

    func decide() -> Decision {
        state.withLock { state in
            if rateLimit > 0 {
                let now = Int64(Date().timeIntervalSince1970)
                if now - state.windowStart >= window {
                    state.windowStart = now
                    state.windowCount = 0
                }
                state.windowCount += 1
                if state.windowCount > rateLimit {
                    return .rateLimited(retryAfter: Int(max(1, state.windowStart + window - now)))
                }
            }
            guard failRate > 0 else { return .proceed }
            let draw = Double(state.generator.next() % 1_000_000) / 1_000_000
            guard draw < failRate else { return .proceed }
            return state.generator.next() % 2 == 0 ? .failBefore : .dropAfter
        }
    }

    /// True on every third list request, for the timeout-body quirk.
    func nextListTimesOut() -> Bool {
        state.withLock { state in
            state.listRequests += 1
            return state.listRequests % 3 == 0
        }
    }
}
