// service-sandbox: starts a program as systemd's service manager would under a unit's resource
// limits, User= and SystemCallFilter=, without systemd as PID 1, so a test can watch the real
// daemon under the shipped unit's system-call filter.
//
//   service-sandbox [--nice-limit N] [--nofile-soft N] [--user UID:GID] [--errno N]
//                   --allow FILE -- PROGRAM [ARGUMENT...]
//
// In systemd's order: sets RLIMIT_NICE to N (raw, 0-40, as LimitNICE= sets it) and lowers the
// soft RLIMIT_NOFILE to N (systemd's default is 1024), drops to UID:GID with no supplementary
// groups (which clears every capability), then loads a seccomp filter through libseccomp, the
// library systemd uses: the system calls named in FILE (one per line) are allowed, every other
// fails with errno N (default EPERM), as SystemCallFilter= allow lists do with
// SystemCallErrorNumber=. Only the native architecture is allowed
// (SystemCallArchitectures=native), and no_new_privs is set (NoNewPrivileges=yes). Then it
// executes PROGRAM. It exits 2 on bad usage and 126 when a step fails.

#if canImport(Glibc)
import Glibc

func fail(_ message: String, status: Int32 = 126) -> Never {
    let bytes = Array("service-sandbox: \(message)\n".utf8)
    _ = write(STDERR_FILENO, bytes, bytes.count)
    exit(status)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var niceLimit: rlim_t?
var nofileSoft: rlim_t?
var user: (uid: uid_t, gid: gid_t)?
var errorNumber: UInt32 = UInt32(EPERM)
var allowFile: String?
while let option = arguments.first, option != "--" {
    arguments.removeFirst()
    guard let value = arguments.first else { fail("\(option) needs a value", status: 2) }
    arguments.removeFirst()
    switch option {
    case "--nice-limit":
        guard let limit = rlim_t(value), limit <= 40 else { fail("bad --nice-limit \(value)", status: 2) }
        niceLimit = limit
    case "--nofile-soft":
        guard let limit = rlim_t(value) else { fail("bad --nofile-soft \(value)", status: 2) }
        nofileSoft = limit
    case "--user":
        let parts = value.split(separator: ":")
        guard parts.count == 2, let uid = uid_t(parts[0]), let gid = gid_t(parts[1]) else { fail("bad --user \(value)", status: 2) }
        user = (uid, gid)
    case "--errno":
        guard let number = UInt32(value), number <= 4095 else { fail("bad --errno \(value)", status: 2) }
        errorNumber = number
    case "--allow":
        allowFile = value
    default:
        fail("unknown option \(option)", status: 2)
    }
}
guard arguments.first == "--", arguments.count >= 2, let allowFile else {
    fail("usage: service-sandbox [--nice-limit N] [--nofile-soft N] [--user UID:GID] [--errno N] --allow FILE -- PROGRAM [ARGUMENT...]", status: 2)
}
let program = Array(arguments.dropFirst())

// The allowed names, read before the filter is in place.
guard let file = fopen(allowFile, "r") else { fail("cannot read \(allowFile): errno \(errno)") }
var names: [String] = []
var lineBuffer: UnsafeMutablePointer<CChar>?
var capacity = 0
while getline(&lineBuffer, &capacity, file) >= 0, let lineBuffer {
    let name = String(cString: lineBuffer).filter { !$0.isWhitespace }
    if !name.isEmpty { names.append(name) }
}
fclose(file)

// 1. Resource limits.
if let niceLimit {
    var limit = rlimit(rlim_cur: niceLimit, rlim_max: niceLimit)
    guard setrlimit(Int32(__RLIMIT_NICE.rawValue), &limit) == 0 else { fail("cannot set RLIMIT_NICE: errno \(errno)") }
}
if let nofileSoft {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = min(nofileSoft, limit.rlim_max)
    guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { fail("cannot set RLIMIT_NOFILE: errno \(errno)") }
}

// 2. The user (as root, setgid and setuid set the real, effective and saved ids): leaving uid 0
// for another clears the permitted and effective capabilities.
if let user {
    guard setgroups(0, nil) == 0, setgid(user.gid) == 0, setuid(user.uid) == 0 else {
        fail("cannot become \(user.uid):\(user.gid): errno \(errno)")
    }
}

// 3. The filter, built and loaded by libseccomp (whose default is to set no_new_privs first).
guard let library = dlopen("libseccomp.so.2", RTLD_NOW) else { fail("cannot load libseccomp.so.2") }
func symbol<T>(_ name: String, as type: T.Type) -> T {
    guard let pointer = dlsym(library, name) else { fail("libseccomp has no \(name)") }
    return unsafeBitCast(pointer, to: type)
}
let seccompInit = symbol("seccomp_init", as: (@convention(c) (UInt32) -> OpaquePointer?).self)
let resolveName = symbol("seccomp_syscall_resolve_name", as: (@convention(c) (UnsafePointer<CChar>) -> Int32).self)
let ruleAdd = symbol(
    "seccomp_rule_add_array", as: (@convention(c) (OpaquePointer?, UInt32, Int32, UInt32, UnsafeRawPointer?) -> Int32).self
)
let load = symbol("seccomp_load", as: (@convention(c) (OpaquePointer?) -> Int32).self)
let actionAllow: UInt32 = 0x7fff_0000  // SCMP_ACT_ALLOW
let actionErrno: UInt32 = 0x0005_0000 | errorNumber  // SCMP_ACT_ERRNO(errorNumber)
let noSuchCall: Int32 = -1  // __NR_SCMP_ERROR: a name libseccomp does not know
guard let context = seccompInit(actionErrno) else { fail("seccomp_init failed") }
var allowed = 0
for name in names {
    let number = resolveName(name)
    // A call of another architecture resolves to a negative pseudo-number: skipped, as systemd does.
    guard number != noSuchCall, ruleAdd(context, actionAllow, number, 0, nil) == 0, number >= 0 else { continue }
    allowed += 1
}
guard allowed > 0 else { fail("no system call of \(allowFile) is known here") }
let loaded = load(context)
guard loaded == 0 else { fail("seccomp_load failed: \(loaded)") }

// 4. The program.
var argv: [UnsafeMutablePointer<CChar>?] = program.map { strdup($0) } + [nil]
execv(program[0], &argv)
fail("cannot execute \(program[0]): errno \(errno)", status: 127)
#else
print("service-sandbox: Linux only")
exit(77)
#endif
