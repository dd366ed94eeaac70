/// What `+ - * /` mean on values, and how interpolation joins them: the one rule the
/// interpreter, the compiler (values in conditions and notes) and computed columns share.
public enum Arithmetic {
    /// Why two values don't combine.
    public enum Failure: Error, Sendable, Equatable {
        case cannotCombine(op: ArithmeticOperator, left: String, right: String)
        case divisionByZero
    }

    /// `a op b`: numbers (whole numbers stay whole unless a division leaves a remainder or a
    /// result overflows), `+` joins text and lists; null with anything is null.
    public static func apply(_ op: ArithmeticOperator, _ a: Value, _ b: Value) throws(Failure) -> Value {
        switch (a, b) {
        case (.null, _), (_, .null): return .null
        case (.integer(let x), .integer(let y)):
            switch op {
            case .add: return whole(x.addingReportingOverflow(y), else: Double(x) + Double(y))
            case .subtract: return whole(x.subtractingReportingOverflow(y), else: Double(x) - Double(y))
            case .multiply: return whole(x.multipliedReportingOverflow(by: y), else: Double(x) * Double(y))
            case .divide:
                guard y != 0 else { throw .divisionByZero }
                if x % y == 0, !(x == .min && y == -1) { return .integer(x / y) }
                return .decimal(Double(x) / Double(y))
            }
        case (.string(let x), .string(let y)) where op == .add: return .string(x + y)
        case (.list(let x), .list(let y)) where op == .add: return .list(x + y)
        default:
            guard let x = number(a), let y = number(b) else {
                throw .cannotCombine(op: op, left: a.kindName, right: b.kindName)
            }
            switch op {
            case .add: return .decimal(x + y)
            case .subtract: return .decimal(x - y)
            case .multiply: return .decimal(x * y)
            case .divide:
                guard y != 0 else { throw .divisionByZero }
                return .decimal(x / y)
            }
        }
    }

    /// The text of an interpolated string: each value as `print` shows it (null as nothing).
    public static func interpolate(_ values: [Value]) -> String {
        values.map(\.displayText).joined()
    }

    private static func number(_ value: Value) -> Double? {
        switch value {
        case .integer(let number): return Double(number)
        case .decimal(let number): return number
        default: return nil
        }
    }

    private static func whole(_ result: (partialValue: Int, overflow: Bool), else wide: Double) -> Value {
        result.overflow ? .decimal(wide) : .integer(result.partialValue)
    }
}

extension Value {
    /// The field at `path` of the one record this value holds (a list of one record counts):
    /// each name is a field of the record as ConnectWise sent it, else, for a record of a
    /// known entity, one of its aliases or paths (`updated` → `_info/lastUpdated`); nil when
    /// there is no such field.
    public func field(at path: [Name], of entity: EntitySpec?) -> Value? {
        var value = self
        if case .list(let items) = value, items.count == 1 { value = items[0] }
        for (position, step) in path.enumerated() {
            guard case .record(let record) = value else { return nil }
            if let next = record.field(named: step.text) {
                value = next
                continue
            }
            // The rest of the path through the entity's aliases, from the top-level record only.
            guard position == 0, let entity, !entity.isRaw else { return nil }
            let rest = FieldPath(.dotted(Array(path[position...])), span: step.span)
            guard let resolved = try? entity.resolveColumn(rest, in: SourceFile(name: "<alias>", text: "")) else {
                return nil
            }
            return record.value(atPath: resolved.path) ?? .null
        }
        return value
    }
}

extension Arithmetic.Failure {
    /// The failure as one of cwql's problems.
    public var problem: Problem {
        switch self {
        case .cannotCombine(let op, let left, let right):
            return .cannotCombine(op: op.rawValue, left: left, right: right)
        case .divisionByZero: return .divisionByZero
        }
    }
}

extension Arithmetic {
    /// What `a op b` yields for values of these kinds (samples of them), to type an
    /// expression before it runs: nil when the samples say nothing (a division by a sample
    /// zero); a failure when such kinds never combine (`"a" + 1`).
    public static func kind(_ op: ArithmeticOperator, _ a: Value, _ b: Value) throws(Failure) -> Value? {
        do {
            return try apply(op, a, b)
        } catch {
            if case .cannotCombine = error { throw error }
            return nil
        }
    }
}

extension ValueType {
    /// A value of this type, to try an operation on; nil where the type is unknown.
    public var sample: Value? {
        switch self {
        case .string: return .string("")
        case .integer: return .integer(1)
        case .decimal: return .decimal(1)
        case .boolean: return .boolean(true)
        case .date: return .date(UTCDate(secondsSinceEpoch: 0))
        case .unknown: return nil
        }
    }

    /// A sample of the kind ``Value/kindName`` names ("text", "a number"), if any.
    public static func sample(ofKind kind: String) -> Value? {
        [ValueType.string, .integer, .boolean, .date].lazy.compactMap(\.sample).first { $0.kindName == kind }
    }
}
