import Synchronization

/// One request the simulator saw.
public struct LoggedRequest: Sendable {
    public var method: String
    /// Path under the API root (`/service/tickets`), or the full path for other URLs.
    public var path: String
    /// The raw query string.
    public var query: String
    public var status: Int
    public var requestBytes: Int
    public var responseBytes: Int
    /// The client's `x-cwql-attempt` header: 1 for a first try, 2+ for a retry.
    public var attempt: Int
    /// What the fault injector did: nil, "rate-limited", "failed", "dropped", "timeout".
    public var fault: String?
    /// The request body as text, for write assertions.
    public var body: String
}

/// The requests the simulator answered, for tests and `GET /__sim/requests`: the last
/// ``capacity`` of them, each body cut to ``bodyLimit`` bytes, so a server that runs for days or
/// receives large bodies keeps bounded memory.
public final class RequestLog: Sendable {
    private let entries = Mutex<[LoggedRequest]>([])
    /// Requests kept.
    public static let capacity = 20_000
    /// Bytes of a body kept.
    public static let bodyLimit = 4096

    public init() {}

    func append(_ entry: LoggedRequest) {
        var entry = entry
        if entry.body.utf8.count > RequestLog.bodyLimit {
            entry.body = String(decoding: entry.body.utf8.prefix(RequestLog.bodyLimit), as: UTF8.self) + "…"
        }
        entries.withLock { list in
            if list.count >= RequestLog.capacity { list.removeFirst(list.count - RequestLog.capacity + 1) }
            list.append(entry)
        }
    }

    /// Everything logged so far, in arrival order.
    public var all: [LoggedRequest] { entries.withLock { $0 } }

    /// The number of requests logged.
    public var count: Int { entries.withLock { $0.count } }

    /// Bytes received and sent.
    public var bytes: (received: Int, sent: Int) {
        entries.withLock { list in
            (list.reduce(0) { $0 + $1.requestBytes }, list.reduce(0) { $0 + $1.responseBytes })
        }
    }

    /// Requests that carried an attempt number above 1.
    public var retried: [LoggedRequest] { all.filter { $0.attempt > 1 } }

    /// Forgets everything logged so far.
    public func reset() {
        entries.withLock { $0.removeAll() }
    }
}
