package io.connlistener.boot.diagnostics;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import io.connlistener.AcceptCallback;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.CapturingAppender;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import io.connlistener.boot.testsupport.TestHandlers;
import io.connlistener.boot.testsupport.YamlProperties;
import io.connlistener.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for the failure analysis of listeners that cannot start: each bad configuration
 * gives an exact description and action.
 */
@Timeout(60)
class ConnListenerFailureAnalysisTests {

	private static final String NO_ADDRESS = "Listener 'echo' has no address: neither "
			+ "conn-listener.listeners.echo.port nor conn-listener.listeners.echo.path is set.";

	private static final String NO_ADDRESS_ACTION = "Set conn-listener.listeners.echo.port to listen on a TCP port, or "
			+ "conn-listener.listeners.echo.path to listen on a Unix domain socket.";

	private static final String LISTENER_KEYS = "port, path, address, backlog, options, enabled, max-connections, "
			+ "max-connections-action, max-connections-resume, idle-timeout, write-timeout, spare-file-descriptor, "
			+ "tcp-no-delay, admission.rules, admission.max-connections-per-ip, admission.accept-rate, "
			+ "admission.accept-burst, buffered.read-buffer-size, buffered.read-high-watermark, "
			+ "buffered.write-high-watermark, buffered.write-low-watermark, accept-error-backoff.initial, "
			+ "accept-error-backoff.max, max-accepts-per-wakeup, deferred-accept-timeout, proxy-protocol, "
			+ "trusted-proxies, proxy-protocol-timeout, acceptors, follow-readiness, unbind-on-disable, "
			+ "disable-delay, path-permissions, tls.bundle, tls.server-name-bundles[].server-name, "
			+ "tls.server-name-bundles[].bundle, tls.client-auth, tls.handshake-timeout, tls.client-hello-max-size, "
			+ "tls.application-protocols, framing.type, framing.max-frame-size, framing.frame-timeout, framing.charset, framing.delimiter, "
			+ "framing.length-field.size, framing.length-field.offset, framing.length-field.adjustment, "
			+ "framing.length-field.strip, framing.length-field.order, framing.record-size, inherited, channel-bean";

	@RegisterExtension
	final LogCapture log = CapturingAppender.capture();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoGreeterConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1");

	@ParameterizedTest
	@ValueSource(strings = { "70000", "65536", "-1", "2147483648", "-2147483649", "99999999999999999999" })
	void portOutOfRange(String port) {
		// Beyond an int the value does not even bind: the analysis is the same.
		assertFailure(List.of("conn-listener.listeners.echo.port=" + port),
				"Listener 'echo' on 0.0.0.0:" + port + " cannot start: conn-listener.listeners.echo.port is " + port
						+ ", but a port must be between 0 and 65535.",
				"Set conn-listener.listeners.echo.port to a port between 0 and 65535 (0 picks a free port).");
	}

