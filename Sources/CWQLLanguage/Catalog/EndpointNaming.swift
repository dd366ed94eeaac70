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
    ///
    /// Every path starts with its last word; then, as long as any can, every path whose name
    /// clashes takes one more word, all at once, until no name clashes or no clashing path has
    /// a word left. A name clashes with another path's name, a taken name, or another name's
    /// singular (`/company/contactsync/company` would take `company`, the singular of `companies`).
    static func sourceNames(for paths: [String], taken: Set<String>) -> [String: String] {
        let pathWords = paths.map { words(of: $0) }
        var wordCount = Array(repeating: 1, count: paths.count)
        func name(_ index: Int) -> String {
            let count = wordCount[index]
            let used =
                count <= pathWords[index].count
                ? Array(pathWords[index].suffix(count)) : [snakeCase(module(of: paths[index]))] + pathWords[index]
            return (used.dropLast().map(singular) + [used.last ?? ""]).joined(separator: "_")
        }
        /// A name's singular when it differs from the name.
        func pluralsSingular(_ name: String) -> String? {
            let one = singular(name)
            return one == name ? nil : one
        }
        let takenSingulars = Set(taken.compactMap(pluralsSingular))
        var names = paths.indices.map(name)
        var singulars = names.map(pluralsSingular)
        // How many paths have each name, and how many names have each singular.
        var pathsNamed: [String: Int] = [:]
        var namesWithSingular: [String: Int] = [:]
        for index in paths.indices {
            pathsNamed[names[index], default: 0] += 1
            if let one = singulars[index] { namesWithSingular[one, default: 0] += 1 }
        }
        while true {
            let growing = paths.indices.filter { index in
                let name = names[index]
                let clashes =
                    pathsNamed[name, default: 0] > 1 || taken.contains(name) || takenSingulars.contains(name)
                    || namesWithSingular[name, default: 0] > 0
                return clashes && wordCount[index] <= pathWords[index].count
            }
            if growing.isEmpty { break }
            for index in growing {
                pathsNamed[names[index], default: 0] -= 1
                if let one = singulars[index] { namesWithSingular[one, default: 0] -= 1 }
                wordCount[index] += 1
                names[index] = name(index)
                singulars[index] = pluralsSingular(names[index])
                pathsNamed[names[index], default: 0] += 1
                if let one = singulars[index] { namesWithSingular[one, default: 0] += 1 }
            }
        }
        return Dictionary(zip(paths, names), uniquingKeysWith: { first, _ in first })
    }
}
