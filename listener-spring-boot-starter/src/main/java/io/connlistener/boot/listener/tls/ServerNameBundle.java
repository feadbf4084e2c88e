package io.connlistener.boot.listener.tls;

import java.util.Locale;

import org.springframework.util.Assert;

/**
 * The SSL bundle a TLS listener serves to clients that ask for a host name with SNI.
 *
 * @param serverName the host name, in lower case: exact, such as {@code a.example.test}, or a
 * wildcard of one label, such as {@code *.example.test}
 * @param bundle the name of the SSL bundle served for it
 */
public record ServerNameBundle(String serverName, String bundle) {

	private static final String WILDCARD = "*.";

	/**
	 * Check the mapping and put the host name in lower case, as SNI host names compare.
	 */
	public ServerNameBundle {
		Assert.hasText(serverName, "'serverName' must not be empty");
		Assert.hasText(bundle, "'bundle' must not be empty");
		serverName = serverName.toLowerCase(Locale.ROOT);
	}

	/**
	 * Return whether the host name is a wildcard of one label.
	 * @return {@code true} for {@code *.example.test}
	 */
	public boolean isWildcard() {
		return this.serverName.startsWith(WILDCARD);
	}

	/**
	 * Return the domain a wildcard covers the names of, or the host name itself.
	 * @return {@code example.test} for {@code *.example.test}
	 */
	String domain() {
		return isWildcard() ? this.serverName.substring(WILDCARD.length()) : this.serverName;
	}

}
