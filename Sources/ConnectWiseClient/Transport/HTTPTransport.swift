import CWJSON

/// One HTTP request as the client hands it to a transport: the absolute URL, the headers in
/// order, and the body's bytes.
public struct HTTPExchange: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]?) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// What came back: the status, the headers in order and the body's bytes.
public struct HTTPAnswer: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header with this name (any case).
    public func header(_ name: String) -> String? {
        let folded = name.lowercased()
        return headers.first { $0.name.lowercased() == folded }?.value
    }
}

/// How the client reaches a server: over the network (``NetworkTransport``), or, in tests, by
/// calling a simulator's request handler in the same process. A transport sends once and never
/// retries; every failure comes back as a ``TransportFailure``.
public protocol HTTPTransport: Sendable {
    /// Sends `exchange` and waits at most `timeout` seconds for the whole answer.
    func send(_ exchange: HTTPExchange, timeout: Double) async throws(TransportFailure) -> HTTPAnswer
}
