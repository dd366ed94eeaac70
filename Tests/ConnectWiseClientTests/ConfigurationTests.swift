import ConnectWiseClient
import Foundation
import Synchronization
import Testing

@Suite("Credentials: profiles, environment and flags, sites, and the config file")
struct ConfigurationTests {
    /// A fresh folder for a config file.
    func temporaryConfig(_ text: String?, mode: Int = 0o600) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cwql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("config.toml").path
        if let text {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, mode_t(mode))
        }
        return path
    }

    let file = """
        default_profile = "main"
        [profiles.main]
        site = "na"
        company = "northwind"
        public_key = "file-public"
        private_key = "file-private-key"
        client_id = "file-client"

        [profiles.eu]
        site = "eu"
        company = "northwind-eu"
        public_key = "eu-public"
        private_key = "eu-private"
        client_id = "eu-client"
        """

    @Test func thePaceComesFromTheProfileTheEnvironmentOrTheFlag() throws {
        let path = try temporaryConfig(
            file.replacingOccurrences(of: "client_id = \"eu-client\"", with: "client_id = \"eu-client\"\nrate = 300")
        )
        #expect(
            try CredentialResolver(environment: [:], configPath: path).resolve(profile: nil).credentials.rate == nil
        )
        #expect(
            try CredentialResolver(environment: [:], configPath: path).resolve(profile: "eu").credentials.rate == 300
        )
        #expect(
            try CredentialResolver(environment: ["CW_RATE": "120"], configPath: path).resolve(profile: "eu").credentials
                .rate
                == 120
        )
        #expect(
            try CredentialResolver(environment: ["CW_RATE": "120"], configPath: path)
                .resolve(profile: "eu", overrides: CredentialOverrides(rate: 60)).credentials.rate == 60
        )
        // The time zone of `today` comes the same way (the file's, else CW_TIMEZONE's).
        let zoned = try temporaryConfig(
            file.replacingOccurrences(
                of: "client_id = \"file-client\"",
                with: "client_id = \"file-client\"\ntimezone = \"America/New_York\""
            )
        )
        #expect(
            try CredentialResolver(environment: [:], configPath: zoned).resolve(profile: nil).credentials.timeZone
                == "America/New_York"
        )
        #expect(
            try CredentialResolver(environment: ["CW_TIMEZONE": "Europe/Paris"], configPath: path).resolve(profile: nil)
                .credentials.timeZone
                == "Europe/Paris"
        )
        for bad in ["fast", "5", "1000000"] {
            #expect(throws: ConfigurationError.invalidRate(bad)) {
                _ = try CredentialResolver(environment: ["CW_RATE": bad], configPath: path).resolve(profile: nil)
            }
        }
    }

    @Test func laterSourcesWin() throws {
        let path = try temporaryConfig(file)
        let fromFile = try CredentialResolver(environment: [:], configPath: path).resolve(profile: nil)
        #expect(fromFile.profile == "main")
        #expect(fromFile.credentials.site.absoluteString == "https://api-na.myconnectwise.net")
        #expect(fromFile.credentials.publicKey == "file-public")
        let env = ["CW_PUBLIC_KEY": "env-public", "CW_SITE": "https://manage.example.com/v4_6_release/apis/3.0/"]
        let fromEnv = try CredentialResolver(environment: env, configPath: path).resolve(profile: nil)
        #expect(fromEnv.credentials.publicKey == "env-public")
        #expect(fromEnv.credentials.site.absoluteString == "https://manage.example.com")
        #expect(fromEnv.credentials.company == "northwind")
        let fromFlags = try CredentialResolver(environment: env, configPath: path)
            .resolve(profile: "eu", overrides: CredentialOverrides(publicKey: "flag-public"))
        #expect(fromFlags.credentials.publicKey == "flag-public")
        #expect(fromFlags.credentials.company == "northwind-eu")
        #expect(fromFlags.credentials.site.absoluteString == "https://manage.example.com")
    }

    @Test func missingValuesAreNamed() throws {
        let path = try temporaryConfig(nil)
        #expect(
            throws: ConfigurationError.missing(
                ["site (CW_SITE)", "private key (CW_PRIVATE_KEY)", "client ID (CW_CLIENT_ID)"],
                profile: nil
            )
        ) {
            _ = try CredentialResolver(environment: ["CW_COMPANY": "x", "CW_PUBLIC_KEY": "y"], configPath: path)
                .resolve(profile: nil)
        }
    }

    @Test func aConfigFileOthersCanReadIsRefused() throws {
        let path = try temporaryConfig(file, mode: 0o644)
        do {
            _ = try CredentialResolver(environment: [:], configPath: path).resolve(profile: nil)
            Issue.record("expected a refusal")
        } catch {
            #expect(error == .insecureFile(path: path, mode: "644"))
            #expect(error.description.contains("chmod 600"))
        }
    }

    @Test func brokenFilesAndUnknownProfilesAreExplained() throws {
        let broken = try temporaryConfig("[profiles.main\nsite = ")
        #expect(throws: ConfigurationError.self) {
            _ = try CredentialResolver(environment: [:], configPath: broken).resolve(profile: nil)
        }
        let path = try temporaryConfig(file)
        #expect(throws: ConfigurationError.unknownProfile("staging", known: ["eu", "main"])) {
            _ = try CredentialResolver(environment: [:], configPath: path).resolve(profile: "staging")
        }
    }

    @Test(arguments: [
        ("na", "https://api-na.myconnectwise.net"), ("EU", "https://api-eu.myconnectwise.net"),
        ("au", "https://api-au.myconnectwise.net"), ("manage.example.com", "https://manage.example.com"),
        ("http://127.0.0.1:8089/", "http://127.0.0.1:8089"),
        ("https://cw.example.org/v4_6_release/apis/3.0", "https://cw.example.org"),
    ])
    func sitesResolve(site: String, expected: String) throws {
        #expect(try SiteAddress.resolve(site).absoluteString == expected)
    }

    @Test func webHostsAndNonsenseAreRefused() {
        #expect(
            throws: ConfigurationError.webHost("na.myconnectwise.net", suggestion: "https://api-na.myconnectwise.net")
        ) {
            _ = try SiteAddress.resolve("na.myconnectwise.net")
        }
        #expect(throws: ConfigurationError.invalidSite("ftp://x")) { _ = try SiteAddress.resolve("ftp://x") }
        #expect(throws: ConfigurationError.invalidSite("")) { _ = try SiteAddress.resolve("") }
        // A port that is no port, and credentials in the URL (the keys would go to the host after `@`).
        for site in [
            "http://127.0.0.1:99999", "http://127.0.0.1:18089\\@evil", "https://user:pw@cw.example.com",
            "http://127.0.0.1:0",
        ] {
            #expect(throws: ConfigurationError.invalidSite(site)) { _ = try SiteAddress.resolve(site) }
        }
    }

    @Test func savingIsAtomicAndPrivate() throws {
        let path = try temporaryConfig(nil)
        let config = ConfigFile(
            defaultProfile: "main",
            profiles: [
                "main": .init(site: "na", company: "northwind", publicKey: "p", privateKey: "s3cret-key", clientId: "c")
            ]
        )
        var editor = ConfigEditor(text: "")
        editor.setDefaultProfile("main")
        for (key, value) in [
            ("site", "na"), ("company", "northwind"), ("public_key", "p"), ("private_key", "s3cret-key"),
            ("client_id", "c"),
        ] {
            editor.set(key, to: value, inProfile: "main")
        }
        try ConfigFile.save(try editor.validated(), path: path)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try ConfigFile.load(path: path) == config)
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: (path as NSString).deletingLastPathComponent
        )
        #expect(leftovers == ["config.toml"])
    }

    @Test func secretsDoNotPrint() {
        let secret = Secret("super-secret-value")
        #expect("\(secret)" == "••••••")
        #expect(String(reflecting: secret) == "Secret(••••••)")
        #expect(!"\(ConfigFile.Profile(privateKey: nil))".contains("super-secret-value"))
        #expect(secret.redact("x super-secret-value y") == "x •••••• y")
    }

    @Test func editsKeepCommentsUnknownTablesAndQuoting() throws {
        let original = """
            # cwql profiles — keep this comment
            default_profile = 'main'   # the usual one

            [profiles.main]
            site = 'na'  # single quotes stay
            company = "northwind"
            public_key = "old"
            private_key = "old-secret"
            client_id = "c"

            # another tool's settings
            [editor]
            theme = "dark"

            [profiles."lab site"]
            site = "http://127.0.0.1:1"

            """
        var editor = ConfigEditor(text: original)
        editor.set("public_key", to: "new", inProfile: "main")
        editor.set("private_key", to: "new \"quoted\" secret", inProfile: "main")
        editor.set("api_version", to: "2025.1", inProfile: "lab site")
        editor.set("site", to: "eu", inProfile: "fresh")
        let text = try editor.validated()
        #expect(text.contains("# cwql profiles — keep this comment\n"))
        #expect(text.contains("default_profile = 'main'   # the usual one\n"))
        #expect(text.contains("site = 'na'  # single quotes stay\n"))
        #expect(text.contains("public_key = \"new\"\n"))
        #expect(text.contains("private_key = \"new \\\"quoted\\\" secret\"\n"))
        #expect(text.contains("# another tool's settings\n[editor]\ntheme = \"dark\"\n"))
        #expect(text.contains("[profiles.\"lab site\"]\nsite = \"http://127.0.0.1:1\"\napi_version = \"2025.1\"\n"))
        #expect(text.hasSuffix("[profiles.fresh]\nsite = \"eu\"\n"))
        let path = try temporaryConfig(nil)
        try ConfigFile.save(text, path: path)
        let loaded = try #require(try ConfigFile.load(path: path))
        #expect(loaded.profiles["main"]?.privateKey == "new \"quoted\" secret")
        #expect(loaded.profiles["lab site"]?.apiVersion == "2025.1")

        editor.removeProfile("main")
        editor.setDefaultProfile("fresh")
        let removed = try editor.validated()
        #expect(!removed.contains("[profiles.main]"))
        #expect(!removed.contains("old-secret"))
        #expect(removed.contains("default_profile = \"fresh\"   # the usual one\n"))
        #expect(removed.contains("# another tool's settings\n[editor]"))
    }

    @Test func unknownKeysAndAMissingDefaultProfileAreExplained() throws {
        let typo = try temporaryConfig(
            """
            [profiles.main]
            site = "na"
            privat_key = "x"
            """
        )
        #expect(
            throws: ConfigurationError.unknownKey(
                path: typo,
                key: "privat_key",
                table: "[profiles.main]",
                suggestion: "private_key"
            )
        ) {
            _ = try ConfigFile.load(path: typo)
        }
        let message = ConfigurationError.unknownKey(
            path: typo,
            key: "privat_key",
            table: "[profiles.main]",
            suggestion: "private_key"
        ).description
        #expect(message.contains("did you mean `private_key`?") && message.contains(typo))

        let missing = try temporaryConfig(
            """
            default_profile = "prod"
            [profiles.main]
            site = "na"
            """
        )
        let resolver = CredentialResolver(environment: ["HOME": "/nonexistent"], configPath: missing)
        #expect(throws: ConfigurationError.missingDefaultProfile(path: missing, name: "prod", known: ["main"])) {
            _ = try resolver.resolve(profile: nil)
        }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cwql-folder-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(
            atPath: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        #expect(throws: ConfigurationError.unreadableFile(path: folder, reason: "it is a folder, not a file")) {
            _ = try ConfigFile.load(path: folder)
        }
    }

    @Test func anEnvironmentVariableOverridingAnExplicitProfileIsSaid() throws {
        let path = try temporaryConfig(
            """
            [profiles.main]
            site = "na"
            company = "northwind"
            public_key = "p"
            private_key = "k"
            client_id = "c"
            """
        )
        let notes = Mutex<[String]>([])
        var resolver = CredentialResolver(environment: ["CW_SITE": "eu"], configPath: path)
        resolver.noteSink = { note in notes.withLock { $0.append(note) } }
        let resolved = try resolver.resolve(profile: "main")
        #expect(resolved.credentials.site.host == "api-eu.myconnectwise.net")
        #expect(notes.withLock { $0 } == ["note: CW_SITE overrides the value of profile 'main' given with --profile"])
        notes.withLock { $0 = [] }
        resolver.environment["CWQL_PROFILE"] = "main"
        _ = try resolver.resolve(profile: nil)
        #expect(notes.withLock { $0 }.isEmpty)
    }

    @Test func lineBreaksInHeaderValuesAreRefused() throws {
        let environment = [
            "CW_SITE": "na", "CW_COMPANY": "demo", "CW_PUBLIC_KEY": "p", "CW_PRIVATE_KEY": "k",
            "CW_CLIENT_ID": "c\r\nX-Evil: 1",
        ]
        let resolver = CredentialResolver(environment: environment, configPath: "/nonexistent/config.toml")
        #expect(throws: ConfigurationError.controlCharacters("client ID")) { _ = try resolver.resolve(profile: nil) }
        var version = environment
        version["CW_CLIENT_ID"] = "c"
        version["CW_API_VERSION"] = "2025.1\n"
        #expect(throws: ConfigurationError.controlCharacters("API version")) {
            _ = try CredentialResolver(environment: version, configPath: "/nonexistent/config.toml").resolve(
                profile: nil
            )
        }
    }
}
