import Foundation

/// Values given on the command line; each wins over the file and the environment. The same
/// six settings as a profile of the config file.
public typealias CredentialOverrides = ConfigFile.Profile

/// Puts credentials together from, later winning: the config file's profile, the
/// environment (`CW_SITE`, `CW_COMPANY`, `CW_PUBLIC_KEY`, `CW_PRIVATE_KEY`, `CW_CLIENT_ID`,
/// `CW_API_VERSION`), and the command line.
public struct CredentialResolver {
    public var environment: [String: String]
    public var configPath: String
    /// Receives notes such as "CW_SITE overrides the value of profile 'x'" (the CLI prints them on stderr).
    public var noteSink: (@Sendable (String) -> Void)?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, configPath: String? = nil) {
        self.environment = environment
        self.configPath = configPath ?? ConfigFile.defaultPath(environment: environment)
    }

    /// The profile to use: the one asked for, `CWQL_PROFILE`, the file's default, or `default`.
    public func profileName(requested: String?, file: ConfigFile?) -> String {
        requested ?? environment["CWQL_PROFILE"] ?? file?.defaultProfile ?? "default"
    }

    /// Resolves credentials, or says exactly what is missing or wrong.
    public func resolve(
        profile requested: String?,
        overrides: CredentialOverrides = CredentialOverrides()
    ) throws(ConfigurationError) -> (credentials: Credentials, profile: String) {
        let file = try ConfigFile.load(path: configPath)
        let name = profileName(requested: requested, file: file)
        let known = (file?.profiles.keys).map { Array($0).sorted() } ?? []
        if let requested, file?.profiles[requested] == nil {
            throw .unknownProfile(requested, known: known)
        }
        if requested == nil, environment["CWQL_PROFILE"] == nil, let file, let chosen = file.defaultProfile,
            file.profiles[chosen] == nil
        {
            throw .missingDefaultProfile(path: configPath, name: chosen, known: known)
        }
        let stored = file?.profiles[name] ?? ConfigFile.Profile()
        var notes: [String] = []
        func pick(_ flag: String?, _ variable: String, _ fromFile: String?) -> String? {
            if flag == nil, requested != nil, let fromEnvironment = environment[variable], !fromEnvironment.isEmpty,
                fromFile != nil
            {
                notes.append("note: \(variable) overrides the value of profile '\(name)' given with --profile")
            }
            for candidate in [flag, environment[variable], fromFile] {
                if let candidate, !candidate.trimmingCharacters(in: .whitespaces).isEmpty { return candidate }
            }
            return nil
        }
        let site = pick(overrides.site, "CW_SITE", stored.site)
        let company = pick(overrides.company, "CW_COMPANY", stored.company)
        let publicKey = pick(overrides.publicKey, "CW_PUBLIC_KEY", stored.publicKey)
        let privateKey = pick(overrides.privateKey, "CW_PRIVATE_KEY", stored.privateKey)
        let clientId = pick(overrides.clientId, "CW_CLIENT_ID", stored.clientId)
        let apiVersion =
            pick(overrides.apiVersion, "CW_API_VERSION", stored.apiVersion) ?? Credentials.defaultAPIVersion
        var missing: [String] = []
        if site == nil { missing.append("site (CW_SITE)") }
        if company == nil { missing.append("company ID (CW_COMPANY)") }
        if publicKey == nil { missing.append("public key (CW_PUBLIC_KEY)") }
        if privateKey == nil { missing.append("private key (CW_PRIVATE_KEY)") }
        if clientId == nil { missing.append("client ID (CW_CLIENT_ID)") }
        guard missing.isEmpty, let site, let company, let publicKey, let privateKey, let clientId else {
            throw .missing(missing, profile: file?.profiles[name] == nil ? nil : name)
        }
        // Header values: a line break would split the request (and is never part of a real value).
        for (name, value) in [
            ("company ID", company), ("public key", publicKey), ("client ID", clientId), ("API version", apiVersion),
            ("private key", privateKey),
        ]
        where value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw .controlCharacters(name)
        }
        var credentials = Credentials(
            site: try SiteAddress.resolve(site),
            company: company,
            publicKey: publicKey,
            privateKey: Secret(privateKey),
            clientId: clientId,
            apiVersion: apiVersion
        )
        let rateText = pick(overrides.rate.map(String.init), "CW_RATE", stored.rate.map(String.init))
        if let rateText {
            guard let rate = Int(rateText.trimmingCharacters(in: .whitespaces)), Credentials.rates.contains(rate) else {
                throw .invalidRate(rateText)
            }
            credentials.rate = rate
        }
        credentials.timeZone = pick(overrides.timezone, "CW_TIMEZONE", stored.timezone)
        credentials.member = pick(overrides.member, "CW_MEMBER", stored.member)
        for note in notes { noteSink?(note) }
        return (credentials, name)
    }
}
