package io.connlistener.benchmarks.peers;

import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Netty's echo server as its own example writes it, on ONE event loop that both accepts
 * and serves: {@code channelRead} writes, {@code channelReadComplete} flushes. The first
 * argument picks the transport: {@code nio} (JDK selector) or {@code epoll} (native). Exits
 * with status 2 if the transport is not available on this machine.
 */
public final class NettyEchoPeer {

	private NettyEchoPeer() {
	}

	public static void main(String[] args) throws InterruptedException {
		boolean epoll = args.length > 0 && "epoll".equals(args[0]);
		if (epoll && !Epoll.isAvailable()) {
			System.err.println("Epoll is not available: " + Epoll.unavailabilityCause());
			System.exit(2);
		}
		IoHandlerFactory ioHandler = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
				: NioServerSocketChannel.class;
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ioHandler);
		try {
			Channel server = new ServerBootstrap().group(group)
				.channel(channelType)
				.option(ChannelOption.SO_BACKLOG, PeerSupport.BACKLOG)
				.childHandler(new EchoHandler())
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

	@Sharable
	static final class EchoHandler extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ctx.write(msg);
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			ctx.flush();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
		}

	}

}
