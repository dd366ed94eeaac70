import CWJSON
import CWQLLanguage

/// Groups records by an aggregate's keys and computes its measures, in one pass over records
/// as they stream in (a group holds its running totals, never its records).
///
/// Nulls are skipped by every measure but `count`, as in SQL; a group whose values are all
/// null has a null `avg`, `min` and `max`, and a `sum` of 0.
struct Aggregator {
    private struct Group {
        var key: [JSON]
        var count = 0
        var sums: [Double]
        var allIntegers: [Bool]
        var counted: [Int]
        var extremes: [Value?]
    }

    let plan: AggregatePlan
    private var groups: [[String]: Int] = [:]
    private var ordered: [Group] = []

    init(plan: AggregatePlan) {
        self.plan = plan
        // Without keys there is one group, even over no records (`count` of nothing is 0).
        if plan.keys.isEmpty {
            ordered.append(Aggregator.empty(key: [], measures: plan.measures.count))
            groups[[]] = 0
        }
    }

    private static func empty(key: [JSON], measures: Int) -> Group {
        Group(
            key: key,
            sums: Array(repeating: 0, count: measures),
            allIntegers: Array(repeating: true, count: measures),
            counted: Array(repeating: 0, count: measures),
            extremes: Array(repeating: nil, count: measures)
        )
    }

    /// Adds one record to its group.
    mutating func add(_ record: JSON) {
        let key = plan.keys.map { Aggregator.keyValue(record.value(atPathIgnoringCase: $0.path)) }
        let identity = key.map(\.displayText)
        let position: Int
        if let found = groups[identity] {
            position = found
        } else {
            position = ordered.count
            groups[identity] = position
            ordered.append(Aggregator.empty(key: key, measures: plan.measures.count))
        }
        ordered[position].count += 1
        for (index, measure) in plan.measures.enumerated() {
            guard let path = measure.path, let value = record.lookup(path), value != .null else { continue }
            ordered[position].counted[index] += 1
            switch measure.function {
            case .count: break
            case .sum, .avg:
                switch value {
                case .integer(let number): ordered[position].sums[index] += Double(number)
                case .decimal(let number):
                    ordered[position].sums[index] += number
                    ordered[position].allIntegers[index] = false
                case .string(let text) where Double(text) != nil:
                    ordered[position].sums[index] += Double(text) ?? 0
                    ordered[position].allIntegers[index] = Int(text) != nil && ordered[position].allIntegers[index]
                default: ordered[position].counted[index] -= 1
                }
            case .min, .max:
                let held = ordered[position].extremes[index]
                let order = held.map { ClientStageChain.compare(value, $0) } ?? 0
                if held == nil || (measure.function == .min ? order < 0 : order > 0) {
                    ordered[position].extremes[index] = value
                }
            }
        }
    }

    /// The rows, one per group: keys then measures, `count by`'s largest first, others in
    /// key order.
    func rows() -> [JSON] {
        var groups = ordered
        if plan.largestFirst {
            // Stable: equal counts keep the order their groups first appeared in.
            groups = groups.enumerated().sorted { lhs, rhs in
                lhs.element.count != rhs.element.count ? lhs.element.count > rhs.element.count : lhs.offset < rhs.offset
            }.map(\.element)
        } else if !plan.keys.isEmpty {
            groups.sort { lhs, rhs in
                for (a, b) in zip(lhs.key, rhs.key) {
                    let order = ClientStageChain.compare(Value(a), Value(b))
                    if order != 0 { return order < 0 }
                }
                return false
            }
        }
        return groups.map { group in
            var pairs: [(String, JSON)] = []
            for (column, value) in zip(plan.keys, group.key) { pairs.append((column.label, value)) }
            for (index, measure) in plan.measures.enumerated() {
                pairs.append((measure.name, Aggregator.result(measure.function, of: group, at: index)))
            }
            return .object(JSONObject(distinctPairs: pairs))
        }
    }

    private static func result(_ function: AggregateFunction, of group: Group, at index: Int) -> JSON {
        switch function {
        case .count: return .int(group.count)
        case .sum: return number(group.sums[index], integral: group.allIntegers[index])
        case .avg:
            guard group.counted[index] > 0 else { return .null }
            return number(group.sums[index] / Double(group.counted[index]), integral: false)
        case .min, .max: return group.extremes[index]?.json ?? .null
        }
    }

    /// A total as JSON: whole when every addend was, else rounded to what a sum of decimals
    /// means (0.1 + 0.2 is 0.3, not 0.30000000000000004).
    private static func number(_ value: Double, integral: Bool) -> JSON {
        if integral, abs(value) < 9e15 { return .int(Int(value)) }
        return .double((value * 1e9).rounded() / 1e9)
    }

    /// A key as a row shows it: a reference or object by its name, a scalar as it is.
    private static func keyValue(_ json: JSON?) -> JSON {
        switch json {
        case nil: return .null
        case .object?, .array?: return .string(json?.displayText ?? "")
        case let scalar?: return scalar
        }
    }
}
