package dev.reactivemcp.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP/1.1 server on plain sockets (port 0), so a test can break a connection at a chosen point: after part
 * of the request, after all of it, inside a streamed answer. Each connection runs on its own (test, not Reactor)
 * thread; requests on a connection are served in turn (keep-alive). Counts the requests it read whole, per JSON-RPC
 * method: what "reached the server" means.
 */
final class RawHttpServer implements AutoCloseable {

    /** What to do with one request. */
    sealed interface Action permits Answer, ResetAfterReading, ResetAfterBytes, SseThenReset, Silent { }

    /** Writes this raw HTTP response. */
    record Answer(String raw) implements Action { }

    /** Reads the whole request, then resets (RST). */
    record ResetAfterReading() implements Action { }

    /** Reads only {@code bytes} bytes of the request, then resets; the request does not count as received. */
    record ResetAfterBytes(int bytes) implements Action { }

    /** Answers 200 with an event stream, writes {@code partialEvent}, then resets. */
    record SseThenReset(String partialEvent) implements Action { }

    /** Reads the request and never answers. */
    record Silent() implements Action { }

    /** A request read whole (or its first bytes, for {@link ResetAfterBytes}). */
    record Request(String head, String body) {
        private static final Pattern METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");
        private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"");
        private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

        String rpcMethod() {
            return find(METHOD);
        }

        String toolName() {
            return find(NAME);
        }

        String id() {
            return find(ID);
        }

        private String find(Pattern p) {
            Matcher m = p.matcher(body);
            return m.find() ? m.group(1) : null;
        }
    }

    private final ServerSocket socket;
    private final Function<Request, Action> behaviour;
    private final Function<Request, Action> firstBytes;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * {@code beforeReading} decides on the request head alone (may return {@link ResetAfterBytes} or null);
     * {@code behaviour} decides once the request was read whole.
     */
    RawHttpServer(Function<Request, Action> beforeReading, Function<Request, Action> behaviour) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.behaviour = behaviour;
        this.firstBytes = beforeReading;
        this.acceptor = new Thread(this::accept, "raw-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    RawHttpServer(Function<Request, Action> behaviour) throws IOException {
        this(head -> null, behaviour);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
    }

    int port() {
        return socket.getLocalPort();
    }

    /** How many requests of {@code rpcMethod} (or {@code "tools/call:" + name}) were read whole. */
    int received(String key) {
        AtomicInteger n = received.get(key);
        return n == null ? 0 : n.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = socket.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "raw-http-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (!closed) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                int length = contentLength(head);
                Action early = firstBytes.apply(new Request(head, ""));
                if (early instanceof ResetAfterBytes r) {
                    in.readNBytes(Math.max(0, Math.min(r.bytes(), length)));
                    reset(s);
                    return;
                }
                Request request = new Request(head, new String(in.readNBytes(length), StandardCharsets.UTF_8));
                if (request.rpcMethod() != null) {
                    count(request.rpcMethod());
                    if ("tools/call".equals(request.rpcMethod())) {
                        count("tools/call:" + request.toolName());
                    }
                }
                Action action = behaviour.apply(request);
                if (action instanceof Answer a) {
                    out.write(a.raw().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } else if (action instanceof ResetAfterReading) {
                    reset(s);
                    return;
                } else if (action instanceof SseThenReset sse) {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + Integer.toHexString(sse.partialEvent().length()) + "\r\n" + sse.partialEvent() + "\r\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    reset(s);
                    return;
                } else {
                    while (!closed && in.read() >= 0) {
                        // Silent: hold the connection, answer nothing
                    }
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private void count(String key) {
        received.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) ? state + 1 : (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
            if (state == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }

    /** A JSON answer with keep-alive. */
    static Answer json(int status, String body) {
        return new Answer("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
    }

    /** A JSON-RPC result for {@code request}. */
    static Answer result(Request request, String resultJson) {
        return json(200, "{\"jsonrpc\":\"2.0\",\"id\":" + request.id() + ",\"result\":" + resultJson + "}");
    }

    /** A status without a body, with extra header lines ("Name: value"). */
    static Answer status(int status, String... headers) {
        return new Answer("HTTP/1.1 " + status + " X\r\n" + String.join("", java.util.Arrays.stream(headers)
                .map(h -> h + "\r\n").toList()) + "Content-Length: 0\r\n\r\n");
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
