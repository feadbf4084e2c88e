/**
 * What a managed listener knows of the connections it serves: which are open, why each
 * closed, and the outcomes of all, counted once per connection.
 */
package io.connlistener.boot.listener.tracking;
