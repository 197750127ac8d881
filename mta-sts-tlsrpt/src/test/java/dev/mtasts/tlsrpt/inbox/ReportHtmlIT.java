package dev.mtasts.tlsrpt.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.testing.Chromium;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The report page in a real headless Chromium: the charts draw, nothing reaches the console, the
 * page fits a phone, and the screenshots are kept as build artifacts under
 * {@code target/report-html-it/} ({@code report-phone.png} is the sample in {@code docs/}).
 */
class ReportHtmlIT {
  static final Path OUT = Path.of("target", "report-html-it");
  /** A phone's viewport: 390 CSS pixels wide. */
  static final int PHONE = 390;

  static Chromium chromium;
  static Path page;

  @BeforeAll
  static void render() throws IOException {
    chromium = Chromium.require(Duration.ofSeconds(120));
    Files.createDirectories(OUT);
    page = OUT.resolve("report.html");
    Files.writeString(page, ReportHtmlTest.html(), StandardCharsets.UTF_8);
  }

  /**
   * The page with a probe appended that measures, in the browser's own layout, every chart path's
   * box and how far the document overflows the window; the page itself has no script.
   */
  static Path probe() throws IOException {
    String probe = "<script>(function(){var ps=document.querySelectorAll('svg.chart path'),d=0;"
        + "for(var i=0;i<ps.length;i++){var b=ps[i].getBoundingClientRect();if(b.width>0&&b.height>0)d++;}"
        + "var b=document.body;b.setAttribute('data-paths',ps.length);b.setAttribute('data-drawn',d);"
        + "b.setAttribute('data-overflow',document.documentElement.scrollWidth-window.innerWidth);"
        + "var s=document.querySelectorAll('svg.chart'),w=1e9;for(var j=0;j<s.length;j++)"
        + "w=Math.min(w,s[j].getBoundingClientRect().width);b.setAttribute('data-chart-width',Math.round(w));"
        + "b.setAttribute('data-inner-width',window.innerWidth);"
        + "})();</script></body>";
    Path p = OUT.resolve("report-probe.html");
    Files.writeString(p, Files.readString(page, StandardCharsets.UTF_8).replace("</body>", probe),
        StandardCharsets.UTF_8);
    return p;
  }

  static String attribute(String dom, String name) {
    Matcher m = Pattern.compile(name + "=\"(-?[0-9]+)\"").matcher(dom);
    assertThat(m.find()).as("%s in the DOM", name).isTrue();
    return m.group(1);
  }

  @Test
  @DisplayName("RPT-45: in Chromium at phone width every chart path has a box, the page does not overflow, the console is empty")
  void chartsDrawOnAPhoneWithoutConsoleMessages() throws IOException {
    Chromium.Run run = chromium.dumpDom(probe(), PHONE, 844);
    assertThat(run.console()).as(run.stderr()).isEmpty();
    assertThat(attribute(run.stdout(), "data-paths")).isEqualTo("48");
    assertThat(attribute(run.stdout(), "data-drawn")).isEqualTo("48");
    assertThat(Integer.parseInt(attribute(run.stdout(), "data-overflow"))).isLessThanOrEqualTo(0);
    // The charts scale to the column: the viewport less the body's padding. (Headless Chromium may
    // lay out --dump-dom wider than asked; the screenshot test sees the 390-pixel window.)
    int inner = Integer.parseInt(attribute(run.stdout(), "data-inner-width"));
    assertThat(inner).isLessThan(600);
    assertThat(Integer.parseInt(attribute(run.stdout(), "data-chart-width"))).isBetween(inner - 40, inner);
  }

  @Test
  @DisplayName("RPT-45: the screenshots show the charts' colours; they are kept under target/report-html-it")
  void screenshotsShowTheCharts() throws IOException {
    Path phone = OUT.resolve("report-phone.png");
    Chromium.Run run = chromium.screenshot(page, phone, PHONE, 2000);
    assertThat(run.console()).as(run.stderr()).isEmpty();
    Path desktop = OUT.resolve("report-desktop.png");
    chromium.screenshot(page, desktop, 1100, 1900);
    for (Path png : new Path[] {phone, desktop}) {
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image).as(png.toString()).isNotNull();
      // The successful sessions' green and the first series' red fill whole bars.
      assertThat(pixels(image, 0x2ca02c)).as("green pixels in %s", png).isGreaterThan(500);
      assertThat(pixels(image, 0xd62728)).as("red pixels in %s", png).isGreaterThan(500);
    }
  }

  static int pixels(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == rgb) {
          n++;
        }
      }
    }
    return n;
  }
}
