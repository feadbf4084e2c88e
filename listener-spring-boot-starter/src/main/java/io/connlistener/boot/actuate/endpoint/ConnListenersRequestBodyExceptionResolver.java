package io.connlistener.boot.actuate.endpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

import io.connlistener.boot.actuate.endpoint.ConnListenersEndpointWebExtension.ErrorDescriptor;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.util.Assert;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * {@link HandlerExceptionResolver} that answers a write to the {@link ConnListenersEndpoint}
 * whose body Spring MVC cannot read as a JSON object of plain values, such as
 * {@code enabled=false} or {@code [true]}, with
 * 400 and an {@link ErrorDescriptor} that says so. Spring MVC reads the body before the
 * endpoint runs and would answer with a bare 400. Every other request is left alone.
 */
public class ConnListenersRequestBodyExceptionResolver implements HandlerExceptionResolver, Ordered {

	/** Ahead of Spring MVC's own resolvers, which come at order 0. */
	private static final int ORDER = -1;

	private final Supplier<String> endpointPath;

	/**
	 * Create a resolver for the endpoint at the given path.
	 * @param endpointPath the endpoint's path under the dispatcher servlet, such as
	 * {@code /actuator/connlisteners}, or {@code null} when it is not exposed over HTTP;
	 * asked when a request fails
	 */
	public ConnListenersRequestBodyExceptionResolver(Supplier<String> endpointPath) {
		Assert.notNull(endpointPath, "'endpointPath' must not be null");
		this.endpointPath = endpointPath;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception ex) {
		String name = listenerName(request);
		if (!(ex instanceof HttpMessageNotReadableException) || name == null) {
			return null;
		}
		ErrorDescriptor error = ErrorDescriptor.badRequest(name,
				"the body is not JSON of the form {\"enabled\": false} or {\"enabled\": true}.");
		try {
			response.setStatus(error.status());
			response.setContentType(MediaType.APPLICATION_JSON_VALUE);
			response.setCharacterEncoding(StandardCharsets.UTF_8.name());
			response.getWriter()
				.write("{\"status\":" + error.status() + ",\"error\":" + quote(error.error()) + ",\"message\":"
						+ quote(error.message()) + "}");
			return new ModelAndView();
		}
		catch (IOException writeFailed) {
			// The client went away: leave the answer to Spring MVC.
			return null;
		}
	}

	/**
	 * Return the listener named by a request to this endpoint's write operation, or
	 * {@code null} for any other request.
	 */
	private String listenerName(HttpServletRequest request) {
		String path = this.endpointPath.get();
		Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		if (path == null || !"POST".equals(request.getMethod()) || !(path + "/{name}").equals(pattern)) {
			return null;
		}
		Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		return (variables instanceof Map<?, ?> map && map.get("name") != null) ? map.get("name").toString() : null;
	}

	private static String quote(String text) {
		StringBuilder json = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"', '\\' -> json.append('\\').append(c);
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		return json.append('"').toString();
	}

}
