package io.connlistener.boot.listener;

/**
 * What became of a broadcast to the connections of one listener.
 *
 * @param sent how many connections got it queued
 * @param skipped how many did not, as their output was above the write high watermark
 * @param closed how many closed meanwhile
 */
public record BroadcastResult(int sent, int skipped, int closed) {
}
