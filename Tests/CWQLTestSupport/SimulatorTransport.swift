import ConnectWiseClient
import ConnectWiseSimulator

/// The client's transport to a simulator in the same process: each request runs the
/// simulator's real request handler, with no socket and no port. A dropped connection is a
/// closed connection; an answer later than the timeout is a timeout.
public struct SimulatorTransport: HTTPTransport {
    public let server: SimulatorServer

    public init(server: SimulatorServer) { self.server = server }

    public func send(_ exchange: HTTPExchange, timeout: Double) async throws(TransportFailure) -> HTTPAnswer {
        let server = self.server
        let reply: SimulatorReply?
        do {
            reply = try await withThrowingTaskGroup(of: SimulatorReply?.self) { group in
                group.addTask {
                    await server.respond(
                        method: exchange.method,
                        url: exchange.url,
                        headers: exchange.headers,
                        body: exchange.body ?? []
                    )
                }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(max(0.001, timeout) * 1_000_000_000))
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
        } catch {
            throw .cancelled
        }
        guard let reply else { throw .timeout }
        if reply.dropped { throw .connectionClosed }
        return HTTPAnswer(status: reply.status, headers: reply.headers, body: reply.body)
    }
}
