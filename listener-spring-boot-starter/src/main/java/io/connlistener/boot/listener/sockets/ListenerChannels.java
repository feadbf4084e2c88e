package io.connlistener.boot.listener.sockets;

import java.nio.channels.ServerSocketChannel;

import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ListenerProblem;

/**
 * Finds the channels that listeners adopt instead of binding an address: the channel the
 * process inherited, and the application's {@link ServerSocketChannel} beans.
 */
public interface ListenerChannels {

	/**
	 * Finds no channel: every listener must bind its address.
	 */
	ListenerChannels NONE = new ListenerChannels() {

		@Override
		public ServerSocketChannel bean(ListenerDefinition definition) {
			throw AdoptedChannels.noChannel(definition, ListenerProblem.NO_CHANNEL_BEANS, null);
		}

	};

	/**
	 * Return the listening channel the process inherited as standard input.
	 * @param definition the listener that adopts it
	 * @return the channel
	 * @throws ListenerConfigurationException if the process inherited no listening socket
	 */
	default ServerSocketChannel inherited(ListenerDefinition definition) {
		return AdoptedChannels.inherited(definition);
	}

	/**
	 * Return the channel bean a listener names.
	 * @param definition the listener that adopts it
	 * @return the channel
	 * @throws ListenerConfigurationException if there is no such bean or it is not bound
	 */
	ServerSocketChannel bean(ListenerDefinition definition);

}
