import CWQLTestSupport
import ConnectWiseSimulator
import Foundation

/// A simulated site on a loopback port (cwql runs as a subprocess), a fresh HOME, and the
/// environment a user would set to reach it.
func withSite(
    tickets: Int,
    _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
    _ body: (SimulatorServer, [String: String], String) async throws -> Void
) async throws {
    try await SimulatedSite.with(over: .loopback, tickets: tickets, configure: configure) { site in
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cwql-home-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let environment = site.environment.merging(["HOME": home, "XDG_CONFIG_HOME": "", "XDG_STATE_HOME": ""]) { $1 }
        try await body(site.server, environment, home)
    }
}
