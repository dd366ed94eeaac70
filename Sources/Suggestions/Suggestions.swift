/// Near-miss suggestions by edit distance, shared by every did-you-mean (the language, the
/// command line and the config file). A small module of its own so that every layer can use it.
public enum Suggestions {
    /// Words longer than this get no suggestion (no name is that long; the search stays cheap).
    static let longestWord = 64

    /// The candidate closest to `word`, if it is close enough to be a plausible typo.
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        guard word.utf8.count <= longestWord else { return nil }
        let target = Array(word.lowercased())
        let allowed = max(1, min(3, target.count / 3))
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            // A candidate whose length differs by more than the allowed edits cannot match.
            guard abs(candidate.count - target.count) <= allowed else { continue }
            let distance = editDistance(target, Array(candidate.lowercased()))
            if distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        guard let best else { return nil }
        return best.distance <= allowed ? best.name : nil
    }

    /// A `did you mean` help line, or nothing when no candidate is close.
    public static func didYouMean(_ word: String, among candidates: some Sequence<String>) -> [String] {
        guard let match = closest(to: word, among: candidates) else { return [] }
        return ["did you mean `\(match)`?"]
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
