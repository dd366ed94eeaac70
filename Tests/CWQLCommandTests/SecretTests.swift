import ConnectWiseSimulator
import Foundation
import Testing

/// A known private key goes through every command, traces, errors and the REPL; it must not
/// appear in any byte printed or written.
@Suite("Secrets never leak")
struct SecretTests {
    static let privateKey = "sk-TOPSECRET-4f9a2c7e"

    @Test func thePrivateKeyAppearsNowhere() async throws {
        try await withSite(tickets: 40, { $0.members[0].privateKey = Self.privateKey }) { server, env, home in
            let configuration = server.configuration
            var printed = ""
            let runs: [([String], String?)] = [
                (["doctor", "--trace"], nil),
                (["-c", "tickets | take 2", "--trace"], nil),
                (["-c", "tickets where summary ~ \"\(Self.privateKey)\" | count", "--trace"], nil),
                (["-c", "ticket 99999", "--trace"], nil),
                (["-c", "tickets where bord = 1"], nil),
                (["-c", "tickets where id = 1 | note \"x\" | count"], nil),
                (["--trace"], "tickets | count\ncreate ticket { summary: \"s\", board: \"Nope\", company: ACME }\n"),
                (
                    [
                        "profile", "set-keys", "--site", server.baseURL, "--company", "demo", "--public-key",
                        "demo-public",
                        "--client-id", configuration.defaultClientId,
                    ], Self.privateKey + "\n"
                ),
                (["profile", "list"], nil),
                (["doctor", "--trace", "--site", "http://127.0.0.1:9"], nil),
            ]
            for (arguments, stdin) in runs {
                let result = try await CommandRunner.run(arguments, stdin: stdin, environment: env)
                printed += result.stdout + result.stderr
            }
            var wrongKey = env
            wrongKey["CW_PRIVATE_KEY"] = "sk-WRONG-secret-0000"
            let refused = try await CommandRunner.run(["doctor", "--trace"], environment: wrongKey)
            printed += refused.stdout + refused.stderr
            #expect(!printed.contains("sk-WRONG-secret-0000"))

            let terminal = try PseudoTerminal([], environment: env)
            #expect(await terminal.waitFor("cwql(default)> "))
            // Each line typed at a prompt, as a person does: a Ctrl-D typed ahead while a query
            // runs reaches the terminal in cooked mode and is lost there, before readline sees it.
            #expect(await terminal.enter("tickets | count", until: "cwql(default)> "))
            #expect(await terminal.enter("let x = \"\(Self.privateKey)\"", until: "cwql(default)> "))
            terminal.type("\u{04}")
            _ = await terminal.waitForExit()
            // The user's own echo is left out.
            printed += terminal.text.replacingOccurrences(of: "let x = \"\(Self.privateKey)\"", with: "")

            #expect(printed.contains("trace: GET"))
            #expect(!printed.contains(Self.privateKey))
            let encoded = Data("demo+demo-public:\(Self.privateKey)".utf8).base64EncodedString()
            #expect(!printed.contains(encoded))
            // Files written under HOME: only the config file may hold the key (that is its job).
            let files = FileManager.default.enumerator(atPath: home)?.compactMap { $0 as? String } ?? []
            #expect(files.contains { $0.hasSuffix("history") })
            for file in files where !file.hasSuffix("config.toml") {
                let contents = (try? String(contentsOfFile: "\(home)/\(file)", encoding: .utf8)) ?? ""
                #expect(!contents.contains(Self.privateKey), "\(file)")
            }
        }
    }

    @Test func aConfigFileIsNeverRunSoItsKeyIsNeverEchoed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cwql-secret-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = "very-secret-private-key-4242"
        let config = "\(directory)/config.toml"
        try "[profiles.main]\nsite = \"na\"\nprivate_key = \"\(key)\"\n".write(
            toFile: config,
            atomically: true,
            encoding: .utf8
        )
        let script = "\(directory)/uses-config.cwql"
        try "import \"config.toml\" as config\n".write(toFile: script, atomically: true, encoding: .utf8)
        for arguments in [["run", config], ["run", script], ["translate", "x"]] {
            let result = try await CommandRunner.run(arguments, environment: ["HOME": directory])
            #expect(result.status == 2)
            #expect(!(result.stdout + result.stderr).contains(key))
        }
        let imported = try await CommandRunner.run(["run", script], environment: ["HOME": directory])
        #expect(imported.stderr.contains("looks like a config file"))
    }
}
