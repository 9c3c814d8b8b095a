/// Lays completion candidates out in columns, the way shells list them under the line.
enum CandidateList {
    /// Rows of candidates filling `width` columns, column-major (read down, then across).
    static func format(_ candidates: [String], width: Int) -> [String] {
        guard !candidates.isEmpty else { return [] }
        let widest = candidates.map(\.count).max() ?? 0
        let columnWidth = widest + 2
        let columns = max(1, min(candidates.count, (max(width, 1) + 2) / columnWidth))
        let rows = (candidates.count + columns - 1) / columns
        var lines: [String] = []
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                let index = column * rows + row
                guard index < candidates.count else { break }
                let item = candidates[index]
                let isLast = column == columns - 1 || (column + 1) * rows + row >= candidates.count
                line += isLast ? item : item + String(repeating: " ", count: columnWidth - item.count)
            }
            lines.append(line)
        }
        return lines
    }
}
