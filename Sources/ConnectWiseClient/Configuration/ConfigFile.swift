import Foundation
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

        public init(site: String? = nil, company: String? = nil, publicKey: String? = nil, privateKey: String? = nil,
                    clientId: String? = nil, apiVersion: String? = nil) {
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

    /// Reads the file, or nil when there is none. A file other users can read is refused.
    public static func load(path: String) throws(ConfigurationError) -> ConfigFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else { throw .unreadableFile(path: path, reason: String(cString: strerror(errno))) }
        if info.st_mode & 0o077 != 0 {
            throw .insecureFile(path: path, mode: String(info.st_mode & 0o777, radix: 8))
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        do {
            return try TOMLDecoder().decode(ConfigFile.self, from: text)
        } catch {
            throw .invalidFile(path: path, reason: String(describing: error))
        }
    }

    /// Writes the file atomically (a 0600 temporary file renamed over it), creating the folder.
    public func save(path: String) throws(ConfigurationError) {
        let text: String
        do {
            text = try TOMLEncoder().encode(self) + "\n"
        } catch {
            throw .unreadableFile(path: path, reason: String(describing: error))
        }
        do {
            try PrivateFile.writeAtomically(Array(text.utf8), to: path)
        } catch {
            throw .unreadableFile(path: path, reason: error.reason)
        }
    }
}
