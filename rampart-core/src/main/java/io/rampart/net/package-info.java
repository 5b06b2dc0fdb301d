/**
 * Under the request path: the sockets themselves. Which Netty transport the gateway's event loops,
 * listeners and origin connections use ({@link io.rampart.net.Transport}): Linux's native epoll
 * when its library loads, Java's NIO otherwise.
 */
package io.rampart.net;
