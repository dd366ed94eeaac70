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
            // One source per security module, from the catalog.
            #expect(result.stdout.contains("15 of 15 modules allowed"))
            #expect(result.stdout.contains("tickets            allowed    Service Desk > Service Tickets"))
            #expect(result.stdout.contains("Schedule > Schedule Entries"))
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
            #expect(result.stdout.contains("agreements         forbidden  Finance > Agreements"))
            #expect(result.stdout.contains("tickets            allowed    Service Desk > Service Tickets"))
            #expect(result.stdout.contains("1 of 15 modules allowed"))
        }
    }

    @Test func doctorAllProbesEverySourceByModule() async throws {
        try await withSite { server, environment, _ in
            var limited = environment
            limited["CW_PUBLIC_KEY"] = "limited-public"
            limited["CW_PRIVATE_KEY"] = "limited-private-key-0123456789"
            let result = try await CommandRunner.run(["doctor", "--all"], environment: limited)
            #expect(result.status == 0)
            #expect(result.stdout.contains("Service Desk > Service Tickets   29 of 29"))
            #expect(result.stdout.contains("Finance > Agreements             0 of 35"))
            // Every source was asked, each once (a model without `id` is asked without `fields`).
            let asked = server.log.all.filter { $0.query.contains("pageSize=1") }
            let total = try #require(result.stdout.split(separator: "\n").last { $0.hasSuffix("sources allowed") })
            #expect(total.hasPrefix("29 of \(asked.count) sources allowed"))
            #expect(asked.count > 300)
            let full = try await CommandRunner.run(["doctor", "--all"], environment: environment)
            #expect(full.stdout.contains("\(asked.count) of \(asked.count) sources allowed"))
        }
    }

    @Test func badCredentialsExitThreeWithoutPrintingTheKey() async throws {
        try await withSite { server, environment, _ in
            let cases: [[String: String]] = [
                ["CW_PRIVATE_KEY": "wrong-private-key-9876"], ["CW_CLIENT_ID": "not-registered"],
                ["CW_COMPANY": "DEMO"],
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
                [
                    "profile", "set-keys", "--site", server.baseURL, "--company", "demo", "--public-key", "demo-public",
                    "--client-id", server.configuration.defaultClientId,
                ],
                stdin: "not-the-key\n",
                environment: env
            )
            #expect(refused.status == 3)
            #expect(refused.stderr.contains("was not changed"))
            #expect(!FileManager.default.fileExists(atPath: path))
            let saved = try await CommandRunner.run(
                [
                    "profile", "set-keys", "--site", server.baseURL, "--company", "demo", "--public-key", "demo-public",
                    "--client-id", server.configuration.defaultClientId,
                ],
                stdin: Self.privateKey + "\n",
                environment: env
            )
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

    @Test func profileCommandsEditTheFileKeepingTheRest() async throws {
        try await withSite { server, environment, home in
            var env = environment
            for key in ["CW_SITE", "CW_COMPANY", "CW_PUBLIC_KEY", "CW_PRIVATE_KEY", "CW_CLIENT_ID"] { env[key] = nil }
            let directory = "\(home)/.config/cwql"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = "\(directory)/config.toml"
            let original = """
                # my sites
                default_profile = "lab"

                [profiles.lab]
                site = '\(server.baseURL)'   # the simulator
                company = "demo"
                public_key = "old-public"
                private_key = "old-private-key"
                client_id = "\(server.configuration.defaultClientId)"

                [profiles.spare]
                site = "eu"

                [tool]
                colour = "blue"

                """
            FileManager.default.createFile(
                atPath: path,
                contents: Data(original.utf8),
                attributes: [.posixPermissions: 0o600]
            )
            let saved = try await CommandRunner.run(
                ["profile", "set-keys", "--profile", "lab", "--public-key", "demo-public"],
                stdin: Self.privateKey + "\n",
                environment: env
            )
            #expect(saved.status == 0, "\(saved.stderr)")
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.hasPrefix("# my sites\ndefault_profile = \"lab\"\n"))
            #expect(text.contains("site = '\(server.baseURL)'   # the simulator\n"))
            #expect(text.contains("public_key = \"demo-public\"\n"))
            #expect(text.contains("[tool]\ncolour = \"blue\"\n"))
            #expect(text.contains("[profiles.spare]\nsite = \"eu\"\n"))

            let current = try await CommandRunner.run(["profile", "current"], environment: env)
            #expect(current.stdout == "lab (default_profile in \(path))\n")
            let use = try await CommandRunner.run(["profile", "use", "spare"], environment: env)
            #expect(use.status == 0)
            #expect(try String(contentsOfFile: path, encoding: .utf8).contains("default_profile = \"spare\"\n"))
            let unknown = try await CommandRunner.run(["profile", "use", "nope"], environment: env)
            #expect(unknown.status == 3)
            #expect(unknown.stderr.contains("no profile `nope`"))
            let removed = try await CommandRunner.run(["profile", "remove", "spare"], environment: env)
            #expect(removed.status == 0)
            let after = try String(contentsOfFile: path, encoding: .utf8)
            #expect(!after.contains("[profiles.spare]"))
            #expect(!after.contains("default_profile"))
            #expect(after.contains("[tool]\ncolour = \"blue\"\n"))

            // A default_profile that names nothing, and an unknown key, are explained with the path.
            try (after.replacingOccurrences(of: "# my sites\n", with: "# my sites\ndefault_profile = \"prod\"\n"))
                .write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o600)
            let missing = try await CommandRunner.run(["-c", "tickets | count"], environment: env)
            #expect(missing.status == 3)
            #expect(missing.stderr.contains("default_profile = \"prod\" in \(path) names no profile"))
            try after.replacingOccurrences(of: "company = ", with: "compny = ").write(
                toFile: path,
                atomically: true,
                encoding: .utf8
            )
            chmod(path, 0o600)
            let typo = try await CommandRunner.run(["-c", "tickets | count", "--profile", "lab"], environment: env)
            #expect(typo.status == 3)
            #expect(typo.stderr.contains("unknown key `compny` in [profiles.lab] of \(path); did you mean `company`?"))

            // An environment variable over an explicit --profile is said on stderr.
            try after.write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o600)
            var overridden = env
            overridden["CW_COMPANY"] = "demo"
            let note = try await CommandRunner.run(
                ["-c", "tickets | count", "--profile", "lab"],
                environment: overridden
            )
            #expect(note.status == 0, "\(note.stderr)")
            #expect(note.stderr.contains("note: CW_COMPANY overrides the value of profile 'lab' given with --profile"))
        }
    }
}
