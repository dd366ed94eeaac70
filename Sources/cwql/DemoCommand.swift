import ArgumentParser
import CWQLLanguage
import ConnectWiseClient
import ConnectWiseSimulator
import Foundation

/// `cwql demo`: the REPL against the built-in simulator with seeded data; no credentials.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try cwql against the built-in ConnectWise simulator (no credentials needed).",
        discussion: """
            Starts the simulator on a free loopback port with seeded data (the MSP "Northwind IT": companies
            such as ACME and CONTOSO, boards Help and Alerts, tickets, agreements) and opens the REPL against it.
            With standard input that is not a terminal, runs the statements it reads instead.
            """
    )

    @Option(help: "Seed of the generated data.") var seed: UInt64 = 1
    @Option(help: "Number of tickets to generate.") var tickets = 1000
    @OptionGroup var script: ScriptOptions

    func validate() throws {
        guard tickets >= 0, tickets <= 500_000 else { throw ValidationError("--tickets must be between 0 and 500000") }
    }

    func run() async throws {
        var configuration = SimulatorConfiguration()
        configuration.seed = seed
        configuration.tickets = tickets
        let server: SimulatorServer
        do {
            // The simulator and the client share the process's open files.
            _ = try OpenFileLimit.requestsInFlight(fitting: 1, descriptorsPerRequest: 2)
        } catch {
            throw fail(error)
        }
        do {
            server = try await SimulatorServer.start(configuration)
        } catch {
            standardError("error: the demo simulator could not start: \(error)")
            throw ExitStatus.runtime.exitCode
        }
        let member = configuration.defaultMember
        var credentials = Credentials(
            site: URL(string: server.baseURL)!,
            company: configuration.company,
            publicKey: member.publicKey,
            privateKey: Secret(member.privateKey),
            clientId: configuration.defaultClientId
        )
        // The demo's site is the simulator on this machine, not ConnectWise: no need to pace it.
        credentials.rate = Credentials.rates.upperBound
        // `me` in the demo is the first technician of the simulated MSP.
        credentials.member = server.store.records("members").first?["identifier"]?.stringValue
        let connection = try ConnectionOptions.parse([])
        do {
            if isatty(STDIN_FILENO) != 0 {
                standardError("demo: simulator with \(tickets) tickets at \(server.baseURL) (company demo)\n")
                var session = REPLSession(connection: connection, script: script, demo: server)
                session.fixedCredentials = credentials
                try await session.run()
            } else {
                try await StandardInputRunner(
                    runner: ScriptRunner(connection: connection, script: script, fixedCredentials: credentials)
                ).run()
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
