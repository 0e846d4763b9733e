package dev.reactivemcp.spring.webflux.internal;

import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One WebClient exchange seen through the token engine's types: the Spring request as an {@link McpHttpRequest}
 * (method, URI, headers; no body: the Spring body inserter stays with the Spring request and is replayed as is), each
 * attempt sent as the Spring request with the headers the engine chose, each Spring response seen as an
 * {@link McpHttpResponse} whose release is the Spring response's, and the one the engine delivers handed back as
 * the Spring response itself. Attempts of one exchange are sequential.
 */
public final class SpringExchange {

    private final ClientRequest original;
    private final ExchangeFunction next;
    private final Map<McpHttpResponse, ClientResponse> answers = Collections.synchronizedMap(new IdentityHashMap<>());

    public SpringExchange(ClientRequest original, ExchangeFunction next) {
        this.original = original;
        this.next = next;
    }

    /** The request as the engine sees it. */
    public McpHttpRequest request() {
        return McpHttpRequest.of(original.method().name(), original.url(), headersOf(original.headers()), new byte[0],
                null);
    }

    /** Sends one attempt: the Spring request with {@code attempt}'s headers (the engine's Authorization, DPoP). */
    public Mono<McpHttpResponse> send(McpHttpRequest attempt) {
        ClientRequest out = ClientRequest.from(original).headers(h -> {
            h.clear();
            attempt.headers().forEach(h::addAll);
        }).build();
        return next.exchange(out).map(response -> {
            McpHttpResponse seen = McpHttpResponse.streaming(attempt, response.statusCode().value(),
                    headersOf(response.headers().asHttpHeaders()), () -> bytes(response), response::releaseBody);
            answers.put(seen, response);
            return seen;
        });
    }

    /** The Spring response for what the engine delivers: the one received for it, else one built from it. */
    public ClientResponse delivered(McpHttpResponse response) {
        ClientResponse received = answers.remove(response);
        if (received != null) {
            answers.clear();
            return received;
        }
        return ClientResponse.create(HttpStatusCode.valueOf(response.status()))
                .headers(h -> response.headers().forEach(h::addAll))
                .body(response.body().map(DefaultDataBufferFactory.sharedInstance::wrap).map(DataBuffer.class::cast))
                .build();
    }

    private static Flux<byte[]> bytes(ClientResponse response) {
        return response.bodyToFlux(DataBuffer.class).map(buffer -> {
            try {
                byte[] bytes = new byte[buffer.readableByteCount()];
                buffer.read(bytes);
                return bytes;
            } finally {
                DataBufferUtils.release(buffer);
            }
        });
    }

    private static Headers headersOf(HttpHeaders spring) {
        Headers.Builder headers = Headers.builder();
        spring.forEach((name, values) -> addAll(headers, name, values));
        return headers.build();
    }

    private static void addAll(Headers.Builder headers, String name, List<String> values) {
        for (String value : values) {
            headers.add(name, value);
        }
    }
}
