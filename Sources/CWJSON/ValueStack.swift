/// The values of the objects and arrays a parse is inside, innermost last, kept in memory of its
/// own so that an object's values are moved into their array when it closes: one allocation,
/// and no retain or release of each value on the way.
final class ValueStack {
    private var base: UnsafeMutablePointer<JSON>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func push(_ value: consuming JSON) {
        if count == capacity { grow() }
        (base + count).initialize(to: value)
        count += 1
    }

    /// The values from `start` on, moved out in order.
    func pop(from start: Int) -> [JSON] {
        let moved = count - start
        defer { count = start }
        return [JSON](unsafeUninitializedCapacity: moved) { buffer, initialized in
            if let target = buffer.baseAddress { target.moveInitialize(from: base + start, count: moved) }
            initialized = moved
        }
    }

    private func grow() {
        let larger = UnsafeMutablePointer<JSON>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }
}
