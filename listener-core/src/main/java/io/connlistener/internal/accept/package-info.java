/**
 * The accept path of a listener: the bounded accept loop, the pipeline of stages an
 * accepted connection goes through (IPv6-only check, PROXY header, admission, deferred
 * accept, hand-over), the connections waiting in a stage, the counts, and what happens when
 * accept fails. Not exported by the module; a new stage implements
 * {@link io.connlistener.internal.accept.AcceptStage} and is added where the listener lists
 * its stages.
 */
package io.connlistener.internal.accept;
