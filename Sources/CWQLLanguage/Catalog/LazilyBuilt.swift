import Synchronization

/// A value built the first time it is read, once, by whichever thread reads it first.
/// The catalog holds hundreds of entities; a query reads the fields of one or two.
final class LazilyBuilt<Value: Sendable>: Sendable {
    private let state = Mutex<Value?>(nil)
    private let make: @Sendable () -> Value

    init(_ make: @escaping @Sendable () -> Value) { self.make = make }

    /// A value that is already built.
    init(built value: Value) {
        self.make = { value }
        state.withLock { $0 = value }
    }

    var value: Value {
        state.withLock { state in
            if let built = state { return built }
            let built = make()
            state = built
            return built
        }
    }
}
