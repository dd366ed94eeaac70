import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The transport over the network, by AsyncHTTPClient.
public struct NetworkTransport: HTTPTransport {
    public init() {}

    /// One HTTP client for the process: connections are pooled across every ConnectWise
    /// client, and none has to be shut down (a forgotten shutdown cannot crash the process).
    /// Redirects are never followed (a redirected write must be reported, not repeated as a
    /// GET); each request carries its own deadline.
    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(3600))
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // Connection failures come back at once; cwql's own retry machine decides what to retry.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .enabled(limit: .none)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The largest body cwql reads.
    static let maximumBodyBytes = 256 * 1024 * 1024

    /// The body's bytes gathered straight into one array, sized by `Content-Length` when the
    /// answer has one: a page is held once while it arrives, not in a growing buffer and then a copy.
    private static func body(of response: HTTPClientResponse) async throws -> [UInt8] {
        var body: [UInt8] = []
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length <= maximumBodyBytes {
            body.reserveCapacity(length)
        }
        for try await chunk in response.body {
            guard body.count + chunk.readableBytes <= maximumBodyBytes else {
                throw NIOTooManyBytesError(maxBytes: maximumBodyBytes)
            }
            chunk.withUnsafeReadableBytes { body.append(contentsOf: $0) }
        }
        return body
    }

    public func send(_ exchange: HTTPExchange, timeout: Double) async throws(TransportFailure) -> HTTPAnswer {
        var request = HTTPClientRequest(url: exchange.url)
        request.method = HTTPMethod(rawValue: exchange.method)
        for (name, value) in exchange.headers { request.headers.add(name: name, value: value) }
        if let body = exchange.body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await NetworkTransport.shared.execute(
                request,
                timeout: .milliseconds(Int64(max(0.001, timeout) * 1000))
            )
            return HTTPAnswer(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: try await Self.body(of: response)
            )
        } catch {
            throw TransportFailure(classifying: error)
        }
    }
}
