import Glibc
import Testing
@testable import LedgerSystemd

@Suite struct PeerCredentialsTests {
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
