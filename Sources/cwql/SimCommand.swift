import ArgumentParser
import ConnectWiseClient
import ConnectWiseSimulator
import Foundation

/// `cwql sim`: a local ConnectWise PSA on loopback, for trying cwql and rehearsing scripts.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run a local ConnectWise PSA simulator with seeded data.",
        discussion: """
            The simulator serves /login/companyinfo/{company} and /{codebase}apis/3.0/… like a ConnectWise site,
            generated from ConnectWise's published spec: all 617 list endpoints with records of their models,
            Basic auth, clientId checks, per-module permissions, conditions, childConditions, orderBy, fields,
            both paginations, /count, JSON Patch, 400 ApiFindCondition for unknown fields, 405 for methods the
            spec does not list, notes, time entries, agreement additions, board statuses and custom fields.

            Defaults: company demo, public key demo-public, private key demo-private-key-0123456789,
            client ID 00000000-0000-4000-8000-000000000000, codebase v4_6_release/. A second API member,
            limited-public / limited-private-key-0123456789, may only use Service Desk > Service Tickets.

            Point cwql at it with CW_SITE=http://127.0.0.1:PORT and those credentials.
            GET /__sim/requests shows the request log. Quirks: \(SimulatorQuirk.allCases.map(\.rawValue).joined(separator: ", ")).
            """
    )

    @Option(help: "Port to listen on (0 picks a free one).") var port = 8089
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Seed of the generated data.") var seed: UInt64 = 1
    @Option(help: "Number of tickets to generate.") var tickets = 1000
    @Option(name: .customLong("latency-ms"), help: "Delay added to every API request, in milliseconds.") var latency = 0
    @Option(
        name: .customLong("fail-rate"),
        help: "Fraction (0-1) of API requests that fail with 503 or a dropped connection."
    ) var failRate = 0.0
    @Option(name: .customLong("rate-limit"), help: "API requests per second before 429 with Retry-After (0: no limit).")
    var rateLimit = 0
    @Option(name: .customLong("quirk"), help: "Switch on a ConnectWise quirk (repeatable).") var quirks: [String] = []
    @Option(help: "Company ID of the site.") var company = "demo"
    @Option(name: .customLong("public-key"), help: "Public key of the main API member.") var publicKey = "demo-public"
    @Option(name: .customLong("private-key"), help: "Private key of the main API member.") var privateKey =
        "demo-private-key-0123456789"
    @Option(name: .customLong("client-id"), help: "The registered client ID.") var clientId =
        "00000000-0000-4000-8000-000000000000"
    @Option(help: "Codebase of the API root.") var codebase = "v4_6_release/"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard tickets >= 0, tickets <= 2_000_000 else {
            throw ValidationError("--tickets must be between 0 and 2000000")
        }
        guard latency >= 0, latency <= 60_000 else { throw ValidationError("--latency-ms must be between 0 and 60000") }
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate must be between 0 and 1") }
        guard rateLimit >= 0 else { throw ValidationError("--rate-limit must be 0 or more") }
        for quirk in quirks where SimulatorQuirk(rawValue: quirk) == nil {
            throw ValidationError(
                "unknown quirk '\(quirk)'; known: \(SimulatorQuirk.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard !company.isEmpty, !publicKey.isEmpty, !privateKey.isEmpty, !clientId.isEmpty else {
            throw ValidationError("--company, --public-key, --private-key and --client-id must not be empty")
        }
    }

    func run() async throws {
        var configuration = SimulatorConfiguration()
        configuration.seed = seed
        configuration.tickets = tickets
        configuration.latencyMilliseconds = latency
        configuration.failRate = failRate
        configuration.rateLimit = rateLimit
        configuration.quirks = Set(quirks.compactMap(SimulatorQuirk.init(rawValue:)))
        configuration.company = company
        configuration.members[0].publicKey = publicKey
        configuration.members[0].privateKey = privateKey
        configuration.clientIds = [clientId]
        configuration.codebase = codebase.hasSuffix("/") ? codebase : codebase + "/"
        let server: SimulatorServer
        do {
            // One connection must fit the open files, or NIO stops the process.
            _ = try OpenFileLimit.requestsInFlight(fitting: 1)
        } catch {
            throw fail(error)
        }
        do {
            server = try await SimulatorServer.start(configuration, host: host, port: port)
        } catch {
            standardError("error: the simulator could not listen on \(host):\(port): \(error)")
            throw ExitStatus.runtime.exitCode
        }
        standardOutput(
            """
            ConnectWise simulator listening on \(server.baseURL) (codebase \(server.codebase), \(tickets) tickets, seed \(seed))
              CW_SITE=\(server.baseURL) CW_COMPANY=\(company) CW_PUBLIC_KEY=\(publicKey) CW_CLIENT_ID=\(clientId)
              CW_PRIVATE_KEY: the one given with --private-key (default in `cwql sim --help`)
            Press Ctrl-C to stop.

            """
        )
        await server.wait()
    }
}
