package io.connlistener.benchmarks.peers;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * Netty's echo server as its own example writes it, on ONE event loop that both accepts
 * and serves: {@code channelRead} writes, {@code channelReadComplete} flushes. The first
 * argument picks the transport: {@code nio} (JDK selector) or {@code epoll} (native). Exits
 * with status 2 if the transport is not available on this machine.
 * <p>
 * With two more arguments, {@code jdk} or {@code openssl} and a {@link TlsFiles} folder, it
 * serves TLS: an {@code SslHandler} first in each connection's pipeline, from
 * {@code SslContextBuilder.forServer(certificate, key)} with that provider and Netty's
 * defaults otherwise, then the same echo handler. {@code openssl} is
 * {@code netty-tcnative-boringssl-static}; it exits with status 2 if that cannot load.
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
		SslContext tls = (args.length > 2) ? tls(args[1], Path.of(args[2])) : null;
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ioHandler);
		try {
			Channel server = new ServerBootstrap().group(group)
				.channel(channelType)
				.option(ChannelOption.SO_BACKLOG, PeerSupport.BACKLOG)
				.childHandler((tls != null) ? new TlsInitializer(tls) : new EchoHandler())
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

	private static SslContext tls(String provider, Path folder) {
		boolean openssl = "openssl".equals(provider);
		if (openssl && !OpenSsl.isAvailable()) {
			System.err.println("OpenSSL is not available: " + OpenSsl.unavailabilityCause());
			System.exit(2);
		}
		try {
			return SslContextBuilder
				.forServer(folder.resolve(TlsFiles.CERTIFICATE).toFile(), folder.resolve(TlsFiles.PRIVATE_KEY).toFile())
				.sslProvider(openssl ? SslProvider.OPENSSL : SslProvider.JDK)
				.build();
		}
		catch (SSLException ex) {
			System.err.println("Cannot load the certificate of " + folder + ": " + ex);
			System.exit(2);
			return null;
		}
	}

	/** An {@code SslHandler}, then the echo handler, in every accepted connection's pipeline. */
	static final class TlsInitializer extends ChannelInitializer<SocketChannel> {

		private final ChannelHandler echo = new EchoHandler();

		private final SslContext context;

		TlsInitializer(SslContext context) {
			this.context = context;
		}

		@Override
		protected void initChannel(SocketChannel channel) {
			channel.pipeline().addLast(this.context.newHandler(channel.alloc()), this.echo);
		}

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
