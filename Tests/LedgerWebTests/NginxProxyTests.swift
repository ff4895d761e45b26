import Foundation
import LedgerCore
import LedgerHarness
import LedgerTestSupport
import Testing

/// `deploy/nginx/ledger.conf` in a real nginx, in front of a real `ledgerd --http`: the answers
/// pass through unchanged, the event stream is not held back, and one greedy address is slowed.
/// `deploy/packages.sh` installs nginx only with `--with-nginx`, as `.ci/run` gives it (on most
/// machines installing it starts a web server on port 80); with `nginx-light` installed, these run.
@Suite(.enabled(if: Host.has("/usr/sbin/nginx"), "needs nginx (deploy/packages.sh --with-nginx, or apt-get install nginx-light)"))
struct NginxProxyTests {
    @Test func theShippedConfigPassesTheInterfaceThrough() throws {
        let served = try WebDaemon()
        let (backend, connection) = (served.port, served.connection)
        let direct = try PlainHTTP.get(port: backend, "/api/at/2025-04-15")

        let proxy = try Nginx(backend: backend)
        defer { proxy.stop() }
        let answer = try PlainHTTP.get(port: proxy.port, "/api/at/2025-04-15")
        #expect(answer.status == 200)
        #expect(answer.body == direct.body)
        #expect(answer.headers["etag"] == direct.headers["etag"])
        #expect(answer.headers["content-security-policy"] == "default-src 'self'")
        #expect(try PlainHTTP.get(port: proxy.port, "/api/at/2025-04-15", headers: ["If-None-Match": direct.headers["etag"] ?? ""]).status == 304)
        let refused = try PlainHTTP.get(port: proxy.port, "/api/at/2025-04-15", method: "DELETE")
        #expect(refused.status == 405)
        #expect(refused.headers["content-type"] == "application/problem+json")
        #expect(try PlainHTTP.get(port: proxy.port, "/lines/cse-taskforce-funding").status == 200)

        // The event stream arrives as events commit, not when a buffer fills.
        let stream = try PlainHTTP.Stream(port: proxy.port, "/api/events?from_seq=23")
        #expect(stream.read { EventStreamTests.ids($0).last == 24 })
        _ = try connection.append([Events.announced("through-the-proxy", amount: 1_000)])
        #expect(stream.read { EventStreamTests.ids($0).last == 25 })
        #expect(EventStreamTests.ids(stream.text) == [23, 24, 25])
    }

    @Test func oneGreedyAddressIsSlowedAtTheProxy() throws {
        let served = try WebDaemon()
        let proxy = try Nginx(backend: served.port)
        defer { proxy.stop() }
        var statuses: [Int] = []
        for _ in 0..<120 { statuses.append(try PlainHTTP.get(port: proxy.port, "/verify").status) }
        #expect(statuses.contains(429), "past 20 a second and a burst of 40, nginx refuses")
        #expect(statuses.prefix(30).allSatisfy { $0 == 200 })
    }
}

/// nginx running `deploy/nginx/ledger.conf`, with its addresses pointed at the test's ports.
final class Nginx {
    let port: Int
    private let process: Process
    private let directory: TemporaryDirectory

    init(backend: Int) throws {
        directory = try TemporaryDirectory("nginx")
        port = try PlainHTTP.freePort()
        let shipped = try String(contentsOfFile: Paths.packageRoot + "/deploy/nginx/ledger.conf", encoding: .utf8)
        let site = shipped.replacingOccurrences(of: "server 127.0.0.1:8080;", with: "server 127.0.0.1:\(backend);")
            .replacingOccurrences(of: "listen 80;", with: "listen 127.0.0.1:\(port);")
        try #require(site != shipped)
        try site.write(toFile: directory.appending("ledger.conf"), atomically: true, encoding: .utf8)
        let path = directory.path
        let main = """
            daemon off;
            \(geteuid() == 0 ? "user root;" : "")
            worker_processes 1;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log warn;
            events { worker_connections 128; }
            http {
                access_log off;
                client_body_temp_path \(path)/body;
                proxy_temp_path \(path)/proxy;
                fastcgi_temp_path \(path)/fastcgi;
                uwsgi_temp_path \(path)/uwsgi;
                scgi_temp_path \(path)/scgi;
                include \(path)/ledger.conf;
            }
            """
        try main.write(toFile: directory.appending("nginx.conf"), atomically: true, encoding: .utf8)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        check.arguments = ["-t", "-q", "-p", path, "-c", directory.appending("nginx.conf")]
        try check.run()
        check.waitUntilExit()
        try #require(check.terminationStatus == 0, "nginx -t refuses the configuration")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-p", path, "-c", directory.appending("nginx.conf")]
        try process.run()
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
