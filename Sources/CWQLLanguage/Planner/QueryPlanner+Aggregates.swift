extension QueryPlanner {
    /// Plans an aggregate over the records of `segments[index]`: the records are narrowed to
    /// the keys and the measured fields, the grouping runs on the client, and a new segment of
    /// `.rows` holds the groups, typed, for the stages after it (`sort count desc`, `where`).
    func aggregate(
        _ aggregation: Aggregation,
        at index: Int,
        in segments: inout [PlanSegment]
    ) throws(Diagnostic) {
        let entity = segments[index].entity
        var keys: [OutputColumn] = []
        var columns: [FieldSpec] = []
        for key in aggregation.keys {
            let read = try column(key, at: index, in: &segments)
            let name = Measure.columnName(key)
            keys.append(OutputColumn(label: name, path: read.path))
            columns.append(
                FieldSpec(name, .value(valueType(of: key, in: entity, carried: segments[index].isCarried(read.path))))
            )
        }
        var measures: [AggregatePlan.PlannedMeasure] = []
        for measure in aggregation.measures {
            var path: String?
            var type = ValueType.integer
            if let field = measure.field {
                let read = try column(field, at: index, in: &segments)
                path = read.path
                let fieldType = valueType(of: field, in: entity, carried: segments[index].isCarried(read.path))
                if measure.function.needsNumbers, ![.integer, .decimal, .unknown].contains(fieldType) {
                    throw Diagnostic(
                        .aggregateNeedsNumbers(
                            function: measure.function.rawValue,
                            field: source.text(of: field.span),
                            type: fieldType.displayName
                        ),
                        source: source,
                        span: field.span
                    )
                }
                switch measure.function {
                case .count: type = .integer
                case .sum: type = fieldType == .integer ? .integer : .decimal
                case .avg: type = .decimal
                case .min, .max: type = fieldType
                }
            }
            if keys.contains(where: { $0.label.lowercased() == measure.name.lowercased() }) {
                throw Diagnostic(.aggregateColumnTwice(measure.name), source: source, span: measure.span)
            }
            measures.append(.init(name: measure.name, function: measure.function, path: path))
            columns.append(FieldSpec(measure.name, .value(type)))
        }
        // Only what the grouping reads is fetched (a parent's field comes with the parent).
        let own = (keys.map(\.path) + measures.compactMap(\.path)).filter { !segments[index].isCarried($0) }
        segments[index].narrow(to: own.isEmpty ? ["id"] : Array(own.uniqued()))
        let summary = source.text(of: aggregation.span)
        let plan = AggregatePlan(keys: keys, measures: measures, largestFirst: aggregation.isCountBy, summary: summary)
        segments[index].clientStages.append(.aggregate(plan))
        segments.append(PlanSegment(entity: .rows(of: "`\(summary)`", columns: columns), origin: .rows, label: "row"))
    }

    /// The type of what a column reads: a field's leaf type, text for a reference or an
    /// object (a row shows its name), unknown where the catalog cannot say.
    private func valueType(of path: FieldPath, in entity: EntitySpec, carried: Bool) -> ValueType {
        guard !carried, let resolved = try? entity.resolveColumn(path, in: source) else { return .unknown }
        return resolved.type
    }
}
