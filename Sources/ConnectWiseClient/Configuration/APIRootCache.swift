import CWJSON
import Foundation

/// Remembers each site's API root (`https://host/v4_6_release/apis/3.0`) between runs, so that
/// a command does not pay a `/login/companyinfo` round trip every time it starts.
///
/// An entry is used for `maximumAge` seconds; a 404 that shows the codebase moved (an upgrade)
/// discovers it again and replaces the entry, and `cwql doctor` always discovers. The file
/// holds site URLs, company IDs and codebases (never a key), is private to its owner and is
/// replaced whole. It is a cache: a file that cannot be read or written is ignored.
public struct APIRootCache: Sendable {
    public let path: String
    public let maximumAge: Double

    public init(path: String, maximumAge: Double = 86_400) {
        self.path = path
        self.maximumAge = maximumAge
    }

    /// The remembered root for a site and company, if it is recent enough.
    func root(site: String, company: String, now: Date = Date()) -> String? {
        let key = Self.key(site: site, company: company)
        guard let entry = entries().first(where: { $0.0 == key })?.1,
            let root = entry["root"]?.stringValue, let saved = entry["saved"]?.doubleValue,
            now.timeIntervalSince1970 - saved < maximumAge, now.timeIntervalSince1970 >= saved
        else { return nil }
        return root
    }

    /// Remembers a discovered root; expired entries are dropped and at most `maximumEntries`
    /// of the newest are kept (every `cwql demo` is a new site on a new port).
    func store(_ root: String, site: String, company: String, now: Date = Date()) {
        let seconds = Int(now.timeIntervalSince1970)
        let key = Self.key(site: site, company: company)
        var kept = entries().filter { name, entry in
            guard name != key, let saved = entry["saved"]?.intValue else { return false }
            return Double(seconds - saved) < maximumAge
        }
        kept.sort { ($0.1["saved"]?.intValue ?? 0) > ($1.1["saved"]?.intValue ?? 0) }
        let all = [(key, JSON.object(JSONObject(["root": .string(root), "saved": .int(seconds)])))] + kept.prefix(Self.maximumEntries - 1)
        try? PrivateFile.writeAtomically(JSONWriter.bytes(.object(JSONObject(pairs: all))), to: path)
    }

    static let maximumEntries = 50

    private static func key(site: String, company: String) -> String { "\(site) \(company)" }

    private func entries() -> [(String, JSON)] {
        guard let data = FileManager.default.contents(atPath: path),
            let object = (try? JSONParser.parse(Array(data)))?.objectValue
        else { return [] }
        return object.pairs
    }
}
