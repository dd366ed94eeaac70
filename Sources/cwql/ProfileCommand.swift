import ArgumentParser
import ConnectWiseClient
import Foundation

/// `cwql profile …`: manage the config file's profiles.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "List profiles, or test and save new keys.",
        subcommands: [ListProfiles.self, SetKeys.self])
}

/// `cwql profile list`
struct ListProfiles: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the profiles of the config file (keys hidden).")

    @Option(name: .customLong("config"), help: ArgumentHelp("Config file.", valueName: "path")) var configPath: String?

    func run() throws {
        let path = configPath ?? ConfigFile.defaultPath(environment: ProcessInfo.processInfo.environment)
        do {
            guard let file = try ConfigFile.load(path: path), !file.profiles.isEmpty else {
                standardOutput("no profiles in \(path)")
                return
            }
            for name in file.profiles.keys.sorted() {
                let profile = file.profiles[name]!
                let mark = name == file.defaultProfile ? " (default)" : ""
                standardOutput("\(name)\(mark): site \(profile.site ?? "-"), company \(profile.company ?? "-"), public key \(profile.publicKey ?? "-"), private key \(profile.privateKey == nil ? "-" : "set")")
            }
        } catch {
            throw fail(error)
        }
    }
}

/// `cwql profile set-keys`: rotate keys without downtime — the new keys are tested first and
/// the file is only rewritten (atomically, 0600) when they work.
struct SetKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-keys",
        abstract: "Test new API keys against the site, then save them to a profile.",
        discussion: """
            The private key is read from standard input (a prompt without echo on a terminal), never from
            the command line, so it stays out of shell history and process lists. Values not given are
            kept from the profile. Nothing is written unless the new keys authenticate.
            """)

    @Option(help: "Profile to write (default: the file's default profile, or 'default').") var profile: String?
    @Option(help: "Site: na, eu, au or a base URL.") var site: String?
    @Option(help: "Company ID used at login.") var company: String?
    @Option(name: .customLong("public-key"), help: "The new public key.") var publicKey: String?
    @Option(name: .customLong("client-id"), help: "The registered client ID.") var clientId: String?
    @Option(name: .customLong("config"), help: ArgumentHelp("Config file.", valueName: "path")) var configPath: String?
    @Flag(help: "Make this the default profile.") var makeDefault = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let path = configPath ?? ConfigFile.defaultPath(environment: environment)
        do {
            var file = try ConfigFile.load(path: path) ?? ConfigFile()
            let name = profile ?? file.defaultProfile ?? "default"
            var entry = file.profiles[name] ?? ConfigFile.Profile()
            entry.site = site ?? entry.site
            entry.company = company ?? entry.company
            entry.publicKey = publicKey ?? entry.publicKey
            entry.clientId = clientId ?? entry.clientId
            guard let privateKey = readPrivateKey(), !privateKey.isEmpty else {
                throw ValidationError("no private key on standard input")
            }
            entry.privateKey = privateKey
            var missing: [String] = []
            if entry.site == nil { missing.append("--site") }
            if entry.company == nil { missing.append("--company") }
            if entry.publicKey == nil { missing.append("--public-key") }
            if entry.clientId == nil { missing.append("--client-id") }
            guard missing.isEmpty else { throw ValidationError("profile '\(name)' needs \(missing.joined(separator: ", "))") }
            let credentials = Credentials(
                site: try SiteAddress.resolve(entry.site!), company: entry.company!, publicKey: entry.publicKey!,
                privateKey: Secret(privateKey), clientId: entry.clientId!, apiVersion: entry.apiVersion ?? Credentials.defaultAPIVersion)
            let client = ConnectWiseClient(credentials: credentials, timeout: 30)
            do {
                _ = try await client.get("/system/info")
                await client.shutdown()
            } catch {
                await client.shutdown()
                standardError("the new keys did not work, so \(path) was not changed")
                throw error
            }
            file.profiles[name] = entry
            if makeDefault || file.defaultProfile == nil { file.defaultProfile = name }
            try file.save(path: path)
            standardOutput("keys tested and saved to profile '\(name)' in \(path)")
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail(error)
        }
    }

    private func readPrivateKey() -> String? {
        if isatty(STDIN_FILENO) != 0, let entered = getpass("private key: ") {
            return String(cString: entered)
        }
        return readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces)
    }
}
