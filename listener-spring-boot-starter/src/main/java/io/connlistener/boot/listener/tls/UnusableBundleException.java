package io.connlistener.boot.listener.tls;

/**
 * Thrown when an SSL bundle cannot serve a TLS listener: it has no key to serve, no trust
 * store to check client certificates against, or its stores cannot be read. Carries the
 * bundle and the {@link Reason}; at startup it becomes a failure that names the property,
 * on a reload a warning.
 */
public class UnusableBundleException extends Exception {

	private final String bundleName;

	private final Reason reason;

	private final String alias;

	/**
	 * Create a new exception.
	 * @param bundleName the bundle's name
	 * @param reason why it cannot be used
	 * @param alias the key alias the bundle names, or {@code null}
	 * @param cause the failure reading it, or {@code null}
	 */
	public UnusableBundleException(String bundleName, Reason reason, String alias, Throwable cause) {
		super(message(bundleName, reason, alias, cause), cause);
		this.bundleName = bundleName;
		this.reason = reason;
		this.alias = alias;
	}

	private static String message(String bundleName, Reason reason, String alias, Throwable cause) {
		String why = switch (reason) {
			case NO_KEY_STORE -> "it has no key store";
			case NO_PRIVATE_KEY -> "its key store holds no private key"
					+ ((alias != null) ? " under alias '" + alias + "'" : "");
			case KEY_DOES_NOT_MATCH -> "its private key"
					+ ((alias != null) ? " under alias '" + alias + "'" : "")
					+ " does not match the certificate it is stored with";
			case NO_TRUST_STORE -> "it has no trust store to check client certificates against";
			case UNREADABLE -> "it cannot be loaded: " + rootMessage(cause);
		};
		return "SSL bundle '" + bundleName + "' cannot serve TLS: " + why;
	}

	/**
	 * Return the message of the innermost cause, which says what is wrong with a file.
	 * @param failure the failure
	 * @return the message, or the type of the failure when it has none
	 */
	public static String rootMessage(Throwable failure) {
		if (failure == null) {
			return "unknown failure";
		}
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
		String outer = failure.getMessage();
		return (root != failure && outer != null && !outer.contains(message)) ? outer + ": " + message : message;
	}

	/**
	 * Return the name of the bundle.
	 * @return the bundle's name
	 */
	public String getBundleName() {
		return this.bundleName;
	}

	/**
	 * Return why the bundle cannot be used.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Return the key alias the bundle names.
	 * @return the alias, or {@code null}
	 */
	public String getAlias() {
		return this.alias;
	}

	/**
	 * Why an SSL bundle cannot serve a TLS listener.
	 */
	public enum Reason {

		/** The bundle has no key store (a PEM bundle without {@code keystore.*}). */
		NO_KEY_STORE,

		/** The key store holds no private key (under the alias, if the bundle names one). */
		NO_PRIVATE_KEY,

		/**
		 * The private key does not match the certificate stored with it, as when a reload
		 * reads a new certificate beside the old key.
		 */
		KEY_DOES_NOT_MATCH,

		/** Clients are asked for certificates, but the bundle has no trust store. */
		NO_TRUST_STORE,

		/** The stores or the context cannot be made: a missing file, bad content, a wrong password. */
		UNREADABLE

	}

}
