import ArgumentParser

/// How `at` prints its answer.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// How the other reports print.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
