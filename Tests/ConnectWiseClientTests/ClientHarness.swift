import CWJSON
import ConnectWiseClient
import ConnectWiseSimulator
import Foundation
import Synchronization

/// Collects `--trace` lines.
final class TraceCollector: Sendable {
    private let lines = Mutex<[String]>([])
    var sink: TraceSink { TraceSink { line in self.lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
}

/// A simulator and a real client pointed at it over loopback.
struct ClientHarness {
    let server: SimulatorServer
    let client: ConnectWiseClient
    let trace: TraceCollector

    static let privateKey = "demo-private-key-0123456789"

    static func credentials(for server: SimulatorServer, privateKey: String = privateKey, clientId: String? = nil,
                            company: String = "demo") -> Credentials {
        Credentials(
            site: URL(string: server.baseURL)!, company: company, publicKey: "demo-public", privateKey: Secret(privateKey),
            clientId: clientId ?? server.configuration.defaultClientId)
    }

    static func start(
        concurrency: Int = 8, privateKey: String = privateKey, _ configure: (inout SimulatorConfiguration) -> Void = { _ in }
    ) async throws -> ClientHarness {
        var configuration = SimulatorConfiguration()
        configuration.tickets = 300
        configuration.referenceDay = 1_795_305_600
        configure(&configuration)
        let server = try await SimulatorServer.start(configuration)
        let trace = TraceCollector()
        let client = ConnectWiseClient(
            credentials: credentials(for: server, privateKey: privateKey), concurrency: concurrency, timeout: 20,
            retry: RetryPolicy(maximumAttempts: 8, baseDelay: 0.005, maximumDelay: 0.05), trace: trace.sink)
        return ClientHarness(server: server, client: client, trace: trace)
    }

    func stop() async {
        await server.stop()
    }
}

func withClient(
    concurrency: Int = 8, privateKey: String = ClientHarness.privateKey,
    _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
    _ body: (ClientHarness) async throws -> Void
) async throws {
    let harness = try await ClientHarness.start(concurrency: concurrency, privateKey: privateKey, configure)
    do {
        try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
}
