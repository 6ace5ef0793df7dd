package dev.filesapi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void readsTheServicesShapes() {
    Map<String, Object> value =
        Json.parseObject(
            "{\"upload_id\":\"upl_1\",\"num_parts\":2,\"is_resume\":false,\"part_size\":null,"
                + "\"last_updated\":1765089569.427,\"parts\":[{\"url\":\"http://s/\\u00e9?a=1&b=\\\"\"}],"
                + "\"empty\":{},\"none\":[]}");
    assertEquals("upl_1", value.get("upload_id"));
    assertEquals(2L, value.get("num_parts"));
    assertEquals(false, value.get("is_resume"));
    assertEquals(null, value.get("part_size"));
    assertEquals(new BigDecimal("1765089569.427"), value.get("last_updated"));
    assertEquals(
        "http://s/é?a=1&b=\"", ((Map<?, ?>) ((List<?>) value.get("parts")).get(0)).get("url"));
    assertEquals(Map.of(), value.get("empty"));
    assertEquals(List.of(), value.get("none"));
  }

  @Test
  void writesWhatItReads() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("name", "a \"quoted\"\tname\n\u0001");
    value.put("n", 250_000_000_000L);
    value.put("list", Arrays.asList(1L, true, null, "x"));
    String text = Json.write(value);
    assertEquals(
        "{\"name\":\"a \\\"quoted\\\"\\tname\\n\\u0001\",\"n\":250000000000,"
            + "\"list\":[1,true,null,\"x\"]}",
        text);
    assertEquals(value, Json.parse(text));
  }

  @Test
  void refusesMalformedText() {
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("<html>"));
  }
}