	@Test
	void wholeNumberTooLargeForAnInt() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876", "conn-listener.listeners.echo.backlog=2147483648"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.backlog is '2147483648' "
						+ "(from \"conn-listener.listeners.echo.backlog\" from property source \"test\"), which is not a "
						+ "whole number from -2147483648 to 2147483647.",
				"Set conn-listener.listeners.echo.backlog to a whole number from -2147483648 to 2147483647.");
	}

	@Test
	void neitherPortNorPath() {
		assertFailure(List.of("conn-listener.listeners.echo.backlog=10"), NO_ADDRESS, NO_ADDRESS_ACTION);
	}

	@Test
	void emptyPortIsNotSet() {
		assertFailure(List.of("conn-listener.listeners.echo.port="), NO_ADDRESS, NO_ADDRESS_ACTION);
	}

	@Test
	void portFromAVariableThatIsNotSetIsNotSet() {
		assertNoAddress(this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.port=${CONN_LISTENER_TEST_NO_SUCH_VARIABLE:}"));
	}

	@Test
	void listenerWhoseOnlyKeyIsLeftEmptyInYamlHasNoAddress() {
		assertNoAddress(this.contextRunner.withInitializer(YamlProperties.of("""
				conn-listener:
				  listeners:
				    echo:
				      port:
				""")));
	}

	@Test
	void listenerWithNothingUnderItInYamlHasNoAddress() {
		assertNoAddress(this.contextRunner.withInitializer(YamlProperties.of("""
				conn-listener:
				  listeners:
				    echo:
				""")));
	}

	@Test
	void emptyPortOnTheCommandLineClearsThePortOfTheYamlFile() {
		assertNoAddress(this.contextRunner.withPropertyValues("conn-listener.listeners.echo.port=")
			.withInitializer(YamlProperties.of("""
					conn-listener:
					  listeners:
					    echo:
					      port: 9876
					""")));
	}

	@Test
	void unknownKeyBesideAnEmptyPort() {
		assertFailure(List.of("conn-listener.listeners.echo.port=", "conn-listener.listeners.echo.max-conections=5"),
				"Listener 'echo' cannot start: conn-listener.listeners.echo.max-conections (from "
						+ "\"conn-listener.listeners.echo.max-conections\" from property source \"test\") is not a "
						+ "listener property.",
				"Remove conn-listener.listeners.echo.max-conections or correct its name. A listener takes: "
						+ LISTENER_KEYS + ".");
	}

	@Test
	void addressOfAUnixListener() {
		assertFailure(List.of("conn-listener.listeners.echo.path=/tmp/echo.sock",
				"conn-listener.listeners.echo.address=127.0.0.1"),
				"Listener 'echo' on unix:/tmp/echo.sock cannot start: conn-listener.listeners.echo.address is "
						+ "'127.0.0.1', but the listener listens on a Unix domain socket "
						+ "(conn-listener.listeners.echo.path), which has no IP address.",
				"Set conn-listener.listeners.echo.address to no value (remove it), or replace "
						+ "conn-listener.listeners.echo.path by a port to listen on TCP.");
	}

	@Test
	void tcpNoDelayOfAUnixListener() {
		assertFailure(List.of("conn-listener.listeners.echo.path=/tmp/echo.sock",
				"conn-listener.listeners.echo.tcp-no-delay=false"),
				"Listener 'echo' on unix:/tmp/echo.sock cannot start: conn-listener.listeners.echo.tcp-no-delay is "
						+ "false, but TCP_NODELAY is a TCP option and the listener listens on a Unix domain socket "
						+ "(conn-listener.listeners.echo.path).",
				"Set conn-listener.listeners.echo.tcp-no-delay to no value (remove it).");
	}

	@Test
	void trustedProxiesOfAUnixListener() {
		assertFailure(List.of("conn-listener.listeners.echo.path=/tmp/echo.sock",
				"conn-listener.listeners.echo.proxy-protocol=required",
				"conn-listener.listeners.echo.trusted-proxies=10.0.0.0/8"),
				"Listener 'echo' on unix:/tmp/echo.sock cannot start: conn-listener.listeners.echo.trusted-proxies is "
						+ "[10.0.0.0/8], but peers of a Unix domain socket (conn-listener.listeners.echo.path) have no "
						+ "address to check: whoever may open the socket file is trusted.",
				"Set conn-listener.listeners.echo.trusted-proxies to no value (remove it), and let path-permissions "
						+ "decide who may connect.");
	}

	@ParameterizedTest
	@ValueSource(strings = { "admission.rules=allow 10.0.0.0/8", "admission.max-connections-per-ip=3" })
	void addressAdmissionOfAUnixListenerWithoutProxyHeaders(String admission) {
		String key = admission.substring(0, admission.indexOf('='));
		String shown = key.equals("admission.rules") ? "[allow 10.0.0.0/8]" : "3";
		assertFailure(List.of("conn-listener.listeners.echo.path=/tmp/echo.sock", "conn-listener.listeners.echo." + admission),
				"Listener 'echo' on unix:/tmp/echo.sock cannot start: conn-listener.listeners.echo." + key + " is " + shown
						+ ", but peers of a Unix domain socket (conn-listener.listeners.echo.path) have no IP address, "
						+ "so it applies only to client addresses from PROXY headers.",
				"Set conn-listener.listeners.echo." + key + " to no value (remove it), or set "
						+ "conn-listener.listeners.echo.proxy-protocol to required behind a proxy that sends the header.");
	}

	@Test
	void bothPortAndPath() {
		assertFailure(
				List.of("conn-listener.listeners.echo.port=9876", "conn-listener.listeners.echo.path=/tmp/echo.sock"),
				"Listener 'echo' has two addresses: conn-listener.listeners.echo.port is 9876 and "
						+ "conn-listener.listeners.echo.path is /tmp/echo.sock.",
				"Remove conn-listener.listeners.echo.port or conn-listener.listeners.echo.path: a listener listens on "
						+ "either a TCP port or a Unix domain socket.");
	}

	@Test
	void addressThatDoesNotResolve() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876",
				"conn-listener.listeners.echo.address=no-such-host.invalid"),
				"Listener 'echo' on no-such-host.invalid:9876 cannot start: conn-listener.listeners.echo.address is "
						+ "'no-such-host.invalid', which is neither an IP address nor a host name that resolves.",
				"Set conn-listener.listeners.echo.address to an IP address or a resolvable host name of this machine, "
						+ "such as 127.0.0.1, or to 0.0.0.0 to listen on every IPv4 interface (:: for IPv6 too).");
	}

	@Test
	void negativeDurationInTheDefaults() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876",
				"conn-listener.defaults.accept-error-backoff.initial=-5ms"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.defaults.accept-error-backoff.initial "
						+ "is -5ms, but it must be a positive duration.",
				"Set conn-listener.defaults.accept-error-backoff.initial to a positive duration such as 50ms.");
	}

	@Test
	void backoffMaxShorterThanInitial() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876",
				"conn-listener.listeners.echo.accept-error-backoff.max=10ms"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.accept-error-backoff.max "
						+ "is 10ms, but it must not be shorter than accept-error-backoff.initial (50ms).",
				"Set conn-listener.listeners.echo.accept-error-backoff.max to a duration of at least 50ms.");
	}

	@Test
	void backlogZero() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876", "conn-listener.listeners.echo.backlog=0"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.backlog is 0, "
						+ "but 0 would mean that the socket is already listening.",
				"Set conn-listener.listeners.echo.backlog to a positive listen queue length, or -1 for the "
						+ "kernel's somaxconn.");
	}

	@Test
	void valueOfTheWrongType() {
		assertFailure(List.of("conn-listener.listeners.echo.port=98x76"),
				"Listener 'echo' on 0.0.0.0:98x76 cannot start: conn-listener.listeners.echo.port is '98x76' "
						+ "(from \"conn-listener.listeners.echo.port\" from property source \"test\"), "
						+ "which is not a whole number.",
				"Set conn-listener.listeners.echo.port to a whole number.");
	}

	@Test
	void unknownOption() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876",
				"conn-listener.listeners.echo.options=reuseable,close-on-fre"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.options is "
						+ "'reuseable,close-on-fre' (from \"conn-listener.listeners.echo.options\" from property "
						+ "source \"test\"), which is not a list of listener options from [leave-sockets-blocking, "
						+ "close-on-free, close-on-exec, reuseable, reuseable-port, threadsafe, disabled, "
						+ "deferred-accept, bind-ipv6only].",
				"Set conn-listener.listeners.echo.options to a list of listener options from [leave-sockets-blocking, "
						+ "close-on-free, close-on-exec, reuseable, reuseable-port, threadsafe, disabled, "
						+ "deferred-accept, bind-ipv6only].");
	}

	@Test
	void proxyProtocolRequiredWithoutTrustedProxies() {
		assertFailure(
				List.of("conn-listener.listeners.echo.port=9876", "conn-listener.listeners.echo.proxy-protocol=required"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.trusted-proxies is empty, "
						+ "but proxy-protocol is required, so the listener must know which proxies may send a header "
						+ "(it would close every connection otherwise).",
				"Set conn-listener.listeners.echo.trusted-proxies to the addresses or CIDR ranges of the proxies in "
						+ "front of it, such as 10.0.0.0/8, or set conn-listener.listeners.echo.proxy-protocol to off.");
	}

	@Test
	void trustedProxyThatIsNotARange() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876", "conn-listener.defaults.proxy-protocol=required",
				"conn-listener.defaults.trusted-proxies=10.0.0.0/8,10.1.0.1/16"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.defaults.trusted-proxies[1] is "
						+ "'10.1.0.1/16', but it is not an IP address or CIDR range (Invalid CIDR range '10.1.0.1/16': "
						+ "the address has bits set beyond the /16 prefix; did you mean '10.1.0.0/16'?).",
				"Set conn-listener.defaults.trusted-proxies[1] to an IP address or CIDR range of a proxy, such as "
						+ "10.0.0.0/8 or 2001:db8::/32.");
	}

	@Test
	void proxyProtocolModeThatDoesNotExist() {
		assertFailure(
				List.of("conn-listener.listeners.echo.port=9876", "conn-listener.listeners.echo.proxy-protocol=optional"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.proxy-protocol is "
						+ "'optional' (from \"conn-listener.listeners.echo.proxy-protocol\" from property source "
						+ "\"test\"), which is not one of [off, required].",
				"Set conn-listener.listeners.echo.proxy-protocol to one of [off, required].");
	}

	@Test
	void unknownListenerKey() {
		assertFailure(
				List.of("conn-listener.listeners.echo.port=9876", "conn-listener.listeners.echo.max-conections=5"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.max-conections "
						+ "(from \"conn-listener.listeners.echo.max-conections\" from property source \"test\") "
						+ "is not a listener property.",
				"Remove conn-listener.listeners.echo.max-conections or correct its name. A listener takes: "
						+ LISTENER_KEYS + ".");
	}

	@Test
	void admissionRuleWithAnInvalidCidrRange() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876",
				"conn-listener.listeners.echo.admission.rules[0]=allow 10.0.0.0/33"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.admission.rules[0] is "
						+ "'allow 10.0.0.0/33', but '10.0.0.0/33' is not a CIDR range: the prefix length 33 must be from "
						+ "0 to 32.",
				"Set conn-listener.listeners.echo.admission.rules[0] to 'allow <cidr>' with an IPv4 or IPv6 range "
						+ "such as 10.0.0.0/8 or fd00::/8.");
	}

	@Test
	void admissionRuleWithoutAllowOrDenyInTheDefaults() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876",
				"conn-listener.defaults.admission.rules=deny 10.1.0.0/16, permit 10.0.0.0/8"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.defaults.admission.rules[1] is "
						+ "'permit 10.0.0.0/8', but a rule must read 'allow <cidr>' or 'deny <cidr>'.",
				"Set conn-listener.defaults.admission.rules[1] to a rule such as 'allow 10.0.0.0/8' or "
						+ "'deny 10.1.0.0/16'.");
	}

	@Test
	void resumeLevelNotBelowTheConnectionLimit() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876", "conn-listener.listeners.echo.max-connections=100",
				"conn-listener.listeners.echo.max-connections-resume=100"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.max-connections-resume "
						+ "is 100, but it must be at least 0 and less than max-connections (100).",
				"Set conn-listener.listeners.echo.max-connections-resume to a number from 0 to 99, or leave it unset "
						+ "for 90% of max-connections.");
	}

	@Test
	void unknownConnectionLimitAction() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876",
				"conn-listener.listeners.echo.max-connections-action=drop"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.max-connections-action is "
						+ "'drop' (from \"conn-listener.listeners.echo.max-connections-action\" from property source "
						+ "\"test\"), which is not one of [pause, close].",
				"Set conn-listener.listeners.echo.max-connections-action to one of [pause, close].");
	}

	@Test
	void negativeIdleTimeout() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876", "conn-listener.listeners.echo.idle-timeout=-1s"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.idle-timeout is -1000ms, "
						+ "but it must not be negative.",
				"Set conn-listener.listeners.echo.idle-timeout to a duration such as 300000ms, or 0 for none.");
	}

	@Test
	void negativeAcceptRate() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876",
				"conn-listener.defaults.admission.accept-rate=-10"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.defaults.admission.accept-rate is -10.0, "
						+ "but it must be from 0 (no limit) to 1000000000.",
				"Set conn-listener.defaults.admission.accept-rate to 0 for no limit, or the most connections admitted "
						+ "per second, such as 100.");
	}

	@Test
	void readBufferSizeTooSmall() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876",
				"conn-listener.listeners.echo.buffered.read-buffer-size=16B"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.buffered.read-buffer-size "
						+ "is 16B, but it must be from 64B to 4MB.",
				"Set conn-listener.listeners.echo.buffered.read-buffer-size to a size such as 16KB.");
	}

	@Test
	void writeLowWatermarkAboveTheHighOne() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876",
				"conn-listener.listeners.echo.buffered.write-low-watermark=128KB"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.buffered.write-low-watermark "
						+ "is 131072B, but it must not be above buffered.write-high-watermark (16384B).",
				"Set conn-listener.listeners.echo.buffered.write-low-watermark to a size of at most 16384B.");
	}

	@Test
	void watermarkThatIsNotASize() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876",
				"conn-listener.listeners.echo.buffered.read-high-watermark=lots"),
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.buffered.read-high-watermark "
						+ "is 'lots' (from \"conn-listener.listeners.echo.buffered.read-high-watermark\" from property "
						+ "source \"test\"), which is not a size such as 64KB or 1MB.",
				"Set conn-listener.listeners.echo.buffered.read-high-watermark to a size such as 64KB or 1MB.");
	}

	@ParameterizedTest
	@ValueSource(strings = { "port=70000", "idle-timeout=-5s", "admission.rules=allow 10.0.0.0/33",
			"options=reuseable,close-on-fre", "max-conections=5" })
	void invalidValueLeavesNothingBound(String invalid) throws IOException {
		int port;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = probe.getLocalPort();
		}
		// The valid listener comes first, so a failure at bind time would have bound it.
		this.contextRunner.withUserConfiguration(SecondListenerHandler.class)
			.withPropertyValues("conn-listener.defaults.address=127.0.0.1", "conn-listener.listeners.echo.port=" + port,
					"conn-listener.listeners.second.port=0", "conn-listener.listeners.second." + invalid)
			.run((context) -> {
				Throwable failure = context.getStartupFailure();
				assertThat(failure).isNotNull();
				FailureAnalysis analysis = analyze(failure, new MockEnvironment());
				assertThat(analysis).isNotNull();
				String key = invalid.substring(0, invalid.indexOf('='));
				assertThat(analysis.getDescription())
					.contains("conn-listener.listeners.second." + (key.equals("admission.rules") ? key + "[0]" : key));
			});
		try (ServerSocket again = new ServerSocket()) {
			again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			assertThat(again.getLocalPort()).isEqualTo(port);
		}
	}

	@Test
	void unknownTopLevelKey() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876", "conn-listener.io-thread=2"),
				"Listeners cannot start: conn-listener.io-thread (from \"conn-listener.io-thread\" from property "
						+ "source \"test\") is not a conn-listener property.",
				"Remove conn-listener.io-thread or correct its name. Under conn-listener go: enabled, io-threads, "
						+ "dedicated-acceptor-loop, arrival-batching, connection-observations, message-observations, defaults.*, "
						+ "listeners.<name>.*.");
	}

	@ParameterizedTest
	@ValueSource(strings = { "port", "path", "inherited", "channel-bean" })
	void listenerOnlyKeyInTheDefaults(String key) {
		String property = "conn-listener.defaults." + key;
		assertFailure(List.of("conn-listener.listeners.echo.port=9876", property + "=1"),
				"Listeners cannot start: " + property + " (from \"" + property + "\" from property source "
						+ "\"test\") is not a conn-listener property.",
				"Remove " + property + " or correct its name. Defaults take: address, backlog, options, enabled, "
						+ "max-connections, max-connections-action, max-connections-resume, idle-timeout, "
						+ "write-timeout, spare-file-descriptor, tcp-no-delay, admission.rules, "
						+ "admission.max-connections-per-ip, admission.accept-rate, admission.accept-burst, "
						+ "buffered.read-buffer-size, buffered.read-high-watermark, buffered.write-high-watermark, "
						+ "buffered.write-low-watermark, accept-error-backoff.initial, accept-error-backoff.max, "
						+ "max-accepts-per-wakeup, deferred-accept-timeout, proxy-protocol, trusted-proxies, "
						+ "proxy-protocol-timeout, acceptors, follow-readiness, unbind-on-disable, disable-delay, "
						+ "path-permissions, tls.bundle, tls.server-name-bundles[].server-name, "
						+ "tls.server-name-bundles[].bundle, tls.client-auth, tls.handshake-timeout, "
						+ "tls.client-hello-max-size, tls.application-protocols, framing.type, framing.max-frame-size, framing.frame-timeout, framing.charset, framing.delimiter, "
						+ "framing.length-field.size, framing.length-field.offset, framing.length-field.adjustment, "
						+ "framing.length-field.strip, framing.length-field.order, framing.record-size.");
	}

	@Test
	void listenerWithoutHandler() {
		assertFailure(List.of("conn-listener.listeners.echo.port=9876", "conn-listener.listeners.other.port=9877"),
				"Listener 'other' on 0.0.0.0:9877 (conn-listener.listeners.other) has no handler: no bean is "
						+ "annotated with @ConnectionHandler(\"other\").",
				"Annotate the bean that serves listener 'other' with @ConnectionHandler(\"other\"), or remove "
						+ "conn-listener.listeners.other from the configuration.");
	}

	@Test
	void handlerNamingNoListener() {
		this.contextRunner.withUserConfiguration(MisnamedHandler.class)
			.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.defaults.address=127.0.0.1")
			.run((context) -> assertAnalysis(context.getStartupFailure(), new MockEnvironment(),
					"Bean 'ekoHandler' is annotated with @ConnectionHandler(\"eko\"), but no listener 'eko' is "
							+ "configured under conn-listener.listeners.eko. Configured listeners: [echo].",
					"Configure listener 'eko' with conn-listener.listeners.eko.port (or .path), or change "
							+ "@ConnectionHandler on bean 'ekoHandler' to name a configured listener."));
	}

	@Test
	void twoHandlersForOneListener() {
		this.contextRunner.withUserConfiguration(SecondEchoHandler.class)
			.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.defaults.address=127.0.0.1")
			.run((context) -> assertAnalysis(context.getStartupFailure(), new MockEnvironment(),
					"Listener 'echo' on 127.0.0.1:0 (conn-listener.listeners.echo) has 2 handlers: beans "
							+ "'secondEchoHandler', 'echoHandler' are annotated with @ConnectionHandler(\"echo\").",
					"Keep @ConnectionHandler(\"echo\") on one bean only, or configure another listener under "
							+ "conn-listener.listeners.<name> for each other handler."));
	}

	@Test
	void handlerOfNoHandlerType() {
		this.contextRunner.withUserConfiguration(NotAHandler.class)
			.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.listeners.other.port=0",
					"conn-listener.defaults.address=127.0.0.1")
			.run((context) -> assertAnalysis(context.getStartupFailure(), new MockEnvironment(),
					"Bean 'otherHandler' of type java.lang.String is annotated with @ConnectionHandler(\"other\") "
							+ "for listener 'other' on 127.0.0.1:0, but implements no handler interface.",
					"Make bean 'otherHandler' implement AcceptCallback (raw), BufferedHandler (buffered), "
							+ "BlockingConnectionHandler (blocking) or MessageHandler (message)."));
	}

	@Test
	void noIoThreads() {
		assertFailure(List.of("conn-listener.io-threads=0"),
				"Listeners cannot start: conn-listener.io-threads is 0, but at least one I/O thread is needed.",
				"Set conn-listener.io-threads to 1 or more, or leave it unset for one per processor.");
	}

	@Test
	void arrivalBatchingOutOfRange() {
		assertFailure(List.of("conn-listener.arrival-batching=2s"),
				"Listeners cannot start: conn-listener.arrival-batching is 2000ms, but it must be from 0 (no pause) to 1000ms.",
				"Set conn-listener.arrival-batching to a duration such as 20us, or 0 to never pause.");
		assertFailure(List.of("conn-listener.arrival-batching=-1ms"),
				"Listeners cannot start: conn-listener.arrival-batching is -1ms, but it must be from 0 (no pause) to 1000ms.",
				"Set conn-listener.arrival-batching to a duration such as 20us, or 0 to never pause.");
	}

	@Test
	void portInUse() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			int port = taken.getLocalPort();
			assertFailure(List.of("conn-listener.listeners.echo.port=" + port,
					"conn-listener.listeners.echo.address=127.0.0.1"),
					"Listener 'echo' failed to start: port " + port
							+ " on 127.0.0.1 (conn-listener.listeners.echo.port) was already in use.",
					"Identify and stop the process that is listening on port " + port
							+ ", or set conn-listener.listeners.echo.port to another port (0 picks a free one).");
		}
	}

	@Test
	void addressNotOfThisMachine() {
		// 192.0.2.1 is TEST-NET-1 (RFC 5737): an IP literal no interface holds.
		assertFailure(List.of("conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=192.0.2.1"),
				"Listener 'echo' failed to start: 192.0.2.1 (conn-listener.listeners.echo.address) is not an address "
						+ "of this machine, so port 0 cannot be bound on it.",
				"Set conn-listener.listeners.echo.address to an address of one of this machine's interfaces, such as "
						+ "127.0.0.1, or to 0.0.0.0 to listen on every IPv4 interface (:: for IPv6 too).");
	}

	@Test
	void secondListenerFailingClosesTheFirst() throws IOException {
		int firstPort;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			firstPort = probe.getLocalPort();
		}
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			this.contextRunner.withUserConfiguration(SecondListenerHandler.class)
				.withPropertyValues("conn-listener.defaults.address=127.0.0.1",
						"conn-listener.listeners.echo.port=" + firstPort,
						"conn-listener.listeners.second.port=" + taken.getLocalPort())
				.run((context) -> assertThat(context.getStartupFailure())
					.hasRootCauseInstanceOf(java.net.BindException.class));
		}
		try (ServerSocket again = new ServerSocket()) {
			again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), firstPort));
			assertThat(again.getLocalPort()).isEqualTo(firstPort);
		}
	}

	@Test
	void applicationFailsToStartWithTheAnalysis() throws InterruptedException {
		SpringApplicationBuilder application = new SpringApplicationBuilder(EchoApplication.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.properties("conn-listener.io-threads=1", "conn-listener.listeners.echo.port=0",
					"conn-listener.listeners.echo.adress=127.0.0.1");
		assertThatException().isThrownBy(application::run);
		assertThat(this.log.awaitEntry(Level.ERROR, "APPLICATION FAILED TO START").message())
			.contains("Listener 'echo' on 0.0.0.0:0 cannot start: conn-listener.listeners.echo.adress")
			.contains("Remove conn-listener.listeners.echo.adress or correct its name.");
	}

	private void assertNoAddress(ApplicationContextRunner runner) {
		runner.run((context) -> assertAnalysis(context.getStartupFailure(), new MockEnvironment(), NO_ADDRESS,
				NO_ADDRESS_ACTION));
	}

	private void assertFailure(List<String> properties, String description, String action) {
		this.contextRunner.withPropertyValues(properties.toArray(String[]::new))
			.run((context) -> assertAnalysis(context.getStartupFailure(), environment(properties), description,
					action));
	}

	static Environment environment(List<String> properties) {
		MockEnvironment environment = new MockEnvironment();
		for (String property : properties) {
			int equals = property.indexOf('=');
			environment.setProperty(property.substring(0, equals), property.substring(equals + 1));
		}
		return environment;
	}

	static void assertAnalysis(Throwable failure, Environment environment, String description, String action) {
		assertThat(failure).isNotNull();
		FailureAnalysis analysis = analyze(failure, environment);
		assertThat(analysis).as("analysis of %s", failure).isNotNull();
		assertThat(analysis.getDescription()).isEqualTo(description);
		assertThat(analysis.getAction()).isEqualTo(action);
	}

	static FailureAnalysis analyze(Throwable failure, Environment environment) {
		List<FailureAnalyzer> analyzers = List.of(new ListenerPropertiesFailureAnalyzer(environment),
				new ListenerBindFailureAnalyzer(), new ListenerConfigurationFailureAnalyzer());
		for (FailureAnalyzer analyzer : analyzers) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		return null;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ConnListenerAutoConfiguration.class)
	@Import(EchoGreeterConfiguration.class)
	static class EchoApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class MisnamedHandler {

		@Bean
		@ConnectionHandler("eko")
		AcceptCallback ekoHandler() {
			return TestHandlers.greeter("eko");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondEchoHandler {

		@Bean
		@ConnectionHandler("echo")
		@Order(1)
		AcceptCallback secondEchoHandler() {
			return TestHandlers.greeter("echo2");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NotAHandler {

		@Bean
		@ConnectionHandler("other")
		String otherHandler() {
			return "not a handler";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondListenerHandler {

		@Bean
		@ConnectionHandler("second")
		AcceptCallback secondHandler() {
			return TestHandlers.greeter("second");
		}

	}

}
