package io.connlistener.boot.actuate.endpoint;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.mock.http.MockHttpInputMessage;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.servlet.HandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnListenersRequestBodyExceptionResolver}; the answer over real HTTP is
 * in the sample app's {@code SampleActuatorTests}.
 */
class ConnListenersRequestBodyExceptionResolverTests {

	private static final HttpMessageNotReadableException UNREADABLE = new HttpMessageNotReadableException(
			"JSON parse error", new MockHttpInputMessage(new byte[0]));

	private final ConnListenersRequestBodyExceptionResolver resolver = new ConnListenersRequestBodyExceptionResolver(
			() -> "/actuator/connlisteners");

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	@Test
	void unreadableBodyOfAWriteIsA400ThatNamesTheListener() throws Exception {
		assertThat(this.resolver.resolveException(write("/actuator/connlisteners/{name}", "e\"cho"), this.response,
				null, UNREADABLE)).isNotNull();
		assertThat(this.response.getStatus()).isEqualTo(400);
		assertThat(this.response.getContentType()).isEqualTo("application/json;charset=UTF-8");
		assertThat(this.response.getContentAsString()).isEqualTo("{\"status\":400,\"error\":\"Bad Request\","
				+ "\"message\":\"Listener 'e\\\"cho' was not changed: the body is not JSON of the form "
				+ "{\\\"enabled\\\": false} or {\\\"enabled\\\": true}.\"}");
	}

	@Test
	void otherRequestsAndFailuresAreLeftToSpringMvc() {
		MockHttpServletRequest read = write("/actuator/connlisteners/{name}", "echo");
		read.setMethod("GET");
		assertLeftAlone(read, UNREADABLE);
		assertLeftAlone(write("/actuator/loggers/{name}", "ROOT"), UNREADABLE);
		assertLeftAlone(write("/actuator/connlisteners/{name}", "echo"), new HttpMediaTypeNotSupportedException("text/plain"));
		ConnListenersRequestBodyExceptionResolver notExposed = new ConnListenersRequestBodyExceptionResolver(() -> null);
		assertThat(notExposed.resolveException(write("/actuator/connlisteners/{name}", "echo"), this.response, null,
				UNREADABLE)).isNull();
	}

	private void assertLeftAlone(MockHttpServletRequest request, Exception ex) {
		assertThat(this.resolver.resolveException(request, this.response, null, ex)).isNull();
		assertThat(this.response.isCommitted()).isFalse();
		assertThat(this.response.getStatus()).isEqualTo(200);
	}

	private static MockHttpServletRequest write(String pattern, String name) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", pattern.replace("{name}", name));
		request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, pattern);
		request.setAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of("name", name));
		return request;
	}

}
