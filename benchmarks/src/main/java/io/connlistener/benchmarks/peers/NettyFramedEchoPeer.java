package io.connlistener.benchmarks.peers;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;

/**
 * A line server as a Netty user writes one, on ONE NIO event loop that both accepts and
 * serves: {@code LineBasedFrameDecoder} (64 KiB at most, the line end stripped),
 * {@code StringDecoder} and {@code StringEncoder} in UTF-8, and a handler that answers the
 * sample app's command {@code ECHO <text>} with {@code ctx.writeAndFlush(text + "\r\n")}: the
 * reference of the framed-echo scenario.
 */
public final class NettyFramedEchoPeer {

	/** The longest line, as the framed peers of listener-core and the sample app take by default. */
	static final int MAX_LINE_LENGTH = 64 * 1024;

	private NettyFramedEchoPeer() {
	}

	public static void main(String[] args) throws InterruptedException {
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		try {
			Channel server = new ServerBootstrap().group(group)
				.channel(NioServerSocketChannel.class)
				.option(ChannelOption.SO_BACKLOG, PeerSupport.BACKLOG)
				.childHandler(new LineInitializer())
				.bind(PeerSupport.LOOPBACK)
				.sync()
				.channel();
			PeerSupport.ready(server.localAddress());
			PeerSupport.awaitStop();
			server.close().sync();
		}
		finally {
			group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		}
		System.exit(0);
	}

	/** The line decoder and the string codecs, then the answering handler, in every pipeline. */
	static final class LineInitializer extends ChannelInitializer<SocketChannel> {

		private final StringDecoder decoder = new StringDecoder(StandardCharsets.UTF_8);

		private final StringEncoder encoder = new StringEncoder(StandardCharsets.UTF_8);

		private final LineHandler handler = new LineHandler();

		@Override
		protected void initChannel(SocketChannel channel) {
			channel.pipeline()
				.addLast(new LineBasedFrameDecoder(MAX_LINE_LENGTH), this.decoder, this.encoder, this.handler);
		}

	}

	@Sharable
	static final class LineHandler extends SimpleChannelInboundHandler<String> {

		private static final String ECHO = "ECHO ";

		private static final String UNKNOWN = "ERR unknown command\r\n";

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, String line) {
			// The sample app's ECHO command: the rest of the line comes back.
			ctx.writeAndFlush(line.startsWith(ECHO) ? line.substring(ECHO.length()) + "\r\n" : UNKNOWN);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
		}

	}

}
