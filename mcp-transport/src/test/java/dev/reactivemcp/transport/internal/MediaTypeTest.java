package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaTypeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "application/json|true",
            "Application/JSON|true",
            "application/json; charset=utf-8|true",
            "  application/json  ;charset=utf-8|true",
            "application/json\t|true",
            "application/jsonx|false",
            "application/json-seq|false",
            "text/application/json|false",
            "''|false",
            "application/|false"})
    void recognisesTheMediaTypeIgnoringCaseParametersAndWhitespace(String contentType, boolean json) {
        assertThat(RpcChannel.isMediaType(contentType, "application/json")).isEqualTo(json);
    }
}
