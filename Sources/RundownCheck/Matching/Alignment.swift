/// How a block's expectations line up with the lines its command produced.
///
/// A cheapest edit script between the expectations (patterns) and the actual lines, where a
/// pattern match costs nothing, a wildcard absorbs any number of lines of its kind, and each
/// missing or unexpected line costs one. The block passes when the cost is zero.
public struct Alignment: Sendable, Equatable {
    /// One step of the edit script, in script order.
    public enum Step: Sendable, Equatable {
        /// Expectation `expected` matched actual line `actual`.
        case match(expected: Int, actual: Int)
        /// A wildcard expectation absorbed the actual lines listed (possibly none).
        case wildcard(expected: Int, actual: [Int])
        /// Expectation `expected` has no actual line: a `-` line.
        case missing(expected: Int)
        /// Actual line `actual` was not expected: a `+` line.
        case unexpected(actual: Int)
    }

    public var steps: [Step]
    /// Number of `-` and `+` lines.
    public var cost: Int

    public var passes: Bool { cost == 0 }
}

extension Alignment {
    /// Above this many cells the quadratic alignment gives way to a line-by-line comparison.
    static let maximumCells = 4_000_000

    /// Aligns compiled patterns with actual lines.
    static func align(_ patterns: [LinePattern], _ actual: [TranscriptLine]) -> Alignment {
        let m = patterns.count
        let n = actual.count
        // Fast path: the common case of a passing block without wildcards.
        if m == n, !patterns.contains(where: \.isWildcard),
            zip(patterns, actual).allSatisfy({ $0.matches($1) })
        {
            return Alignment(steps: (0..<m).map { .match(expected: $0, actual: $0) }, cost: 0)
        }
        if (m + 1) * (n + 1) > maximumCells { return linear(patterns, actual) }

        let width = n + 1
        // cost[i * width + j]: cheapest alignment of patterns[i...] with actual[j...].
        var cost = [Int](repeating: 0, count: (m + 1) * width)
        var matchCache = [Int8](repeating: -1, count: max(m * n, 1))
        func matches(_ i: Int, _ j: Int) -> Bool {
            let k = i * n + j
            if matchCache[k] < 0 { matchCache[k] = patterns[i].matches(actual[j]) ? 1 : 0 }
            return matchCache[k] == 1
        }
        for j in stride(from: n - 1, through: 0, by: -1) { cost[m * width + j] = cost[m * width + j + 1] + 1 }
        for i in stride(from: m - 1, through: 0, by: -1) {
            let p = patterns[i]
            cost[i * width + n] = cost[(i + 1) * width + n] + (p.isWildcard ? 0 : 1)
            for j in stride(from: n - 1, through: 0, by: -1) {
                var best: Int
                if p.isWildcard {
                    best = cost[(i + 1) * width + j]
                    if actual[j].kind == p.kind { best = min(best, cost[i * width + j + 1]) }
                } else {
                    best = cost[(i + 1) * width + j] + 1
                    if matches(i, j) { best = min(best, cost[(i + 1) * width + j + 1]) }
                }
                best = min(best, cost[i * width + j + 1] + 1)
                cost[i * width + j] = best
            }
        }

        // Trace back, preferring matches, then `-` before `+` so hunks read "- old / + new".
        var steps: [Step] = []
        var i = 0
        var j = 0
        var absorbed: [Int] = []
        while i < m || j < n {
            let here = cost[i * width + j]
            if i < m, patterns[i].isWildcard {
                let p = patterns[i]
                if j < n, actual[j].kind == p.kind, cost[i * width + j + 1] == here {
                    absorbed.append(j)
                    j += 1
                    continue
                }
                if cost[(i + 1) * width + j] == here {
                    steps.append(.wildcard(expected: i, actual: absorbed))
                    absorbed = []
                    i += 1
                    continue
                }
            } else if i < m, j < n, matches(i, j), cost[(i + 1) * width + j + 1] == here {
                steps.append(.match(expected: i, actual: j))
                i += 1
                j += 1
                continue
            }
            if i < m, !patterns[i].isWildcard, cost[(i + 1) * width + j] + 1 == here {
                steps.append(.missing(expected: i))
                i += 1
                continue
            }
            // Only an unexpected line is left (a pending wildcard keeps what it absorbed).
            steps.append(.unexpected(actual: j))
            j += 1
        }
        return Alignment(steps: steps, cost: cost[0])
    }

    /// Pairwise comparison for enormous blocks: correct verdict without wildcards, rough hunks.
    private static func linear(_ patterns: [LinePattern], _ actual: [TranscriptLine]) -> Alignment {
        var steps: [Step] = []
        var cost = 0
        var j = 0
        for (i, p) in patterns.enumerated() {
            if p.isWildcard {
                var absorbed: [Int] = []
                let next = i + 1 < patterns.count ? patterns[i + 1] : nil
                while j < actual.count, actual[j].kind == p.kind, !(next?.matches(actual[j]) ?? false) {
                    absorbed.append(j)
                    j += 1
                }
                steps.append(.wildcard(expected: i, actual: absorbed))
            } else if j < actual.count, p.matches(actual[j]) {
                steps.append(.match(expected: i, actual: j))
                j += 1
            } else if j < actual.count {
                steps.append(.missing(expected: i))
                steps.append(.unexpected(actual: j))
                cost += 2
                j += 1
            } else {
                steps.append(.missing(expected: i))
                cost += 1
            }
        }
        while j < actual.count {
            steps.append(.unexpected(actual: j))
            cost += 1
            j += 1
        }
        return Alignment(steps: steps, cost: cost)
    }
}
