package io.connlistener.boot.actuate.endpoint;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.Assert;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link ConnListenersEndpoint}
 * that answers a write for an unknown listener with 404, as reads are.
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
	 * @param enabled the wanted state
	 * @return the new descriptor, or 404 if no listener has that name
	 */
	@WriteOperation
	public WebEndpointResponse<ListenerDescriptor> setEnabled(SecurityContext securityContext, @Selector String name,
			boolean enabled) {
		ListenerDescriptor descriptor = this.delegate.setEnabled(securityContext, name, enabled);
		return (descriptor != null) ? new WebEndpointResponse<>(descriptor)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
