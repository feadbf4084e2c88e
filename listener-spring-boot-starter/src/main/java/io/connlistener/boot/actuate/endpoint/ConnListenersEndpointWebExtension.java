package io.connlistener.boot.actuate.endpoint;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.Assert;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link ConnListenersEndpoint}
 * that answers a write for an unknown listener with 404, as reads are, and a body without
 * a valid {@code enabled} with 400 and a body that says what is wrong; and the close of a
 * connection that is not open (or not the listener's) with 404.
 */
@EndpointWebExtension(endpoint = ConnListenersEndpoint.class)
public class ConnListenersEndpointWebExtension {

	private final ConnListenersEndpoint delegate;

	/**
	 * Create an extension of the given endpoint.
	 * @param delegate the endpoint
	 */
	public ConnListenersEndpointWebExtension(ConnListenersEndpoint delegate) {
		Assert.notNull(delegate, "'delegate' must not be null");
		this.delegate = delegate;
	}

	/**
	 * Enable or disable one listener.
	 * @param securityContext who asks
	 * @param name the listener's name
	 * @param enabled the wanted state, {@code true} or {@code false}; taken as text, so that
	 * a missing or invalid value is answered here rather than with Boot's bare 400
	 * @return the new descriptor, 404 if no listener has that name, or 400 with an
	 * {@link ErrorDescriptor} if {@code enabled} is missing or neither true nor false
	 */
	@WriteOperation
	public WebEndpointResponse<Object> setEnabled(SecurityContext securityContext, @Selector String name,
			@Nullable String enabled) {
		String wanted = (enabled != null) ? enabled.strip().toLowerCase(Locale.ROOT) : null;
		if (!"true".equals(wanted) && !"false".equals(wanted)) {
			String problem = (enabled != null) ? "'enabled' must be true or false, but is '" + enabled + "'."
					: "'enabled' must be true or false, but the body does not set it: send {\"enabled\": false} "
							+ "or {\"enabled\": true}.";
			return new WebEndpointResponse<>(ErrorDescriptor.badRequest(name, problem),
					WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		ListenerDescriptor descriptor = this.delegate.setEnabled(securityContext, name, Boolean.parseBoolean(wanted));
		return (descriptor != null) ? new WebEndpointResponse<>(descriptor)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

	/**
	 * Close one open connection of a listener.
	 * @param securityContext who asks
	 * @param name the listener's name
	 * @param segment {@code connections}
	 * @param id the connection's id
	 * @return what the connection was, or 404 if the listener has no open connection with
	 * that id
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> closeConnection(SecurityContext securityContext, @Selector String name,
			@Selector String segment, @Selector String id) {
		ConnectionDescriptor closed = this.delegate.closeConnection(securityContext, name, segment, id);
		return (closed != null) ? new WebEndpointResponse<>(closed)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

	/**
	 * What is wrong with a request, in the fields of Spring Boot's error responses; written
	 * by Actuator's own JSON mapper, as the descriptors are.
	 *
	 * @param status the HTTP status
	 * @param error the status's reason phrase
	 * @param message what is wrong and how to ask instead
	 */
	public record ErrorDescriptor(int status, String error, String message) implements OperationResponseBody {

		static ErrorDescriptor badRequest(String name, String problem) {
			return new ErrorDescriptor(WebEndpointResponse.STATUS_BAD_REQUEST, "Bad Request",
					"Listener '" + name + "' was not changed: " + problem);
		}

	}

}
