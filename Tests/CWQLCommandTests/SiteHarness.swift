import ConnectWiseSimulator
import Foundation

/// A simulator, a fresh HOME, and the environment a user would set to reach it.
func withSite(
    tickets: Int, _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
    _ body: (SimulatorServer, [String: String], String) async throws -> Void
) async throws {
    var configuration = SimulatorConfiguration()
    configuration.tickets = tickets
    configure(&configuration)
    let server = try await SimulatorServer.start(configuration)
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("cwql-home-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    let environment = [
        "HOME": home, "XDG_CONFIG_HOME": "", "XDG_STATE_HOME": "", "CW_SITE": server.baseURL, "CW_COMPANY": configuration.company,
        "CW_PUBLIC_KEY": configuration.defaultMember.publicKey, "CW_PRIVATE_KEY": configuration.defaultMember.privateKey,
        "CW_CLIENT_ID": configuration.defaultClientId,
    ]
    do {
        try await body(server, environment, home)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}
