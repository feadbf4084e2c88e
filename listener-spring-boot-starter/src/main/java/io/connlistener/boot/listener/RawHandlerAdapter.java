package io.connlistener.boot.listener;

import io.connlistener.AcceptCallback;

/**
 * Hands the raw accepted channel to an {@link AcceptCallback} on the loop thread. The
 * callback owns the channel; its close is noticed by the listener's periodic sweep.
 */
final class RawHandlerAdapter implements HandlerAdapter {

	private final String beanName;

	private final AcceptCallback callback;

	RawHandlerAdapter(String beanName, AcceptCallback callback) {
		this.beanName = beanName;
		this.callback = callback;
	}

	@Override
	public void serve(TrackedConnection connection) {
		this.callback.onAccept(connection.listener(), connection.channel(), connection.remoteAddress());
	}

	@Override
	public String describe() {
		return "raw handler '" + this.beanName + "'";
	}

}
