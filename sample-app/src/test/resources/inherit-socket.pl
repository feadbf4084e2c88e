#!/usr/bin/perl
# Runs a command with a listening TCP socket on 127.0.0.1:PORT as its standard input, as
# systemd (StandardInput=socket, Accept=no) and inetd (wait) start a service:
#   perl inherit-socket.pl PORT command [args...]
use strict;
use warnings;
use Socket;
use POSIX ();

my $port = shift @ARGV or die "usage: inherit-socket.pl PORT command [args...]\n";
socket(my $server, PF_INET, SOCK_STREAM, getprotobyname('tcp')) or die "socket: $!\n";
setsockopt($server, SOL_SOCKET, SO_REUSEADDR, pack('l', 1)) or die "setsockopt: $!\n";
bind($server, pack_sockaddr_in($port, inet_aton('127.0.0.1'))) or die "bind 127.0.0.1:$port: $!\n";
listen($server, SOMAXCONN) or die "listen: $!\n";
# Descriptor 0 becomes the listening socket; dup2 clears close-on-exec on it.
POSIX::dup2(fileno($server), 0) or die "dup2: $!\n";
close($server);
exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\n";
