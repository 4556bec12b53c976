package dev.bollard.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FieldLinesTest {

  private final HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();

  private int parse(String lines, int used, int maxBytes, boolean trailer) {
    // Bytes around the range, so that the parser must keep to its bounds.
    byte[] bytes = ("XX" + lines + "YY").getBytes(StandardCharsets.ISO_8859_1);
    return FieldLines.parse(bytes, 2, 2 + lines.length(), headers, used, maxBytes, trailer);
  }

  @Test
  void splitsNamesAndValuesAndTrimsOptionalWhitespace() {
    int size = parse("Host: a\r\nX-A:b\r\nX-A: \t c d \t\r\nEmpty:\r\nTab:\t\r\n", 0, 1000, false);

    assertThat(headers.entries()).extracting(Map.Entry::getKey, Map.Entry::getValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Host", "a"),
            org.assertj.core.groups.Tuple.tuple("X-A", "b"),
            org.assertj.core.groups.Tuple.tuple("X-A", "c d"),
            org.assertj.core.groups.Tuple.tuple("Empty", ""),
            org.assertj.core.groups.Tuple.tuple("Tab", ""));
    // Each line counted without its CRLF, as Netty counts a head.
    assertThat(size).isEqualTo(7 + 5 + 12 + 6 + 5);
  }

  @Test
  void keepsTheCaseOfNamesAndObsTextInValues() {
    parse("x-custom-Name: caf\u00e9\r\nHOST: h\r\n", 0, 1000, false);

    assertThat(headers.names()).containsExactly("x-custom-Name", "HOST");
    assertThat(headers.get("x-custom-name")).isEqualTo("caf\u00e9");
  }

  @Test
  void countsOnFromTheBytesAlreadyUsedAndRefusesPastTheLimit() {
    assertThat(parse("A: 12\r\n", 10, 15, false)).isEqualTo(15);
    assertThatThrownBy(() -> parse("A: 123\r\n", 10, 15, false))
        .isInstanceOf(TooLongHttpHeaderException.class);
  }

  @Test
  void trailersDropFramingFields() {
    parse("X: 1\r\ncontent-length: 3\r\nTransfer-Encoding: chunked\r\nTRAILER: X\r\n", 0, 1000,
        true);

    assertThat(headers.names()).containsExactly("X");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Host : a\r\n", // whitespace before the colon
      " Host: a\r\n", // obs-fold / leading whitespace
      ": a\r\n", // empty name
      "Host a\r\n", // no colon
      "H\u00e9: a\r\n", // a name byte outside tchar
      "X: a\u0001b\r\n", // control character
      "X: a\u007f\r\n", // DEL
      "X:\u000ba\r\n", // VT is not optional whitespace
      "X: a\u000b\r\n",
      "X: a\rb\r\n", // bare CR
      "X: a\nY: b\r\n", // bare LF
      "X: a", // no line end
      "\r\n", // an empty line inside the section
  })
  void refusesWhatNettysDecoderRefuses(String lines) {
    assertThatThrownBy(() -> parse(lines, 0, 1000, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sharesCommonNamesOnlyWhenTheBytesMatch() {
    parse("Host: a\r\nhost: b\r\nhOST: c\r\n", 0, 1000, false);

    List<String> names = headers.entries().stream().map(e -> e.getKey().toString()).toList();
    assertThat(names).containsExactly("Host", "host", "hOST");
    assertThat(headers.getAll("HOST")).containsExactly("a", "b", "c");
  }

  @Test
  void searchesEightBytesAtATimeAsALoopWould() {
    // Bytes around CR and LF and at the sign bit, where a word-at-a-time search could borrow.
    byte[] alphabet = {0, 1, 9, 10, 11, 12, 13, 14, 32, 127, (byte) 128, (byte) 141, (byte) 255};
    java.util.Random random = new java.util.Random(19);
    for (int trial = 0; trial < 20_000; trial++) {
      byte[] bytes = new byte[random.nextInt(40)];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = alphabet[random.nextInt(alphabet.length)];
      }
      int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
      int to = from + (bytes.length == from ? 0 : random.nextInt(bytes.length - from + 1));
      byte wanted = alphabet[random.nextInt(alphabet.length)];
      int loop = -1;
      int lineEnd = -1;
      for (int i = to - 1; i >= from; i--) {
        if (bytes[i] == wanted) {
          loop = i;
        }
        if (bytes[i] == '\r' || bytes[i] == '\n') {
          lineEnd = i;
        }
      }
      assertThat(FieldLines.indexOf(bytes, from, to, wanted)).isEqualTo(loop);
      assertThat(FieldLines.indexOfCrOrLf(bytes, from, to)).isEqualTo(lineEnd);
    }
  }
}
