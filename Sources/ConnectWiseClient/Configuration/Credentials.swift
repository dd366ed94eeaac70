import Foundation

/// Everything needed to talk to one ConnectWise site.
public struct Credentials: Sendable {
    /// The site's base URL, without a path (`https://api-na.myconnectwise.net`).
    public var site: URL
    /// The short, case-sensitive company ID used at login.
    public var company: String
    public var publicKey: String
    public var privateKey: Secret
    /// The registered client ID (a GUID).
    public var clientId: String
    /// The API version pinned in the Accept header.
    public var apiVersion: String
    /// Requests a minute at most, as the profile, CW_RATE or `--rate` says (nil: the default, 1,000).
    public var rate: Int?
    /// The time zone of dates like `today`, as the profile or CW_TIMEZONE says (nil: the machine's).
    public var timeZone: String?
    /// The user's member identifier, which `me` stands for (the profile's `member`, CW_MEMBER).
    public var member: String?

    public static let defaultAPIVersion = "2025.1"
    /// The paces cwql takes, per minute.
    public static let rates = 10...100_000

    public init(
        site: URL,
        company: String,
        publicKey: String,
        privateKey: Secret,
        clientId: String,
        apiVersion: String = Credentials.defaultAPIVersion
    ) {
        self.site = site
        self.company = company
        self.publicKey = publicKey
        self.privateKey = privateKey
        self.clientId = clientId
        self.apiVersion = apiVersion
    }

    /// `Basic base64(company+publicKey:privateKey)`.
    var authorization: String {
        "Basic " + Data("\(company)+\(publicKey):\(privateKey.value)".utf8).base64EncodedString()
    }

    /// Removes the private key and the Authorization value from `text`.
    func redact(_ text: String) -> String {
        privateKey.redact(text).replacing(authorization, with: "Basic ••••••")
            .replacing(String(authorization.dropFirst(6)), with: "••••••")
    }
}

/// Turns what the user wrote for the site into a base URL.
public enum SiteAddress {
    /// The ConnectWise cloud API hosts by region.
    public static let regions = [
        "na": "https://api-na.myconnectwise.net", "eu": "https://api-eu.myconnectwise.net",
        "au": "https://api-au.myconnectwise.net",
    ]

    /// `na`, `eu`, `au`, or a base URL (`https://manage.example.com`, a path and trailing slash
    /// are dropped). Cloud web hosts (`na.myconnectwise.net`) are refused with the api- host to use.
    public static func resolve(_ text: String) throws(ConfigurationError) -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let region = regions[trimmed.lowercased()] { return URL(string: region)! }
        var candidate = trimmed
        if !candidate.contains("://") { candidate = "https://" + candidate }
        guard let components = URLComponents(string: candidate), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
        else {
            throw ConfigurationError.invalidSite(text)
        }
        let lowered = host.lowercased()
        for region in ["na", "eu", "au"] where lowered == "\(region).myconnectwise.net" {
            throw ConfigurationError.webHost(text, suggestion: regions[region]!)
        }
        // `user@host` would send the keys to whatever follows the `@`; a port must be a port.
        guard components.user == nil, components.password == nil, !host.contains("@") else {
            throw ConfigurationError.invalidSite(text)
        }
        var base = "\(scheme)://\(host)"
        if let port = components.port {
            guard (1...65535).contains(port) else { throw ConfigurationError.invalidSite(text) }
            base += ":\(port)"
        }
        guard let url = URL(string: base) else { throw ConfigurationError.invalidSite(text) }
        return url
    }
}
