import Glibc
import Testing
@testable import LedgerSystemd

@Suite struct PeerCredentialsTests {
    @Test func bothEndsOfASocketPairSeeThisProcess() throws {
        let (a, b) = try UnixSockets.pair()
        defer { close(a); close(b) }
        for end in [a, b] {
            let peer = try PeerCredentials.of(socket: end)
            #expect(peer.pid == getpid())
            #expect(peer.uid == geteuid())
            #expect(peer.gid == getegid())
            if peer.groupsKnown {
                #expect(peer.groups.sorted() == Self.ownGroups().sorted())
            } else {
                #expect(peer.groups == [])
            }
        }
    }

    @Test func growsTheGroupBufferWhenTheKernelAsksForMore() throws {
        let (a, b) = try UnixSockets.pair()
        defer { close(a); close(b) }
        let roomy = try PeerCredentials.supplementaryGroups(of: a)
        let cramped = try PeerCredentials.supplementaryGroups(of: a, initialCapacity: 0)
        #expect(cramped == roomy)
        if let cramped {
            #expect(cramped.sorted() == Self.ownGroups().sorted())
        }
    }

    @Test func anAcceptedConnectionSeesItsClient() throws {
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

        let peer = try PeerCredentials.of(socket: accepted)
        #expect(peer.pid == getpid())
        #expect(peer.uid == geteuid())
        #expect(peer.gid == getegid())
    }

    @Test func aPipeHasNoPeer() throws {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        do {
            _ = try PeerCredentials.of(socket: ends[0])
            Issue.record("a pipe reported peer credentials")
        } catch {
            #expect(error.code == .peerCredentialsFailed)
            #expect(error.errorNumber == ENOTSOCK)
        }
    }

    @Test func membershipCountsPrimaryAndSupplementaryGroups() {
        let peer = PeerCredentials(pid: 10, uid: 1000, gid: 1000, groups: [27, 991])
        #expect(peer.isMember(ofGroup: 1000))
        #expect(peer.isMember(ofGroup: 27))
        #expect(peer.isMember(ofGroup: 991))
        #expect(!peer.isMember(ofGroup: 0))
        #expect(!peer.isMember(ofGroup: 992))
    }

    @Test func looksUpGroupsAndUsersByTheNameService() throws {
        let ownGroup = try #require(getgrgid(getegid()))
        let groupName = String(cString: ownGroup.pointee.gr_name)
        #expect(PeerCredentials.groupID(named: groupName) == getegid())
        #expect(PeerCredentials.groupID(named: "ledger-no-such-group-\(UInt32.random(in: 0...UInt32.max))") == nil)

        let ownUser = try #require(getpwuid(geteuid()))
        #expect(PeerCredentials.userName(geteuid()) == String(cString: ownUser.pointee.pw_name))
        #expect(PeerCredentials.userName(4_000_000_123) == nil)
    }

    private static func ownGroups() -> [UInt32] {
        let count = getgroups(0, nil)
        guard count > 0 else { return [] }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let filled = getgroups(count, &groups)
        return Array(groups.prefix(Int(max(filled, 0))))
    }
}
