package dev.reactivemcp.faults;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fault-injecting TCP proxy on loopback between an MCP client and a real server, every fault switchable at run
 * time. The client-to-server direction is HTTP/1.1-aware (it forwards whole requests, so it can answer 503 instead
 * of forwarding, and count how often a request carrying a marker reached the server); the server-to-client direction
 * is a byte pump where resets, half-closes, latency and bandwidth limits are injected.
 *
 * <p>Deliberately blocking, two plain daemon threads per connection: it is test equipment, never on a Reactor or
 * Netty thread, and its timing (sleeps for latency and bandwidth) is the fault it injects. It listens on port 0.
 */
final class FaultProxy implements AutoCloseable {

    /** Markers the driver puts into tool arguments: {@code fx<run>-<call>}. */
    static final Pattern MARKER = Pattern.compile("fx\\d+-\\d+");

    private static final Pattern HANDSHAKE = Pattern.compile("\"method\"\\s*:\\s*\"(initialize|server/discover)\"");
    private static final byte[] STATUS_LINE = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SSE = "text/event-stream".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MID_STREAM_BODY_BYTES = 12; // into the first SSE event, before its data ends

    private final int upstreamPort;
    private final int port;
    private volatile ServerSocket listener;
    private volatile boolean closed;

    // Faults (all off by default). Byte budgets are per connection, drawn uniformly from [1, max].
    private volatile long latencyMillis;
    private volatile int bytesPerSecond;
    private volatile int resetAfterMaxBytes;
    private volatile double midStreamResetProbability;
    private volatile int halfCloseAfterMaxBytes;
    private volatile boolean blackHole;
    private volatile boolean serviceUnavailable;
    private volatile String retryAfter;
    private volatile boolean down;

    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> forwardedMarkers = new ConcurrentHashMap<>();
    /** Markers whose request the server refused without running it (HTTP 400 or 404 answer: an unknown session). */
    private final Map<String, AtomicInteger> refusedMarkers = new ConcurrentHashMap<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong injected = new AtomicLong();
    private final AtomicLong withoutSession = new AtomicLong();

    private FaultProxy(int upstreamPort, ServerSocket listener) {
        this.upstreamPort = upstreamPort;
        this.listener = listener;
        this.port = listener.getLocalPort();
        startAcceptor(listener);
    }

