package io.connlistener;

/**
 * Why a listener closed a connection it had accepted before any callback saw it, or why it
 * stopped accepting. A small fixed set, so it is safe as a meter tag.
 */
public enum RejectionReason {

	/**
	 * The listener reached its connection limit: counted once each time accepting pauses,
	 * or once per connection closed at once with {@link ListenerSettings.LimitAction#CLOSE}.
	 */
	MAX_CONNECTIONS("max-connections"),

	/**
	 * An IPv4 client reached an IPv6 wildcard listener with {@link ListenerOption#BIND_IPV6ONLY}.
	 */
	IPV4_ON_IPV6_ONLY("ipv4-on-ipv6-only"),

	/**
	 * A connection accepted with {@link ListenerOption#DEFERRED_ACCEPT} sent nothing before
	 * the deferred-accept timeout.
	 */
	DEFERRED_ACCEPT_TIMEOUT("deferred-accept-timeout"),

	/**
	 * The accept callback threw, so the listener closed the connection.
	 */
	CALLBACK_FAILED("callback-failed"),

	/**
	 * A deferred connection became readable after the callback had been set to {@code null}.
	 */
	NO_CALLBACK("no-callback");

	private final String tag;

	RejectionReason(String tag) {
		this.tag = tag;
	}

	/**
	 * Return the reason as a kebab-case tag value.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}
