package io.connlistener.boot.listener.serving;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import io.connlistener.ConnectionSetup;

/**
 * The input of a blocking connection whose {@link ConnectionSetup} is followed: the first
 * read that returns bytes ends the setup. Read by the handler's thread.
 */
final class SetupEndingInputStream extends FilterInputStream {

	private ConnectionSetup setup;

	SetupEndingInputStream(InputStream in, ConnectionSetup setup) {
		super(in);
		this.setup = setup;
	}

	@Override
	public int read() throws IOException {
		int read = super.read();
		if (read >= 0) {
			ready();
		}
		return read;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		int read = super.read(b, off, len);
		if (read > 0) {
			ready();
		}
		return read;
	}

	private void ready() {
		if (this.setup != null) {
			this.setup.ready();
			this.setup = null;
		}
	}

}
