package io.github.redisfilters.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP forwarder standing for a managed service's DNS name: NEW connections go to the
 * current target port; {@link #switchTo(int)} changes where new connections go and leaves every
 * open connection where it was — as a DNS flip does. One thread per direction per connection
 * (tests open a few dozen at most); {@link #close()} closes everything.
 */
public final class TcpForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile int targetPort;
    private volatile boolean closed;

    private TcpForwarder(InetAddress bind, int port, int targetPort) throws IOException {
        this.targetPort = targetPort;
        server = new ServerSocket(port, 200, bind);
        acceptor = new Thread(this::acceptLoop, "forwarder-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts forwarding new connections to {@code 127.0.0.1:targetPort}. */
    public static TcpForwarder start(int targetPort) {
        try {
            return new TcpForwarder(InetAddress.getLoopbackAddress(), 0, targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts forwarding from {@code bind:port} (a loopback address such as {@code 127.0.0.2}, so
     * that two forwarders can share a port and differ only by address, as DNS answers do).
     *
     * @throws IOException when that address and port cannot be bound
     */
    public static TcpForwarder start(InetAddress bind, int port, int targetPort) throws IOException {
        return new TcpForwarder(bind, port, targetPort);
    }

    /** The port the application connects to. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port();
    }

    /** New connections go to {@code port} from now on; open ones stay where they are. */
    public void switchTo(int port) {
        targetPort = port;
    }

    /** Where new connections go. */
    public int target() {
        return targetPort;
    }

    /** Connections accepted since start. */
    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
            } catch (IOException e) {
                // the target is gone: the client sees its connection closed at once
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (SocketException e) {
                // the other side closed
            } catch (IOException e) {
                // broken
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "forwarder-" + from.getPort() + "-" + to.getPort());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // nothing to do
        }
        sockets.forEach(TcpForwarder::closeQuietly);
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
