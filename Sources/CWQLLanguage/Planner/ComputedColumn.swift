import CWJSON

/// A value computed for each record on the client: a computed column's expression with its
/// fields resolved to the record's paths and its variables already read.
public indirect enum RowExpression: Sendable {
    case constant(Value)
    /// A `/` path of the record (`actualHours`, `company/identifier`).
    case field(String)
    /// A custom field's value by caption.
    case custom(String)
    case arithmetic(ArithmeticOperator, RowExpression, RowExpression, SourceSpan)
    case interpolation([RowExpression])
    case list([RowExpression])

    /// The value for one record; a failed operation is located where it was written.
    public func evaluate(_ record: JSON, source: SourceFile) throws(Diagnostic) -> Value {
        switch self {
        case .constant(let value): return value
        case .field(let path): return record.lookup(path) ?? .null
        case .custom(let caption): return record.customField(caption) ?? .null
        case .arithmetic(let op, let lhs, let rhs, let span):
            let (left, right) = (try lhs.evaluate(record, source: source), try rhs.evaluate(record, source: source))
            do {
                return try Arithmetic.apply(op, left, right)
            } catch {
                throw Diagnostic(error.problem, source: source, span: span)
            }
        case .interpolation(let parts):
            var values: [Value] = []
            for part in parts { values.append(try part.evaluate(record, source: source)) }
            return .string(Arithmetic.interpolate(values))
        case .list(let items):
            var values: [Value] = []
            for item in items { values.append(try item.evaluate(record, source: source)) }
            return .list(values)
        }
    }
}

/// A column of `select` computed on the client: `minutes = actualHours * 60`, `custom("Alert ID")`.
public struct ComputedColumn: Sendable {
    public var label: String
    public var expression: RowExpression
    /// What it was written in, for the located error of a failed operation.
    public var source: SourceFile
    /// As written, for plans.
    public var written: String
}

extension QueryPlanner {
    /// Compiles a computed column's expression for the records of `segments[index]`: fields
    /// are resolved (and fetched), variables read now, and an operation on kinds known now
    /// that can't combine (`summary * 2`) is a compile error.
    func rowExpression(
        _ value: ValueExpr,
        at index: Int,
        in segments: inout [PlanSegment]
    ) throws(Diagnostic)
        -> RowExpression
    {
        try typedRowExpression(value, at: index, in: &segments).expression
    }

    /// The expression with a sample of the kind it yields, when known before it runs.
    private func typedRowExpression(
        _ value: ValueExpr,
        at index: Int,
        in segments: inout [PlanSegment]
    ) throws(Diagnostic) -> (expression: RowExpression, sample: Value?) {
        switch value {
        case .field(let path):
            let read = try column(path, at: index, in: &segments)
            segments[index].require(read.path)
            let type =
                segments[index].isCarried(read.path)
                ? nil : (try? segments[index].entity.resolveColumn(path, in: source))?.type
            return (.field(read.path), type?.sample)
        case .customField(let caption, _):
            segments[index].require("customFields")
            return (.custom(caption), nil)
        case .arithmetic(let lhs, let op, let rhs, let span):
            let left = try typedRowExpression(lhs, at: index, in: &segments)
            let right = try typedRowExpression(rhs, at: index, in: &segments)
            var sample: Value?
            if let a = left.sample, let b = right.sample {
                do {
                    sample = try Arithmetic.kind(op, a, b)
                } catch {
                    throw Diagnostic(error.problem, source: source, span: span)
                }
            }
            if case .constant(let a) = left.expression, case .constant(let b) = right.expression {
                do {
                    return (.constant(try Arithmetic.apply(op, a, b)), sample)
                } catch {
                    throw Diagnostic(error.problem, source: source, span: span)
                }
            }
            return (.arithmetic(op, left.expression, right.expression, span), sample)
        case .interpolated(let parts, _):
            var compiled: [RowExpression] = []
            for part in parts {
                switch part {
                case .text(let text): compiled.append(.constant(.string(text)))
                case .value(let inner):
                    compiled.append(try typedRowExpression(inner, at: index, in: &segments).expression)
                }
            }
            return (.interpolation(compiled), .string(""))
        case .list(let items, _):
            var compiled: [RowExpression] = []
            for item in items { compiled.append(try typedRowExpression(item, at: index, in: &segments).expression) }
            return (.list(compiled), .list([]))
        default:
            let constant = try ValueConversion(source: source, environment: environment).constant(value)
            return (.constant(constant), constant == .null ? nil : constant)
        }
    }
}
