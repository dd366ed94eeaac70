import Foundation

/// A failure talking to ConnectWise, with an explanation a user can act on.
public enum ConnectWiseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 401: the credentials were refused.
    case unauthorized(company: String)
    /// 403: the API member's security role lacks a module.
    case forbidden(method: String, path: String, module: String?, message: String)
    /// 400 mentioning clientId.
    case clientId(message: String)
    /// 400 for conditions (the string sent is kept to show).
    case badConditions(message: String, conditions: String)
    /// Any other 400.
    case badRequest(method: String, path: String, message: String)
    case notFound(path: String, message: String)
    /// 429 after every retry.
    case rateLimited(retries: Int)
    /// 5xx after every retry (or at once, for a write).
    case server(status: Int, method: String, path: String, message: String)
    /// No answer in time.
    case timeout(method: String, path: String, seconds: Double)
    /// The host name does not resolve.
    case unknownHost(String)
    /// Nothing listens, or the connection failed otherwise.
    case connection(host: String, reason: String)
    /// A web page came back instead of JSON: the wrong host.
    case notAnAPI(site: String)
    /// A write was answered with a redirect, which cwql does not follow.
    case redirectedWrite(method: String, path: String, location: String)
    /// The answer was not the JSON expected.
    case invalidResponse(path: String, reason: String)
    /// A write whose outcome is unknown (its response was lost and it could not be checked).
    case writeOutcomeUnknown(method: String, path: String, reason: String)
    /// The site could not be reached while discovering the API (wrong site or region).
    case siteUnreachable(site: String, reason: String)
    /// The company ID is unknown to `/login/companyinfo`.
    case unknownCompany(String, site: String)
    /// The run was cancelled (Ctrl-C).
    case cancelled
    /// The URL is longer than ConnectWise takes (414, or longer than cwql sends) and the
    /// collection has no `POST …/search` to send the conditions in a body.
    case urlTooLong(method: String, path: String, length: Int)
    /// The answer's headers were too large to read (its `Link` repeats long conditions).
    case oversizedHeaders(method: String, path: String)

    /// True for errors that mean the credentials or configuration are wrong (exit status 3).
    public var isConfigurationProblem: Bool {
        switch self {
        case .unauthorized, .clientId, .unknownHost, .notAnAPI, .unknownCompany, .siteUnreachable: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .urlTooLong(let method, let path, let length):
            return
                "the request \(method) \(path) is \(length) characters long, more than ConnectWise takes in a URL, and \(path) has no "
                + "POST search to send conditions in a body (only tickets do); shorten the conditions (split a long `in` list over several queries)"
        case .oversizedHeaders(let method, let path):
            return
                "ConnectWise's answer to \(method) \(path) had headers too large to read (its Link header repeats the request's long "
                + "conditions); shorten the conditions (split a long `in` list over several queries)"
        case .unauthorized(let company):
            return
                "ConnectWise refused the credentials (401). Check that the company ID '\(company)' is the short login company ID "
                + "(case-sensitive, not the display name) and that the public and private keys belong to an active API member."
        case .forbidden(let method, let path, let module, let message):
            let area = module.map { "the \($0) module" } ?? "this area"
            return
                "ConnectWise refused \(method) \(path) (403): the API member's security role has no access to \(area). "
                + "Grant it in System > Security Roles. (\(message))"
        case .clientId(let message):
            return
                "ConnectWise needs a registered client ID (400: \(message)). Register one for your integration in the "
                + "ConnectWise developer portal and set CW_CLIENT_ID or client_id in the profile."
        case .badConditions(let message, let conditions):
            return "ConnectWise rejected the conditions (400: \(message))\n  conditions: \(conditions)"
        case .badRequest(let method, let path, let message):
            return "ConnectWise rejected \(method) \(path) (400): \(message)"
        case .notFound(let path, let message):
            return "not found: \(path) (404\(message.isEmpty ? "" : ": \(message)"))"
        case .rateLimited(let retries):
            return
                "ConnectWise kept answering 429 Too Many Requests after \(retries) retries; try again later or lower --concurrency"
        case .server(let status, let method, let path, let message):
            return "ConnectWise failed \(method) \(path) with \(status)\(message.isEmpty ? "" : ": \(message)")"
        case .timeout(let method, let path, let seconds):
            return
                "no answer to \(method) \(path) within \(ConnectWiseError.seconds(seconds)) s; check the site and region, or narrow the query"
        case .unknownHost(let host):
            return "cannot resolve '\(host)'; check the site (CW_SITE): na, eu, au or your server's URL"
        case .connection(let host, let reason):
            return "cannot connect to \(host): \(reason); check the site (CW_SITE) and the network"
        case .notAnAPI(let site):
            return
                "\(site) answered a web page, not the API; cloud sites use the api- host (api-na.myconnectwise.net), or write the region (na, eu, au)"
        case .redirectedWrite(let method, let path, let location):
            return
                "\(method) \(path) was redirected to \(location); cwql does not follow redirects on writes, so nothing was changed. "
                + "Use the site's https URL."
        case .invalidResponse(let path, let reason):
            return "unexpected answer from \(path): \(reason)"
        case .writeOutcomeUnknown(let method, let path, let reason):
            return
                "\(method) \(path) may or may not have been applied (\(reason)); check the record before running it again"
        case .unknownCompany(let company, let site):
            return "\(site) does not know the company ID '\(company)'; it is the short, case-sensitive ID used at login"
        case .siteUnreachable(let site, let reason):
            return "cannot reach \(site) (\(reason)); check the site (CW_SITE): na, eu, au or your server's URL"
        case .cancelled:
            return "cancelled"
        }
    }

    /// Seconds as people write them: `60`, `0.5`.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }
}
