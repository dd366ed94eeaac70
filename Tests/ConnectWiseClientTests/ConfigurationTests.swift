import ConnectWiseClient
import Foundation
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
        #expect(throws: ConfigurationError.missing(
            ["site (CW_SITE)", "private key (CW_PRIVATE_KEY)", "client ID (CW_CLIENT_ID)"], profile: nil)) {
            _ = try CredentialResolver(environment: ["CW_COMPANY": "x", "CW_PUBLIC_KEY": "y"], configPath: path).resolve(profile: nil)
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
        #expect(throws: ConfigurationError.self) { _ = try CredentialResolver(environment: [:], configPath: broken).resolve(profile: nil) }
        let path = try temporaryConfig(file)
        #expect(throws: ConfigurationError.unknownProfile("staging", known: ["eu", "main"])) {
            _ = try CredentialResolver(environment: [:], configPath: path).resolve(profile: "staging")
        }
    }

    @Test(arguments: [
        ("na", "https://api-na.myconnectwise.net"), ("EU", "https://api-eu.myconnectwise.net"),
        ("au", "https://api-au.myconnectwise.net"), ("manage.example.com", "https://manage.example.com"),
        ("http://127.0.0.1:8089/", "http://127.0.0.1:8089"), ("https://cw.example.org/v4_6_release/apis/3.0", "https://cw.example.org"),
    ])
    func sitesResolve(site: String, expected: String) throws {
        #expect(try SiteAddress.resolve(site).absoluteString == expected)
    }

    @Test func webHostsAndNonsenseAreRefused() {
        #expect(throws: ConfigurationError.webHost("na.myconnectwise.net", suggestion: "https://api-na.myconnectwise.net")) {
            _ = try SiteAddress.resolve("na.myconnectwise.net")
        }
        #expect(throws: ConfigurationError.invalidSite("ftp://x")) { _ = try SiteAddress.resolve("ftp://x") }
        #expect(throws: ConfigurationError.invalidSite("")) { _ = try SiteAddress.resolve("") }
    }

    @Test func savingIsAtomicAndPrivate() throws {
        let path = try temporaryConfig(nil)
        let config = ConfigFile(defaultProfile: "main", profiles: [
            "main": .init(site: "na", company: "northwind", publicKey: "p", privateKey: "s3cret-key", clientId: "c"),
        ])
        try config.save(path: path)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try ConfigFile.load(path: path) == config)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(leftovers == ["config.toml"])
    }

    @Test func secretsDoNotPrint() {
        let secret = Secret("super-secret-value")
        #expect("\(secret)" == "••••••")
        #expect(String(reflecting: secret) == "Secret(••••••)")
        #expect(!"\(ConfigFile.Profile(privateKey: nil))".contains("super-secret-value"))
        #expect(secret.redact("x super-secret-value y") == "x •••••• y")
    }
}
