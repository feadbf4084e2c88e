package io.connlistener.boot.actuate.endpoint;

import java.util.List;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * What the {@code connlisteners} endpoint shows of the open connections of one listener:
 * the first {@code limit} of them in the order asked for, and how many are open in all.
 *
 * @param listener the listener's name
 * @param open how many connections are open
 * @param limit how many were asked for at most, after the endpoint's cap
 * @param sort the order: {@code age} (oldest first) or {@code bytes} (most first)
 * @param connections the connections
 */
public record ConnectionsDescriptor(String listener, int open, int limit, String sort,
		List<ConnectionDescriptor> connections) implements OperationResponseBody {
}
