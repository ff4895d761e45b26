import Testing
@testable import LedgerSystemd

@Suite struct WatchdogIntervalTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var environment: [String: String]
        var expected: Duration?
        var testDescription: String { "\(environment) → \(expected.map { "\($0)" } ?? "nil")" }
    }

    static let pid: Int32 = 4242

    static let cases: [Case] = [
        Case(environment: [:], expected: nil),
        Case(environment: ["WATCHDOG_USEC": ""], expected: nil),
        Case(environment: ["WATCHDOG_USEC": "0"], expected: nil),
        Case(environment: ["WATCHDOG_USEC": "-30000000"], expected: nil),
        Case(environment: ["WATCHDOG_USEC": "30s"], expected: nil),
        Case(environment: ["WATCHDOG_USEC": "infinity"], expected: nil),
        Case(environment: ["WATCHDOG_USEC": "30000000"], expected: .seconds(15)),
        Case(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "4242"], expected: .seconds(15)),
        Case(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "4243"], expected: nil),
        Case(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "pid"], expected: nil),
        Case(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": ""], expected: nil),
        Case(environment: ["WATCHDOG_PID": "4242"], expected: nil),
        Case(environment: ["WATCHDOG_USEC": "1"], expected: .nanoseconds(500)),
        Case(environment: ["WATCHDOG_USEC": "3"], expected: .nanoseconds(1_500)),
        Case(environment: ["WATCHDOG_USEC": "2500001"], expected: .microseconds(1_250_000) + .nanoseconds(500)),
        Case(environment: ["WATCHDOG_USEC": "18446744073709551615"], expected: .seconds(9_223_372_036_854) + .nanoseconds(775_807_500)),
        Case(environment: ["WATCHDOG_USEC": "18446744073709551616"], expected: nil),
    ]

    @Test(arguments: cases)
    func pingsAtHalfTheTimeout(_ test: Case) {
        #expect(SystemdNotifier.watchdogInterval(environment: test.environment, pid: Self.pid) == test.expected)
    }
}
