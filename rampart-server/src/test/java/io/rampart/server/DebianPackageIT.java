package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rampart.testing.TestOrigin;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package {@code mvn package} builds, installed for real with dpkg into a throwaway
 * root ({@code dpkg --root} with {@code --force-script-chrootless}: the maintainer scripts run
 * against that root, as they honour {@code DPKG_ROOT}), without touching this machine: the files,
 * the rampart user and the private directories are there, the service's own {@code ExecStart}
 * line run by hand (paths moved into the root, the configuration edited as an operator would)
 * serves a site, and a purge takes the data away.
 */
class DebianPackageIT {
    private static Path deb() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("rampart_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no rampart_*_all.deb in target/: mvn package builds it"));
        }
    }

    private static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    @Test
    void thePackage_installsIntoAFreshRoot_andItsServiceServesASite(@TempDir Path tmp) throws Exception {
        assumeTrue(new File("/usr/bin/dpkg").canExecute() && new File("/usr/sbin/useradd").canExecute(),
                "dpkg and useradd are needed (Debian)");
        assumeTrue("root".equals(System.getProperty("user.name")),
                "installing a package, even into a throwaway root, needs root (CI runs as root)");
        Path deb = deb().toAbsolutePath();
        String info = run(tmp, "dpkg-deb", "--info", deb.toString());
        assertThat(info).contains("Package: rampart").contains("Depends: default-jre-headless");

        Path root = tmp.resolve("root");
        for (String d : new String[] {"var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "etc"}) {
            Files.createDirectories(root.resolve(d));
        }
        Files.createFile(root.resolve("var/lib/dpkg/status"));
        Files.createFile(root.resolve("var/lib/dpkg/available"));
        for (String f : new String[] {"passwd", "group", "shadow", "gshadow", "login.defs"}) {
            if (Files.exists(Path.of("/etc", f))) {
                Files.copy(Path.of("/etc", f), root.resolve("etc").resolve(f));
            }
        }
        String hostPasswd = Files.readString(Path.of("/etc/passwd"));
        run(tmp, "dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends", "--log=/dev/null", "-i", deb.toString());

        assertThat(root.resolve("usr/share/rampart/rampart.jar")).isRegularFile();
        assertThat(root.resolve("usr/bin/rampart")).isExecutable();
        assertThat(root.resolve("lib/systemd/system/rampart.service")).isRegularFile();
        assertThat(root.resolve("etc/logrotate.d/rampart")).isRegularFile();
        assertThat(Files.readString(root.resolve("usr/share/rampart/firewall.conf")))
                .as("the drop-in the gateway's refusal names when firewall.enabled lacks CAP_NET_ADMIN")
                .contains("AmbientCapabilities=CAP_NET_ADMIN", "CapabilityBoundingSet=CAP_NET_ADMIN", "RestrictAddressFamilies=AF_NETLINK");
        assertThat(root.resolve("usr/share/doc/rampart/configuration.md")).isRegularFile();
        assertThat(Files.readString(root.resolve("etc/passwd"))).contains("rampart:x:");
        assertThat(Files.readString(Path.of("/etc/passwd"))).as("this machine is untouched").isEqualTo(hostPasswd);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var/lib/rampart")))).isEqualTo("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/rampart/rampart.yml")))).isEqualTo("rw-r-----");
        assertThat(run(tmp, "dpkg-query", "--admindir=" + root.resolve("var/lib/dpkg"), "-W", "-f=${Status}", "rampart"))
                .isEqualTo("install ok installed");

        try (TestOrigin origin = new TestOrigin()) {
            int port = CommandLineTest.freePort();
            int admin = CommandLineTest.freePort();
            // the operator's edit: this site's origin, free ports, and (for the test) paths inside the root
            Path config = root.resolve("etc/rampart/rampart.yml");
            Files.writeString(config, Files.readString(config)
                    .replace("0.0.0.0:80", "127.0.0.1:" + port).replace("127.0.0.1:9090", "127.0.0.1:" + admin)
                    .replace("http://127.0.0.1:8080", origin.url())
                    .replace("/var/lib/rampart", root + "/var/lib/rampart").replace("/var/log/rampart", root + "/var/log/rampart"));
            String execStart = Files.readAllLines(root.resolve("lib/systemd/system/rampart.service")).stream()
                    .filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow().substring("ExecStart=".length());
            List<String> cmd = new ArrayList<>();
            for (String word : execStart.split(" ")) {
                cmd.add(word.startsWith("/usr/share/rampart") || word.startsWith("/etc/rampart") || word.startsWith("/var/lib/rampart")
                        ? root + word : word);
            }
            cmd.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Process gw = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("gateway.log").toFile()).start();
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo")).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200));
                assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(root.resolve("var/log/rampart/access.log"))
                        && Files.readString(root.resolve("var/log/rampart/access.log")).contains("\"path\":\"/echo\""));
                assertThat(root.resolve("var/lib/rampart/admin-token")).isRegularFile();
            } finally {
                gw.destroy();
                gw.waitFor(20, TimeUnit.SECONDS);
                gw.destroyForcibly();
            }
        }

        run(tmp, "dpkg", "--root=" + root, "--force-script-chrootless", "--log=/dev/null", "--purge", "rampart");
        assertThat(root.resolve("usr/share/rampart/rampart.jar")).doesNotExist();
        assertThat(root.resolve("var/lib/rampart")).as("purge removes the data").doesNotExist();
    }
}
