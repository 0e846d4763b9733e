package dev.reactivemcp.oauth.tokens;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.OAuthErrorBody;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.internal.TokenRefresher;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/** A minimal refresh-token grant over Reactor Netty for tests, independent of the login flow. */
final class HttpRefresher implements TokenRefresher {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient client = HttpClient.create();
    private final Clock clock;

    HttpRefresher(Clock clock) {
        this.clock = clock;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Mono<OAuthTokens> refresh(StoredCredentials current) {
        String form = "grant_type=refresh_token&refresh_token="
                + URLEncoder.encode(current.tokens().refreshToken(), StandardCharsets.UTF_8)
                + "&client_id=" + URLEncoder.encode(current.key().clientId(), StandardCharsets.UTF_8);
        return client.headers(h -> h.set("Content-Type", "application/x-www-form-urlencoded"))
                .post().uri(current.tokenEndpoint())
                .send(reactor.netty.ByteBufFlux.fromString(Mono.just(form)))
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("").map(text -> {
                    if (response.status().code() != 200) {
                        McpFailure failure = OAuthErrorBody.parse(text).<McpFailure>map(McpFailure.TokenRefreshFailed::of)
                                .orElse(McpFailure.TokenRefreshFailed.transientFailure("HTTP " + response.status().code()));
                        throw new McpException(failure, "refresh failed", null);
                    }
                    Map<String, Object> json = JSON.readValue(text, Map.class);
                    Number expiresIn = (Number) json.get("expires_in");
                    return new OAuthTokens((String) json.get("access_token"), (String) json.get("token_type"),
                            (String) json.get("refresh_token"),
                            expiresIn == null ? null : clock.instant().plusSeconds(expiresIn.longValue()), Set.of());
                }));
    }
}
