import Testing
@testable import LedgerSystemd

@Suite struct WritePolicyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var peer: PeerCredentials
        var mayWrite: Bool
        var testDescription: String { name }
    }

    static let daemonUID: UInt32 = 990
    static let writers: UInt32 = 991

    static let cases: [Case] = [
        Case(name: "root", peer: PeerCredentials(pid: 1, uid: 0, gid: 0, groups: []), mayWrite: true),
        Case(name: "the daemon's own user", peer: PeerCredentials(pid: 2, uid: 990, gid: 990, groups: []), mayWrite: true),
        Case(name: "a writer by supplementary group", peer: PeerCredentials(pid: 3, uid: 1000, gid: 1000, groups: [27, 991]), mayWrite: true),
        Case(name: "a writer by primary group", peer: PeerCredentials(pid: 4, uid: 1001, gid: 991, groups: []), mayWrite: true),
        Case(
            name: "a writer by primary group, supplementary groups unknown",
            peer: PeerCredentials(pid: 5, uid: 1002, gid: 991, groups: [], groupsKnown: false),
            mayWrite: true
        ),
        Case(name: "a stranger", peer: PeerCredentials(pid: 6, uid: 1003, gid: 1003, groups: [27, 100]), mayWrite: false),
        Case(name: "a stranger in root's group", peer: PeerCredentials(pid: 7, uid: 1004, gid: 0, groups: [0]), mayWrite: false),
    ]

    @Test(arguments: cases)
    func decidesWhoMayWrite(_ test: Case) {
        let policy = WritePolicy(daemonUID: Self.daemonUID, writersGroup: Self.writers)
        #expect(policy.mayWrite(test.peer) == test.mayWrite)
    }

    @Test func withoutAWritersGroupOnlyRootAndTheDaemonWrite() {
        let policy = WritePolicy(daemonUID: Self.daemonUID, writersGroup: nil)
        #expect(policy.mayWrite(PeerCredentials(pid: 1, uid: 0, gid: 0, groups: [])))
        #expect(policy.mayWrite(PeerCredentials(pid: 2, uid: 990, gid: 990, groups: [])))
        #expect(!policy.mayWrite(PeerCredentials(pid: 3, uid: 1000, gid: 991, groups: [991])))
    }
}
