/**
 * Building blocks for modules layered on the transport: the seam through which {@code mcp-oauth} (or an
 * application's own {@link dev.reactivemcp.transport.ExchangeFilterFunction}) reaches the HTTP client, TLS trust,
 * JSON and request sharing that {@link dev.reactivemcp.transport.McpClient} itself uses, without depending on the
 * transport's internals or on its shaded Jackson.
 *
 * <ul>
 *   <li>{@link dev.reactivemcp.transport.spi.ReactorNettyExchange}: an
 *       {@link dev.reactivemcp.transport.ExchangeFunction} over a Reactor Netty {@code HttpClient}, with TLS trust
 *       and typed connection failures;</li>
 *   <li>{@link dev.reactivemcp.transport.spi.Tls}: a {@link dev.reactivemcp.transport.TlsTrust} applied to a
 *       Reactor Netty client;</li>
 *   <li>{@link dev.reactivemcp.transport.spi.JsonCodec} and {@link dev.reactivemcp.transport.spi.Json}: JSON text
 *       to free-form values ({@code Map<String, Object>}, {@code List<Object>}, strings, numbers, booleans) and
 *       back, and lenient typed reads of those values. No Jackson type appears in a signature;</li>
 *   <li>{@link dev.reactivemcp.transport.spi.SharedMono}: one run of a {@code Mono} shared by any number of
 *       concurrent subscribers.</li>
 * </ul>
 *
 * <pre>{@code
 * ExchangeFunction http = ReactorNettyExchange.create(HttpClient.create(), TlsTrust.pemFile(Path.of("ca.pem")));
 * Mono<Map<String, Object>> metadata = http.exchange(McpHttpRequest.of("GET", uri))
 *         .flatMap(response -> response.bodyBytes(64 * 1024))
 *         .map(body -> Json.asObject(JsonCodec.get().read(body, "metadata")));
 * }</pre>
 *
 * <p>Lower-level than {@code McpClient}, but API all the same: it follows the same compatibility rules and is
 * checked against the same API baseline.
 */
package dev.reactivemcp.transport.spi;
