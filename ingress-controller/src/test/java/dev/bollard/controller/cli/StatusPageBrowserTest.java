package dev.bollard.controller.cli;

import dev.bollard.controller.testing.RawHttp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.bollard.acme.testing.TestCertificates;
import dev.bollard.controller.echo.EchoBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page as a person reads it: Debian's chromium, driven by Selenium through
 * chromium-driver, loads {@code GET /} from a standalone Bollard serving a few Ingresses, a refused
 * config version, a certificate about to expire and a broken Ingress; then an Ingress changes and
 * the open page follows without a reload.
 */
class StatusPageBrowserTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir Path manifests;

  private EchoBackend backend;

  @RegisterExtension final StandaloneFixture standalone = new StandaloneFixture();
  private ProxyProcess bollard;
  private WebDriver browser;
  private TestCertificates.Issued certificate;

  @BeforeEach
  void start() throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail("The status page tests need a headless browser: " + CHROMIUM + " and " + CHROMEDRIVER
          + " are missing. Install the Debian packages: apt-get install chromium chromium-driver"
          + " (CI's .ci/run installs them).");
    }
    backend = EchoBackend.start(new InetSocketAddress(LOOPBACK, 0), "shop-app");
    TestCertificates.Issued ca = TestCertificates.ca("Bollard Test CA");
    Instant now = Instant.now();
    certificate = TestCertificates.leaf(ca, now.minus(Duration.ofDays(80)),
        now.plus(Duration.ofDays(5)).plus(Duration.ofHours(1)), "shop.localhost");
    write("shop.yaml", shopIngress(List.of("shop.localhost")) + services() + tlsSecret());
    write("admin.yaml", """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: admin
          namespace: ops
        spec:
          ingressClassName: bollard
          rules:
            - host: admin.localhost
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: nope
                        port:
                          number: 80
        """);
    write("config-v1.yaml", config(1, "proxy-body-size: 8m"));
    write("config-v2.yaml", config(2, "proxy-body-size: lots"));
    bollard = standalone.start(manifests);

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
        "--disable-gpu", "--window-size=1400,1100");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void aPersonReadsRoutesRefusalsProblemsAndTheExpiringCertificate() throws Exception {
    browser.get("http://127.0.0.1:" + bollard.adminPort() + "/");
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.until(b -> !b.findElements(By.cssSelector("tr.host-row[data-host='shop.localhost']"))
        .isEmpty());

    assertThat(text("#snapshot-version"))
        .isEqualTo(String.valueOf(bollard.currentSnapshot().version()));
    assertThat(text("#mode")).isEqualTo("standalone");
    assertThat(text("#config-active")).startsWith("1 ");
    // The refused version, with what is wrong in it.
    assertThat(browser.findElement(By.id("refused-section")).isDisplayed()).isTrue();
    assertThat(texts(".refusal")).singleElement().asString()
        .contains("version 2", "proxy-body-size", "lots");
    // The broken Ingress, named as `bollard check` names it.
    assertThat(texts(".problem")).anySatisfy(p -> assertThat(p)
        .contains("Ingress ops/admin", "spec.rules[0].http.paths[0].backend.service", "nope"));
    // Host rows: the good one with its route, endpoints and steps.
    List<String> shopRoutes = texts("tr.route-row[data-host='shop.localhost']");
    assertThat(shopRoutes).singleElement().asString()
        .contains("/", "shop/web:80", "127.0.0.1:" + backend.port(), "127.0.0.2:" + backend.port(), "shop/web");
    assertThat(text("tr.route-row[data-host='shop.localhost'] .ep.not-ready"))
        .isEqualTo("127.0.0.2:" + backend.port());
    assertThat(texts("tr.host-row")).anySatisfy(h -> assertThat(h).contains("shop.localhost", "TLS"));
    // The certificate that expires in five days is shown as a warning.
    String shopCert = "tr.cert-row[data-name='shop/shop-tls']";
    String certClass = reading().until(
        b -> b.findElement(By.cssSelector(shopCert)).getDomAttribute("class"));
    assertThat(certClass).contains("warn");
    assertThat(text(shopCert)).contains("shop.localhost", "Secret shop/shop-tls",
        "Bollard Test CA", "expires in 5 days");
    // No key material anywhere on the page or in its data.
    String keyBody = certificate.privateKeyPem().lines().skip(1).findFirst().orElseThrow();
    assertThat(browser.getPageSource()).doesNotContain(keyBody).doesNotContain("PRIVATE KEY");
    assertThat(adminGet("/status/page")).doesNotContain(keyBody).doesNotContain("PRIVATE KEY");
  }

  @Test
  void thePageFollowsAnIngressChangeAndTraffic() throws Exception {
    browser.get("http://127.0.0.1:" + bollard.adminPort() + "/");
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.until(b -> !b.findElements(By.cssSelector("tr.host-row[data-host='shop.localhost']"))
        .isEmpty());
    assertThat(browser.findElements(By.cssSelector("tr.host-row[data-host='new.localhost']")))
        .isEmpty();

    // The same page, not reloaded: the edit shows up on a refresh of its data.
    write("shop.yaml", shopIngress(List.of("shop.localhost", "new.localhost")) + services()
        + tlsSecret());
    wait.until(b -> !b.findElements(By.cssSelector("tr.host-row[data-host='new.localhost']"))
        .isEmpty());

    // Requests through the proxy become a rate on the page.
    for (int i = 0; i < 20; i++) {
      // shop.localhost has TLS and redirects plain HTTP; the new host of the same Ingress does not.
      assertThat(proxyGet("new.localhost")).startsWith("HTTP/1.1 200");
    }
    WebDriverWait rates = reading();
    rates.until(b -> {
      List<WebElement> rows =
          b.findElements(By.cssSelector("tr.traffic-row[data-ingress='shop/web'] td"));
      return rows.size() == 3 && Double.parseDouble(rows.get(1).getText()) > 0;
    });

    screenshot();

    // The filter box keeps only what matches.
    browser.findElement(By.id("filter")).sendKeys("admin");
    assertThat(texts("tr.host-row")).singleElement().asString().contains("admin.localhost");
  }

  // The page redraws a section when its data changes: read through a redraw, not across one.
  private String text(String css) {
    return reading().until(b -> b.findElement(By.cssSelector(css)).getText());
  }

  private List<String> texts(String css) {
    return reading().until(b -> b.findElements(By.cssSelector(css)).stream()
        .map(WebElement::getText).toList());
  }

  private WebDriverWait reading() {
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** For the README's picture: {@code target/status-page.png}. */
  private void screenshot() throws IOException {
    byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
    Path out = Path.of("target", "status-page.png");
    Files.createDirectories(out.getParent());
    Files.write(out, png);
  }

  private String shopIngress(List<String> hosts) {
    StringBuilder rules = new StringBuilder();
    for (String host : hosts) {
      rules.append("""
              - host: %s
                http:
                  paths:
                    - path: /
                      pathType: Prefix
                      backend:
                        service:
                          name: web
                          port:
                            number: 80
          """.formatted(host));
    }
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          namespace: shop
        spec:
          ingressClassName: bollard
          tls:
            - hosts: [shop.localhost]
              secretName: shop-tls
          rules:
        """ + rules;
  }

  private String services() {
    return """
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: shop
        spec:
          ports:
            - name: http
              port: 80
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-1
          namespace: shop
          labels:
            kubernetes.io/service-name: web
        addressType: IPv4
        endpoints:
          - addresses: ["127.0.0.1"]
            conditions:
              ready: true
          - addresses: ["127.0.0.2"]
            conditions:
              ready: false
        ports:
          - name: http
            port: %d
        """.formatted(backend.port());
  }

  private String tlsSecret() {
    Base64.Encoder b64 = Base64.getEncoder();
    return """
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: shop-tls
          namespace: shop
        type: kubernetes.io/tls
        data:
          tls.crt: %s
          tls.key: %s
        """.formatted(
            b64.encodeToString(certificate.certificatePem().getBytes(StandardCharsets.US_ASCII)),
            b64.encodeToString(certificate.privateKeyPem().getBytes(StandardCharsets.US_ASCII)));
  }

  private static String config(int version, String data) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: bollard-config-v%d
          labels:
            bollard.dev/config: bollard
            bollard.dev/config-version: "%d"
        immutable: true
        data:
          %s
        """.formatted(version, version, data);
  }

  private void write(String name, String yaml) throws IOException {
    RawHttp.replaceFile(manifests, name, yaml);
  }

  private String proxyGet(String host) throws IOException {
    return request(bollard.proxyPort(), host, "/");
  }

  private String adminGet(String path) throws IOException {
    return request(bollard.adminPort(), "localhost", path);
  }

  private static String request(int port, String host, String path) throws IOException {
    return RawHttp.get(port, host, path);
  }

}
