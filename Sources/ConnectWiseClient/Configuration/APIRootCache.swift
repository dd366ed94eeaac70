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

    /// The remembered root for a site and company, if it is recent enough and is what
    /// discovery makes of that site (`SITE/CODEBASE/apis/3.0`): a root on another host, or a
    /// file another user could have written, would send the credentials elsewhere.
    func root(site: String, company: String, now: Date = Date()) -> String? {
        guard let entry = entries()[Self.key(site: site, company: company)], let root = entry["root"]?.stringValue,
            let saved = entry["saved"]?.intValue, isFresh(saved: saved, now: now), APIRootCache.isRoot(root, of: site)
        else { return nil }
        return root
    }

    /// True for `SITE/CODEBASE/apis/3.0` with a codebase of one plain path segment.
    public static func isRoot(_ root: String, of site: String) -> Bool {
        guard root.hasPrefix(site + "/"), root.hasSuffix("/apis/3.0") else { return false }
        let codebase = root.dropFirst(site.count + 1).dropLast("/apis/3.0".count)
        return !codebase.isEmpty && codebase != "." && codebase != ".."
            && codebase.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)
            }
    }

    /// Remembers a discovered root; expired entries are dropped and at most `maximumEntries`
    /// of the newest are kept (every `cwql demo` is a new site on a new port).
    func store(_ root: String, site: String, company: String, now: Date = Date()) {
        let key = Self.key(site: site, company: company)
        let saved: (JSON) -> Int = { $0["saved"]?.intValue ?? 0 }
        let kept = entries().pairs.filter { $0.key != key && isFresh(saved: saved($0.value), now: now) }
            .sorted { saved($0.value) > saved($1.value) }
            .prefix(Self.maximumEntries - 1)
        let newest = JSON.object(JSONObject(["root": .string(root), "saved": .int(Int(now.timeIntervalSince1970))]))
        let all = [(key, newest)] + kept.map { ($0.key, $0.value) }
        try? PrivateFile.writeAtomically(JSONWriter.bytes(.object(JSONObject(pairs: all))), to: path)
    }

    private func isFresh(saved: Int, now: Date) -> Bool {
        let age = now.timeIntervalSince1970 - Double(saved)
        return age >= 0 && age < maximumAge
    }

    static let maximumEntries = 50

    private static func key(site: String, company: String) -> String { "\(site) \(company)" }

    private func entries() -> JSONObject {
        // Only a regular file of this user's that no one else may write is read.
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == getuid(),
            info.st_mode & 0o022 == 0,
            let data = FileManager.default.contents(atPath: path),
            let object = (try? JSONParser.parse(Array(data)))?.objectValue
        else { return JSONObject() }
        return object
    }
}
