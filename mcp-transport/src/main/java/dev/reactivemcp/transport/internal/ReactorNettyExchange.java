package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.McpTransportException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * The end of every filter chain: one HTTP exchange over Reactor Netty. The response is emitted as soon as its
 * status and headers arrive; its body streams from the connection, which is closed when the body is cancelled or
 * released. Connection-level failures become typed {@link McpTransportException}s.
 */
public final class ReactorNettyExchange implements ExchangeFunction {

    private final HttpClient client;

    /** Exchanges through {@code client} (redirects are not followed: MCP endpoints do not redirect POSTs). */
    public ReactorNettyExchange(HttpClient client) {
        this.client = client.followRedirect(false);
    }

    @Override
    public Mono<McpHttpResponse> exchange(McpHttpRequest request) {
        byte[] body = request.body();
        HttpClient.RequestSender sender = client
                .headers(h -> request.headers().asMap().forEach((name, values) -> values.forEach(v -> h.add(name, v))))
                .request(HttpMethod.valueOf(request.method()))
                .uri(request.uri());
        HttpClient.ResponseReceiver<?> receiver = body.length == 0 && !"POST".equals(request.method())
                ? sender
                : sender.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
        return receiver.responseConnection((response, connection) -> toResponse(request, response, connection))
                .next()
                .onErrorMap(e -> !(e instanceof McpException), e -> connectionFailure(request, e));
    }

    private static Mono<McpHttpResponse> toResponse(McpHttpRequest sent, HttpClientResponse response,
                                                   Connection connection) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.responseHeaders().forEach(e ->
                headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return Mono.just(McpHttpResponse.streaming(sent, response.status().code(), Headers.of(headers),
                () -> connection.inbound().receive()
                        .map(ReactorNettyExchange::copy)
                        .doOnCancel(connection::dispose)
                        .onErrorMap(e -> !(e instanceof McpException), e -> streamFailure(e)),
                () -> Mono.fromRunnable(connection::dispose)));
    }

    private static byte[] copy(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    private static McpTransportException connectionFailure(McpHttpRequest request, Throwable e) {
        String detail = e.getClass().getSimpleName() + " during " + request.method() + " " + request.uri();
        return new McpTransportException(connectionKind(e, detail), detail, e);
    }

    private static McpTransportException streamFailure(Throwable e) {
        String detail = e.getClass().getSimpleName() + " while reading the response body";
        return new McpTransportException(connectionKind(e, detail), detail, e);
    }

    /** The classifier's finer kind (refused, reset, premature close, DNS, TLS, timeout) when it has one. */
    private static McpFailure connectionKind(Throwable e, String detail) {
        McpFailure f = McpFailures.classify(e);
        if (f instanceof McpFailure.ConnectionFailure c) {
            return new McpFailure.ConnectionFailure(c.kind(), detail);
        }
        return f instanceof McpFailure.Timeout ? f : new McpFailure.ConnectionFailure(detail);
    }

}
