import Foundation
import Suggestions
import TOMLKit

/// `~/.config/cwql/config.toml`: one profile per ConnectWise site.
///
/// ```toml
/// default_profile = "northwind"
///
/// [profiles.northwind]
/// site = "na"
/// company = "northwind"
/// public_key = "…"
/// private_key = "…"
/// client_id = "…"
/// ```
public struct ConfigFile: Codable, Sendable, Equatable {
    public var defaultProfile: String?
    public var profiles: [String: Profile]

    public struct Profile: Codable, Sendable, Equatable {
        public var site: String?
        public var company: String?
        public var publicKey: String?
        public var privateKey: String?
        public var clientId: String?
        public var apiVersion: String?
        /// Requests a minute at most (the client's pace; default 1,000).
        public var rate: Int?
        /// The time zone `today` and `startOfWeek` are in (`America/New_York`; default: the machine's).
        public var timezone: String?
        /// The user's member identifier, which `me` stands for (`owner = me`).
        public var member: String?

        public init(
            site: String? = nil,
            company: String? = nil,
            publicKey: String? = nil,
            privateKey: String? = nil,
            clientId: String? = nil,
            apiVersion: String? = nil,
            rate: Int? = nil,
            timezone: String? = nil,
            member: String? = nil
        ) {
            self.member = member
            self.rate = rate
            self.timezone = timezone
            self.site = site
            self.company = company
            self.publicKey = publicKey
            self.privateKey = privateKey
            self.clientId = clientId
            self.apiVersion = apiVersion
        }

        enum CodingKeys: String, CodingKey {
            case site, company
            case publicKey = "public_key"
            case privateKey = "private_key"
            case clientId = "client_id"
            case apiVersion = "api_version"
            case rate, timezone, member
        }
    }

    enum CodingKeys: String, CodingKey {
        case defaultProfile = "default_profile"
        case profiles
    }

    public init(defaultProfile: String? = nil, profiles: [String: Profile] = [:]) {
        self.defaultProfile = defaultProfile
        self.profiles = profiles
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        defaultProfile = try container.decodeIfPresent(String.self, forKey: .defaultProfile)
        profiles = try container.decodeIfPresent([String: Profile].self, forKey: .profiles) ?? [:]
    }

    /// `$XDG_CONFIG_HOME/cwql/config.toml`, else `~/.config/cwql/config.toml`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return "\(xdg)/cwql/config.toml" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return "\(home)/.config/cwql/config.toml"
    }

    /// Reads the file, or nil when there is none. A file other users can read or own, a folder,
    /// a file over 1 MiB and unknown keys are refused.
    public static func load(path: String) throws(ConfigurationError) -> ConfigFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        if info.st_mode & S_IFMT == S_IFDIR { throw .unreadableFile(path: path, reason: "it is a folder, not a file") }
        if info.st_mode & 0o077 != 0 {
            throw .insecureFile(path: path, mode: String(info.st_mode & 0o777, radix: 8))
        }
        // As ssh does: a file (or a link to one) that another user owns could hold their keys.
        var link = stat()
        if info.st_uid != getuid() || (lstat(path, &link) == 0 && link.st_uid != getuid() && link.st_uid != 0) {
            throw .unreadableFile(
                path: path,
                reason: "it belongs to another user; cwql reads only the current user's config"
            )
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        guard text.utf8.count <= ConfigFile.maximumSize else {
            throw .invalidFile(
                path: path,
                reason: "it is larger than \(ConfigFile.maximumSize / 1024) KiB; a config holds a few profiles"
            )
        }
        let file: ConfigFile
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
            file = try TOMLDecoder().decode(ConfigFile.self, from: text)
        } catch {
            throw .invalidFile(path: path, reason: String(describing: error))
        }
        try checkKeys(table, path: path)
        return file
    }

    /// The keys of a profile table.
    public static let profileKeys = [
        "site", "company", "public_key", "private_key", "client_id", "api_version", "rate", "timezone", "member",
    ]

    /// The largest config file read (a config holds a few profiles; a huge one is a mistake).
    public static let maximumSize = 1 << 20

    /// Refuses keys the file does not know, with a did-you-mean; tables other than `profiles`
    /// are left alone (they may belong to a newer cwql and are kept when cwql rewrites the file).
    static func checkKeys(_ table: TOMLTable, path: String) throws(ConfigurationError) {
        for key in table.keys where table[key]?.table == nil {
            guard key == "default_profile" else {
                throw .unknownKey(
                    path: path,
                    key: key,
                    table: "the top level",
                    suggestion: Suggestions.closest(to: key, among: ["default_profile"])
                )
            }
        }
        guard let profiles = table["profiles"]?.table else { return }
        for name in profiles.keys {
            guard let profile = profiles[name]?.table else { continue }
            for key in profile.keys where !profileKeys.contains(key) {
                throw .unknownKey(
                    path: path,
                    key: key,
                    table: "[profiles.\(name)]",
                    suggestion: Suggestions.closest(to: key, among: profileKeys)
                )
            }
        }
    }

    /// Writes text atomically (a 0600 temporary file renamed over it), creating the folder.
    public static func save(_ text: String, path: String) throws(ConfigurationError) {
        do {
            try PrivateFile.writeAtomically(Array(text.utf8), to: path)
        } catch {
            throw .unreadableFile(path: path, reason: error.reason)
        }
    }
}
