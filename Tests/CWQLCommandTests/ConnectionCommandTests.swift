import ConnectWiseSimulator
import Foundation
import Testing

@Suite("cwql doctor and cwql profile against the simulator")
struct ConnectionCommandTests {
    static let privateKey = "demo-private-key-0123456789"

    /// A simulator, an empty HOME, and the environment a user would set.
    func withSite(_ body: (SimulatorServer, [String: String], String) async throws -> Void) async throws {
        try await CWQLCommandTests.withSite(tickets: 50, { _ in }, body)
    }

    @Test func doctorListsEveryCapability() async throws {
        try await withSite { _, environment, _ in
            let result = try await CommandRunner.run(["doctor", "--trace"], environment: environment)
            #expect(result.status == 0)
            #expect(result.stdout.contains("auth:     ok"))
            #expect(result.stdout.contains("10 of 10 capabilities allowed"))
            #expect(result.stderr.contains("trace: GET"))
            #expect(!(result.stdout + result.stderr).contains(Self.privateKey))
        }
    }

    @Test func doctorShowsForbiddenModules() async throws {
        try await withSite { _, environment, _ in
            var limited = environment
            limited["CW_PUBLIC_KEY"] = "limited-public"
            limited["CW_PRIVATE_KEY"] = "limited-private-key-0123456789"
            let result = try await CommandRunner.run(["doctor"], environment: limited)
            #expect(result.status == 0)
            #expect(result.stdout.contains("agreements       forbidden  Finance > Agreements"))
            #expect(result.stdout.contains("service tickets  allowed    Service Desk > Service Tickets"))
            #expect(result.stdout.contains("1 of 10 capabilities allowed"))
        }
    }

    @Test func badCredentialsExitThreeWithoutPrintingTheKey() async throws {
        try await withSite { server, environment, _ in
            let cases: [[String: String]] = [
                ["CW_PRIVATE_KEY": "wrong-private-key-9876"], ["CW_CLIENT_ID": "not-registered"], ["CW_COMPANY": "DEMO"],
                ["CW_SITE": "http://127.0.0.1:9"], ["CW_SITE": "na.myconnectwise.net"], ["CW_SITE": ""],
            ]
            for change in cases {
                var env = environment
                for (key, value) in change { env[key] = value }
                let result = try await CommandRunner.run(["doctor", "--trace"], environment: env)
                #expect(result.status == 3, "\(change)")
                #expect(result.stderr.contains("error: "), "\(change)")
                #expect(!(result.stdout + result.stderr).contains("wrong-private-key-9876"))
                #expect(!(result.stdout + result.stderr).contains(Self.privateKey))
                #expect(!result.stderr.contains("Fatal error"))
            }
            _ = server
        }
    }

    @Test func setKeysTestsThenSavesPrivately() async throws {
        try await withSite { server, environment, home in
            var env = environment
            for key in ["CW_SITE", "CW_COMPANY", "CW_PUBLIC_KEY", "CW_PRIVATE_KEY", "CW_CLIENT_ID"] { env[key] = nil }
            let path = "\(home)/.config/cwql/config.toml"
            let refused = try await CommandRunner.run(
                ["profile", "set-keys", "--site", server.baseURL, "--company", "demo", "--public-key", "demo-public",
                 "--client-id", server.configuration.defaultClientId],
                stdin: "not-the-key\n", environment: env)
            #expect(refused.status == 3)
            #expect(refused.stderr.contains("was not changed"))
            #expect(!FileManager.default.fileExists(atPath: path))
            let saved = try await CommandRunner.run(
                ["profile", "set-keys", "--site", server.baseURL, "--company", "demo", "--public-key", "demo-public",
                 "--client-id", server.configuration.defaultClientId],
                stdin: Self.privateKey + "\n", environment: env)
            #expect(saved.status == 0, "\(saved.stderr)")
            #expect(!(saved.stdout + saved.stderr).contains(Self.privateKey))
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
            let doctor = try await CommandRunner.run(["doctor"], environment: env)
            #expect(doctor.status == 0)
            #expect(doctor.stdout.contains("(profile default)"))
            let listed = try await CommandRunner.run(["profile", "list"], environment: env)
            #expect(listed.stdout.contains("default (default): site \(server.baseURL)"))
            #expect(!listed.stdout.contains(Self.privateKey))
            chmod(path, 0o644)
            let insecure = try await CommandRunner.run(["doctor"], environment: env)
            #expect(insecure.status == 3)
            #expect(insecure.stderr.contains("chmod 600"))
        }
    }
}
