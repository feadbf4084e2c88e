package io.connlistener.admission;

import java.util.Objects;

/**
 * One rule of a listener's admission list: allow or deny the clients whose address is in a
 * {@link CidrRange}. Rules are evaluated in order and the first rule that matches decides;
 * see {@link AdmissionSettings} for what happens when none matches. Immutable.
 *
 * @param action what to do with a matching client
 * @param range the client addresses the rule matches
 */
public record AdmissionRule(Action action, CidrRange range) {

	/**
	 * Check the rule.
	 * @throws NullPointerException if a component is {@code null}
	 */
	public AdmissionRule {
		Objects.requireNonNull(action, "'action' must not be null");
		Objects.requireNonNull(range, "'range' must not be null");
	}

	/**
	 * Create a rule that admits the clients in a range.
	 * @param cidr the range, as {@link CidrRange#parse(String)} reads it
	 * @return the rule
	 */
	public static AdmissionRule allow(String cidr) {
		return new AdmissionRule(Action.ALLOW, CidrRange.parse(cidr));
	}

	/**
	 * Create a rule that closes connections from the clients in a range.
	 * @param cidr the range, as {@link CidrRange#parse(String)} reads it
	 * @return the rule
	 */
	public static AdmissionRule deny(String cidr) {
		return new AdmissionRule(Action.DENY, CidrRange.parse(cidr));
	}

	/**
	 * Return the rule as {@code allow 10.0.0.0/8} or {@code deny ::1/128}.
	 */
	@Override
	public String toString() {
		return this.action.name().toLowerCase(java.util.Locale.ROOT) + " " + this.range;
	}

	/**
	 * What a rule does with a client that matches it.
	 */
	public enum Action {

		/**
		 * Admit the client (other checks, such as the per-IP cap, still apply).
		 */
		ALLOW,

		/**
		 * Close the connection before any callback sees it, counted as
		 * {@link io.connlistener.RejectionReason#DENIED DENIED}.
		 */
		DENY

	}

}
