import ArgumentParser
import ConnectWiseClient
import Foundation

/// `cwql profile …`: manage the config file's profiles.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "List, choose, remove profiles, or test and save new keys.",
        discussion:
            "The config file is $XDG_CONFIG_HOME/cwql/config.toml (else ~/.config/cwql/config.toml); cwql edits it in place, keeping comments and unknown tables.",
        subcommands: [ListProfiles.self, CurrentProfile.self, UseProfile.self, RemoveProfile.self, SetKeys.self]
    )
}

/// The config file's path and its text, for commands that edit it.
struct ConfigLocation: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp("Config file.", valueName: "path")) var configPath: String?

    var path: String { configPath ?? ConfigFile.defaultPath(environment: ProcessInfo.processInfo.environment) }

    /// The parsed file (checked: mode, owner, keys) and its text, or nil and "" when there is none.
    func load() throws -> (file: ConfigFile?, text: String) {
        do {
            guard let file = try ConfigFile.load(path: path) else { return (nil, "") }
            return (file, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
        } catch {
            throw fail(error)
        }
    }

    /// The file's text, after checking that `name` is one of its profiles.
    func text(withProfile name: String) throws -> String {
        let (file, text) = try load()
        let known = (file?.profiles.keys).map { Array($0).sorted() } ?? []
        guard known.contains(name) else { throw fail(ConfigurationError.unknownProfile(name, known: known)) }
        return text
    }

    /// Writes the edited text, after checking that it parses.
    func save(_ editor: ConfigEditor) throws {
        do {
            try ConfigFile.save(try editor.validated(), path: path)
        } catch {
            throw fail(error)
        }
    }
}

/// `cwql profile list`
struct ListProfiles: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the profiles of the config file (keys hidden)."
    )

    @OptionGroup var location: ConfigLocation

    func run() throws {
        guard let file = try location.load().file, !file.profiles.isEmpty else {
            standardOutput("no profiles in \(location.path)")
            return
        }
        for (name, profile) in file.profiles.sorted(by: { $0.key < $1.key }) {
            let mark = name == file.defaultProfile ? " (default)" : ""
            standardOutput(
                "\(name)\(mark): site \(profile.site ?? "-"), company \(profile.company ?? "-"), public key \(profile.publicKey ?? "-"), private key \(profile.privateKey == nil ? "-" : "set")"
            )
        }
    }
}

/// `cwql profile current`: which profile a command would use, and why.
struct CurrentProfile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "current",
        abstract: "Show the profile cwql uses now, and why."
    )

    @OptionGroup var location: ConfigLocation

    func run() throws {
        let file = try location.load().file
        if let name = ProcessInfo.processInfo.environment["CWQL_PROFILE"], !name.isEmpty {
            standardOutput("\(name) (from CWQL_PROFILE)")
        } else if let name = file?.defaultProfile {
            standardOutput("\(name) (default_profile in \(location.path))")
        } else {
            standardOutput("default (no default_profile in \(location.path))")
        }
    }
}

/// `cwql profile use NAME`: make a profile the default.
struct UseProfile: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "use", abstract: "Make a profile the default one.")

    @Argument(help: "The profile.") var name: String
    @OptionGroup var location: ConfigLocation

    func run() throws {
        var editor = ConfigEditor(text: try location.text(withProfile: name))
        editor.setDefaultProfile(name)
        try location.save(editor)
        standardOutput("default profile: \(name)")
    }
}

/// `cwql profile remove NAME`
struct RemoveProfile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a profile and its keys from the config file."
    )

    @Argument(help: "The profile.") var name: String
    @OptionGroup var location: ConfigLocation

    func run() throws {
        var editor = ConfigEditor(text: try location.text(withProfile: name))
        editor.removeProfile(name)
        if try location.load().file?.defaultProfile == name { editor.setDefaultProfile(nil) }
        try location.save(editor)
        standardOutput("removed profile '\(name)' from \(location.path)")
    }
}

/// `cwql profile set-keys`: rotate keys without downtime — the new keys are tested first and
/// the file is only rewritten (atomically, 0600, keeping the rest of it) when they work.
struct SetKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-keys",
        abstract: "Test new API keys against the site, then save them to a profile.",
        discussion: """
            The private key is read from standard input (a prompt without echo on a terminal), never from
            the command line, so it stays out of shell history and process lists. Values not given are
            kept from the profile. Nothing is written unless the new keys authenticate; the rest of the
            file (comments, other profiles, unknown tables) is kept as it is.
            """
    )

    @Option(help: "Profile to write (default: the file's default profile, or 'default').") var profile: String?
    @Option(help: "Site: na, eu, au or a base URL.") var site: String?
    @Option(help: "Company ID used at login.") var company: String?
    @Option(name: .customLong("public-key"), help: "The new public key.") var publicKey: String?
    @Option(name: .customLong("client-id"), help: "The registered client ID.") var clientId: String?
    @OptionGroup var location: ConfigLocation
    @Flag(help: "Make this the default profile.") var makeDefault = false

    func run() async throws {
        let (loaded, text) = try location.load()
        let file = loaded ?? ConfigFile()
        let name = profile ?? file.defaultProfile ?? "default"
        var entry = file.profiles[name] ?? ConfigFile.Profile()
        entry.site = site ?? entry.site
        entry.company = company ?? entry.company
        entry.publicKey = publicKey ?? entry.publicKey
        entry.clientId = clientId ?? entry.clientId
        guard let privateKey = readPrivateKey(), !privateKey.isEmpty else {
            throw ValidationError("no private key on standard input")
        }
        var missing: [String] = []
        if entry.site == nil { missing.append("--site") }
        if entry.company == nil { missing.append("--company") }
        if entry.publicKey == nil { missing.append("--public-key") }
        if entry.clientId == nil { missing.append("--client-id") }
        guard missing.isEmpty, let site = entry.site, let company = entry.company, let publicKey = entry.publicKey,
            let clientId = entry.clientId
        else { throw ValidationError("profile '\(name)' needs \(missing.joined(separator: ", "))") }
        do {
            let credentials = Credentials(
                site: try SiteAddress.resolve(site),
                company: company,
                publicKey: publicKey,
                privateKey: Secret(privateKey),
                clientId: clientId,
                apiVersion: entry.apiVersion ?? Credentials.defaultAPIVersion
            )
            let client = ConnectWiseClient(credentials: credentials, timeout: 30)
            do {
                _ = try await client.get("/system/info")
            } catch {
                standardError("the new keys did not work, so \(location.path) was not changed")
                throw error
            }
        } catch {
            throw fail(error)
        }
        // Only what changed is rewritten; every other line stays as it was written.
        var editor = ConfigEditor(text: text)
        let stored = file.profiles[name]
        let values = [
            ("site", site, stored?.site), ("company", company, stored?.company),
            ("public_key", publicKey, stored?.publicKey),
            ("private_key", privateKey, stored?.privateKey), ("client_id", clientId, stored?.clientId),
        ]
        for (key, value, before) in values where value != before { editor.set(key, to: value, inProfile: name) }
        if makeDefault || file.defaultProfile == nil { editor.setDefaultProfile(name) }
        try location.save(editor)
        standardOutput("keys tested and saved to profile '\(name)' in \(location.path)")
    }

    private func readPrivateKey() -> String? {
        if isatty(STDIN_FILENO) != 0, let entered = getpass("private key: ") {
            return String(cString: entered)
        }
        return readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces)
    }
}
