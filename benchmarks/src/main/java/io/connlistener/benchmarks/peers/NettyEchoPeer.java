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
 * argument picks the transport: {@code nio} (JDK selector) or {@code epoll} (native), and
 * {@code nio-boss} is NIO with a boss loop of its own that accepts, as Netty users
 * configure a server ({@code group(boss, worker)}). With {@value PeerSupport#IO_THREADS} set,
 * the loops that serve are that many. Exits with status 2 if the transport is not available
 * on this machine.
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
		boolean boss = args.length > 0 && "nio-boss".equals(args[0]);
		if (epoll && !Epoll.isAvailable()) {
			System.err.println("Epoll is not available: " + Epoll.unavailabilityCause());
			System.exit(2);
		}
		IoHandlerFactory ioHandler = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
				: NioServerSocketChannel.class;
		SslContext tls = null;
		if (args.length > 2) {
			boolean openssl = "openssl".equals(args[1]);
			if (openssl && !OpenSsl.isAvailable()) {
				System.err.println("OpenSSL is not available: " + OpenSsl.unavailabilityCause());
				System.exit(2);
			}
			if (openssl && !OpenSsl.versionString().contains("BoringSSL")) {
				// The peer is reported as BoringSSL's: a system OpenSSL found instead would be another peer.
				System.err.println("netty-tcnative loaded " + OpenSsl.versionString() + ", not BoringSSL");
				System.exit(2);
			}
			try {
				tls = sslContext(openssl ? SslProvider.OPENSSL : SslProvider.JDK, Path.of(args[2]));
			}
			catch (SSLException ex) {
				System.err.println("Cannot load the certificate of " + args[2] + ": " + ex);
				System.exit(2);
			}
		}
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(PeerSupport.ioThreads(), ioHandler);
		EventLoopGroup bossGroup = boss ? new MultiThreadIoEventLoopGroup(1, ioHandler) : group;
		try {
			Channel server = bootstrap(bossGroup, group, channelType, tls).bind(PeerSupport.LOOPBACK).sync().channel();
			PeerSupport.ready(server.localAddress());
			PeerSupport.awaitStop();
			server.close().sync();
		}
		finally {
			bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
			group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		}
		System.exit(0);
	}

	/**
	 * Return the server's bootstrap, before it binds.
	 * @param group the one event loop
	 * @param channelType the server channel of the group's transport
	 * @param tls the TLS context, or {@code null} for plain TCP
	 * @return the bootstrap
	 */
	public static ServerBootstrap bootstrap(EventLoopGroup group, Class<? extends ServerChannel> channelType,
			SslContext tls) {
		return bootstrap(group, group, channelType, tls);
	}

	/**
	 * Return the server's bootstrap, before it binds.
	 * @param boss the loop that accepts, {@code group} itself for one group that does all
	 * @param group the loops that serve the connections
	 * @param channelType the server channel of the groups' transport
	 * @param tls the TLS context, or {@code null} for plain TCP
	 * @return the bootstrap
	 */
	public static ServerBootstrap bootstrap(EventLoopGroup boss, EventLoopGroup group,
			Class<? extends ServerChannel> channelType, SslContext tls) {
		return new ServerBootstrap().group(boss, group)
			.channel(channelType)
			.option(ChannelOption.SO_BACKLOG, PeerSupport.BACKLOG)
			.childHandler((tls != null) ? new TlsInitializer(tls) : new EchoHandler());
	}

	/**
	 * Create the server's TLS context from the PEM files of a {@link TlsFiles} folder, with
	 * Netty's defaults but the provider.
	 * @param provider {@code JDK} or {@code OPENSSL}
	 * @param folder the folder
	 * @return the context
	 * @throws SSLException if the files do not load
	 */
	public static SslContext sslContext(SslProvider provider, Path folder) throws SSLException {
		return SslContextBuilder
			.forServer(folder.resolve(TlsFiles.CERTIFICATE).toFile(), folder.resolve(TlsFiles.PRIVATE_KEY).toFile())
			.sslProvider(provider)
			.build();
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
