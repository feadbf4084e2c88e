/**
 * connlistener's core: event loops, connection listeners and buffered connections on the JDK
 * alone. The packages under {@code io.connlistener.internal} are not exported: their types
 * are public only so that the exported packages can use them.
 */
module io.connlistener.core {

	exports io.connlistener;
	exports io.connlistener.admission;
	exports io.connlistener.buffer;
	exports io.connlistener.framing;
	exports io.connlistener.loop;
	exports io.connlistener.proxy;
	exports io.connlistener.tls;

}
