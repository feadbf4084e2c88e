package io.connlistener.boot.diagnostics;

import io.connlistener.boot.listener.ListenerConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ListenerConfigurationException}: an invalid listener value, a listener
 * without handler, a handler naming no listener or two handlers for one listener.
 */
class ListenerConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ListenerConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ListenerConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
