extension CompileEnvironment {
    /// A value written in source (`"text"`, `42`, `-7d`, `$t.summary`, a bare word) as a
    /// runtime value of a field's type, or a located diagnostic saying what the field expects.
    public func value(
        of expression: ValueExpr,
        as type: ValueType,
        field: String,
        source: SourceFile
    ) throws(Diagnostic) -> Value {
        let conversion = ValueConversion(source: source, environment: self)
        if type == .unknown, case .variable(let name, let path, let span) = expression {
            return try conversion.lookUp(name, path: path, span: span)
        }
        return ClientPredicate.value(of: try conversion.literal(expression, as: type, field: field))
    }

    /// How many seconds a duration's amount and unit make, its sign left aside (`every 5m`,
    /// `every $minutes m`).
    public func length(of duration: Duration, source: SourceFile) throws(Diagnostic) -> Double {
        try ValueConversion(source: source, environment: self).length(of: duration)
    }

    /// The value a `$variable` (with `.field` steps) holds.
    public func lookUp(_ name: Name, path: [Name], span: SourceSpan, source: SourceFile) throws(Diagnostic) -> Value {
        try ValueConversion(source: source, environment: self).lookUp(name, path: path, span: span)
    }
}
