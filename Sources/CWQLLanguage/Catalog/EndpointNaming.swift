import ConnectWiseSpec

/// The naming rule that turns ConnectWise paths into cwql names (SPEC 6.1).
///
/// A source is named by the last word of its path, snake_case (`/sales/activities` →
/// `activities`). When several paths end in the same word, each takes the word before it too,
/// singular (`/company/companies/statuses` → `company_statuses`), and when the path has no
/// word left, its module (`/schedule/entries` → `schedule_entries`, `/time/entries` →
/// `time_entries`). A nested list is a child stage named by the words after its parent's
/// `{id}` (`/company/companies/{id}/sites` → `| sites`), and its entity is the parent's
/// singular followed by that name (`company_sites`).
enum EndpointNaming {
    static func snakeCase(_ word: String) -> String { SpecNaming.snakeCase(word) }

    static func singular(_ name: String) -> String { SpecNaming.singular(name) }

    /// The words of a path after its module, without `{id}` holes, snake_case.
    static func words(of path: String) -> [String] {
        path.split(separator: "/").dropFirst().filter { $0 != "{id}" }.map { snakeCase(String($0)) }
    }

    /// The module of a path: its first segment (`service`).
    static func module(of path: String) -> String {
        path.split(separator: "/").first.map(String.init) ?? ""
    }

    /// Names for top-level list paths, unique among themselves and the names already taken.
    static func sourceNames(for paths: [String], taken: Set<String>) -> [String: String] {
        let wordsByPath = Dictionary(paths.map { ($0, words(of: $0)) }, uniquingKeysWith: { first, _ in first })
        var wordCount = Dictionary(paths.map { ($0, 1) }, uniquingKeysWith: { first, _ in first })
        var names: [String: String] = [:]
        func name(_ path: String) -> String {
            let words = wordsByPath[path] ?? []
            let count = wordCount[path] ?? 1
            let used = count <= words.count ? Array(words.suffix(count)) : [snakeCase(module(of: path))] + words
            return (used.dropLast().map(singular) + [used.last ?? ""]).joined(separator: "_")
        }
        for path in paths { names[path] = name(path) }
        let takenSingulars = Set(
            taken.compactMap { name in
                let one = singular(name)
                return one == name ? nil : one
            }
        )
        while true {
            let grouped = Dictionary(grouping: paths, by: { names[$0] ?? "" })
            // A name clashes with another path's name, a taken name, or another name's singular
            // (`/company/contactsync/company` would take `company`, the singular of `companies`).
            let singulars = takenSingulars.union(
                grouped.keys.compactMap { name in
                    let one = singular(name)
                    return one == name ? nil : one
                }
            )
            let clashes = grouped.filter { $0.value.count > 1 || taken.contains($0.key) || singulars.contains($0.key) }
            let growable = clashes.values.joined().filter { (wordCount[$0] ?? 1) <= (wordsByPath[$0]?.count ?? 0) }
            if growable.isEmpty { return names }
            for path in growable {
                wordCount[path, default: 1] += 1
                names[path] = name(path)
            }
        }
    }
}
