/// A problem with configuration or credentials: the tool exits with status 3.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing([String], profile: String?)
    case invalidSite(String)
    case webHost(String, suggestion: String)
    case unreadableFile(path: String, reason: String)
    case insecureFile(path: String, mode: String)
    case invalidFile(path: String, reason: String)
    case unknownProfile(String, known: [String])
    /// A key the config file does not know (`privat_key`), with its table.
    case unknownKey(path: String, key: String, table: String, suggestion: String?)
    /// A value holds a line break or another control character (it would split a header).
    case controlCharacters(String)
    /// `default_profile` names a profile the file does not have.
    case missingDefaultProfile(path: String, name: String, known: [String])
    /// A pace that is not a whole number of requests a minute in the range cwql takes.
    case invalidRate(String)
    /// The open-file limit (`ulimit -n`) leaves no room for a connection.
    case openFileLimit(limit: Int, needed: Int)

    public var description: String {
        switch self {
        case .missing(let names, let profile):
            let source = profile.map { "profile `\($0)` of the config file" } ?? "the config file"
            return
                "missing \(names.joined(separator: ", ")) (looked in \(source), the environment and the command line); "
                + "set them in ~/.config/cwql/config.toml or as CW_SITE, CW_COMPANY, CW_PUBLIC_KEY, CW_PRIVATE_KEY, CW_CLIENT_ID"
        case .invalidSite(let site):
            return "site '\(site)' is not na, eu, au or a URL such as https://manage.example.com"
        case .webHost(let site, let suggestion):
            return
                "site '\(site)' is ConnectWise's web host, which answers web pages; the API is at \(suggestion) (or write the region: na, eu, au)"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .insecureFile(let path, let mode):
            return "\(path) holds private keys and is readable by other users (mode \(mode)); run: chmod 600 \(path)"
        case .invalidFile(let path, let reason):
            return "\(path) is not valid TOML: \(reason)"
        case .unknownProfile(let name, let known):
            return "no profile `\(name)` in the config file"
                + (known.isEmpty ? "" : "; profiles: \(known.joined(separator: ", "))")
        case .unknownKey(let path, let key, let table, let suggestion):
            return "unknown key `\(key)` in \(table) of \(path)" + (suggestion.map { "; did you mean `\($0)`?" } ?? "")
                + " (known: \(ConfigFile.profileKeys.joined(separator: ", ")))"
        case .invalidRate(let value):
            return
                "the rate '\(value)' is not a number of requests a minute from \(Credentials.rates.lowerBound) to \(Credentials.rates.upperBound) (--rate, CW_RATE or the profile's rate)"
        case .controlCharacters(let name):
            return
                "the \(name) holds a line break or another control character; check how it was set (CW_* variables, flags, the config file)"
        case .openFileLimit(let limit, let needed):
            return
                "the open-file limit is \(limit) (ulimit -n) and cwql needs at least \(needed) to make a request; raise it: ulimit -n 1024"
        case .missingDefaultProfile(let path, let name, let known):
            return "default_profile = \"\(name)\" in \(path) names no profile"
                + (known.isEmpty ? "; the file has none" : "; profiles: \(known.joined(separator: ", "))")
                + " (run `cwql profile use NAME`)"
        }
    }
}
