import Glibc
import Testing
@testable import LedgerSystemd

@Suite struct ListenedSocketsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var environment: [String: String]
        var expected: Range<Int32>?
        var testDescription: String { "\(environment)" }
    }

    static let pid: Int32 = 777

    static let cases: [Case] = [
        Case(environment: [:], expected: nil),
        Case(environment: ["LISTEN_PID": "777", "LISTEN_FDS": "1"], expected: 3..<4),
        Case(environment: ["LISTEN_PID": "777", "LISTEN_FDS": "2", "LISTEN_FDNAMES": "a:b"], expected: 3..<5),
        Case(environment: ["LISTEN_PID": "778", "LISTEN_FDS": "1"], expected: nil),
        Case(environment: ["LISTEN_FDS": "1"], expected: nil),
        Case(environment: ["LISTEN_PID": "777"], expected: nil),
        Case(environment: ["LISTEN_PID": "777", "LISTEN_FDS": "0"], expected: nil),
        Case(environment: ["LISTEN_PID": "777", "LISTEN_FDS": "-1"], expected: nil),
        Case(environment: ["LISTEN_PID": "777", "LISTEN_FDS": "one"], expected: nil),
        Case(environment: ["LISTEN_PID": "seven", "LISTEN_FDS": "1"], expected: nil),
        Case(environment: ["LISTEN_PID": "777", "LISTEN_FDS": "2147483647"], expected: nil),
    ]

    @Test(arguments: cases)
    func readsTheEnvironment(_ test: Case) {
        #expect(ListenedSockets.descriptors(environment: test.environment, pid: Self.pid, first: 3) == test.expected)
    }

    @Test func takesThePassedDescriptorsAndMarksThemCloseOnExec() throws {
        let (a, b) = try UnixSockets.pair()
        defer { close(a); close(b) }
        // dup2 leaves the copies without FD_CLOEXEC, as a service manager hands them over.
        let first: Int32 = 900
        try #require(dup2(a, first) == first)
        try #require(dup2(b, first + 1) == first + 1)
        defer { close(first); close(first + 1) }
        #expect(!UnixSockets.isCloseOnExec(first) && !UnixSockets.isCloseOnExec(first + 1))

        let taken = ListenedSockets.take(environment: ["LISTEN_PID": "\(getpid())", "LISTEN_FDS": "2"], pid: getpid(), first: first)

        #expect(taken == [first, first + 1])
        #expect(UnixSockets.isCloseOnExec(first) && UnixSockets.isCloseOnExec(first + 1))
    }

    @Test func takesNothingWhenAPassedDescriptorIsNotOpen() {
        let first: Int32 = 910
        close(first)
        #expect(ListenedSockets.take(environment: ["LISTEN_PID": "\(getpid())", "LISTEN_FDS": "1"], pid: getpid(), first: first) == [])
    }

    @Test func takesNothingForAnotherProcess() {
        #expect(ListenedSockets.take(environment: ["LISTEN_PID": "\(getpid() + 1)", "LISTEN_FDS": "1"], pid: getpid()) == [])
    }

    @Test func recognisesAListeningUnixStreamSocket() throws {
        let directory = try UnixSockets.temporaryDirectory()
        let path = directory + "/ledger.sock"
        defer { unlink(path); rmdir(directory) }
        let listener = try UnixSockets.listening(at: path)
        defer { close(listener) }
        let client = try UnixSockets.connected(to: path)
        defer { close(client) }
        let accepted = accept(listener, nil, nil)
        try #require(accepted >= 0)
        defer { close(accepted) }

        #expect(ListenedSockets.isListeningUnixStream(listener))
        #expect(!ListenedSockets.isListeningUnixStream(client))
        #expect(!ListenedSockets.isListeningUnixStream(accepted))
    }

    @Test func refusesOtherKindsOfDescriptor() throws {
        let datagram = try UnixSockets.socket(type: SOCK_DGRAM)
        defer { close(datagram) }
        let unbound = try UnixSockets.socket(type: SOCK_STREAM)
        defer { close(unbound) }
        let (a, b) = try UnixSockets.pair()
        defer { close(a); close(b) }
        var pipeEnds: [Int32] = [-1, -1]
        try #require(pipe(&pipeEnds) == 0)
        defer { close(pipeEnds[0]); close(pipeEnds[1]) }

        #expect(!ListenedSockets.isListeningUnixStream(datagram))
        #expect(!ListenedSockets.isListeningUnixStream(unbound))
        #expect(!ListenedSockets.isListeningUnixStream(a))
        #expect(!ListenedSockets.isListeningUnixStream(pipeEnds[0]))
        #expect(!ListenedSockets.isListeningUnixStream(-1))
    }

    @Test func refusesAListeningTCPSocket() throws {
        let fd = try UnixSockets.socket(type: SOCK_STREAM, domain: AF_INET)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(status == 0)
        try #require(listen(fd, 1) == 0)
        #expect(!ListenedSockets.isListeningUnixStream(fd))
        #expect(ListenedSockets.isListeningStream(fd), "the web interface's socket may be TCP")
    }

    @Test func namesEachSocketFromListenFDNames() {
        #expect(ListenedSockets.named([3, 4], names: "ledgerd.socket:http") == [
            .init(descriptor: 3, name: "ledgerd.socket"), .init(descriptor: 4, name: "http"),
        ])
        #expect(ListenedSockets.named([3], names: nil) == [.init(descriptor: 3, name: "unknown")])
        #expect(
            ListenedSockets.named([3, 4], names: "http") == [.init(descriptor: 3, name: "unknown"), .init(descriptor: 4, name: "unknown")],
            "a list that does not name every socket names none"
        )
        #expect(ListenedSockets.named([3, 4], names: ":http") == [.init(descriptor: 3, name: ""), .init(descriptor: 4, name: "http")])
    }
}
