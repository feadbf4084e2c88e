package io.connlistener.boot.diagnostics;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.connlistener.AcceptCallback;
import io.connlistener.boot.diagnostics.ListenerValueTexts.ValueText;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.MessageHandler;
import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ListenerProblem;
import io.connlistener.buffer.BufferedHandler;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ListenerConfigurationException}: an invalid listener value, a listener
 * without handler, a handler naming no listener, two handlers for one listener, a TLS
 * listener whose SSL bundle cannot serve it, framing that does not fit the handler, or an AOT-processed application run with other
 * listeners than it was built with. Writes the
 * description and the action from the exception's problem, key and value.
 */
class ListenerConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ListenerConfigurationException> {

	static final String STYLES = AcceptCallback.class.getSimpleName() + " (raw), "
			+ BufferedHandler.class.getSimpleName() + " (buffered), "
			+ BlockingConnectionHandler.class.getSimpleName() + " (blocking) or "
			+ MessageHandler.class.getSimpleName() + " (message)";

	private static final String CHANNEL_BEAN_ACTION = "Bind the channel in its @Bean method "
			+ "(channel.bind(address, backlog)); the listener adopts it as it is, with backlog 0.";

	private static final String AOT_FIXES_BEANS = "Under AOT, the beans are fixed at build time";

