package dev.bollard.controller.settings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.proxy.config.ErrorCodes;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The global {@code custom-http-errors} key: ingress-nginx's list, in the settings. */
class CustomHttpErrorsKeyTest {

  private static ConfigValidation validate(Map<String, String> data) {
    return ConfigValidation.of(new ConfigMapBuilder().withNewMetadata().withName("v1")
        .withNamespace("ingress").withLabels(Map.of(ConfigFamily.VERSION_LABEL, "1"))
        .endMetadata().withData(data).build(), SettingValues.DEFAULTS);
  }

  @Test
  void byDefaultNoCodeIsReplaced() {
    assertThat(validate(Map.of()).settings().customHttpErrors()).isEqualTo(ErrorCodes.NONE);
  }

  @Test
  void theCodesBecomeTheGlobalSettings() {
    ConfigValidation v = validate(Map.of("custom-http-errors", "503, 404,404"));
    assertThat(v.valid()).isTrue();
    assertThat(v.settings().customHttpErrors().codes()).isEqualTo(List.of(404, 503));
  }

  @Test
  void aCodeOutsideFourHundredToFiveNinetyNineRefusesTheVersion() {
    ConfigValidation v = validate(Map.of("custom-http-errors", "404,200"));
    assertThat(v.valid()).isFalse();
    assertThat(v.errors()).containsExactly("key custom-http-errors: 200 is not an error code;"
        + " expected comma-separated codes from 400 to 599, such as 404,503");
  }
}
