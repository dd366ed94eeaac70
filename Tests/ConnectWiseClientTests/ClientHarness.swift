import CWJSON
import CWQLTestSupport
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

/// A simulated site and a real client pointed at it (in process unless a test needs a socket).
struct ClientHarness {
    let site: SimulatedSite
    let client: ConnectWiseClient
    let trace: TraceCollector
    var server: SimulatorServer { site.server }

    static let privateKey = SimulatedSite.privateKey

    static func credentials(
        for site: SimulatedSite,
        privateKey: String = privateKey,
        clientId: String? = nil,
        company: String = "demo"
    ) -> Credentials {
        site.credentials(privateKey: privateKey, clientId: clientId, company: company)
    }
}

func withClient(
    over reach: SimulatedSite.Reach = .inProcess,
    concurrency: Int = 8,
    privateKey: String = ClientHarness.privateKey,
    _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
    _ body: (ClientHarness) async throws -> Void
) async throws {
    try await SimulatedSite.with(over: reach, configure: configure) { site in
        let trace = TraceCollector()
        let client = site.client(
            credentials: site.credentials(privateKey: privateKey),
            concurrency: concurrency,
            trace: trace.sink
        )
        try await body(ClientHarness(site: site, client: client, trace: trace))
    }
}