    static FaultProxy start(int upstreamPort) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
            return new FaultProxy(upstreamPort, socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on loopback", e);
        }
    }

    URI mcpUri() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    // ------------------------------------------------------------------ switches ---

    /** Turns every fault off (connections already broken stay broken). */
    void clear() {
        latencyMillis = 0;
        bytesPerSecond = 0;
        resetAfterMaxBytes = 0;
        midStreamResetProbability = 0;
        halfCloseAfterMaxBytes = 0;
        blackHole = false;
        serviceUnavailable = false;
        retryAfter = null;
        if (down) {
            up();
        }
    }

    void latency(long millis) { latencyMillis = millis; }

    void bandwidth(int bytesPerSecond) { this.bytesPerSecond = bytesPerSecond; }

    /** Every connection is reset (RST) after a random number of server-to-client bytes in [1, max]. */
    void resetAfterBytes(int max) { resetAfterMaxBytes = max; }

    /** With this probability, an SSE response is reset after its head and a few bytes of its first event. */
    void midStreamReset(double probability) { midStreamResetProbability = probability; }

    /** Every connection is half-closed towards the client (FIN, server side dropped) after [1, max] bytes. */
    void halfCloseAfterBytes(int max) { halfCloseAfterMaxBytes = max; }

    /** New connections are accepted and never answered; traffic on existing ones is dropped silently. */
    void blackHole(boolean on) { blackHole = on; }

    /** Every request is answered {@code 503} (with {@code Retry-After} when not null) and its connection closed. */
    void serviceUnavailable(boolean on, String retryAfterValue) {
        retryAfter = retryAfterValue;
        serviceUnavailable = on;
    }

    /** The upstream goes away: the listener closes (connection refused) and every connection is reset. */
    synchronized void down() {
        if (down) {
            return;
        }
        down = true;
        closeQuietly(listener);
        for (Connection c : open) {
            c.reset();
        }
    }

    /** The upstream comes back on the same port. */
    synchronized void up() {
        if (!down) {
            return;
        }
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                ServerSocket socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
                listener = socket;
                down = false;
                startAcceptor(socket);
                return;
            } catch (IOException e) {
                last = e;
                pause(20);
            }
        }
        throw new UncheckedIOException("cannot listen again on port " + port, last);
    }

    // ------------------------------------------------------------------ figures ---

    /** Client connections the proxy holds open now. */
    int openConnections() {
        return open.size();
    }

    /**
     * Open client connections that the proxy stopped answering (a request black-holed, or half-closed towards the
     * client): a client that still holds them after the fault has kept a connection it can never use again.
     */
    int openUnanswerable() {
        int n = 0;
        for (Connection c : open) {
            if (c.blackHoled) {
                n++;
            }
        }
        return n;
    }

    /**
     * POSTs forwarded without an {@code Mcp-Session-Id} header that are not a handshake ({@code initialize},
     * {@code server/discover}): calls sent while the client had no session (the re-initialization race of issue 10).
     */
    long forwardedWithoutSession() {
        return withoutSession.get();
    }

    long acceptedConnections() {
        return accepted.get();
    }

    long injectedFaults() {
        return injected.get();
    }

    /** How many times a request carrying this marker was forwarded, whole, to the server. */
    int forwarded(String marker) {
        AtomicInteger n = forwardedMarkers.get(marker);
        return n == null ? 0 : n.get();
    }

    /**
     * How many times a request carrying this marker was refused by the server with HTTP 400 or 404 (server-everything's
     * answer to a session id it does not know, e.g. after a restart): the server did not run it.
     */
    int refused(String marker) {
        AtomicInteger n = refusedMarkers.get(marker);
        return n == null ? 0 : n.get();
    }

    /**
     * Markers with this prefix that the server ran more than once: forwarded, less the forwards the server refused
     * without running them. Responses are matched to requests in order per connection (HTTP/1.1, no pipelining).
     */
    int executedMoreThanOnce(String prefix) {
        int n = 0;
        for (Map.Entry<String, AtomicInteger> e : forwardedMarkers.entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getValue().get() - refused(e.getKey()) > 1) {
                n++;
            }
        }
        return n;
    }

    /** Markers with this prefix forwarded more than once. */
    int forwardedMoreThanOnce(String prefix) {
        int n = 0;
        for (Map.Entry<String, AtomicInteger> e : forwardedMarkers.entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getValue().get() > 1) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (Connection c : open) {
            c.reset();
        }
    }

    // ------------------------------------------------------------------ plumbing ---

    private void startAcceptor(ServerSocket socket) {
        Thread t = new Thread(() -> {
            while (!closed && !socket.isClosed()) {
                Socket client;
                try {
                    client = socket.accept();
                } catch (IOException e) {
                    return; // closed (down() or close())
                }
                if (down || closed || socket != listener) {
                    // ServerSocket.close() does not wait for a thread blocked in accept(): the kernel socket listens
                    // until that thread leaves, so a connection can still be accepted just after down(). A proxy that
                    // is down answers nothing: reset it.
                    try {
                        client.setSoLinger(true, 0);
                    } catch (SocketException ignored) {
                        // already closed
                    }
                    closeQuietly(client);
                    return;
                }
                accepted.incrementAndGet();
                Connection c = new Connection(client);
                open.add(c);
                daemon("fault-proxy-c2s-" + client.getPort(), c::clientToServer).start();
            }
        }, "fault-proxy-accept-" + port);
        t.setDaemon(true);
        t.start();
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** One client connection and, unless black-holed, its upstream connection. */
    private final class Connection {
        private final Socket client;
        private volatile Socket upstream;
        private volatile boolean blackHoled;
        private final Object clientWrite = new Object();
        /** Markers of the requests forwarded on this connection whose response has not started yet, in order. */
        private final java.util.Queue<java.util.List<String>> awaiting = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private int resetBudget = -1;
        private int halfCloseBudget = -1;
        private boolean midStreamArmed;

        Connection(Socket client) {
            this.client = client;
        }

        void clientToServer() {
            try {
                client.setTcpNoDelay(true);
                InputStream in = client.getInputStream();
                if (blackHole) {
                    blackHoled = true;
                    injected.incrementAndGet();
                    drain(in);
                    return;
                }
                Socket up = new Socket();
                try {
                    up.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 2000);
                    up.setTcpNoDelay(true);
                } catch (IOException refused) {
                    closeQuietly(up);
                    reset();
                    return;
                }
                upstream = up;
                daemon("fault-proxy-s2c-" + client.getPort(), this::serverToClient).start();
                OutputStream out = up.getOutputStream();
                HttpRequestReader reader = new HttpRequestReader(new BufferedInputStream(in, 8192));
                byte[] request;
                while ((request = reader.next()) != null) {
                    if (blackHole || blackHoled) {
                        if (!blackHoled) {
                            injected.incrementAndGet();
                        }
                        blackHoled = true;
                        continue;
                    }
                    if (serviceUnavailable) {
                        injected.incrementAndGet();
                        answer503();
                        return;
                    }
                    awaiting.add(countMarkers(reader.body()));
                    countSessionless(reader);
                    out.write(request);
                    out.flush();
                }
                // the client closed: nothing more can reach it, close both sides (finally)
            } catch (IOException e) {
                reset();
            } finally {
                closeAll();
            }
        }

        void serverToClient() {
            byte[] buf = new byte[8192];
            try {
                InputStream in = upstream.getInputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (blackHole || blackHoled) {
                        if (!blackHoled) {
                            injected.incrementAndGet();
                        }
                        blackHoled = true;
                        continue;
                    }
                    noteResponses(buf, n);
                    if (!forward(buf, n)) {
                        return;
                    }
                }
                // the server closed: close towards the client (FIN)
                synchronized (clientWrite) {
                    if (!client.isClosed()) {
                        client.shutdownOutput();
                    }
                }
            } catch (IOException e) {
                reset(); // an upstream reset is passed on as a reset
            }
        }

        /** Forwards n bytes with the faults in force; false when the connection was broken on purpose. */
        private boolean forward(byte[] buf, int n) throws IOException {
            long latency = latencyMillis;
            if (latency > 0) {
                pause(latency);
            }
            int resetMax = resetAfterMaxBytes;
            if (resetMax > 0) {
                if (resetBudget < 0) {
                    resetBudget = 1 + ThreadLocalRandom.current().nextInt(resetMax);
                }
                if (n >= resetBudget) { // the budget counts from when it was drawn
                    write(buf, 0, resetBudget);
                    injected.incrementAndGet();
                    reset();
                    return false;
                }
                resetBudget -= n;
            }
            int halfMax = halfCloseAfterMaxBytes;
            if (halfMax > 0) {
                if (halfCloseBudget < 0) {
                    halfCloseBudget = 1 + ThreadLocalRandom.current().nextInt(halfMax);
                }
                if (n >= halfCloseBudget) {
                    write(buf, 0, halfCloseBudget);
                    injected.incrementAndGet();
                    synchronized (clientWrite) {
                        client.shutdownOutput(); // FIN to the client; its requests are read and dropped
                    }
                    blackHoled = true;
                    closeQuietly(upstream);
                    return false;
                }
                halfCloseBudget -= n;
            }
            if (midStreamArmed) {
                write(buf, 0, Math.min(n, MID_STREAM_BODY_BYTES));
                injected.incrementAndGet();
                reset();
                return false;
            }
            double p = midStreamResetProbability;
            if (p > 0) {
                int sse = indexOf(buf, 0, n, SSE);
                if (sse >= 0 && ThreadLocalRandom.current().nextDouble() < p) {
                    int headEnd = indexOf(buf, sse, n, HEAD_END);
                    if (headEnd >= 0 && headEnd + HEAD_END.length + MID_STREAM_BODY_BYTES < n) {
                        write(buf, 0, headEnd + HEAD_END.length + MID_STREAM_BODY_BYTES);
                        injected.incrementAndGet();
                        reset();
                        return false;
                    }
                    int upTo = headEnd >= 0 ? headEnd + HEAD_END.length : n;
                    write(buf, 0, upTo);
                    if (upTo < n) {
                        write(buf, upTo, Math.min(n - upTo, MID_STREAM_BODY_BYTES - 1));
                        injected.incrementAndGet();
                        reset();
                        return false;
                    }
                    midStreamArmed = true;
                    return true;
                }
            }
            write(buf, 0, n);
            return true;
        }

        private void write(byte[] buf, int off, int len) throws IOException {
            int rate = bytesPerSecond;
            OutputStream out = client.getOutputStream();
            if (rate <= 0) {
                synchronized (clientWrite) {
                    out.write(buf, off, len);
                    out.flush();
                }
            } else {
                int slice = Math.max(1, rate / 20); // 50 ms slices
                for (int i = off; i < off + len; i += slice) {
                    synchronized (clientWrite) {
                        out.write(buf, i, Math.min(slice, off + len - i));
                        out.flush();
                    }
                    pause(50);
                }
            }
        }

        private void answer503() throws IOException {
            String ra = retryAfter;
            String body = "{\"error\":\"injected 503\"}";
            String response = "HTTP/1.1 503 Service Unavailable\r\n"
                    + (ra == null ? "" : "Retry-After: " + ra + "\r\n")
                    + "Content-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body;
            synchronized (clientWrite) {
                OutputStream out = client.getOutputStream();
                out.write(response.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }

        private void drain(InputStream in) throws IOException {
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // accepted, never answered
            }
        }

        void reset() {
            try {
                client.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // already closed
            }
            Socket u = upstream;
            if (u != null) {
                try {
                    u.setSoLinger(true, 0);
                } catch (SocketException ignored) {
                    // already closed
                }
            }
            closeAll();
        }

        private void closeAll() {
            closeQuietly(client);
            closeQuietly(upstream);
            open.remove(this);
        }

        private void countSessionless(HttpRequestReader reader) {
            String head = reader.head().toLowerCase(Locale.ROOT);
            if (head.startsWith("post ") && !head.contains("\r\nmcp-session-id:")) {
                String body = new String(reader.body(), StandardCharsets.UTF_8);
                if (!HANDSHAKE.matcher(body).find()) {
                    withoutSession.incrementAndGet();
                }
            }
        }

        private java.util.List<String> countMarkers(byte[] body) {
            java.util.List<String> found = new java.util.ArrayList<>(1);
            Matcher m = MARKER.matcher(new String(body, StandardCharsets.ISO_8859_1));
            while (m.find()) {
                forwardedMarkers.computeIfAbsent(m.group(), k -> new AtomicInteger()).incrementAndGet();
                found.add(m.group());
            }
            return found;
        }

        /** Each response head in these bytes answers the oldest request still awaiting one on this connection. */
        private void noteResponses(byte[] buf, int n) {
            int from = 0;
            int at;
            while ((at = indexOf(buf, from, n, STATUS_LINE)) >= 0) {
                int code = at + STATUS_LINE.length + 3 <= n
                        ? parseStatus(buf, at + STATUS_LINE.length) : -1;
                java.util.List<String> markers = awaiting.poll();
                if (markers != null && (code == 400 || code == 404)) {
                    for (String marker : markers) {
                        refusedMarkers.computeIfAbsent(marker, k -> new AtomicInteger()).incrementAndGet();
                    }
                }
                from = at + STATUS_LINE.length;
            }
        }
    }

    /** Reads whole HTTP/1.1 requests (head and body, Content-Length or chunked) as raw bytes. */
    static final class HttpRequestReader {
        private final InputStream in;
        private byte[] body = new byte[0];
        private String head = "";

        HttpRequestReader(InputStream in) {
            this.in = in;
        }

        /** The next request's bytes, or null at a clean end of stream between requests. */
        byte[] next() throws IOException {
            ByteArrayOutputStream raw = new ByteArrayOutputStream(1024);
            String head = readHead(raw);
            if (head == null) {
                return null;
            }
            this.head = head;
            long length = 0;
            boolean chunked = false;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            ByteArrayOutputStream decoded = new ByteArrayOutputStream();
            if (chunked) {
                while (true) {
                    String sizeLine = readLine(raw);
                    int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
                    if (size == 0) {
                        while (!readLine(raw).isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    copy(raw, decoded, size);
                    readLine(raw); // the CRLF after the chunk
                }
            } else {
                copy(raw, decoded, length);
            }
            body = decoded.toByteArray();
            return raw.toByteArray();
        }

        /** The head (request line and headers) of the request {@link #next()} returned last. */
        String head() {
            return head;
        }

        /** The body of the request {@link #next()} returned last, without chunk framing. */
        byte[] body() {
            return body;
        }

        private String readHead(ByteArrayOutputStream raw) throws IOException {
            StringBuilder head = new StringBuilder();
            int matched = 0;
            int b;
            boolean any = false;
            while ((b = in.read()) >= 0) {
                any = true;
                raw.write(b);
                head.append((char) b);
                matched = (b == HEAD_END[matched]) ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == 4) {
                    return head.toString();
                }
            }
            if (any) {
                throw new EOFException("end of stream inside a request head");
            }
            return null;
        }

        private String readLine(ByteArrayOutputStream raw) throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                raw.write(b);
                if (b == '\n') {
                    int len = line.length();
                    return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
                }
                line.append((char) b);
            }
            throw new EOFException("end of stream inside a chunked body");
        }

        private void copy(ByteArrayOutputStream raw, ByteArrayOutputStream decoded, long n) throws IOException {
            byte[] buf = new byte[4096];
            while (n > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, n));
                if (r < 0) {
                    throw new EOFException("end of stream inside a request body");
                }
                raw.write(buf, 0, r);
                decoded.write(buf, 0, r);
                n -= r;
            }
        }
    }

    private static int parseStatus(byte[] buf, int at) {
        int code = 0;
        for (int i = at; i < at + 3; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                return -1;
            }
            code = code * 10 + (buf[i] - '0');
        }
        return code;
    }

    static int indexOf(byte[] buf, int from, int to, byte[] needle) {
        outer:
        for (int i = Math.max(0, from); i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
