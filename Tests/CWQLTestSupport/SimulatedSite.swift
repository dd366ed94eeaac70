import CWQLLanguage
import ConnectWiseClient
import ConnectWiseSimulator
import Foundation

/// The one simulator harness of the tests: a seeded simulator with the tests' defaults, the
/// credentials of its API member, a fixed clock, and clients that reach it in the same process
/// (no port, the default) or over loopback HTTP (for what only a socket shows: headers too
/// large to parse, a hung connection, a subprocess).
public struct SimulatedSite: Sendable {
    /// How clients reach the simulator.
    public enum Reach: Sendable {
        /// The simulator's handler, called in the same process.
        case inProcess
        /// A real HTTP server on a free loopback port.
        case loopback
    }

    /// The day the simulator's seeded dates count back from: 2026-11-22.
    public static let referenceDay: Int64 = 1_795_305_600
    /// The tests' fixed "now": noon UTC of the reference day, so that relative dates (`-30d`)
    /// select exactly the records a test computes.
    public static let now = UTCDate(secondsSinceEpoch: referenceDay + 12 * 3600)
    /// The simulator's API member's private key.
    public static let privateKey = "demo-private-key-0123456789"
    /// Retries fast enough for tests, with the production budget's shape.
    public static let fastRetries = RetryPolicy(maximumAttempts: 8, baseDelay: 0.005, maximumDelay: 0.05)

    public let server: SimulatorServer
    public let reach: Reach

    /// Seeds a simulator with the tests' defaults (300 tickets, the fixed reference day), then `configure`.
    public static func start(
        over reach: Reach = .inProcess,
        tickets: Int = 300,
        configure: (inout SimulatorConfiguration) -> Void = { _ in }
    ) async throws -> SimulatedSite {
        var configuration = SimulatorConfiguration()
        configuration.tickets = tickets
        configuration.referenceDay = referenceDay
        configure(&configuration)
        switch reach {
        case .inProcess: return SimulatedSite(server: await SimulatorServer.inProcess(configuration), reach: reach)
        case .loopback: return SimulatedSite(server: try await SimulatorServer.start(configuration), reach: reach)
        }
    }

    /// The credentials a user of this site would give (another key, client ID or company to test refusals).
    public func credentials(
        privateKey: String = privateKey,
        clientId: String? = nil,
        company: String = "demo"
    ) -> Credentials {
        Credentials(
            site: URL(string: server.baseURL) ?? URL(fileURLWithPath: "/"),
            company: company,
            publicKey: "demo-public",
            privateKey: Secret(privateKey),
            clientId: clientId ?? server.configuration.defaultClientId
        )
    }

    /// How a client reaches this site.
    public var transport: any HTTPTransport {
        switch reach {
        case .inProcess: return SimulatorTransport(server: server)
        case .loopback: return NetworkTransport()
        }
    }

    /// A real client for this site.
    public func client(
        credentials: Credentials? = nil,
        concurrency: Int = 8,
        prefetch: Int = 0,
        timeout: Double = 20,
        retry: RetryPolicy = fastRetries,
        trace: TraceSink? = nil,
        rootCache: APIRootCache? = nil,
        pacer: RequestPacer = SimulatedSite.unpaced()
    ) -> ConnectWiseClient {
        ConnectWiseClient(
            credentials: credentials ?? self.credentials(),
            concurrency: concurrency,
            prefetch: prefetch,
            timeout: timeout,
            retry: retry,
            trace: trace,
            rootCache: rootCache,
            transport: transport,
            pacer: pacer
        )
    }

    /// A pace no test reaches unless it is about pacing (the default, 1,000 a minute, would
    /// make a bulk write of 300 records take seconds).
    public static func unpaced() -> RequestPacer {
        RequestPacer(perMinute: Credentials.rates.upperBound, burst: 10_000)
    }

    /// The environment a user would set to reach this site (for `cwql` run as a subprocess: loopback only).
    public var environment: [String: String] {
        let configuration = server.configuration
        return [
            "CW_SITE": server.baseURL, "CW_COMPANY": configuration.company,
            "CW_PUBLIC_KEY": configuration.defaultMember.publicKey,
            "CW_PRIVATE_KEY": configuration.defaultMember.privateKey, "CW_CLIENT_ID": configuration.defaultClientId,
            "CW_RATE": String(Credentials.rates.upperBound),
        ]
    }

    public func stop() async { await server.stop() }

    /// Runs `body` with a site, stopping it afterwards whatever happens.
    public static func with<T>(
        over reach: Reach = .inProcess,
        tickets: Int = 300,
        configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (SimulatedSite) async throws -> T
    ) async throws -> T {
        let site = try await start(over: reach, tickets: tickets, configure: configure)
        do {
            let result = try await body(site)
            await site.stop()
            return result
        } catch {
            await site.stop()
            throw error
        }
    }
}