	private static final String AOT_ENABLED = "-Dspring.aot.enabled=true";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ListenerConfigurationException cause) {
		return analysis(cause, cause);
	}

	/**
	 * Explain a failure.
	 * @param failure what is wrong
	 * @param cause the exception the analysis is of
	 * @return the analysis
	 */
	static FailureAnalysis analysis(ListenerConfigurationException failure, Throwable cause) {
		String name = failure.getListenerName();
		String property = (failure.getKey() != null) ? ListenerPropertyNames.of(failure) : null;
		String listener = (name != null) ? ListenerPropertyNames.listener(name) : null;
		String handler = "@ConnectionHandler(\"" + name + "\")";
		return switch (failure.getProblem()) {
			case NO_ADDRESS -> new FailureAnalysis("Listener '" + name + "' has no address: neither " + property
					+ " nor " + ListenerPropertyNames.listener(name, "path") + " is set.",
					"Set " + property + " to listen on a TCP port, or " + ListenerPropertyNames.listener(name, "path")
							+ " to listen on a Unix domain socket.",
					cause);
			case TWO_ADDRESSES -> new FailureAnalysis("Listener '" + name + "' has two addresses: "
					+ ListenerPropertyNames.listener(name, "port") + " is " + failure.getDetail(0) + " and " + property
					+ " is " + failure.getValue() + ".",
					"Remove " + ListenerPropertyNames.listener(name, "port") + " or " + property
							+ ": a listener listens on either a TCP port or a Unix domain socket.",
					cause);
			case UNRESOLVED_ADDRESS -> new FailureAnalysis(subject(failure) + " cannot start: " + property + " is "
					+ ListenerValueTexts.shown(failure.getValue())
					+ ", which is neither an IP address nor a host name that resolves.",
					"Set " + property + " to an IP address or a resolvable host name of this machine, such as "
							+ "127.0.0.1, or to 0.0.0.0 to listen on every IPv4 interface (:: for IPv6 too).",
					cause);
			case EMPTY_CHANNEL_BEAN -> new FailureAnalysis(
					subject(failure) + " cannot start: " + property + " is empty.",
					"Set " + property + " to the name of a ServerSocketChannel bean, or remove it.", cause);
			case TWO_CHANNELS -> new FailureAnalysis("Listener '" + name + "' has two channels: "
					+ ListenerPropertyNames.listener(name, "inherited") + " is true and " + property + " is "
					+ ListenerValueTexts.shown(failure.getValue()) + ".",
					"Remove " + ListenerPropertyNames.listener(name, "inherited") + " or " + property
							+ ": a listener adopts one channel.",
					cause);
			case NO_CHANNEL_BEANS -> adoption(failure, "no channel beans are available",
					"Define a bound ServerSocketChannel bean of that name, or set " + property + " to the name of one.",
					cause);
			case NO_SUCH_CHANNEL_BEAN -> adoption(failure, "there is no bean of that name",
					"Define a bound ServerSocketChannel bean named " + ListenerValueTexts.shown(failure.getValue())
							+ ", or set " + property + " to the name of one.",
					cause);
			case NOT_A_CHANNEL_BEAN -> adoption(failure,
					"that bean is a " + failure.getDetail(0) + ", not a ServerSocketChannel",
					"Set " + property + " to the name of a bound ServerSocketChannel bean.", cause);
			case UNBOUND_CHANNEL_BEAN -> adoption(failure, "that channel is not bound", CHANNEL_BEAN_ACTION, cause);
			case CLOSED_CHANNEL_BEAN -> adoption(failure, "that channel is closed", CHANNEL_BEAN_ACTION, cause);
			case UNREADABLE_INHERITED_CHANNEL -> inheritance(failure,
					"reading it failed: " + failure.getCause().getMessage(), cause);
			case NO_INHERITED_SOCKET -> inheritance(failure, "standard input of this process is not a socket", cause);
			case CONNECTED_INHERITED_SOCKET -> inheritance(failure,
					"standard input is a connected socket (" + failure.getDetail(0)
							+ "), as inetd's nowait or systemd's Accept=yes pass it, not a listening one",
					cause);
			case INHERITED_CHANNEL_TAKEN -> inheritance(failure,
					"listener '" + failure.getDetail(0) + "' listens on it already", cause);
			case ADOPTED_CHANNEL_ELSEWHERE -> new FailureAnalysis("Listener '" + name + "' cannot start: "
					+ ListenerPropertyNames.listener(name, failure.getDetail(1)) + " adopts a channel listening on "
					+ ListenerDefinition.describe(failure.<SocketAddress>getDetail(0)) + ", but " + property + " says "
					+ ListenerDefinition.describe((SocketAddress) failure.getValue()) + ".",
					"Make them agree: set " + property + " to match the channel or remove it, or bind the channel "
							+ "elsewhere (systemd: ListenStream= in the socket unit).",
					cause);
			case NO_HANDLER -> new FailureAnalysis(subject(failure) + " (" + listener + ") has no handler: no bean is "
					+ "annotated with " + handler + ".", "Annotate the bean that serves listener '" + name + "' with "
							+ handler + ", or remove " + listener + " from the configuration.",
					cause);
			case SEVERAL_HANDLERS -> {
				List<String> beans = failure.getDetail(0);
				String quoted = beans.stream().map((bean) -> "'" + bean + "'").collect(Collectors.joining(", "));
				yield new FailureAnalysis(subject(failure) + " (" + listener + ") has " + beans.size()
						+ " handlers: beans " + quoted + " are annotated with " + handler + ".",
						"Keep " + handler + " on one bean only, or configure another listener under "
								+ ListenerPropertyNames.listener("<name>") + " for each other handler.",
						cause);
			}
			case HANDLER_OF_NO_LISTENER -> new FailureAnalysis("Bean '" + failure.getDetail(0) + "' is annotated with "
					+ handler + ", but no listener '" + name + "' is configured under " + listener
					+ ". Configured listeners: " + failure.getDetail(1) + ".",
					"Configure listener '" + name + "' with " + ListenerPropertyNames.listener(name, "port")
							+ " (or .path), or change @ConnectionHandler on bean '" + failure.getDetail(0)
							+ "' to name a configured listener.",
					cause);
			case NOT_A_HANDLER -> new FailureAnalysis("Bean '" + failure.getDetail(0) + "' of type "
					+ failure.getDetail(1) + " is annotated with " + handler + " for listener '" + name + "' on "
					+ failure.getAddress() + ", but implements no handler interface.",
					"Make bean '" + failure.getDetail(0) + "' implement " + STYLES + ".", cause);
			case TLS_UNKNOWN_BUNDLE, TLS_BUNDLE_WITHOUT_KEY, TLS_BUNDLE_UNREADABLE,
					TLS_CLIENT_AUTH_WITHOUT_TRUST_STORE, TLS_SETTING_WITHOUT_BUNDLE, RAW_HANDLER_ON_TLS_LISTENER ->
				TlsFailureTexts.analysis(failure, subject(failure), property, cause);
			case FRAMING_REQUIRED, FRAMING_OF_OTHER_HANDLER, FRAMING_SETTING_MISSING, FRAMING_REFUSED,
					UNSUPPORTED_MESSAGE_TYPE ->
				FramingFailureTexts.analysis(failure, subject(failure), property, cause);
			case LISTENERS_CHANGED_AFTER_AOT_PROCESSING -> listenersChanged(failure, property, cause);
			case DISABLED_AFTER_AOT_PROCESSING -> new FailureAnalysis("Listeners cannot start: " + property
					+ " is false, but the application was AOT-processed with it true. " + AOT_FIXES_BEANS
					+ ": the listeners would start all the same.",
					"Build with " + property + "=false to leave the listeners out, or start the application without "
							+ AOT_ENABLED + ".",
					cause);
			default -> value(failure, property, cause);
		};
	}

	/**
	 * Explain listeners that differ from those the application was AOT-processed with.
	 */
	private static FailureAnalysis listenersChanged(ListenerConfigurationException failure, String property,
			Throwable cause) {
		@SuppressWarnings("unchecked")
		List<String> configured = (List<String>) failure.getValue();
		List<String> built = failure.getDetail(0);
		List<String> added = configured.stream().filter((name) -> !built.contains(name)).toList();
		List<String> removed = built.stream().filter((name) -> !configured.contains(name)).toList();
		List<String> differences = new ArrayList<>();
		if (!added.isEmpty()) {
			differences.add(listeners(added) + ((added.size() == 1) ? " has" : " have") + " no bean");
		}
		if (!removed.isEmpty()) {
			differences.add(listeners(removed) + ((removed.size() == 1) ? " is" : " are") + " no longer configured");
		}
		return new FailureAnalysis("Listeners cannot start: the application was AOT-processed with "
				+ listeners(built) + ", but " + property + " configures " + listeners(configured) + " now. "
				+ AOT_FIXES_BEANS + ": " + String.join("; ", differences) + ".",
				"Build with the listeners the application runs with (spring-boot:process-aot reads the configuration "
						+ "as a run does), or start it without " + AOT_ENABLED + ". A listener's port, address and "
						+ "other values may change at run time; its name may not.",
				cause);
	}

	private static String listeners(List<String> names) {
		if (names.isEmpty()) {
			return "no listeners";
		}
		String quoted = names.stream().map((name) -> "'" + name + "'").collect(Collectors.joining(", "));
		return ((names.size() == 1) ? "listener " : "listeners ") + quoted;
	}

	/**
	 * Explain a value that cannot work: what it is and why not, and what to set instead.
	 */
	private static FailureAnalysis value(ListenerConfigurationException failure, String property, Throwable cause) {
		ValueText text = ListenerValueTexts.of(failure);
		// A port shows as configured: it may be too large even for a number.
		String shown = (failure.getProblem() == ListenerProblem.PORT_OUT_OF_RANGE) ? String.valueOf(failure.getValue())
				: ListenerValueTexts.shown(failure.getValue());
		return new FailureAnalysis(subject(failure) + " cannot start: " + property + " is " + shown + ", but "
				+ text.problem() + ".", "Set " + property + " to " + text.expected() + ".", cause);
	}

	/**
	 * Explain a channel bean that the listener cannot adopt.
	 */
	private static FailureAnalysis adoption(ListenerConfigurationException failure, String reason, String action,
			Throwable cause) {
		return new FailureAnalysis(subject(failure) + " cannot start: " + ListenerPropertyNames.of(failure) + " is "
				+ ListenerValueTexts.shown(failure.getValue()) + ", but " + reason + ".", action, cause);
	}

	/**
	 * Explain an inherited channel that the listener cannot adopt.
	 */
	private static FailureAnalysis inheritance(ListenerConfigurationException failure, String reason, Throwable cause) {
		String property = ListenerPropertyNames.of(failure);
		return new FailureAnalysis(subject(failure) + " cannot start: " + property + " is "
				+ ListenerValueTexts.shown(failure.getValue()) + ", but " + reason + ".",
				"Start the application with a listening socket as standard input (systemd: StandardInput=socket in "
						+ "the service and Accept=no in the socket unit; inetd: wait), or remove " + property
						+ " and set port or path.",
				cause);
	}

	/**
	 * Name the listener and where it listens, or the listeners as a whole.
	 */
	static String subject(ListenerConfigurationException failure) {
		if (failure.getListenerName() == null) {
			return "Listeners";
		}
		return "Listener '" + failure.getListenerName() + "'"
				+ ((failure.getAddress() != null) ? " on " + failure.getAddress() : "");
	}

}
