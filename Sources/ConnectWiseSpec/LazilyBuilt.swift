import Synchronization

/// A value built the first time it is read, once, by whichever thread reads it first: the
/// spec's facts are parsed, and the catalog's entities typed, only as far as a command reads
/// them (start-up is part of every `cwql` command). Reading it is inlinable, so that a reader
/// in another module (an entity's fields, read on every field a query names) gets code
/// specialized for its value rather than generic code.
public final class LazilyBuilt<Value: Sendable>: Sendable {
    @usableFromInline let state = Mutex<Value?>(nil)
    @usableFromInline let make: @Sendable () -> Value

    public init(_ make: @escaping @Sendable () -> Value) { self.make = make }

    /// A value that is already built.
    public init(built value: Value) {
        self.make = { value }
        state.withLock { $0 = value }
    }

    @inlinable
    public var value: Value {
        state.withLock { state in
            if let built = state { return built }
            let built = make()
            state = built
            return built
        }
    }
}
