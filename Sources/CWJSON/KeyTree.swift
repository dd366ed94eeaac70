#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The key sequences one parse has met, as a tree: the path from the root to a node is the keys
/// of an object in order, so objects with the same keys end at the same node and share its
/// ``ObjectKeys``. Following a known key costs a comparison of its bytes; nothing is hashed and
/// no string is made.
///
/// A node whose keys keep changing (a map keyed by ids) would make every lookup a long scan, so a
/// node takes at most ``maximumChildren`` keys after it; past that, objects are built key by key.
struct KeyTree {
    static let root = 0
    static let maximumChildren = 32

    /// Where a node is in the tree and where its key's bytes are: plain integers, so that
    /// following the tree touches no reference count.
    private struct Link {
        /// The key's bytes in `arena`.
        var start: Int
        var length: Int
        var parent: Int
        var firstChild = -1
        var nextSibling = -1
        var children = 0
    }

    private var links = [Link(start: 0, length: 0, parent: -1)]
    private var names = [""]
    /// The keys of an object ending at each node, once one has; `.some(nil)` when the path
    /// repeats a key.
    private var shared: [ObjectKeys??] = [nil]
    private var arena: [UInt8] = []

    /// The node after `node` for the key spelled by `bytes` (ASCII with no escapes), added if
    /// new; nil when `node` has too many keys after it.
    mutating func child(of node: Int, key bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var candidate = links[node].firstChild
        while candidate >= 0 {
            let link = links[candidate]
            if link.length == bytes.count, equal(link.start, bytes) { return candidate }
            candidate = link.nextSibling
        }
        guard links[node].children < Self.maximumChildren else { return nil }
        let added = links.count
        links.append(Link(start: arena.count, length: bytes.count, parent: node, nextSibling: links[node].firstChild))
        arena.append(contentsOf: bytes)
        names.append(String(decoding: bytes, as: UTF8.self))
        shared.append(nil)
        links[node].firstChild = added
        links[node].children += 1
        return added
    }

    /// The keys along the path to `node`, in order.
    func names(to node: Int) -> [String] {
        path(to: node).map { names[$0] }
    }

    /// The shared keys of objects ending at `node`; nil when the path repeats a key (such an
    /// object is built key by key, the last value winning).
    mutating func keys(at node: Int) -> ObjectKeys? {
        if let made = shared[node] { return made }
        let made = ObjectKeys(encodingNames: names(to: node))
        shared[node] = .some(made)
        return made
    }

    /// The nodes from the root's child to `node`.
    private func path(to node: Int) -> [Int] {
        var path: [Int] = []
        var current = node
        while current != Self.root {
            path.append(current)
            current = links[current].parent
        }
        return path.reversed()
    }

    private func equal(_ start: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return true }
        return arena.withUnsafeBufferPointer { stored in
            guard let storedBase = stored.baseAddress else { return false }
            return memcmp(storedBase + start, base, bytes.count) == 0
        }
    }
}
