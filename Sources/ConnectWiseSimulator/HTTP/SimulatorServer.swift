import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The request context: Hummingbird's, plus the channel, so a fault can drop the connection.
struct SimulatorContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// A running simulator: a local HTTP server that behaves like ConnectWise PSA.
///
/// ```swift
/// let server = try await SimulatorServer.start(SimulatorConfiguration())
/// // CW_SITE=\(server.baseURL) with company "demo", keys "demo-public" / "demo-private-key-0123456789"
/// await server.stop()
/// ```
public final class SimulatorServer: Sendable {
    /// The port it listens on.
    public let port: Int
    /// `http://127.0.0.1:PORT`, the site URL to give a client.
    public let baseURL: String
    public let configuration: SimulatorConfiguration
    /// The data it serves.
    public let store: SimulatorStore
    /// Every request it answered.
    public let log: RequestLog
    let api: SimulatorAPI
    private let task: Task<Void, any Error>

    init(port: Int, host: String, configuration: SimulatorConfiguration, api: SimulatorAPI, task: Task<Void, any Error>)
    {
        self.port = port
        self.baseURL = "http://\(host):\(port)"
        self.configuration = configuration
        self.store = api.store
        self.log = api.log
        self.api = api
        self.task = task
    }

    /// The codebase now served (it changes under the moved-codebase quirk or ``upgrade()``).
    public var codebase: String { api.codebase }

    /// Moves the site to its upgraded codebase, as a ConnectWise upgrade does.
    public func upgrade() { api.upgrade() }

    /// Seeds the data and starts listening on `host:port` (port 0 picks a free one).
    ///
    /// - Throws: when the address cannot be bound.
    public static func start(
        _ configuration: SimulatorConfiguration,
        host: String = "127.0.0.1",
        port: Int = 0
    ) async throws -> SimulatorServer {
        let store = await seed(configuration)
        let api = SimulatorAPI(configuration: configuration, store: store, log: RequestLog())
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "cwql.simulator")
        logger.logLevel = .critical
        let responder = CallbackResponder<SimulatorContext> { request, context in
            try await respond(to: request, context: context, api: api)
        }
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let failure = FailureBox()
        let task = Task {
            defer { continuation.finish() }
            do {
                try await application.run()
            } catch {
                failure.set(error)
                throw error
            }
        }
        for await boundPort in ports {
            return SimulatorServer(port: boundPort, host: host, configuration: configuration, api: api, task: task)
        }
        throw failure.error ?? SimulatorStartError(message: "the simulator could not listen on \(host):\(port)")
    }

    /// Seeds a store. Seeding a large store takes seconds of CPU: on a thread of its own, so
    /// that it does not hold one of the few threads every other task in the process runs on.
    static func seed(_ configuration: SimulatorConfiguration) async -> SimulatorStore {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: SimulatorStore(configuration: configuration)) }.start()
        }
    }

    /// Stops listening and waits until the server has shut down, or at most `grace` seconds
    /// (a client that keeps a connection open must not hold the caller up).
    public func stop(grace: Double = 5) async {
        task.cancel()
        let task = self.task
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = try? await task.value }
            group.addTask { try? await Task.sleep(nanoseconds: UInt64(grace * 1_000_000_000)) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Waits until the server stops (for `cwql sim`).
    public func wait() async {
        _ = try? await task.value
    }

    private static func respond(
        to request: Request,
        context: SimulatorContext,
        api: SimulatorAPI
    ) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024 * 1024)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let host = request.head.authority ?? headers["host"] ?? "127.0.0.1"
        let simulated = SimulatedRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            rawQuery: request.uri.query ?? "",
            headers: headers,
            body: Array(buffer: body),
            origin: "http://\(host)"
        )
        let answer = await api.handle(simulated)
        if answer.dropConnection {
            // Lose the response as a network would: close the connection (on its event loop)
            // and answer into the void, the same path as a client that went away.
            let channel = context.channel
            channel.eventLoop.execute { channel.close(mode: .all, promise: nil) }
            try? await channel.closeFuture.get()
            return Response(status: .ok)
        }
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }
}

/// Why the simulator did not start.
public struct SimulatorStartError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    func set(_ error: any Error) { lock.withLock { stored = error } }
    var error: (any Error)? { lock.withLock { stored } }
}
